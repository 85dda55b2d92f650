package seam

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
)

// propagator is Seam's wire contract: W3C trace context and baggage. Start
// installs it globally; the helpers here use it even before Start.
var propagator propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(
	propagation.TraceContext{}, propagation.Baggage{},
)

// Propagator returns the W3C tracecontext + baggage propagator Seam uses.
func Propagator() propagation.TextMapPropagator { return propagator }

// Inject writes ctx's trace context and baggage, and so its correlation ID,
// into carrier: the headers of an outgoing message or request.
func Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	propagator.Inject(ctx, carrier)
}

// Extract is the ingress of a message consumer: it reads the trace context
// and baggage from carrier into ctx, then mints a correlation ID when the
// message carried none.
func Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	ctx = propagator.Extract(ctx, carrier)
	ctx, _ = EnsureCorrelationID(ctx)
	return ctx
}

// BytesMapCarrier adapts byte-valued message headers (as AMQP, Pulsar and
// most Kafka clients expose them, once collected in a map) to
// propagation.TextMapCarrier. The zero value is not usable: make the map.
type BytesMapCarrier map[string][]byte

// Get returns the value under key, or "".
func (c BytesMapCarrier) Get(key string) string { return string(c[key]) }

// Set stores value under key.
func (c BytesMapCarrier) Set(key, value string) { c[key] = []byte(value) }

// Keys lists the keys present.
func (c BytesMapCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// FuncCarrier adapts any header representation to
// propagation.TextMapCarrier through three functions, for clients whose
// headers are an ordered list (Kafka record headers) or a typed table.
type FuncCarrier struct {
	GetFunc  func(key string) string
	SetFunc  func(key, value string)
	KeysFunc func() []string
}

// Get calls GetFunc, or returns "" when it is nil.
func (c FuncCarrier) Get(key string) string {
	if c.GetFunc == nil {
		return ""
	}
	return c.GetFunc(key)
}

// Set calls SetFunc, if any.
func (c FuncCarrier) Set(key, value string) {
	if c.SetFunc != nil {
		c.SetFunc(key, value)
	}
}

// Keys calls KeysFunc, or returns nil when it is nil.
func (c FuncCarrier) Keys() []string {
	if c.KeysFunc == nil {
		return nil
	}
	return c.KeysFunc()
}
