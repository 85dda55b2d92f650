package crossing

import (
	"context"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/semconv"
)

func TestErrorTypesParseBack(t *testing.T) {
	for s := Error; s < statusCount; s++ {
		if got, ok := ParseErrorType(s.ErrorType()); !ok || got != s {
			t.Errorf("ParseErrorType(%q) = %v, %v; want %v", s.ErrorType(), got, ok, s)
		}
	}
	for _, text := range []string{"", "canceled", "Panic", "invalid_basket"} {
		if s, ok := ParseErrorType(text); ok {
			t.Errorf("ParseErrorType(%q) = %v, want no status", text, s)
		}
	}
}

// An unknown status (a newer Rust side's) records and falls back as a
// plain error; a deadline falls back only while ctx has time.
func TestUnknownStatusAndTheDeadlineRule(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	ins, err := New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), "test")
	if err != nil {
		t.Fatal(err)
	}
	op := ins.Operation("test.op", semconv.SeamBoundaryKindHTTP)
	ctx := context.Background()
	op.End(ctx, op.Start(ctx), Status(42))
	if !op.FallBack(ctx, Status(42)) || !op.FallBack(ctx, DeadlineExceeded) || op.FallBack(ctx, OK) {
		t.Error("want a fallback after an unknown status and a deadline while ctx has time, none after OK")
	}
	expired, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	if op.FallBack(expired, DeadlineExceeded) {
		t.Error("fell back after ctx's own deadline")
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		switch data := m.Data.(type) {
		case metricdata.Histogram[float64]:
			for _, dp := range data.DataPoints {
				v, _ := dp.Attributes.Value(semconv.ErrorTypeKey)
				got[m.Name+"/"+v.AsString()] += int64(dp.Count)
			}
		case metricdata.Sum[int64]:
			for _, dp := range data.DataPoints {
				v, _ := dp.Attributes.Value(semconv.ErrorTypeKey)
				got[m.Name+"/"+v.AsString()] += dp.Value
			}
		}
	}
	want := map[string]int64{
		semconv.SeamBoundaryCallDurationName + "/internal": 1,
		semconv.SeamBoundaryFallbacksName + "/internal":    1,
		semconv.SeamBoundaryFallbacksName + "/timeout":     1,
	}
	if len(got) != len(want) {
		t.Errorf("recorded %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
}
