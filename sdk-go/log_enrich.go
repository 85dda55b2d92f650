package seam

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// contextAttrsHandler adds what the context carries to each record as
// attributes, for sinks that only look at records: trace_id and span_id
// (unless spanIDs is false, for sinks that read them from the context
// themselves) and seam.correlation_id. Absent IDs add nothing.
type contextAttrsHandler struct {
	next    slog.Handler
	spanIDs bool
}

func (h *contextAttrsHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *contextAttrsHandler) Handle(ctx context.Context, r slog.Record) error {
	// r is the fan-out's own copy, so adding to it touches no other sink.
	if h.spanIDs {
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			r.AddAttrs(
				slog.String(semconv.LogFieldTraceID, sc.TraceID().String()),
				slog.String(semconv.LogFieldSpanID, sc.SpanID().String()),
			)
		}
	}
	if id := CorrelationID(ctx); id != "" {
		r.AddAttrs(slog.String(semconv.LogFieldSeamCorrelationID, id))
	}
	return h.next.Handle(ctx, r)
}

func (h *contextAttrsHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &contextAttrsHandler{next: h.next.WithAttrs(attrs), spanIDs: h.spanIDs}
}

func (h *contextAttrsHandler) WithGroup(name string) slog.Handler {
	return &contextAttrsHandler{next: h.next.WithGroup(name), spanIDs: h.spanIDs}
}

// schemaSeverityProvider wraps the LoggerProvider the OpenTelemetry bridge
// writes to so every record's severity text is the schema's level name:
// the bridge would write slog's own (TRACE would be "DEBUG-4").
type schemaSeverityProvider struct {
	embedded.LoggerProvider
	next log.LoggerProvider
}

func (p schemaSeverityProvider) Logger(name string, opts ...log.LoggerOption) log.Logger {
	return schemaSeverityLogger{next: p.next.Logger(name, opts...)}
}

type schemaSeverityLogger struct {
	embedded.Logger
	next log.Logger
}

func (l schemaSeverityLogger) Emit(ctx context.Context, r log.Record) {
	r.SetSeverityText(severityName(int(r.Severity())))
	l.next.Emit(ctx, r)
}

func (l schemaSeverityLogger) Enabled(ctx context.Context, p log.EnabledParameters) bool {
	return l.next.Enabled(ctx, p)
}
