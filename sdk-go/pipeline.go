package seam

import (
	"context"
	"errors"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/seamtel/seam/sdk-go/internal/batch"
	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// dropCounter counts telemetry dropped instead of blocking the service,
// and reports it as seam.telemetry.dropped. Counting is an atomic add, so
// a pipeline that drops every item (the collector is down) pays next to
// nothing per drop; the counts are read when metrics are collected.
type dropCounter struct {
	counts [numSignals][2]atomic.Int64
}

func (d *dropCounter) add(sig signal, reason batch.Reason, n int) {
	if n > 0 {
		d.counts[sig][reason].Add(int64(n))
	}
}

// snapshot returns the drops so far per signal, whatever the reason.
func (d *dropCounter) snapshot() (n [numSignals]int64) {
	for s := range d.counts {
		for r := range d.counts[s] {
			n[s] += d.counts[s][r].Load()
		}
	}
	return n
}

func (d *dropCounter) reporter(sig signal) func(batch.Reason, int) {
	return func(r batch.Reason, n int) { d.add(sig, r, n) }
}

// register reports the counts through meter as seam.telemetry.dropped.
func (d *dropCounter) register(meter metric.Meter) error {
	signals := [numSignals]attribute.KeyValue{
		signalTraces:  semconv.SeamTelemetrySignalTraces,
		signalMetrics: semconv.SeamTelemetrySignalMetrics,
		signalLogs:    semconv.SeamTelemetrySignalLogs,
	}
	reasons := [2]attribute.KeyValue{
		batch.QueueFull:    semconv.SeamTelemetryReasonQueueFull,
		batch.ExportFailed: semconv.SeamTelemetryReasonExportFailed,
	}
	var opts [numSignals][2]metric.ObserveOption
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

// reportErrors passes export failures to the global error handler (Seam's
// writes them as rate-limited WARN lines), as the SDK does for metrics.
func reportErrors[T any](export func(context.Context, []T) error) func(context.Context, []T) error {
	return func(ctx context.Context, items []T) error {
		err := export(ctx, items)
		if err != nil {
			otel.Handle(err)
		}
		return err
	}
}

// exportQueue is what the span and the log processor share: a bounded
// queue in front of an exporter, its export errors reported and its drops
// counted by signal.
type exportQueue[T any] struct {
	queue            *batch.Queue[T]
	shutdownExporter func(context.Context) error
}

func newExportQueue[T any](export func(context.Context, []T) error, shutdown func(context.Context) error, sig signal, b batching, s *settings, drops *dropCounter) exportQueue[T] {
	return exportQueue[T]{
		shutdownExporter: shutdown,
		queue: batch.New(batch.Config[T]{
			Size: b.queueSize, BatchSize: b.batchSize, Delay: b.delay, Timeout: s.exportTimeout,
			Export:  reportErrors(export),
			Dropped: drops.reporter(sig),
		}),
	}
}

func (q exportQueue[T]) ForceFlush(ctx context.Context) error { return q.queue.Flush(ctx) }

func (q exportQueue[T]) Shutdown(ctx context.Context) error {
	return errors.Join(q.queue.Shutdown(ctx), q.shutdownExporter(ctx))
}

// spanProcessor redacts sampled spans and queues them for export.
type spanProcessor struct {
	exportQueue[sdktrace.ReadOnlySpan]
	red *redact.Redactor
}

func newSpanProcessor(exp sdktrace.SpanExporter, b batching, s *settings, drops *dropCounter, red *redact.Redactor) *spanProcessor {
	return &spanProcessor{
		exportQueue: newExportQueue(exp.ExportSpans, exp.Shutdown, signalTraces, b, s, drops),
		red:         red,
	}
}

func (p *spanProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (p *spanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.SpanContext().IsSampled() {
		p.queue.Add(redactSpan(p.red, s))
	}
}

// logProcessor queues log records for export.
type logProcessor struct {
	exportQueue[sdklog.Record]
}

func newLogProcessor(exp sdklog.Exporter, b batching, s *settings, drops *dropCounter) *logProcessor {
	return &logProcessor{newExportQueue(exp.Export, exp.Shutdown, signalLogs, b, s, drops)}
}

func (p *logProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

func (p *logProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	// The SDK reuses r after OnEmit returns; the queue keeps a copy.
	p.queue.Add(r.Clone())
	return nil
}

// sharedProcessor lets a second logger provider feed a processor whose
// lifecycle the first one owns: its Shutdown is left to that owner.
type sharedProcessor struct {
	sdklog.Processor
}

func (sharedProcessor) Shutdown(context.Context) error { return nil }

// countingMetricExporter counts the data points of failed exports. Metrics
// have no queue to overflow: the periodic reader collects them afresh.
type countingMetricExporter struct {
	sdkmetric.Exporter
	drops *dropCounter
}

func (e countingMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	err := e.Exporter.Export(ctx, rm)
	if err != nil {
		e.drops.add(signalMetrics, batch.ExportFailed, dataPoints(rm))
	}
	return err
}

func dataPoints(rm *metricdata.ResourceMetrics) int {
	n := 0
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				n += len(d.DataPoints)
			case metricdata.Gauge[float64]:
				n += len(d.DataPoints)
			case metricdata.Sum[int64]:
				n += len(d.DataPoints)
			case metricdata.Sum[float64]:
				n += len(d.DataPoints)
			case metricdata.Histogram[int64]:
				n += len(d.DataPoints)
			case metricdata.Histogram[float64]:
				n += len(d.DataPoints)
			case metricdata.ExponentialHistogram[int64]:
				n += len(d.DataPoints)
			case metricdata.ExponentialHistogram[float64]:
				n += len(d.DataPoints)
			case metricdata.Summary:
				n += len(d.DataPoints)
			}
		}
	}
	return n
}
