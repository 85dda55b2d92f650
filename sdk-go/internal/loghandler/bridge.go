package loghandler

import (
	"context"
	"log/slog"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
	"go.opentelemetry.io/otel/sdk/instrumentation"

	"github.com/seamtel/seam/sdk-go/internal/batch"
	"github.com/seamtel/seam/sdk-go/internal/loglevel"
)

// Bridge hands records to the OpenTelemetry bridge (otelslog) on a
// background goroutine, through a bounded queue: converting a record and
// emitting it into the log SDK costs more than writing the canonical line,
// and the caller should not wait for it. The caller only queues the record with its
// context; reading the span and correlation ID from the context, adding the
// ID, nesting groups and the conversion all run in the background (contexts
// are immutable and safe to read from any goroutine; a queued one is held
// until its record is handed over). A full queue drops the record
// (counted in seam.telemetry.dropped); Flush and Shutdown drain it. Records
// keep their order and carry the IDs of the span they were logged in.
type Bridge struct {
	next  *contextAttrsHandler // the bridge, with this logger's With and groups
	queue *batch.Queue[bridgeItem]
}

type bridgeItem struct {
	handler *contextAttrsHandler
	ctx     context.Context
	record  slog.Record
}

// bridgeBatch is how many queued records wake the background goroutine: a
// large batch keeps it from contending with callers for the queue's lock.
const bridgeBatch = 512

// bridgeBatchSize leaves room in a queue of queueSize for the records
// that arrive while a batch is being handed over.
func bridgeBatchSize(queueSize int) int { return max(1, min(bridgeBatch, queueSize/2)) }

// NewBridge returns the Bridge into lp's loggers of scope, its records'
// severity text the schema's level names. Its queue holds queueSize
// records, hands them over within delay, and tells dropped what it drops.
func NewBridge(lp log.LoggerProvider, scope instrumentation.Scope, queueSize int, delay time.Duration, dropped func(batch.Reason, int)) *Bridge {
	bridge := otelslog.NewHandler(scope.Name,
		otelslog.WithLoggerProvider(schemaSeverityProvider{next: lp}),
		otelslog.WithVersion(scope.Version),
		otelslog.WithSchemaURL(scope.SchemaURL),
	)
	return newBridge(bridge, queueSize, delay, handOver, dropped)
}

// NewDrainingBridge returns a Bridge whose background goroutine takes the
// queued records and does nothing with them: what a caller pays for the
// bridge, without the bridge's own cost, for the root package's
// BenchmarkLogParts.
func NewDrainingBridge(queueSize int, delay time.Duration, dropped func(batch.Reason, int)) *Bridge {
	return newBridge(slog.DiscardHandler, queueSize, delay, func(context.Context, []bridgeItem) error { return nil }, dropped)
}

func newBridge(bridge slog.Handler, queueSize int, delay time.Duration, export func(context.Context, []bridgeItem) error, dropped func(batch.Reason, int)) *Bridge {
	return &Bridge{
		// The bridge reads span IDs from the context itself.
		next: newContextAttrsHandler(bridge, false),
		queue: batch.New(batch.Config[bridgeItem]{
			Size:      queueSize,
			BatchSize: bridgeBatchSize(queueSize),
			Delay:     delay,
			Timeout:   delay, // handing over never takes long; the SDK's own queue exports
			Export:    export,
			Dropped:   dropped,
		}),
	}
}

// handOver passes queued records to the bridge, each with the context it
// was logged with.
func handOver(_ context.Context, items []bridgeItem) error {
	for i := range items {
		it := &items[i]
		_ = it.handler.Handle(it.ctx, it.record)
	}
	return nil
}

// HandOver gives r to the OpenTelemetry bridge now, on the calling
// goroutine, as the background goroutine does with each queued record:
// the root package's BenchmarkLogParts prices it.
func (h *Bridge) HandOver(ctx context.Context, r slog.Record) { _ = h.next.Handle(ctx, r) }

// Flush hands over every record queued so far, giving up when ctx ends.
func (h *Bridge) Flush(ctx context.Context) error { return h.queue.Flush(ctx) }

// Shutdown hands over what is queued and stops the background goroutine,
// giving up when ctx ends.
func (h *Bridge) Shutdown(ctx context.Context) error { return h.queue.Shutdown(ctx) }

// Enabled is true: the logger's level was checked before the fan-out, and
// asking the log SDK here would put its cost back on the caller. The SDK
// still filters on the background goroutine.
func (h *Bridge) Enabled(context.Context, slog.Level) bool { return true }

func (h *Bridge) Handle(ctx context.Context, r slog.Record) error {
	// r is the fan-out's own copy: nothing else will touch it.
	h.queue.Add(bridgeItem{handler: h.next, ctx: ctx, record: r})
	return nil
}

func (h *Bridge) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Bridge{next: h.next.withAttrs(attrs), queue: h.queue}
}

func (h *Bridge) WithGroup(name string) slog.Handler {
	return &Bridge{next: h.next.withGroup(name), queue: h.queue}
}

// schemaSeverityProvider wraps the LoggerProvider the OpenTelemetry bridge
// writes to so every record's severity text is the schema's level name:
// the bridge would write slog's own (TRACE would be "DEBUG-4").
type schemaSeverityProvider struct {
	embedded.LoggerProvider
	next log.LoggerProvider
}

func (p schemaSeverityProvider) Logger(name string, opts ...log.LoggerOption) log.Logger {
	return schemaSeverityLogger{next: p.next.Logger(name, opts...)}
}

type schemaSeverityLogger struct {
	embedded.Logger
	next log.Logger
}

func (l schemaSeverityLogger) Emit(ctx context.Context, r log.Record) {
	r.SetSeverityText(loglevel.SeverityName(int(r.Severity())))
	l.next.Emit(ctx, r)
}

func (l schemaSeverityLogger) Enabled(ctx context.Context, p log.EnabledParameters) bool {
	return l.next.Enabled(ctx, p)
}
