package loghandler

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/correlation"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// contextAttrsHandler adds what the context carries to each record as
// top-level attributes, for sinks that only look at records: trace_id and
// span_id (unless spanIDs is false, for sinks that read them from the
// context themselves) and seam.correlation_id. Absent IDs add nothing.
//
// It keeps the logger's With attributes and groups itself instead of
// passing them on, so it can put the IDs at the top level even inside a
// group, and so every record it passes on has unique keys at each level
// (the last value wins, as OpenTelemetry specifies): the log SDK can then
// skip its own, costly, de-duplication.
type contextAttrsHandler struct {
	next    slog.Handler
	spanIDs bool
	// frames are the logger's With attributes: frames[0] those given
	// outside any group, each later frame a group and those given in it.
	frames []frame
}

type frame struct {
	group string
	attrs []slog.Attr
}

func newContextAttrsHandler(next slog.Handler, spanIDs bool) *contextAttrsHandler {
	return &contextAttrsHandler{next: next, spanIDs: spanIDs, frames: []frame{{}}}
}

func (h *contextAttrsHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// maxIDAttrs is how many attributes the context can add.
const maxIDAttrs = 3

func (h *contextAttrsHandler) Handle(ctx context.Context, r slog.Record) error {
	var ids [maxIDAttrs]slog.Attr
	n := 0
	if h.spanIDs {
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			ids[0] = slog.String(semconv.LogFieldTraceID, sc.TraceID().String())
			ids[1] = slog.String(semconv.LogFieldSpanID, sc.SpanID().String())
			n = 2
		}
	}
	if id := correlation.ID(ctx); id != "" {
		ids[n] = slog.String(semconv.LogFieldSeamCorrelationID, id)
		n++
	}

	if h.plain() && uniqueKeys(r) && !clashes(r, ids[:n]) {
		// The common case: no With, no group, no repeated key. r is the
		// fan-out's own copy, so adding to it touches no other sink.
		r.AddAttrs(ids[:n]...)
		return h.next.Handle(ctx, r)
	}
	return h.next.Handle(ctx, h.rebuild(r, ids[:n]))
}

// rebuild nests the record's attributes in the open groups, puts the IDs
// at the top, and removes repeated keys at every level.
func (h *contextAttrsHandler) rebuild(r slog.Record, ids []slog.Attr) slog.Record {
	inner := make([]slog.Attr, 0, len(h.frames[len(h.frames)-1].attrs)+r.NumAttrs())
	inner = append(inner, h.frames[len(h.frames)-1].attrs...)
	r.Attrs(func(a slog.Attr) bool {
		inner = append(inner, a)
		return true
	})
	for i := len(h.frames) - 1; i > 0; i-- {
		f := h.frames[i]
		inner = dedupAttrs(inner)
		if len(inner) == 0 {
			inner = append([]slog.Attr(nil), h.frames[i-1].attrs...)
			continue // an empty group is not written
		}
		outer := make([]slog.Attr, 0, len(h.frames[i-1].attrs)+1)
		outer = append(outer, h.frames[i-1].attrs...)
		inner = append(outer, slog.Attr{Key: f.group, Value: slog.GroupValue(inner...)})
	}
	top := make([]slog.Attr, 0, len(ids)+len(inner))
	top = append(append(top, inner...), ids...)
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(dedupAttrs(top)...)
	return out
}

// plain reports whether the handler has neither With attributes nor
// groups: then a record with unique keys is passed on as it is, the IDs
// added last.
func (h *contextAttrsHandler) plain() bool {
	return len(h.frames) == 1 && len(h.frames[0].attrs) == 0
}

func (h *contextAttrsHandler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.withAttrs(attrs) }

func (h *contextAttrsHandler) WithGroup(name string) slog.Handler { return h.withGroup(name) }

func (h *contextAttrsHandler) withAttrs(attrs []slog.Attr) *contextAttrsHandler {
	if len(attrs) == 0 {
		return h
	}
	frames := append([]frame(nil), h.frames...)
	last := &frames[len(frames)-1]
	last.attrs = append(append([]slog.Attr(nil), last.attrs...), attrs...)
	return &contextAttrsHandler{next: h.next, spanIDs: h.spanIDs, frames: frames}
}

func (h *contextAttrsHandler) withGroup(name string) *contextAttrsHandler {
	if name == "" {
		return h
	}
	frames := append(append([]frame(nil), h.frames...), frame{group: name})
	return &contextAttrsHandler{next: h.next, spanIDs: h.spanIDs, frames: frames}
}

// uniqueKeys reports whether no key repeats among r's attributes, nested
// groups included. Records have few attributes: pairs are compared.
func uniqueKeys(r slog.Record) bool {
	var buf [16]slog.Attr
	attrs := buf[:0]
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, a)
		return true
	})
	return attrsUnique(attrs)
}

func attrsUnique(attrs []slog.Attr) bool {
	for i, a := range attrs {
		for _, b := range attrs[:i] {
			if a.Key == b.Key {
				return false
			}
		}
		if a.Value.Kind() == slog.KindGroup && !attrsUnique(a.Value.Group()) {
			return false
		}
	}
	return true
}

// clashes reports whether an ID would repeat one of r's keys.
func clashes(r slog.Record, ids []slog.Attr) bool {
	if len(ids) == 0 {
		return false
	}
	found := false
	r.Attrs(func(a slog.Attr) bool {
		for _, id := range ids {
			if a.Key == id.Key {
				found = true
			}
		}
		return !found
	})
	return found
}

// dedupAttrs keeps the last value of each key, in the position of its
// first occurrence, at this level and in nested groups.
func dedupAttrs(attrs []slog.Attr) []slog.Attr {
	if attrsUnique(attrs) {
		return attrs
	}
	out := make([]slog.Attr, 0, len(attrs))
	for _, a := range attrs {
		if a.Value.Kind() == slog.KindGroup {
			a = slog.Attr{Key: a.Key, Value: slog.GroupValue(dedupAttrs(a.Value.Group())...)}
		}
		replaced := false
		for i := range out {
			if out[i].Key == a.Key {
				out[i], replaced = a, true
				break
			}
		}
		if !replaced {
			out = append(out, a)
		}
	}
	return out
}
