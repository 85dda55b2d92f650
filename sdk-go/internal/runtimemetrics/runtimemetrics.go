// Package runtimemetrics produces the Go SDK's runtime metrics: the
// semconv go.* instruments of the contrib runtime instrumentation,
// seam.go.cgo.calls, process.cpu.time and process.memory.usage, and the histograms go.schedule.duration and
// go.memory.gc.pause.duration, re-bucketed from the runtime's own onto the
// schema's layout by a metric producer the readers are given.
package runtimemetrics

import (
	"context"
	"math"
	"runtime/metrics"
	"sort"
	"sync"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/semconv"
)

const (
	runtimeSchedLatencies = "/sched/latencies:seconds"
	runtimeGCPauses       = "/sched/pauses/total/gc:seconds"
	runtimeCgoCalls       = "/cgo/go-to-c-calls:calls"
)

// processStart is the start time of the cumulative runtime histograms.
var processStart = time.Now()

// Start registers the Go runtime metrics on mp, reading the runtime at
// most once per interval: the semconv go.* instruments of the contrib
// instrumentation (go.memory.allocated's rate is the allocation rate) and
// seam.go.cgo.calls, under scope. The histograms come from NewHistograms,
// a producer the readers are given.
func Start(mp metric.MeterProvider, scope instrumentation.Scope, interval time.Duration) error {
	if err := runtime.Start(
		runtime.WithMeterProvider(mp),
		runtime.WithMinimumReadMemStatsInterval(interval),
	); err != nil {
		return err
	}
	meter := mp.Meter(scope.Name, metric.WithInstrumentationVersion(scope.Version), metric.WithSchemaURL(scope.SchemaURL))
	if err := startProcess(meter); err != nil {
		return err
	}
	sample := []metrics.Sample{{Name: runtimeCgoCalls}}
	var mu sync.Mutex
	_, err := meter.Int64ObservableCounter(semconv.SeamGoCgoCallsName,
		metric.WithUnit(semconv.SeamGoCgoCallsUnit),
		metric.WithDescription(semconv.SeamGoCgoCallsDescription),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			mu.Lock()
			defer mu.Unlock()
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				o.Observe(int64(sample[0].Value.Uint64()))
			}
			return nil
		}),
	)
	return err
}

// runtimeHistograms produces go.schedule.duration and
// go.memory.gc.pause.duration from the runtime's own histograms, re-bucketed
// onto the schema's layout. A producer bypasses views, so the schema's
// boundaries are applied here.
type runtimeHistograms struct {
	interval time.Duration
	scope    instrumentation.Scope

	mu       sync.Mutex
	samples  []metrics.Sample
	lastRead time.Time
}

// NewHistograms returns the producer of the runtime histograms, under
// scope, reading the runtime at most once per interval.
func NewHistograms(interval time.Duration, scope instrumentation.Scope) sdkmetric.Producer {
	return &runtimeHistograms{
		interval: interval,
		scope:    scope,
		samples:  []metrics.Sample{{Name: runtimeSchedLatencies}, {Name: runtimeGCPauses}},
	}
}

var runtimeHistogramDescs = [2]struct{ name, unit, description string }{
	{semconv.GoScheduleDurationName, semconv.GoScheduleDurationUnit, semconv.GoScheduleDurationDescription},
	{semconv.GoMemoryGCPauseDurationName, semconv.GoMemoryGCPauseDurationUnit, semconv.GoMemoryGCPauseDurationDescription},
}

func (p *runtimeHistograms) Produce(context.Context) ([]metricdata.ScopeMetrics, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.lastRead) >= p.interval {
		metrics.Read(p.samples)
		p.lastRead = now
	}
	out := make([]metricdata.Metrics, 0, len(p.samples))
	for i, s := range p.samples {
		if s.Value.Kind() != metrics.KindFloat64Histogram {
			continue // not provided by this Go version
		}
		d := runtimeHistogramDescs[i]
		dp := rebucket(s.Value.Float64Histogram(), semconv.HistogramBoundaries[d.name])
		dp.StartTime, dp.Time = processStart, p.lastRead
		out = append(out, metricdata.Metrics{
			Name:        d.name,
			Description: d.description,
			Unit:        d.unit,
			Data: metricdata.Histogram[float64]{
				Temporality: metricdata.CumulativeTemporality,
				DataPoints:  []metricdata.HistogramDataPoint[float64]{dp},
			},
		})
	}
	return []metricdata.ScopeMetrics{{
		Scope:   p.scope,
		Metrics: out,
	}}, nil
}

// rebucket folds a runtime histogram onto bounds. Each runtime bucket
// [lo, hi) is counted in the first schema bucket whose bound is at least
// hi, so latencies are never under-reported; the runtime's buckets are far
// finer than the schema's, which keeps the shift small. The sum is
// estimated from bucket midpoints, as the runtime keeps no exact sum.
func rebucket(h *metrics.Float64Histogram, bounds []float64) metricdata.HistogramDataPoint[float64] {
	counts := make([]uint64, len(bounds)+1)
	var total uint64
	var sum float64
	for i, c := range h.Counts {
		if c == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		counts[sort.SearchFloat64s(bounds, hi)] += c
		total += c
		mid := lo
		switch {
		case math.IsInf(lo, -1):
			mid = hi
		case !math.IsInf(hi, 1):
			mid = (lo + hi) / 2
		}
		sum += mid * float64(c)
	}
	// No min or max: the runtime only knows them to a bucket's width.
	return metricdata.HistogramDataPoint[float64]{
		Attributes:   attribute.NewSet(),
		Count:        total,
		Sum:          sum,
		Bounds:       bounds,
		BucketCounts: counts,
	}
}
