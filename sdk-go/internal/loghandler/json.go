package loghandler

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/correlation"
	"github.com/seamtel/seam/sdk-go/internal/loglevel"
	"github.com/seamtel/seam/sdk-go/internal/logline"
)

// lineWriter serialises whole lines onto one io.Writer.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *lineWriter) write(line []byte) error {
	w.mu.Lock()
	_, err := w.w.Write(line)
	w.mu.Unlock()
	return err
}

// jsonHandler writes the canonical log line (event.seam.log). It expects
// records the redacting handler has already cleaned.
type jsonHandler struct {
	out         *lineWriter
	level       slog.Leveler
	serviceName string
	impl        string
	// pre holds the attributes of WithAttrs, already encoded.
	pre []byte
	// prefix is the dotted path of the open groups, e.g. "db.".
	prefix string
}

// NewJSON returns the handler writing canonical lines of serviceName and
// impl (seam.impl) at level or above to w, one whole line per Write. It
// expects records a redacting handler has already cleaned.
func NewJSON(w io.Writer, level slog.Leveler, serviceName, impl string) slog.Handler {
	return &jsonHandler{out: &lineWriter{w: w}, level: level, serviceName: serviceName, impl: impl}
}

// maxPooledLine keeps one huge record from pinning a huge buffer forever.
const maxPooledLine = 64 << 10

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func (h *jsonHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *jsonHandler) Handle(ctx context.Context, r slog.Record) error {
	bp := linePool.Get().(*[]byte)
	b := h.appendOpen((*bp)[:0], trace.SpanContextFromContext(ctx), correlation.ID(ctx), &r)
	r.Attrs(func(a slog.Attr) bool {
		b = appendAttr(b, h.prefix, a)
		return true
	})
	b = closeLine(b)
	err := h.out.write(b)
	putLine(bp, b)
	return err
}

// appendOpen writes a line's fixed fields and the logger's With
// attributes; the record's attributes follow (appendAttr with h.prefix),
// then closeLine.
func (h *jsonHandler) appendOpen(b []byte, sc trace.SpanContext, correlationID string, r *slog.Record) []byte {
	hdr := logline.Header{
		Time:          r.Time,
		Level:         loglevel.Name(r.Level),
		Msg:           r.Message,
		ServiceName:   h.serviceName,
		Impl:          h.impl,
		TraceID:       sc.TraceID(),
		SpanID:        sc.SpanID(),
		CorrelationID: correlationID,
	}
	b = logline.AppendHeader(b, &hdr)
	return append(b, h.pre...)
}

func closeLine(b []byte) []byte { return append(logline.End(b), '\n') }

// putLine returns a line buffer, grown to b, to the pool.
func putLine(bp *[]byte, b []byte) {
	if cap(b) <= maxPooledLine {
		*bp = b
		linePool.Put(bp)
	}
}

func (h *jsonHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	h2.pre = bytes.Clone(h.pre)
	for _, a := range attrs {
		h2.pre = appendAttr(h2.pre, h.prefix, a)
	}
	return &h2
}

func (h *jsonHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	return &h2
}

// appendAttr writes one attribute, flattening groups into dotted keys as
// OpenTelemetry names attributes. Empty attributes and groups are skipped,
// as slog asks of every handler.
func appendAttr(b []byte, prefix string, a slog.Attr) []byte {
	kind := a.Value.Kind()
	if kind == slog.KindLogValuer {
		a.Value = a.Value.Resolve()
		kind = a.Value.Kind()
	}
	if a.Key == "" && a.Value.Equal(slog.Value{}) {
		return b // the empty attribute
	}
	if kind == slog.KindGroup {
		group := a.Value.Group()
		if len(group) == 0 {
			return b
		}
		if a.Key != "" {
			prefix = prefix + a.Key + "."
		}
		for _, ga := range group {
			b = appendAttr(b, prefix, ga)
		}
		return b
	}
	b = logline.AppendKey(b, prefix, a.Key)
	return appendValue(b, kind, a.Value)
}

// appendValue appends v, of kind kind.
func appendValue(b []byte, kind slog.Kind, v slog.Value) []byte {
	switch kind {
	case slog.KindString:
		return logline.AppendString(b, v.String())
	case slog.KindInt64:
		return logline.AppendInt(b, v.Int64())
	case slog.KindUint64:
		return logline.AppendUint(b, v.Uint64())
	case slog.KindFloat64:
		return logline.AppendFloat(b, v.Float64())
	case slog.KindBool:
		return logline.AppendBool(b, v.Bool())
	case slog.KindDuration:
		// Nanoseconds, as slog's JSON handler and the OpenTelemetry bridge write them.
		return logline.AppendInt(b, int64(v.Duration()))
	case slog.KindTime:
		return logline.AppendTime(b, v.Time())
	default:
		return logline.AppendString(b, anyString(v.Any()))
	}
}

// anyString renders a value of no canonical type as text: errors by their
// message, Stringers and TextMarshalers by their text, anything else as
// JSON. The redacting handler applies it too, so value patterns see exactly
// what a sink would write. A method that panics yields a marker instead.
func anyString(v any) (s string) {
	defer func() {
		if p := recover(); p != nil {
			s = fmt.Sprintf("!PANIC: %v", p)
		}
	}()
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case encoding.TextMarshaler:
		if t, err := x.MarshalText(); err == nil {
			return string(t)
		}
	case []byte:
		return string(x)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err == nil {
		return string(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
	}
	return fmt.Sprintf("%+v", v)
}
