package loghandler

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/correlation"
	"github.com/seamtel/seam/sdk-go/internal/otlplog"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// lineAndRecord writes each record's canonical line and, through an
// encoding bridge, its OTLP LogRecord in one pass over the attributes:
// the context's IDs are read once and each attribute, already redacted,
// is written to both buffers in turn.
//
// The record is laid out as the bridge would lay it out only when its
// layout is the line's: no groups on the logger, and at the top level, the
// logger's With attributes included, no repeated key, no group, no
// attribute without a key and no key the correlation ID would repeat. Any
// other record is handed to the bridge's contextAttrsHandler, which lays
// it out, after the line.
type lineAndRecord struct {
	line   *jsonHandler
	record *Bridge
	// onePass is whether records can be laid out in one pass under the
	// logger's With attributes, which with and withKeys then hold encoded
	// as the record's first attributes, and their keys.
	onePass  bool
	with     []byte
	withKeys []string
}

func newLineAndRecord(line *jsonHandler, record *Bridge) *lineAndRecord {
	h := &lineAndRecord{line: line, record: record}
	frames := record.next.frames
	if len(frames) != 1 {
		return h // a group is open
	}
	for _, a := range frames[0].attrs {
		if a.Key == "" || a.Value.Kind() == slog.KindGroup || a.Key == semconv.LogFieldSeamCorrelationID ||
			slices.Contains(h.withKeys, a.Key) {
			return &lineAndRecord{line: line, record: record}
		}
		h.withKeys = append(h.withKeys, a.Key)
		h.with = otlplog.AppendAttr(h.with, a)
	}
	h.onePass = true
	return h
}

// pair holds the two buffers of a record and the keys seen in it.
type pair struct {
	line, record []byte
	keys         []string
}

var pairs = sync.Pool{New: func() any {
	return &pair{line: make([]byte, 0, 1024), record: make([]byte, 0, 1024)}
}}

func (h *lineAndRecord) Enabled(ctx context.Context, l slog.Level) bool {
	return h.line.Enabled(ctx, l)
}

func (h *lineAndRecord) Handle(ctx context.Context, r slog.Record) error {
	if !h.onePass {
		err := h.line.Handle(ctx, r)
		_ = h.record.Handle(ctx, r.Clone()) // Clone: the bridge may add to it
		return err
	}
	p := pairs.Get().(*pair)
	sc := trace.SpanContextFromContext(ctx)
	cid := correlation.ID(ctx)
	line := h.line.appendOpen(p.line[:0], sc, cid, &r)
	encode := h.record.admit()
	rec := p.record[:0]
	if encode {
		rec = otlplog.AppendHead(rec, r.Time, r.Level, r.Message)
		rec = append(rec, h.with...)
	}
	keys := p.keys[:0]
	laidOut := encode // rec holds the bridge's layout so far
	r.Attrs(func(a slog.Attr) bool {
		line = appendAttr(line, h.line.prefix, a)
		if laidOut {
			if a.Key == "" || a.Value.Kind() == slog.KindGroup || slices.Contains(keys, a.Key) ||
				slices.Contains(h.withKeys, a.Key) ||
				(cid != "" && a.Key == semconv.LogFieldSeamCorrelationID) {
				laidOut = false
				return true
			}
			keys = append(keys, a.Key)
			rec = otlplog.AppendAttr(rec, a)
		}
		return true
	})
	line = closeLine(line)
	err := h.line.out.write(line)
	if laidOut && tooMany(len(h.withKeys)+len(keys), cid) {
		laidOut = false // the layout path counts what the limit drops
	}
	if laidOut {
		if cid != "" {
			rec = otlplog.AppendAttr(rec, slog.String(semconv.LogFieldSeamCorrelationID, cid))
		}
		rec = otlplog.AppendTail(rec, sc, r.Time)
		h.record.w.WriteRecord(rec)
	} else if encode {
		_ = h.record.next.Handle(ctx, r.Clone())
	}
	clear(keys)
	if cap(line) <= maxPooledLine && cap(rec) <= maxPooledLine {
		p.line, p.record, p.keys = line, rec, keys
		pairs.Put(p)
	}
	return err
}

func (h *lineAndRecord) WithAttrs(attrs []slog.Attr) slog.Handler {
	return newLineAndRecord(h.line.WithAttrs(attrs).(*jsonHandler), h.record.WithAttrs(attrs).(*Bridge))
}

func (h *lineAndRecord) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return newLineAndRecord(h.line.WithGroup(name).(*jsonHandler), h.record.WithGroup(name).(*Bridge))
}

// tooMany reports whether n attributes, and the correlation ID when cid is
// set, pass the record's attribute limit.
func tooMany(n int, cid string) bool {
	if cid != "" {
		n++
	}
	return n > otlplog.AttributeCountLimit
}
