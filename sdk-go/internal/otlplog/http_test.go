package otlplog

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	colllogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"
)

func TestHTTPSenderPostsTheRequestAsTheSDKDoes(t *testing.T) {
	var got []byte
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header = r.Header
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got, _ = io.ReadAll(gz)
	}))
	t.Cleanup(srv.Close)
	s := NewHTTPSender(HTTPConfig{URL: srv.URL + "/v1/logs", Headers: map[string]string{"Authorization": "Bearer x"}, Gzip: true})
	if err := s.Send(context.Background(), []byte("request")); err != nil {
		t.Fatal(err)
	}
	if string(got) != "request" || header.Get("Content-Type") != "application/x-protobuf" || header.Get("Authorization") != "Bearer x" {
		t.Errorf("received %q with %v", got, header)
	}
}

// The SDK's OTLP/HTTP log exporter and the sender name themselves alike.
func TestHTTPSenderSendsTheSDKsUserAgent(t *testing.T) {
	agents := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents <- r.Header.Get("User-Agent")
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	exp, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(srv.URL+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(ctx) })
	var rec sdklog.Record
	rec.SetBody(attribute.StringValue("quote computed"))
	if err := exp.Export(ctx, []sdklog.Record{rec}); err != nil {
		t.Fatal(err)
	}
	if err := NewHTTPSender(HTTPConfig{URL: srv.URL + "/v1/logs"}).Send(ctx, []byte("request")); err != nil {
		t.Fatal(err)
	}
	sdk, ours := <-agents, <-agents
	if sdk == "" || ours != sdk {
		t.Errorf("User-Agent %q, the SDK's exporter sends %q", ours, sdk)
	}
}

func TestHTTPSenderRetriesWhatTheSDKRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	s := NewHTTPSender(HTTPConfig{URL: srv.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Send(ctx, []byte("request")); err != nil {
		t.Fatalf("after a 503 with Retry-After: %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2", calls.Load())
	}
}

func TestHTTPSenderFailsAtOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad record", http.StatusBadRequest)
	}))
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/v1/logs"
	_ = ln.Close()
	for _, tc := range []struct{ url, want string }{
		{srv.URL + "/v1/logs", "400 Bad Request (body: bad record)"},
		{refused, "connection refused"},
	} {
		start := time.Now()
		err := NewHTTPSender(HTTPConfig{URL: tc.url}).Send(context.Background(), bytes.Repeat([]byte{1}, 3))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.url, err, tc.want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: failed after %v, want at once (no retry)", tc.url, d)
		}
	}
}

func TestHTTPSenderReportsAPartialSuccess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := proto.Marshal(&colllogspb.ExportLogsServiceResponse{PartialSuccess: &colllogspb.ExportLogsPartialSuccess{
			RejectedLogRecords: 2, ErrorMessage: "too old",
		}})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	err := NewHTTPSender(HTTPConfig{URL: srv.URL}).Send(context.Background(), []byte("request"))
	if err == nil || err.Error() != "OTLP partial success: too old (2 logs rejected)" {
		t.Errorf("error %v, want the partial success named", err)
	}
}

// TestHTTPSenderReusesItsCopyBuffer: posting a body allocates far less
// than the body's copy buffer (32 KiB a request before).
func TestHTTPSenderReusesItsCopyBuffer(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are not counted under the race detector")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(srv.Close)
	s := NewHTTPSender(HTTPConfig{URL: srv.URL})
	body := bytes.Repeat([]byte("r"), 256<<10)
	send := func() {
		if err := s.Send(context.Background(), body); err != nil {
			t.Fatal(err)
		}
	}
	send() // the connection, the pools
	const sends = 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range sends {
		send()
	}
	runtime.ReadMemStats(&after)
	if perSend := (after.TotalAlloc - before.TotalAlloc) / sends; perSend > 16<<10 {
		t.Errorf("%d bytes allocated per request (client and server); want under 16 KiB", perSend)
	}
}
