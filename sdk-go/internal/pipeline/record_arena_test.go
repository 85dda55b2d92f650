package pipeline

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestArenaReusesExportedChunks: once their records are released, chunks
// are reused, so a steady stream of records allocates nothing.
func TestArenaReusesExportedChunks(t *testing.T) {
	a := newArena()
	record := bytes.Repeat([]byte("r"), 1000)
	stream := func() {
		for range 1000 { // about 15 chunks' worth
			r := a.copy(record)
			a.release(r.c)
		}
	}
	stream()
	if n := testing.AllocsPerRun(5, stream); n != 0 {
		t.Errorf("%v allocations per 1,000 records released as they come; want 0", n)
	}
}

// TestArenaChunkHeldByAnUnreleasedRecordIsNotReused: a chunk that still
// holds a queued record is never handed out again.
func TestArenaChunkHeldByAnUnreleasedRecordIsNotReused(t *testing.T) {
	a := newArena()
	kept := a.copy([]byte("kept"))
	filler := bytes.Repeat([]byte("f"), 4096)
	for range 200 { // many chunks, each released
		r := a.copy(filler)
		a.release(r.c)
	}
	if string(kept.b) != "kept" {
		t.Fatalf("a queued record was overwritten: %q", kept.b)
	}
}

// TestArenaUnderConcurrentWriters copies records from several goroutines
// while another releases them as an exporter would: each record reads
// back as written (run with -race).
func TestArenaUnderConcurrentWriters(t *testing.T) {
	a := newArena()
	queued := make(chan arenaRecord, 512)
	const writers, each = 4, 3000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				queued <- a.copy(fmt.Appendf(nil, "w%d-%d-%s", w, i, bytes.Repeat([]byte("x"), i%300)))
			}
		})
	}
	go func() { wg.Wait(); close(queued) }()

	seen := map[string]bool{}
	for r := range queued {
		var w, i int
		if _, err := fmt.Sscanf(string(r.b), "w%d-%d-", &w, &i); err != nil {
			t.Fatalf("record %q: %v", r.b, err)
		}
		want := fmt.Sprintf("w%d-%d-%s", w, i, bytes.Repeat([]byte("x"), i%300))
		if string(r.b) != want || seen[want] {
			t.Fatalf("record %q, want %q once", r.b, want)
		}
		seen[want] = true
		a.release(r.c)
	}
	if len(seen) != writers*each {
		t.Fatalf("%d records, want %d", len(seen), writers*each)
	}
}
