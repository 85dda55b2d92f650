package seamhttp

import (
	"context"
	"reflect"
	"sync/atomic"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/embedded"
)

// globalTracing is the tracer provider Handler and Transport give
// otelhttp: the global one, whatever it is when a request comes. Without
// a provider of its own otelhttp asks the global provider for its tracer
// on every request, a lookup under the provider's lock that cost about
// 2 µs of CPU a request in the pricing orchestrator; this asks again only
// when the global provider changed.
type globalTracing struct{ embedded.TracerProvider }

func (globalTracing) Tracer(name string, opts ...trace.TracerOption) trace.Tracer {
	return &globalTracer{name: name, opts: opts}
}

// globalTracer is one tracer of the global provider, kept for as long as
// that provider is the global one.
type globalTracer struct {
	embedded.Tracer
	name   string
	opts   []trace.TracerOption
	cached atomic.Pointer[providerTracer]
}

type providerTracer struct {
	provider trace.TracerProvider
	tracer   trace.Tracer
}

func (t *globalTracer) Start(ctx context.Context, spanName string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	return t.current().Start(ctx, spanName, opts...)
}

func (t *globalTracer) current() trace.Tracer {
	tp := otel.GetTracerProvider()
	if c := t.cached.Load(); c != nil && sameProvider(c.provider, tp) {
		return c.tracer
	}
	tracer := tp.Tracer(t.name, t.opts...)
	t.cached.Store(&providerTracer{provider: tp, tracer: tracer})
	return tracer
}

// sameProvider compares two providers without panicking on one that is not
// comparable (which is then looked up every time): a struct's type can be
// comparable while a value in one of its interface fields is not.
func sameProvider(a, b trace.TracerProvider) bool {
	return reflect.TypeOf(a) == reflect.TypeOf(b) && reflect.ValueOf(a).Comparable() && a == b
}

// withGlobalTracing is the otelhttp option for it.
func withGlobalTracing() otelhttp.Option { return otelhttp.WithTracerProvider(globalTracing{}) }
