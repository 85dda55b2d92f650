package seam

import (
	"context"
	"errors"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/seamtel/seam/sdk-go/internal/batch"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// dropCounter records seam.telemetry.dropped. Its counter is set once the
// meter provider exists; the queues may report before that.
type dropCounter struct {
	counter atomic.Pointer[metric.Int64Counter]
	opts    [numSignals][2][]metric.AddOption
}

func newDropCounter() *dropCounter {
	d := &dropCounter{}
	signals := [numSignals]attribute.KeyValue{
		signalTraces:  semconv.SeamTelemetrySignalTraces,
		signalMetrics: semconv.SeamTelemetrySignalMetrics,
		signalLogs:    semconv.SeamTelemetrySignalLogs,
	}
	reasons := [2]attribute.KeyValue{
		batch.QueueFull:    semconv.SeamTelemetryReasonQueueFull,
		batch.ExportFailed: semconv.SeamTelemetryReasonExportFailed,
	}
	for s, sa := range signals {
		for r, ra := range reasons {
			d.opts[s][r] = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(sa, ra))}
		}
	}
	return d
}

func (d *dropCounter) add(sig signal, reason batch.Reason, n int) {
	if c := d.counter.Load(); c != nil && n > 0 {
		(*c).Add(context.Background(), int64(n), d.opts[sig][reason]...)
	}
}

func (d *dropCounter) reporter(sig signal) func(batch.Reason, int) {
	return func(r batch.Reason, n int) { d.add(sig, r, n) }
}

// spanProcessor queues sampled spans for export in a bounded queue.
type spanProcessor struct {
	queue *batch.Queue[sdktrace.ReadOnlySpan]
	exp   sdktrace.SpanExporter
}

func newSpanProcessor(exp sdktrace.SpanExporter, b batching, s *settings, drops *dropCounter) *spanProcessor {
	return &spanProcessor{
		exp: exp,
		queue: batch.New(batch.Config[sdktrace.ReadOnlySpan]{
			Size: b.queueSize, BatchSize: b.batchSize, Delay: b.delay, Timeout: s.exportTimeout,
			Export:  exp.ExportSpans,
			Dropped: drops.reporter(signalTraces),
		}),
	}
}

func (p *spanProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (p *spanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.SpanContext().IsSampled() {
		p.queue.Add(s)
	}
}

func (p *spanProcessor) ForceFlush(ctx context.Context) error { return p.queue.Flush(ctx) }

func (p *spanProcessor) Shutdown(ctx context.Context) error {
	return errors.Join(p.queue.Shutdown(ctx), p.exp.Shutdown(ctx))
}

// logProcessor queues log records for export in a bounded queue.
type logProcessor struct {
	queue *batch.Queue[sdklog.Record]
	exp   sdklog.Exporter
}

func newLogProcessor(exp sdklog.Exporter, b batching, s *settings, drops *dropCounter) *logProcessor {
	return &logProcessor{
		exp: exp,
		queue: batch.New(batch.Config[sdklog.Record]{
			Size: b.queueSize, BatchSize: b.batchSize, Delay: b.delay, Timeout: s.exportTimeout,
			Export:  exp.Export,
			Dropped: drops.reporter(signalLogs),
		}),
	}
}

func (p *logProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

func (p *logProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	// The SDK reuses r after OnEmit returns; the queue keeps a copy.
	p.queue.Add(r.Clone())
	return nil
}

func (p *logProcessor) ForceFlush(ctx context.Context) error { return p.queue.Flush(ctx) }

func (p *logProcessor) Shutdown(ctx context.Context) error {
	return errors.Join(p.queue.Shutdown(ctx), p.exp.Shutdown(ctx))
}

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
