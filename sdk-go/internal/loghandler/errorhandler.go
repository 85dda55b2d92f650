package loghandler

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/seamtel/seam/sdk-go/redact"
)

// errorInterval is the least time between two reports of the SDK's own
// errors, so a collector that stays down costs one log line per interval.
const errorInterval = 10 * time.Second

// errorHandler writes the OpenTelemetry SDK's errors as canonical WARN
// lines, redacted, at most one per errorInterval with a count of those
// suppressed in between. It writes to the JSON sink only: sending its lines
// through the OpenTelemetry bridge could feed an export failure back into
// the exporter that failed.
type errorHandler struct {
	logger *slog.Logger

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// NewErrorHandler returns the handler of the OpenTelemetry SDK's errors,
// writing them redacted by red to json, the canonical line's handler.
func NewErrorHandler(red *redact.Redactor, json slog.Handler) otel.ErrorHandler {
	return &errorHandler{logger: slog.New(&redactingHandler{red: red, level: slog.LevelWarn, next: json})}
}

func (h *errorHandler) Handle(err error) {
	if err == nil {
		return
	}
	h.mu.Lock()
	now := time.Now()
	if now.Sub(h.last) < errorInterval {
		h.suppressed++
		h.mu.Unlock()
		return
	}
	suppressed := h.suppressed
	h.last, h.suppressed = now, 0
	h.mu.Unlock()
	h.logger.LogAttrs(context.Background(), slog.LevelWarn, "opentelemetry: "+err.Error(),
		slog.Int("seam.errors_suppressed", suppressed))
}
