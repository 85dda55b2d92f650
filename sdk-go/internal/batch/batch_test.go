package batch

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type drops struct {
	mu     sync.Mutex
	counts [2]int
}

func (d *drops) add(r Reason, n int) {
	d.mu.Lock()
	d.counts[r] += n
	d.mu.Unlock()
}

func (d *drops) get(r Reason) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counts[r]
}

func TestExportsInBatches(t *testing.T) {
	var mu sync.Mutex
	var got [][]int
	q := New(Config[int]{
		Size: 100, BatchSize: 4, Delay: time.Hour, Timeout: time.Second,
		Export: func(_ context.Context, b []int) error {
			mu.Lock()
			got = append(got, append([]int(nil), b...))
			mu.Unlock()
			return nil
		},
		Dropped: func(Reason, int) { t.Error("nothing should be dropped") },
	})
	for i := range 10 {
		q.Add(i)
	}
	if err := q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := q.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	n := 0
	for _, b := range got {
		if len(b) > 4 {
			t.Errorf("batch of %d exceeds BatchSize", len(b))
		}
		for _, v := range b {
			if v != n {
				t.Fatalf("item %d out of order: %v", n, got)
			}
			n++
		}
	}
	if n != 10 {
		t.Errorf("exported %d items, want 10", n)
	}
}

// A stuck exporter never blocks Add: the queue fills, the rest is dropped
// and counted, and Shutdown gives up at its deadline, aborting the export.
func TestStuckExporterDropsAndNeverBlocks(t *testing.T) {
	var d drops
	release := make(chan struct{})
	var started atomic.Int32
	q := New(Config[int]{
		Size: 8, BatchSize: 2, Delay: time.Millisecond, Timeout: time.Hour,
		Export: func(ctx context.Context, b []int) error {
			started.Add(1)
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		Dropped: d.add,
	})
	defer close(release)
	done := make(chan struct{})
	go func() {
		for i := range 10000 {
			q.Add(i)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Add blocked behind a stuck exporter")
	}
	// At most Size items wait and Size more are in the stuck export.
	if full := d.get(QueueFull); full < 10000-2*8 {
		t.Errorf("QueueFull drops = %d, want at least %d", full, 10000-2*8)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := q.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want deadline exceeded", err)
	}
	select {
	case <-q.done:
	case <-time.After(10 * time.Second):
		t.Fatal("export goroutine still running after Shutdown's deadline")
	}
	if failed := d.get(ExportFailed); failed == 0 {
		t.Error("items left unsent at shutdown were not counted")
	}
	if d.get(QueueFull)+d.get(ExportFailed) != 10000 {
		t.Errorf("drops %d + %d: every one of 10000 items is either exported or counted, and none was exported",
			d.get(QueueFull), d.get(ExportFailed))
	}
}

func TestExportErrorCountsBatch(t *testing.T) {
	var d drops
	q := New(Config[int]{
		Size: 10, BatchSize: 10, Delay: time.Hour, Timeout: time.Second,
		Export:  func(context.Context, []int) error { return errors.New("collector said no") },
		Dropped: d.add,
	})
	for i := range 3 {
		q.Add(i)
	}
	if err := q.Flush(context.Background()); err == nil {
		t.Error("Flush hid the export error")
	}
	if got := d.get(ExportFailed); got != 3 {
		t.Errorf("ExportFailed = %d, want 3", got)
	}
	_ = q.Shutdown(context.Background())
	q.Add(99) // after Shutdown: ignored, no panic
	if err := q.Flush(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("Flush after Shutdown = %v", err)
	}
}

// A producer faster than a healthy exporter waits for room instead of
// dropping: every item is exported.
func TestWaitsForRoomWhileExportsSucceed(t *testing.T) {
	var d drops
	var exported atomic.Int64
	q := New(Config[int]{
		Size: 4, BatchSize: 4, Delay: time.Hour, Timeout: time.Second, Wait: time.Minute,
		Export: func(_ context.Context, b []int) error {
			time.Sleep(2 * time.Millisecond) // slower than the producer
			exported.Add(int64(len(b)))
			return nil
		},
		Dropped: d.add,
	})
	const n = 200
	for i := range n {
		q.Add(i)
	}
	if err := q.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := exported.Load(); got != n || d.get(QueueFull) != 0 {
		t.Errorf("exported %d of %d, %d dropped as queue full", got, n, d.get(QueueFull))
	}
}

// Once an export has failed, a full queue drops at once: a collector that
// is down never makes a producer wait.
func TestDropsAtOnceAfterAFailedExport(t *testing.T) {
	var d drops
	failed := make(chan struct{})
	var once sync.Once
	q := New(Config[int]{
		Size: 4, BatchSize: 4, Delay: time.Hour, Timeout: time.Second, Wait: time.Hour,
		Export: func(context.Context, []int) error {
			once.Do(func() { close(failed) })
			return errors.New("connection refused")
		},
		Dropped: d.add,
	})
	defer q.Shutdown(context.Background())
	for i := range 4 {
		q.Add(i) // the fourth fills a batch and kicks the export
	}
	<-failed
	// Whatever the export goroutine has taken by now, these overflow the
	// queue; with Wait an hour, the test ends only if none of them waits.
	for i := range 12 {
		q.Add(i)
	}
	if got := d.get(QueueFull); got < 4 {
		t.Errorf("%d items dropped as queue full, want at least 4", got)
	}
}

// An export that hangs makes the first producer to find the queue full
// wait Wait, no longer; the others then drop at once (were each to wait,
// the 1,000 adds would outlast the test binary's timeout).
func TestStuckExportCostsOneWait(t *testing.T) {
	var d drops
	release := make(chan struct{})
	q := New(Config[int]{
		Size: 4, BatchSize: 4, Delay: time.Hour, Timeout: time.Hour, Wait: time.Second,
		Export: func(ctx context.Context, _ []int) error {
			<-release
			return nil
		},
		Dropped: d.add,
	})
	defer q.Shutdown(context.Background())
	defer close(release)
	const n = 1000
	for i := range n {
		q.Add(i)
	}
	// At most one batch is in the hung export and one queued.
	if got := d.get(QueueFull); got < n-8 {
		t.Errorf("%d of %d items dropped as queue full, want at least %d", got, n, n-8)
	}
}

// An export under way for longer than Wait (an exporter retrying a
// refused connection) makes a full queue drop at once: no Add waits the
// Wait it would otherwise (a bound on blocking, far from any speed).
func TestNoWaitBehindAnExportUnderWayForLongerThanWait(t *testing.T) {
	var d drops
	release := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	q := New(Config[int]{
		Size: 4, BatchSize: 4, Delay: time.Hour, Timeout: time.Hour, Wait: time.Second,
		Export: func(context.Context, []int) error {
			once.Do(func() { close(started) })
			<-release
			return nil
		},
		Dropped: d.add,
	})
	defer q.Shutdown(context.Background())
	defer close(release)
	for i := range 4 {
		q.Add(i)
	}
	<-started
	time.Sleep(1200 * time.Millisecond) // the export is now under way for longer than Wait
	begun := time.Now()
	for i := range 100 {
		q.Add(i)
	}
	if took := time.Since(begun); took >= 500*time.Millisecond {
		t.Errorf("the adds took %v: one waited", took)
	}
	if got := d.get(QueueFull); got != 100-4 {
		t.Errorf("%d dropped as queue full, want %d", got, 100-4)
	}
}

// Saturated holds from the first item dropped for a full queue until the
// export goroutine makes room; Drop counts as a full queue would.
func TestSaturatedFromADropUntilRoom(t *testing.T) {
	var d drops
	release := make(chan struct{})
	q := New(Config[int]{
		Size: 4, BatchSize: 4, Delay: time.Hour, Timeout: time.Hour,
		Export: func(context.Context, []int) error {
			<-release
			return nil
		},
		Dropped: d.add,
	})
	defer q.Shutdown(context.Background())
	if q.Saturated() {
		t.Fatal("an empty queue is saturated")
	}
	// The first batch goes into the hung export, the next four fill the
	// queue, and the ninth is dropped.
	for i := 0; d.get(QueueFull) == 0; i++ {
		q.Add(i)
	}
	if !q.Saturated() {
		t.Error("not saturated after a drop")
	}
	q.Drop(3)
	if got := d.get(QueueFull); got != 4 {
		t.Errorf("%d dropped as queue full, want 1 + 3", got)
	}
	close(release) // the export returns; the next export takes the queue
	if err := q.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q.Saturated() {
		t.Error("still saturated once the queue was exported")
	}
}
