package pipeline

import (
	"context"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/sdk-go/internal/batch"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// DropCounter counts telemetry dropped instead of blocking the service,
// and reports it as seam.telemetry.dropped. Counting is an atomic add, so
// a pipeline that drops every item (the collector is down) pays next to
// nothing per drop; the counts are read when metrics are collected.
type DropCounter struct {
	counts [NumSignals][2]atomic.Int64
}

// Add counts n items of sig dropped for reason.
func (d *DropCounter) Add(sig Signal, reason batch.Reason, n int) {
	if n > 0 {
		d.counts[sig][reason].Add(int64(n))
	}
}

// Snapshot returns the drops so far per signal, whatever the reason.
func (d *DropCounter) Snapshot() (n [NumSignals]int64) {
	for s := range d.counts {
		for r := range d.counts[s] {
			n[s] += d.counts[s][r].Load()
		}
	}
	return n
}

// Reporter returns the drop callback of a batch.Queue carrying sig.
func (d *DropCounter) Reporter(sig Signal) func(batch.Reason, int) {
	return func(r batch.Reason, n int) { d.Add(sig, r, n) }
}

// Register reports the counts through meter as seam.telemetry.dropped.
func (d *DropCounter) Register(meter metric.Meter) error {
	signals := [NumSignals]attribute.KeyValue{
		Traces:  semconv.SeamTelemetrySignalTraces,
		Metrics: semconv.SeamTelemetrySignalMetrics,
		Logs:    semconv.SeamTelemetrySignalLogs,
	}
	reasons := [2]attribute.KeyValue{
		batch.QueueFull:    semconv.SeamTelemetryReasonQueueFull,
		batch.ExportFailed: semconv.SeamTelemetryReasonExportFailed,
	}
	var opts [NumSignals][2]metric.ObserveOption
	for s, sa := range signals {
		for r, ra := range reasons {
			opts[s][r] = metric.WithAttributeSet(attribute.NewSet(sa, ra))
		}
	}
	_, err := meter.Int64ObservableCounter(semconv.SeamTelemetryDroppedName,
		metric.WithUnit(semconv.SeamTelemetryDroppedUnit),
		metric.WithDescription(semconv.SeamTelemetryDroppedDescription),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			for s := range d.counts {
				for r := range d.counts[s] {
					// Only what happened: a signal that never dropped
					// anything has no series.
					if n := d.counts[s][r].Load(); n > 0 {
						o.Observe(n, opts[s][r])
					}
				}
			}
			return nil
		}),
	)
	return err
}
