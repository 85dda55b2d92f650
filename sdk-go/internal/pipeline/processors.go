package pipeline

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/seamtel/seam/sdk-go/internal/batch"
	"github.com/seamtel/seam/sdk-go/redact"
)

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

func newExportQueue[T any](export func(context.Context, []T) error, shutdown func(context.Context) error, sig Signal, b Batching, timeout, wait time.Duration, drops *DropCounter) exportQueue[T] {
	return exportQueue[T]{
		shutdownExporter: shutdown,
		queue: batch.New(batch.Config[T]{
			Size: b.QueueSize, BatchSize: b.BatchSize, Delay: b.Delay, Timeout: timeout, Wait: wait,
			Export:  reportErrors(export),
			Dropped: drops.Reporter(sig),
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

// NewSpanProcessor queues sampled spans, redacted by red, for exp; each
// export is bounded by timeout, and what is dropped is counted in drops.
func NewSpanProcessor(exp sdktrace.SpanExporter, b Batching, timeout time.Duration, drops *DropCounter, red *redact.Redactor) sdktrace.SpanProcessor {
	return &spanProcessor{
		exportQueue: newExportQueue(exp.ExportSpans, exp.Shutdown, Traces, b, timeout, 0, drops),
		red:         red,
	}
}

func (p *spanProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (p *spanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.SpanContext().IsSampled() {
		p.queue.Add(redactSpan(p.red, s))
	}
}

// LogProcessor queues log records for export.
type LogProcessor struct {
	exportQueue[sdklog.Record]
}

// LogWait is how long a record waits for room in a full log queue while
// exports succeed. Records come in bursts faster than one exporter sends
// them (a tight logging loop outruns it); the export of a full queue to a
// healthy collector takes milliseconds, so a burst loses nothing, and a
// collector that is down or stuck costs at most one LogWait before
// records are dropped (and counted) at once.
const LogWait = 500 * time.Millisecond

// NewLogProcessor queues log records for exp; each export is bounded by
// timeout, a record finding the queue full waits up to wait while exports
// succeed, and what is dropped is counted in drops.
func NewLogProcessor(exp sdklog.Exporter, b Batching, timeout, wait time.Duration, drops *DropCounter) *LogProcessor {
	return &LogProcessor{newExportQueue(exp.Export, exp.Shutdown, Logs, b, timeout, wait, drops)}
}

func (p *LogProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

// Saturated reports whether records are being dropped for a full queue
// whose exporter fails or is stuck: a record built now would be dropped
// too, so Seam's logger skips building it and counts it with DropSkipped.
func (p *LogProcessor) Saturated() bool { return p.queue.Saturated() }

// DropSkipped counts one record not built because the queue was Saturated.
func (p *LogProcessor) DropSkipped() { p.queue.Drop(1) }

func (p *LogProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	// The SDK reuses r after OnEmit returns; the queue keeps a copy.
	p.queue.Add(r.Clone())
	return nil
}

// Redacting redacts each record's body, attributes and event name before
// p sees it. It is for the provider third-party bridges write to
// (Telemetry.LoggerProvider); Seam's own logger redacts its records
// before they reach the SDK.
func Redacting(p sdklog.Processor, red *redact.Redactor) sdklog.Processor {
	return redactingLogProcessor{Processor: p, red: red}
}

type redactingLogProcessor struct {
	sdklog.Processor
	red *redact.Redactor
}

func (p redactingLogProcessor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	if body, changed := redactValue(p.red, "", r.Body()); changed {
		r.SetBody(body)
	}
	if name := p.red.String(r.EventName()); name != r.EventName() {
		r.SetEventName(name)
	}
	changed := false
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		_, changed = redactKeyValue(p.red, kv)
		return !changed
	})
	if changed {
		// Looked at without copying first: most records have nothing to hide.
		attrs := make([]attribute.KeyValue, 0, r.AttributesLen())
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			clean, _ := redactKeyValue(p.red, kv)
			attrs = append(attrs, clean)
			return true
		})
		r.SetAttributes(attrs...)
	}
	return p.Processor.OnEmit(ctx, r)
}

// Shared lets a second logger provider feed p, whose lifecycle the first
// one owns: its Shutdown is left to that owner.
func Shared(p sdklog.Processor) sdklog.Processor { return sharedProcessor{p} }

type sharedProcessor struct {
	sdklog.Processor
}

func (sharedProcessor) Shutdown(context.Context) error { return nil }

// CountDrops wraps exp to count the data points of failed exports in
// drops. Metrics have no queue to overflow: the periodic reader collects
// them afresh.
func CountDrops(exp sdkmetric.Exporter, drops *DropCounter) sdkmetric.Exporter {
	return countingMetricExporter{Exporter: exp, drops: drops}
}

type countingMetricExporter struct {
	sdkmetric.Exporter
	drops *DropCounter
}

func (e countingMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	err := e.Exporter.Export(ctx, rm)
	if err != nil {
		e.drops.Add(Metrics, batch.ExportFailed, dataPoints(rm))
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
