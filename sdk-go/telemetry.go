package seam

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/pipeline"
)

// Telemetry is a running Seam installation: the providers Start installed
// globally, the logger, and what Shutdown must stop.
type Telemetry struct {
	resource *resource.Resource
	tracer   trace.TracerProvider
	meter    metric.MeterProvider
	logs     otellog.LoggerProvider
	logger   *slog.Logger
	ops      *operations
	drops    *pipeline.DropCounter
	// producer is the runtime histograms' producer, nil when they are off.
	producer sdkmetric.Producer

	// Shutdown stops these in this order: the extensions, then the span
	// and log pipelines, and metrics last so the drops counted while the
	// others flush are exported too. Nil ones are skipped.
	extensions     []Extension
	traceProvider  *sdktrace.TracerProvider
	bridgeProvider *sdklog.LoggerProvider
	encodedLogs    *pipeline.EncodedLogs
	logProvider    *sdklog.LoggerProvider
	meterProvider  *sdkmetric.MeterProvider

	// previousSlog is slog.Default before Start replaced it, if it did.
	previousSlog *slog.Logger

	// exportTimeout bounds Shutdown as a whole.
	exportTimeout time.Duration
	shutdownOnce  sync.Once
	shutdownErr   error
}

// Logger returns the service's logger: every record is redacted once, then
// written as the canonical JSON line, sent through the OpenTelemetry log
// bridge and passed to Config.LogHandlers, each carrying trace_id, span_id
// and seam.correlation_id from the context of the call (use the
// *Context methods, e.g. InfoContext).
func (t *Telemetry) Logger() *slog.Logger { return t.logger }

// TracerProvider returns the installed tracer provider.
func (t *Telemetry) TracerProvider() trace.TracerProvider { return t.tracer }

// MeterProvider returns the installed meter provider, whose instruments
// named in the schema get the schema's buckets and attributes.
func (t *Telemetry) MeterProvider() metric.MeterProvider { return t.meter }

// LoggerProvider returns the installed OpenTelemetry logger provider.
func (t *Telemetry) LoggerProvider() otellog.LoggerProvider { return t.logs }

// ForceFlush exports everything recorded so far, giving up when ctx ends.
func (t *Telemetry) ForceFlush(ctx context.Context) error {
	var errs []error
	if t.traceProvider != nil {
		errs = append(errs, t.traceProvider.ForceFlush(ctx))
	}
	if t.encodedLogs != nil {
		errs = append(errs, t.encodedLogs.ForceFlush(ctx))
	}
	if t.logProvider != nil {
		errs = append(errs, t.logProvider.ForceFlush(ctx))
	}
	if t.meterProvider != nil {
		errs = append(errs, t.meterProvider.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}
