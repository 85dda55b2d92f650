// Package batch is a bounded export queue whose producers never wait on a
// failing or stuck exporter: items past the bound are dropped and
// reported, and exports run on one background goroutine with a timeout
// each. While exports succeed, a producer may wait a bounded time for room
// instead (Config.Wait), so a healthy exporter loses nothing to a burst.
package batch

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Reason says why items were dropped.
type Reason uint8

const (
	// QueueFull: the queue was at its bound when the item arrived.
	QueueFull Reason = iota
	// ExportFailed: the exporter returned an error for the batch, or the
	// queue shut down before it could be sent.
	ExportFailed
)

// Config configures a Queue. Every field is required.
type Config[T any] struct {
	// Size bounds the items waiting for export. One batch of up to Size
	// more may be in the export under way, so at most 2*Size are held.
	Size int
	// BatchSize is the most items one export carries; a queue holding this
	// many exports at once instead of waiting for Delay.
	BatchSize int
	// Delay is the longest an item waits before its export starts.
	Delay time.Duration
	// Timeout bounds each export.
	Timeout time.Duration
	// Export sends one batch. It must not keep the slice.
	Export func(ctx context.Context, batch []T) error
	// Dropped is told of every item that will never be exported.
	Dropped func(reason Reason, n int)
	// Wait is how long Add waits for room in a full queue while the
	// exporter is healthy, and no longer than Wait after the export under
	// way started. Optional: 0 drops at once. An export that fails, or a
	// wait that runs out, marks the exporter unhealthy, and Add then drops
	// at once until an export succeeds again: a collector that is down or
	// stuck costs the service at most one Wait, and none at all once an
	// export has been under way for Wait (an exporter retrying a refused
	// connection).
	Wait time.Duration
}

// Queue batches items for export. Its methods are safe for concurrent use.
type Queue[T any] struct {
	cfg Config[T]

	mu      sync.Mutex
	items   []T
	spare   []T // the buffer being exported, swapped back afterwards
	stopped bool
	// unhealthy is set by a failed export or a wait that ran out, and
	// cleared by a successful export.
	unhealthy bool
	// room, when not nil, is closed once the export goroutine takes the
	// queued items: producers waiting for room wait on it.
	room chan struct{}
	// exporting is when the export under way started; zero when none is.
	exporting time.Time
	// saturated is set when Add drops an item for a full queue, and
	// cleared when the export goroutine makes room.
	saturated atomic.Bool

	kick  chan struct{}
	flush chan flushRequest
	quit  chan struct{} // closed by Shutdown
	done  chan struct{} // closed when run returns
	// stopCtx is Shutdown's context, set before quit closes.
	stopCtx context.Context
	// base is the context of every export; cancelling it aborts the one in
	// flight when Shutdown's context ends first.
	base       context.Context
	cancelBase context.CancelFunc
}

type flushRequest struct {
	ctx    context.Context
	result chan error
}

// ErrStopped is returned by Flush and Shutdown once the queue has stopped.
var ErrStopped = errors.New("batch: queue stopped")

// New starts a queue's export goroutine; Shutdown stops it.
func New[T any](cfg Config[T]) *Queue[T] {
	q := &Queue[T]{
		cfg:   cfg,
		items: make([]T, 0, cfg.Size),
		spare: make([]T, 0, cfg.Size),
		kick:  make(chan struct{}, 1),
		flush: make(chan flushRequest),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	q.base, q.cancelBase = context.WithCancel(context.Background())
	go q.run()
	return q
}

// Add queues item, or drops it (reported as QueueFull) when the queue is
// at its bound. It never blocks on the exporter.
func (q *Queue[T]) Add(item T) {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return
	}
	if len(q.items) >= q.cfg.Size && !q.waitForRoom() {
		q.saturated.Store(true)
		q.mu.Unlock()
		q.cfg.Dropped(QueueFull, 1)
		return
	}
	q.items = append(q.items, item)
	full := len(q.items) >= q.cfg.BatchSize
	q.mu.Unlock()
	if full {
		select {
		case q.kick <- struct{}{}:
		default: // an export is already due
		}
	}
}

// waitForRoom waits, with q.mu held on entry and on return, until the
// queue has room or Config.Wait runs out, and reports whether it has.
func (q *Queue[T]) waitForRoom() bool {
	if q.cfg.Wait <= 0 || q.unhealthy {
		return false
	}
	now := time.Now()
	until := now.Add(q.cfg.Wait)
	if !q.exporting.IsZero() {
		until = q.exporting.Add(q.cfg.Wait)
	}
	if !until.After(now) {
		q.unhealthy = true
		return false
	}
	timer := time.NewTimer(until.Sub(now))
	defer timer.Stop()
	for len(q.items) >= q.cfg.Size && !q.stopped && !q.unhealthy {
		if q.room == nil {
			q.room = make(chan struct{})
		}
		room := q.room
		q.mu.Unlock()
		select {
		case q.kick <- struct{}{}:
		default: // an export is already due
		}
		select {
		case <-room:
			q.mu.Lock()
		case <-timer.C:
			q.mu.Lock()
			q.unhealthy = true
			if q.room != nil {
				// The other waiters stop waiting too.
				close(q.room)
				q.room = nil
			}
			return false
		}
	}
	return len(q.items) < q.cfg.Size && !q.stopped
}

// Saturated reports whether Add is dropping items because the queue is
// full, until the export goroutine makes room: an item made now would be
// dropped too, so a producer can skip making it (and count it with Drop).
// One atomic load.
func (q *Queue[T]) Saturated() bool { return q.saturated.Load() }

// Drop counts n items the producer did not make because the queue was
// Saturated, as dropped for a full queue.
func (q *Queue[T]) Drop(n int) { q.cfg.Dropped(QueueFull, n) }

func (q *Queue[T]) run() {
	defer close(q.done)
	ticker := time.NewTicker(q.cfg.Delay)
	defer ticker.Stop()
	for {
		select {
		case <-q.kick:
			q.exportQueued(q.base)
		case <-ticker.C:
			q.exportQueued(q.base)
		case req := <-q.flush:
			req.result <- q.exportWithin(req.ctx)
		case <-q.quit:
			q.exportWithin(q.stopCtx)
			return
		}
	}
}

// exportQueued exports what is queued now, in batches. What ctx's end
// leaves unsent is dropped as ExportFailed.
func (q *Queue[T]) exportQueued(ctx context.Context) error {
	q.mu.Lock()
	batch := q.items
	q.items = q.spare[:0]
	if len(batch) > 0 {
		q.exporting = time.Now()
		q.saturated.Store(false)
	}
	if q.room != nil {
		close(q.room)
		q.room = nil
	}
	q.mu.Unlock()

	var errs []error
	exported := false
	for start := 0; start < len(batch); start += q.cfg.BatchSize {
		end := min(start+q.cfg.BatchSize, len(batch))
		if err := ctx.Err(); err != nil {
			q.cfg.Dropped(ExportFailed, len(batch)-start)
			errs = append(errs, err)
			break
		}
		if err := q.exportOne(ctx, batch[start:end]); err != nil {
			q.cfg.Dropped(ExportFailed, end-start)
			errs = append(errs, err)
		} else {
			exported = true
		}
	}
	clear(batch) // let the exported items be collected
	q.mu.Lock()
	q.spare = batch[:0]
	q.exporting = time.Time{}
	if len(errs) > 0 {
		q.unhealthy = true
	} else if exported {
		q.unhealthy = false
	}
	q.mu.Unlock()
	return errors.Join(errs...)
}

func (q *Queue[T]) exportOne(ctx context.Context, batch []T) error {
	ctx, cancel := context.WithTimeout(ctx, q.cfg.Timeout)
	defer cancel()
	return q.cfg.Export(ctx, batch)
}

// Flush exports everything queued before the call, returning when done or
// when ctx ends.
func (q *Queue[T]) Flush(ctx context.Context) error {
	req := flushRequest{ctx: ctx, result: make(chan error, 1)}
	select {
	case q.flush <- req:
	case <-q.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown exports what is queued and stops the queue; later items are
// ignored. It returns when done or when ctx ends; in the latter case the
// export in flight is aborted and the rest is dropped as ExportFailed
// before it returns.
func (q *Queue[T]) Shutdown(ctx context.Context) error {
	q.mu.Lock()
	already := q.stopped
	q.stopped = true
	q.mu.Unlock()
	if already {
		return ErrStopped
	}
	q.stopCtx = ctx
	close(q.quit)
	select {
	case <-q.done:
		q.cancelBase()
		return nil
	case <-ctx.Done():
		q.cancelBase()
		// The aborted export returns at once; waiting for it means its
		// items are counted as dropped before Shutdown reports the loss.
		select {
		case <-q.done:
		case <-time.After(abortGrace):
		}
		return ctx.Err()
	}
}

// abortGrace bounds the wait for an export that Shutdown aborted.
const abortGrace = time.Second

// exportWithin exports what is queued under a caller's context, which
// Shutdown can still cut short through base.
func (q *Queue[T]) exportWithin(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(q.base, cancel)
	defer stop()
	return q.exportQueued(ctx)
}
