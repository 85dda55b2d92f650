package loghandler

import (
	"log/slog"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"

	"github.com/seamtel/seam/sdk-go/internal/loglevel"
)

func TestOTelRecordMapsEveryKind(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	r := slog.NewRecord(at, loglevel.Trace, "quote computed", 0)
	r.AddAttrs(
		slog.String("s", "v"),
		slog.Int("i", -3),
		slog.Uint64("u", 7),
		slog.Uint64("big", math.MaxUint64),
		slog.Bool("b", true),
		slog.Float64("f", 0.5),
		slog.Duration("d", 1500*time.Millisecond),
		slog.Time("t", at),
		slog.Group("g", slog.String("k", "x"), slog.Attr{}),
		slog.Group("", slog.Int("inlined", 1)),
		slog.Attr{},
	)
	rec := otelRecord(r)

	if !rec.Timestamp().Equal(at) || !rec.ObservedTimestamp().Equal(at) {
		t.Errorf("timestamps %v, %v; want %v", rec.Timestamp(), rec.ObservedTimestamp(), at)
	}
	if rec.Severity() != log.SeverityTrace1 || rec.SeverityText() != "TRACE" {
		t.Errorf("severity %v %q, want TRACE1 \"TRACE\"", rec.Severity(), rec.SeverityText())
	}
	if rec.Body().AsString() != "quote computed" {
		t.Errorf("body %v", rec.Body())
	}
	want := map[string]attribute.Value{
		"s":       attribute.StringValue("v"),
		"i":       attribute.Int64Value(-3),
		"u":       attribute.Int64Value(7),
		"big":     attribute.Float64Value(float64(uint64(math.MaxUint64))),
		"b":       attribute.BoolValue(true),
		"f":       attribute.Float64Value(0.5),
		"d":       attribute.Int64Value(1_500_000_000),
		"t":       attribute.Int64Value(at.UnixNano()),
		"g":       attribute.MapValue(attribute.String("k", "x")),
		"inlined": attribute.Int64Value(1),
	}
	got := map[string]attribute.Value{}
	rec.WalkAttributes(func(kv attribute.KeyValue) bool {
		got[string(kv.Key)] = kv.Value
		return true
	})
	if len(got) != len(want) || rec.AttributesLen() != len(want) {
		t.Errorf("%d attributes (%v), want %d", rec.AttributesLen(), got, len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g.Emit() != w.Emit() || g.Type() != w.Type() {
			t.Errorf("%s = %v, want %v", k, g, w)
		}
	}
}
