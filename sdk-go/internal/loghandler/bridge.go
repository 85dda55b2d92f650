package loghandler

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/sdk/instrumentation"
)

// Bridge writes each record into the OpenTelemetry log SDK on the calling
// goroutine, as a log.Record built directly from the record the logger
// has already redacted: no second conversion (otelslog's) and no
// hand-over queue of its own. What the SDK's processor then queues for
// export is the only background work, so a logger that logs as fast as
// it can never outruns a bridge goroutine, and the records a full export
// queue drops are counted there (seam.telemetry.dropped).
//
// The SDK reads the trace and span IDs from the context; the logger's
// With attributes, its groups and the correlation ID are laid out by a
// contextAttrsHandler in front, which also leaves every level's keys
// unique, so the SDK can skip its own de-duplication.
type Bridge struct {
	next *contextAttrsHandler
	gate Gate
	// w is where an encoding bridge's records go (NewEncodingBridge), so
	// New can write them in the same pass as the line; nil for the SDK's.
	w RecordWriter
}

// Gate is the export queue behind the bridge's provider, asked before
// each record is built: while it is Saturated (full, its exporter failing
// or stuck) a record would only be dropped, so it is counted as dropped
// instead of built, and a collector that is down costs the caller next
// to nothing per record.
type Gate interface {
	Saturated() bool
	DropSkipped()
}

// NewBridge returns the Bridge into lp's logger of scope, asking gate (if
// not nil) before building each record.
func NewBridge(lp log.LoggerProvider, scope instrumentation.Scope, gate Gate) *Bridge {
	logger := lp.Logger(scope.Name,
		log.WithInstrumentationVersion(scope.Version),
		log.WithSchemaURL(scope.SchemaURL),
	)
	return &Bridge{next: newContextAttrsHandler(emitter{logger: logger}, false), gate: gate}
}

// Enabled is true: the logger's level was checked before the fan-out.
func (h *Bridge) Enabled(context.Context, slog.Level) bool { return true }

func (h *Bridge) Handle(ctx context.Context, r slog.Record) error {
	if !h.admit() {
		return nil
	}
	return h.next.Handle(ctx, r)
}

// admit reports whether a record is to be built: not while the gate is
// Saturated, and then the record is counted as dropped.
func (h *Bridge) admit() bool {
	if h.gate != nil && h.gate.Saturated() {
		h.gate.DropSkipped()
		return false
	}
	return true
}

func (h *Bridge) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Bridge{next: h.next.withAttrs(attrs), gate: h.gate, w: h.w}
}

func (h *Bridge) WithGroup(name string) slog.Handler {
	return &Bridge{next: h.next.withGroup(name), gate: h.gate, w: h.w}
}

// emitter is the end of the bridge: it turns a laid-out record into a
// log.Record and emits it.
type emitter struct {
	logger log.Logger
}

func (e emitter) Enabled(context.Context, slog.Level) bool { return true }

func (e emitter) Handle(ctx context.Context, r slog.Record) error {
	rec := otelRecord(r)
	e.logger.Emit(ctx, rec)
	return nil
}

// The contextAttrsHandler in front keeps With and groups itself.
func (e emitter) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e emitter) WithGroup(string) slog.Handler      { return e }
