package seam

import (
	"log/slog"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"

	"github.com/seamtel/seam/sdk-go/internal/loghandler"
	"github.com/seamtel/seam/sdk-go/internal/settings"
	"github.com/seamtel/seam/sdk-go/redact"
)

// installLoggers makes Seam's logger slog's default and its diagnostic
// logger OpenTelemetry's, as configured. Shutdown puts the previous slog
// default back.
func (t *Telemetry) installLoggers(s *settings.Settings, red *redact.Redactor, json slog.Handler) {
	if s.SlogDefault {
		t.previousSlog = slog.Default()
		slog.SetDefault(t.logger)
	}
	if s.OTelLogger {
		// The JSON line only: the SDK's own messages sent through the
		// OTLP bridge could feed an export failure back into the exporter.
		otel.SetLogger(logr.FromSlogHandler(loghandler.NewRedacting(red, s.LogLevel, json)))
	}
}

// restoreLoggers undoes installLoggers' slog default, unless someone else
// replaced it since.
func (t *Telemetry) restoreLoggers() {
	if t.previousSlog != nil && slog.Default() == t.logger {
		slog.SetDefault(t.previousSlog)
	}
}
