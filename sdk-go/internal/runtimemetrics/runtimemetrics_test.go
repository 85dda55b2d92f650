package runtimemetrics

import (
	"context"
	"math"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Each runtime bucket counts in the first schema bucket whose bound is at
// least its upper edge, so latencies are never under-reported.
func TestRebucket(t *testing.T) {
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), 0.5, 1, 1.5, 3, math.Inf(1)},
		Counts:  []uint64{1, 2, 0, 3, 4},
	}
	dp := rebucket(h, []float64{1, 2})
	if want := []uint64{3, 0, 7}; !slices.Equal(dp.BucketCounts, want) {
		t.Errorf("counts %v, want %v", dp.BucketCounts, want)
	}
	if dp.Count != 10 {
		t.Errorf("count %d, want 10", dp.Count)
	}
	// Midpoints, the open ends at their finite edge: 0.5 + 2*0.75 + 3*2.25 + 4*3.
	if want := 0.5 + 1.5 + 6.75 + 12; dp.Sum != want {
		t.Errorf("sum %v, want %v", dp.Sum, want)
	}
}

// The process's CPU time grows with work done, by mode, and its resident
// memory is there, on a real meter provider.
func TestProcessUsage(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	if err := Start(mp, instrumentation.Scope{Name: "test"}, time.Second); err != nil {
		t.Fatal(err)
	}
	read := func() (user, system float64, rss int64) {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				switch d := m.Data.(type) {
				case metricdata.Sum[float64]:
					if m.Name != semconv.ProcessCPUTimeName {
						continue
					}
					for _, dp := range d.DataPoints {
						if mode, _ := dp.Attributes.Value(semconv.CPUModeKey); mode.AsString() == "user" {
							user = dp.Value
						} else {
							system = dp.Value
						}
					}
				case metricdata.Sum[int64]:
					if m.Name == semconv.ProcessMemoryUsageName && len(d.DataPoints) == 1 {
						rss = d.DataPoints[0].Value
					}
				}
			}
		}
		return user, system, rss
	}
	before, _, rss := read()
	deadline := time.Now().Add(50 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	after, system, _ := read()
	if after <= before || system < 0 {
		t.Errorf("process.cpu.time user %v then %v (system %v) around 50 ms of work", before, after, system)
	}
	if rss < 1<<20 {
		t.Errorf("process.memory.usage %d bytes, want the resident set of a running Go process", rss)
	}
	_ = x
}
