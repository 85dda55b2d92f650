package loghandler

import (
	"context"
	"log/slog"
	"sync"

	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/otlplog"
)

// RecordWriter takes each record as the bytes of one OTLP LogRecord
// message. It must not keep b.
type RecordWriter interface {
	WriteRecord(b []byte)
}

// NewEncodingBridge returns the Bridge that encodes each record as OTLP
// protobuf on the calling goroutine and writes it to w, asking gate (if
// not nil) first: the same records the SDK bridge emits, without the log
// SDK's record or the exporter's transform.
func NewEncodingBridge(w RecordWriter, gate Gate) *Bridge {
	return &Bridge{next: newContextAttrsHandler(encoder{w: w}, false), gate: gate, w: w}
}

// encoder is the end of an encoding bridge.
type encoder struct {
	w RecordWriter
}

// scratch holds the buffers records are encoded into before the writer
// copies them.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func (e encoder) Enabled(context.Context, slog.Level) bool { return true }

func (e encoder) Handle(ctx context.Context, r slog.Record) error {
	buf := scratch.Get().(*[]byte)
	*buf = otlplog.AppendRecord((*buf)[:0], trace.SpanContextFromContext(ctx), r)
	e.w.WriteRecord(*buf)
	scratch.Put(buf)
	return nil
}

// The contextAttrsHandler in front keeps With and groups itself.
func (e encoder) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e encoder) WithGroup(string) slog.Handler      { return e }
