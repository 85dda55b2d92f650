package seam

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

func TestCorrelationID(t *testing.T) {
	ctx := context.Background()
	if id := CorrelationID(ctx); id != "" {
		t.Errorf("empty context carries %q", id)
	}
	ctx = WithCorrelationID(ctx, "order-42")
	if id := CorrelationID(ctx); id != "order-42" {
		t.Errorf("got %q", id)
	}
	for _, bad := range []string{"", "has space", `quo"te`, "a,b", "a;b", "back\\slash", "tab\t", "é", strings.Repeat("x", 129)} {
		if got := CorrelationID(WithCorrelationID(ctx, bad)); got != "order-42" {
			t.Errorf("WithCorrelationID(%q) changed the ID to %q", bad, got)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = CorrelationID(ctx) }); n != 0 {
		t.Errorf("CorrelationID allocates %v times", n)
	}
}

func TestNewCorrelationID(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for range 1000 {
		id := NewCorrelationID()
		if len(id) != 26 || strings.Trim(id, crockford) != "" {
			t.Fatalf("%q is not a ULID", id)
		}
		if seen[id] {
			t.Fatalf("duplicate %q", id)
		}
		seen[id] = true
		if id[:10] < prev { // the first ten characters are the millisecond timestamp
			t.Fatalf("%q sorts before an earlier %q", id, prev)
		}
		prev = id[:10]
	}
	// The time part decodes to now.
	var ms int64
	for _, c := range NewCorrelationID()[:10] {
		ms = ms<<5 | int64(strings.IndexRune(crockford, c))
	}
	if d := time.Since(time.UnixMilli(ms)); d < 0 || d > time.Minute {
		t.Errorf("timestamp part is %v away from now", d)
	}
}

// Ingress keeps an incoming ID, mints one only when there is none, and
// never makes up a trace ID.
func TestEnsureCorrelationID(t *testing.T) {
	ctx, id := EnsureCorrelationID(WithCorrelationID(context.Background(), "kept"))
	if id != "kept" || CorrelationID(ctx) != "kept" {
		t.Errorf("incoming ID replaced: %q", id)
	}
	ctx, id = EnsureCorrelationID(context.Background())
	if len(id) != 26 || CorrelationID(ctx) != id {
		t.Errorf("minted %q, context carries %q", id, CorrelationID(ctx))
	}
	if trace.SpanContextFromContext(ctx).IsValid() {
		t.Error("EnsureCorrelationID fabricated a trace context")
	}
}

// The ID crosses a message queue in the W3C baggage header, next to the
// trace context; a consumer of a message without one mints one.
func TestCarriers(t *testing.T) {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9}, SpanID: trace.SpanID{0x0f}, TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA"), sc)

	bytesHeaders := BytesMapCarrier{}
	Inject(ctx, bytesHeaders)
	if !strings.Contains(bytesHeaders.Get("baggage"), "seam.correlation_id=01JD4X7K2M9QZ8R6T5W3V1N0PA") ||
		!strings.HasPrefix(bytesHeaders.Get("traceparent"), "00-4bf9") {
		t.Errorf("injected %v", bytesHeaders)
	}

	// A Kafka-style ordered header list through FuncCarrier.
	type header struct {
		key   string
		value []byte
	}
	var list []header
	fc := FuncCarrier{
		GetFunc: func(k string) string {
			for _, h := range list {
				if h.key == k {
					return string(h.value)
				}
			}
			return ""
		},
		SetFunc: func(k, v string) { list = append(list, header{k, []byte(v)}) },
		KeysFunc: func() []string {
			var keys []string
			for _, h := range list {
				keys = append(keys, h.key)
			}
			return keys
		},
	}
	Inject(ctx, fc)
	got := Extract(context.Background(), fc)
	if CorrelationID(got) != "01JD4X7K2M9QZ8R6T5W3V1N0PA" {
		t.Errorf("extracted ID %q", CorrelationID(got))
	}
	if rsc := trace.SpanContextFromContext(got); rsc.TraceID() != sc.TraceID() || !rsc.IsRemote() {
		t.Errorf("extracted span context %v", rsc)
	}

	fresh := Extract(context.Background(), propagation.HeaderCarrier(http.Header{}))
	if len(CorrelationID(fresh)) != 26 {
		t.Errorf("a message without an ID got %q", CorrelationID(fresh))
	}
	if trace.SpanContextFromContext(fresh).IsValid() {
		t.Error("Extract fabricated a trace context")
	}
	var zero FuncCarrier
	zero.Set("k", "v")
	if zero.Get("k") != "" || zero.Keys() != nil {
		t.Error("zero FuncCarrier is not inert")
	}
}

// The ID remembered beside the baggage never outlives the baggage's at
// ingress: baggage replaced by other code is adopted again there.
func TestEnsureCorrelationIDFollowsReplacedBaggage(t *testing.T) {
	ctx := WithCorrelationID(context.Background(), "order-1")
	m, err := baggage.NewMemberRaw("seam.correlation_id", "order-2")
	if err != nil {
		t.Fatal(err)
	}
	b, err := baggage.New(m)
	if err != nil {
		t.Fatal(err)
	}
	ctx = baggage.ContextWithBaggage(ctx, b)
	ctx, id := EnsureCorrelationID(ctx)
	if id != "order-2" || CorrelationID(ctx) != "order-2" {
		t.Errorf("EnsureCorrelationID gave %q and CorrelationID %q, want the baggage's order-2", id, CorrelationID(ctx))
	}
}
