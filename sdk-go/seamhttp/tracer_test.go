package seamhttp_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/seamhttp"
)

// countingProvider counts the tracer lookups made of it.
type countingProvider struct {
	trace.TracerProvider
	lookups atomic.Int64
}

func (p *countingProvider) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	p.lookups.Add(1)
	return p.TracerProvider.Tracer(name, opts...)
}

func installProvider(t *testing.T) (*countingProvider, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	p := &countingProvider{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))}
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(p)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	return p, rec
}

func getN(t *testing.T, client *http.Client, url string, n int) {
	t.Helper()
	for range n {
		resp, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

// The server and client look their tracer up once per global provider,
// not once per request, and follow a provider installed after them.
func TestHandlerAndTransportLookTheirTracerUpOncePerProvider(t *testing.T) {
	first, firstSpans := installProvider(t)
	srv := httptest.NewServer(seamhttp.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), "ping"))
	defer srv.Close()
	client := &http.Client{Transport: seamhttp.Transport(nil)}

	getN(t, client, srv.URL, 5)
	if got := len(firstSpans.Ended()); got != 10 {
		t.Errorf("%d spans ended, want 10 (a client and a server span per request)", got)
	}
	if got := first.lookups.Load(); got > 2 {
		t.Errorf("%d tracer lookups for 5 requests, want at most 2 (the server's and the client's)", got)
	}

	second, secondSpans := installProvider(t)
	getN(t, client, srv.URL, 1)
	if got := len(secondSpans.Ended()); got != 2 {
		t.Errorf("%d spans ended on the provider installed later, want 2", got)
	}
	if got := second.lookups.Load(); got != 2 {
		t.Errorf("%d tracer lookups of the provider installed later, want 2", got)
	}
}

// valueProvider is a provider of a comparable struct type whose field holds
// a value that is not comparable: comparing two of them panics.
type valueProvider struct {
	trace.TracerProvider
	tags any
}

// A provider whose type is comparable but whose value is not is looked up
// on every request rather than compared, which would panic in the request.
func TestHandlerUnderAProviderThatDoesNotCompare(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(valueProvider{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)),
		tags:           []string{"a"},
	})
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	srv := httptest.NewServer(seamhttp.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), "ping"))
	defer srv.Close()

	getN(t, srv.Client(), srv.URL, 2)
	if got := len(rec.Ended()); got != 2 {
		t.Errorf("%d server spans ended, want 2", got)
	}
}
