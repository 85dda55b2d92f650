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
}

// NewBridge returns the Bridge into lp's logger of scope.
func NewBridge(lp log.LoggerProvider, scope instrumentation.Scope) *Bridge {
	logger := lp.Logger(scope.Name,
		log.WithInstrumentationVersion(scope.Version),
		log.WithSchemaURL(scope.SchemaURL),
	)
	return &Bridge{next: newContextAttrsHandler(emitter{logger: logger}, false)}
}

// Enabled is true: the logger's level was checked before the fan-out.
func (h *Bridge) Enabled(context.Context, slog.Level) bool { return true }

func (h *Bridge) Handle(ctx context.Context, r slog.Record) error { return h.next.Handle(ctx, r) }

func (h *Bridge) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Bridge{next: h.next.withAttrs(attrs)}
}

func (h *Bridge) WithGroup(name string) slog.Handler {
	return &Bridge{next: h.next.withGroup(name)}
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
