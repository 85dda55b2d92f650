package pipeline

import (
	"sync"
	"sync/atomic"
)

// arena holds queued records' bytes in shared chunks, so queueing a
// record allocates nothing of its own, and reuses a chunk once every
// record in it has been exported: a tight logging loop then leaves the
// garbage collector next to nothing to do. A chunk holding a record the
// queue dropped is never reused; the collector takes it.
type arena struct {
	mu      sync.Mutex
	current *chunk
	// free holds chunks ready for reuse; past its capacity they are
	// left to the collector.
	free chan *chunk
}

// chunk is a run of records' bytes.
type chunk struct {
	buf []byte
	// refs is one for the arena while the chunk is current, plus one per
	// record copied into it and not yet released.
	refs atomic.Int32
}

// arenaRecord is one queued record: its bytes and the chunk holding them.
type arenaRecord struct {
	b []byte
	c *chunk
}

const (
	arenaChunk = 64 << 10
	// arenaFree chunks are kept for reuse: more than a full queue and the
	// batch under way hold at the default sizes (2,048 and 512 records of
	// a few hundred bytes).
	arenaFree = 32
)

func newArena() *arena { return &arena{free: make(chan *chunk, arenaFree)} }

// copy returns a copy of b that stays as it is until released.
func (a *arena) copy(b []byte) arenaRecord {
	a.mu.Lock()
	c := a.current
	if c == nil || cap(c.buf)-len(c.buf) < len(b) {
		if c != nil {
			a.release(c) // the arena's own reference
		}
		c = a.fresh(len(b))
		a.current = c
	}
	start := len(c.buf)
	c.buf = append(c.buf, b...)
	c.refs.Add(1)
	r := arenaRecord{b: c.buf[start:len(c.buf):len(c.buf)], c: c}
	a.mu.Unlock()
	return r
}

// fresh returns an empty chunk with room for n bytes, reused if one is free.
func (a *arena) fresh(n int) *chunk {
	if n <= arenaChunk {
		select {
		case c := <-a.free:
			c.refs.Store(1)
			return c
		default:
		}
	}
	c := &chunk{buf: make([]byte, 0, max(arenaChunk, n))}
	c.refs.Store(1)
	return c
}

// release gives up one reference to c; the last one frees c for reuse.
// A released record's bytes must no longer be read.
func (a *arena) release(c *chunk) {
	if c.refs.Add(-1) != 0 || cap(c.buf) != arenaChunk {
		return
	}
	c.buf = c.buf[:0]
	select {
	case a.free <- c:
	default:
	}
}
