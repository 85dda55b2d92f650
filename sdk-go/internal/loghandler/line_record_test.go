package loghandler_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/seamtel/seam/sdk-go/internal/correlation"
	"github.com/seamtel/seam/sdk-go/internal/loghandler"
	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// TestOnePassWritesWhatEachSinkWrites logs every shape through the
// logger's chain, which writes the line and the encoded record in one
// pass, and through the line's handler and the encoding bridge each on
// its own behind the same redaction: the lines and the records must be
// the same bytes.
func TestOnePassWritesWhatEachSinkWrites(t *testing.T) {
	var onePassLines, lines bytes.Buffer
	var onePass, alone records
	chain := loghandler.New(redact.Default(), slog.LevelDebug,
		loghandler.NewJSON(&onePassLines, slog.LevelDebug, "pricing", "go"),
		loghandler.NewEncodingBridge(&onePass, nil), nil).Handler()
	logEveryShape(t, chain)
	logLayouts(t, chain)
	for _, h := range []slog.Handler{loghandler.NewJSON(&lines, slog.LevelDebug, "pricing", "go"), loghandler.NewEncodingBridge(&alone, nil)} {
		h = loghandler.NewRedacting(redact.Default(), slog.LevelDebug, h)
		logEveryShape(t, h)
		logLayouts(t, h)
	}

	if onePassLines.String() != lines.String() {
		t.Errorf("lines in one pass:\n%s\nthe line's handler alone:\n%s", onePassLines.String(), lines.String())
	}
	if len(onePass) != len(alone) {
		t.Fatalf("%d records in one pass, %d from the bridge alone", len(onePass), len(alone))
	}
	for i := range alone {
		if !bytes.Equal(onePass[i], alone[i]) {
			t.Errorf("record %d:\none pass %x\nalone    %x", i, onePass[i], alone[i])
		}
	}
}

// logLayouts logs records under With attributes, and the records whose
// OTLP layout is not the line's: a repeated key, the correlation ID's own
// key, a key given twice across With, an attribute without a key, a group
// among the With attributes.
func logLayouts(t *testing.T, h slog.Handler) {
	t.Helper()
	ctx := correlation.With(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	for _, tc := range []struct {
		h     slog.Handler
		attrs []slog.Attr
	}{
		{h, []slog.Attr{slog.Int("a", 1), slog.Int("b", 2), slog.Int("a", 3)}},
		{h, []slog.Attr{slog.String(semconv.LogFieldSeamCorrelationID, "mine"), slog.Int("n", 1)}},
		{h.WithAttrs([]slog.Attr{slog.Int("a", 1)}), []slog.Attr{slog.Int("a", 2)}},
		{h.WithAttrs([]slog.Attr{slog.String("svc", "a")}), []slog.Attr{slog.Int("n", 1), slog.Bool("b", true)}},
		{h.WithAttrs([]slog.Attr{slog.String("svc", "a")}).WithAttrs([]slog.Attr{slog.Int("id", 7)}), []slog.Attr{slog.Int("n", 1)}},
		{h.WithAttrs([]slog.Attr{slog.String("svc", "a"), slog.String("svc", "b")}), []slog.Attr{slog.Int("n", 1)}},
		{h.WithAttrs([]slog.Attr{slog.String(semconv.LogFieldSeamCorrelationID, "mine")}), []slog.Attr{slog.Int("n", 1)}},
		{h.WithAttrs([]slog.Attr{slog.Group("g", slog.Int("x", 1))}), []slog.Attr{slog.Int("n", 1)}},
		{h, []slog.Attr{slog.Int("n", 1), slog.Group("", slog.Int("n", 2))}},
	} {
		r := slog.NewRecord(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), slog.LevelInfo, "repeated", 0)
		r.AddAttrs(tc.attrs...)
		if err := tc.h.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOnePassUnderConcurrentLoggers logs from several goroutines at once
// through one chain: every line and every record must be whole and its
// own (run with -race).
func TestOnePassUnderConcurrentLoggers(t *testing.T) {
	var lines seamtest.SyncBuffer
	var recs syncRecords
	l := loghandler.New(redact.Default(), slog.LevelInfo,
		loghandler.NewJSON(&lines, slog.LevelInfo, "pricing", "go"),
		loghandler.NewEncodingBridge(&recs, nil), nil)
	const goroutines, each = 4, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				l.Info("concurrent", "worker", g, "seq", i, "text", strings.Repeat("x", i%40))
			}
		})
	}
	wg.Wait()

	if n := strings.Count(lines.String(), "\n"); n != goroutines*each {
		t.Fatalf("%d lines, want %d", n, goroutines*each)
	}
	type key struct{ worker, seq int64 }
	seen := map[key]bool{}
	for _, b := range recs.all() {
		var rec logspb.LogRecord
		if err := proto.Unmarshal(b, &rec); err != nil {
			t.Fatalf("a record does not decode: %v", err)
		}
		attrs := rec.GetAttributes()
		if len(attrs) != 3 || rec.GetBody().GetStringValue() != "concurrent" {
			t.Fatalf("record %v", &rec)
		}
		k := key{attrs[0].GetValue().GetIntValue(), attrs[1].GetValue().GetIntValue()}
		if seen[k] || attrs[2].GetValue().GetStringValue() != strings.Repeat("x", int(k.seq%40)) {
			t.Fatalf("record %v repeated or mixed with another", &rec)
		}
		seen[k] = true
	}
	if len(seen) != goroutines*each {
		t.Fatalf("%d distinct records, want %d", len(seen), goroutines*each)
	}
}

type syncRecords struct {
	mu   sync.Mutex
	recs records
}

func (r *syncRecords) WriteRecord(b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs.WriteRecord(b)
}

func (r *syncRecords) all() records {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.recs
}
