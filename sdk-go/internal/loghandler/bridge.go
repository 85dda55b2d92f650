package seam

import (
	"context"
	"log/slog"

	"github.com/seamtel/seam/sdk-go/internal/batch"
	"github.com/seamtel/seam/sdk-go/internal/pipeline"
)

// asyncHandler hands records to the OpenTelemetry bridge on a background
// goroutine, through a bounded queue: converting a record and emitting it
// into the log SDK costs more than writing the canonical line, and the
// caller should not wait for it. The caller only queues the record with its
// context; reading the span and correlation ID from the context, adding the
// ID, nesting groups and the conversion all run in the background (contexts
// are immutable and safe to read from any goroutine; a queued one is held
// until its record is handed over). A full queue drops the record
// (counted in seam.telemetry.dropped); Flush and Shutdown drain it. Records
// keep their order and carry the IDs of the span they were logged in.
type asyncHandler struct {
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

func newAsyncHandler(bridge slog.Handler, b pipeline.Batching, drops *pipeline.DropCounter) *asyncHandler {
	return &asyncHandler{
		// The bridge reads span IDs from the context itself.
		next: newContextAttrsHandler(bridge, false),
		queue: batch.New(batch.Config[bridgeItem]{
			Size:      b.QueueSize,
			BatchSize: bridgeBatchSize(b.QueueSize),
			Delay:     b.Delay,
			Timeout:   b.Delay, // handing over never takes long; the SDK's own queue exports
			Export:    handOver,
			Dropped:   drops.Reporter(pipeline.Logs),
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

// Enabled is true: the logger's level was checked before the fan-out, and
// asking the log SDK here would put its cost back on the caller. The SDK
// still filters on the background goroutine.
func (h *asyncHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *asyncHandler) Handle(ctx context.Context, r slog.Record) error {
	// r is the fan-out's own copy: nothing else will touch it.
	h.queue.Add(bridgeItem{handler: h.next, ctx: ctx, record: r})
	return nil
}

func (h *asyncHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &asyncHandler{next: h.next.withAttrs(attrs), queue: h.queue}
}

func (h *asyncHandler) WithGroup(name string) slog.Handler {
	return &asyncHandler{next: h.next.withGroup(name), queue: h.queue}
}
