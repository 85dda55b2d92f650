// Package seamhttp instruments net/http servers and clients with otelhttp
// and carries Seam's correlation ID across them.
//
// Both use the global providers that seam.Start installs, so they may be
// created before Start runs, and Seam's own propagator (seam.Propagator:
// W3C tracecontext and baggage), whatever the global one is. The server records the semconv
// http.server.request.duration, which Start's views give the schema's
// buckets and attributes.
//
// A Crossing marks the client's calls to one operation as crossings of the
// Go/Rust boundary (a Rust service that took over the operation), the HTTP
// counterpart of sdk-go/boundary's FFI calls: it records
// seam.boundary.call.duration{seam.operation, seam.boundary.kind=http,
// error.type} and, when the Go fallback serves a failed call,
// seam.boundary.fallbacks, with the FFI boundary's attribute sets and rules:
//
//	fingerprint, err := seamhttp.NewCrossing("pricing.fingerprint",
//		seamhttp.CrossingOptions{Timeout: 100 * time.Millisecond})
//	err = fingerprint.Call(ctx, func(ctx context.Context) error {
//		resp, err := client.Do(req.WithContext(ctx)) // client: Transport(nil)
//		if err != nil {
//			return err
//		}
//		defer resp.Body.Close()
//		if err := seamhttp.CheckResponse(resp); err != nil {
//			return err // panic, timeout, invalid_input or internal
//		}
//		return json.NewDecoder(resp.Body).Decode(&out)
//	}, fingerprintInGo) // optional fallback
package seamhttp

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Handler wraps h as an instrumented ingress: it extracts the incoming W3C
// trace context and baggage, starts a server span named operation, keeps
// the request's correlation ID or mints one when it has none, and puts it
// on the span and in the request's context, so everything h logs or calls
// carries it. opts are passed to otelhttp after Seam's own.
func Handler(h http.Handler, operation string, opts ...otelhttp.Option) http.Handler {
	ingress := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, id := seam.EnsureCorrelationID(r.Context())
		trace.SpanFromContext(ctx).SetAttributes(semconv.SeamCorrelationID(id))
		inner := r.WithContext(ctx)
		h.ServeHTTP(w, inner)
		// otelhttp reads the matched route (http.route, the span name) and
		// any parsed form from the request it passed us; a ServeMux in h
		// set them on our copy.
		r.Pattern = inner.Pattern
		if inner.MultipartForm != nil {
			r.MultipartForm = inner.MultipartForm
		}
	})
	return otelhttp.NewHandler(ingress, operation, withSeam(opts)...)
}

// Transport wraps base (http.DefaultTransport when nil) so each request
// gets a client span and carries the trace context and baggage, and so the
// correlation ID, of its context. It never mints an ID: that is for
// ingress only.
func Transport(base http.RoundTripper, opts ...otelhttp.Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return otelhttp.NewTransport(base, withSeam(opts)...)
}

func withSeam(opts []otelhttp.Option) []otelhttp.Option {
	return append([]otelhttp.Option{otelhttp.WithPropagators(seam.Propagator()), withGlobalTracing()}, opts...)
}
