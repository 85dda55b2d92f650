package seam

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	slogmulti "github.com/samber/slog-multi"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel"
	otellog "go.opentelemetry.io/otel/log"
	logglobal "go.opentelemetry.io/otel/log/global"
	lognoop "go.opentelemetry.io/otel/log/noop"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
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
	drops    *dropCounter
	// producer is the runtime histograms' producer, nil when they are off.
	producer sdkmetric.Producer

	// Shutdown stops these in this order: the extensions, then the span
	// and log pipelines, and metrics last so the drops counted while the
	// others flush are exported too. Nil ones are skipped.
	extensions     []Extension
	traceProvider  *sdktrace.TracerProvider
	bridge         *asyncHandler
	bridgeProvider *sdklog.LoggerProvider
	logProvider    *sdklog.LoggerProvider
	meterProvider  *sdkmetric.MeterProvider

	// previousSlog is slog.Default before Start replaced it, if it did.
	previousSlog *slog.Logger

	// exportTimeout bounds Shutdown as a whole.
	exportTimeout time.Duration
	shutdownOnce  sync.Once
	shutdownErr   error
}

// Start installs Seam: global tracer, meter and logger providers that
// export OTLP to the collector, the W3C tracecontext + baggage propagator,
// the Go runtime metrics and the configured extensions. An invalid Config is reported with the field it concerns; an
// unreachable collector is not an error, as exports are retried in the
// background and their drops counted.
func Start(ctx context.Context, cfg Config) (*Telemetry, error) {
	s, err := resolve(cfg, os.Getenv)
	if err != nil {
		return nil, err
	}
	return start(ctx, s)
}

func start(ctx context.Context, s *settings) (_ *Telemetry, err error) {
	t := &Telemetry{exportTimeout: s.exportTimeout}
	defer func() {
		if err != nil {
			// Undo what was started before the failure.
			shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = t.Shutdown(shutdownCtx)
		}
	}()
	red := redact.Default()
	out := &lineWriter{w: s.logWriter}
	json := &jsonHandler{
		out:         out,
		level:       s.logLevel,
		serviceName: s.serviceName,
		impl:        implGo,
	}

	if s.disabled {
		t.tracer, t.meter, t.logs = tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider(), lognoop.NewLoggerProvider()
		t.logger = newLogger(red, s, json, nil)
		t.ops = newOperations(t.tracer, t.meter, red, t.logger.Warn)
		current.Store(t.ops)
		t.installLoggers(s, red, json)
		return t, nil
	}

	if t.resource, err = newResource(ctx, s); err != nil {
		return nil, err
	}
	drops := &dropCounter{}
	t.drops = drops

	mp, err := t.startMetrics(ctx, s, drops)
	if err != nil {
		return nil, err
	}
	meter := mp.Meter(instrumentationName, metric.WithInstrumentationVersion(Version), metric.WithSchemaURL(semconv.SchemaURL))
	if err := drops.register(meter); err != nil {
		return nil, err
	}
	if !s.runtime.Disabled {
		if err := startRuntimeMetrics(mp, s.runtime.Interval); err != nil {
			return nil, err
		}
	}

	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(t.resource), sdktrace.WithSampler(s.sampler.sdkSampler()))
	t.traceProvider, t.tracer = tp, tp
	if s.exportEnabled[signalTraces] {
		exp, err := newSpanExporter(ctx, s)
		if err != nil {
			return nil, err
		}
		tp.RegisterSpanProcessor(newSpanProcessor(exp, s.spans, s, drops, red))
	}
	for _, e := range s.extensions {
		if w, ok := e.(TracerProviderExtension); ok {
			if t.tracer, err = w.WrapTracerProvider(s.extensionContext(t.producer), t.tracer); err != nil {
				return nil, err
			}
		}
	}

	var bridge slog.Handler
	if s.exportEnabled[signalLogs] {
		exp, err := newLogExporter(ctx, s)
		if err != nil {
			return nil, err
		}
		proc := newLogProcessor(exp, s.logs, s, drops)
		lp := sdklog.NewLoggerProvider(sdklog.WithResource(t.resource), sdklog.WithProcessor(proc))
		t.logs, t.logProvider = lp, lp
		// The bridge's records reach the SDK with unique keys (see
		// contextAttrsHandler), so its provider skips the SDK's
		// de-duplication; the public provider above keeps it for others.
		t.bridgeProvider = sdklog.NewLoggerProvider(
			sdklog.WithResource(t.resource),
			sdklog.WithProcessor(sharedProcessor{proc}),
			sdklog.WithAllowKeyDuplication(),
		)
		t.bridge = newAsyncHandler(otelslog.NewHandler(instrumentationName,
			otelslog.WithLoggerProvider(schemaSeverityProvider{next: t.bridgeProvider}),
			otelslog.WithVersion(Version),
			otelslog.WithSchemaURL(semconv.SchemaURL),
		), s.logs, drops)
		bridge = t.bridge
	} else {
		t.logs = lognoop.NewLoggerProvider()
	}

	t.logger = newLogger(red, s, json, bridge)
	t.ops = newOperations(t.tracer, t.meter, red, t.logger.Warn)

	otel.SetTracerProvider(t.tracer)
	otel.SetMeterProvider(t.meter)
	logglobal.SetLoggerProvider(t.logs)
	otel.SetTextMapPropagator(propagator)
	otel.SetErrorHandler(newErrorHandler(red, json))
	current.Store(t.ops)
	t.installLoggers(s, red, json)
	return t, nil
}

// startMetrics builds the meter provider: the OTLP exporter on a periodic
// reader, the extensions' readers and the caller's readers, all with the
// schema's views, and the runtime histograms on the first two.
func (t *Telemetry) startMetrics(ctx context.Context, s *settings, drops *dropCounter) (*sdkmetric.MeterProvider, error) {
	var producer sdkmetric.Producer
	if !s.runtime.Disabled {
		producer = newRuntimeHistograms(s.runtime.Interval)
		t.producer = producer
	}
	var readerOpts []sdkmetric.PeriodicReaderOption
	if producer != nil {
		readerOpts = append(readerOpts, sdkmetric.WithProducer(producer))
	}
	opts := []sdkmetric.Option{
		sdkmetric.WithResource(t.resource),
		sdkmetric.WithView(schemaView()),
	}
	if s.exportEnabled[signalMetrics] {
		exp, err := newMetricExporter(ctx, s)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(
			countingMetricExporter{Exporter: exp, drops: drops},
			append(readerOpts,
				sdkmetric.WithInterval(s.metricInterval),
				sdkmetric.WithTimeout(s.exportTimeout),
			)...,
		)))
	}
	for _, e := range s.extensions {
		// Started here, stopped by Shutdown even if Start fails later.
		t.extensions = append(t.extensions, e)
		if m, ok := e.(MetricReaderExtension); ok {
			reader, err := m.MetricReader(s.extensionContext(producer))
			if err != nil {
				return nil, err
			}
			opts = append(opts, sdkmetric.WithReader(reader))
		}
	}
	for _, r := range s.metricReaders {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	mp := sdkmetric.NewMeterProvider(opts...)
	t.meter, t.meterProvider = mp, mp
	return mp, nil
}

// newLogger builds the handler chain: redaction once, then the fan-out to
// the canonical JSON line, the OpenTelemetry bridge (given the correlation
// ID as an attribute; it reads span IDs from the context itself) and the
// caller's handlers (given all three as attributes).
func newLogger(red *redact.Redactor, s *settings, json *jsonHandler, bridge slog.Handler) *slog.Logger {
	sinks := []slog.Handler{json}
	if bridge != nil {
		sinks = append(sinks, bridge)
	}
	for _, h := range s.logHandlers {
		sinks = append(sinks, newContextAttrsHandler(h, true))
	}
	return slog.New(&redactingHandler{red: red, level: s.logLevel, next: slogmulti.Fanout(sinks...)})
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
	if t.bridge != nil {
		errs = append(errs, t.bridge.queue.Flush(ctx))
	}
	if t.logProvider != nil {
		errs = append(errs, t.logProvider.ForceFlush(ctx))
	}
	if t.meterProvider != nil {
		errs = append(errs, t.meterProvider.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

// Shutdown flushes every signal and stops the pipelines, within the
// export timeout in all or ctx's deadline if sooner. Telemetry still queued
// then is dropped, and the error says how much of each signal was lost.
// Later calls return the first call's result.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.shutdownOnce.Do(func() {
		if t.ops != nil {
			current.CompareAndSwap(t.ops, nil)
		}
		t.restoreLoggers()
		if t.exportTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, t.exportTimeout)
			defer cancel()
		}
		// Spans and logs flush side by side within the first two thirds,
		// so metrics, last, always have a third left to export, drops
		// counted meanwhile included.
		var before [numSignals]int64
		if t.drops != nil {
			before = t.drops.snapshot()
		}
		var errs []error
		for _, e := range t.extensions {
			errs = append(errs, e.Shutdown(ctx))
		}
		errs = append(errs, t.shutdownSpansAndLogs(ctx)...)
		if t.meterProvider != nil {
			errs = append(errs, t.meterProvider.Shutdown(ctx))
		}
		t.shutdownErr = shutdownError(errors.Join(errs...), before, t.drops)
	})
	return t.shutdownErr
}

// shutdownSpansAndLogs stops the span and log pipelines concurrently,
// within two thirds of the time ctx has left.
func (t *Telemetry) shutdownSpansAndLogs(ctx context.Context) []error {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(deadline)*2/3)
		defer cancel()
	}
	var (
		wg       sync.WaitGroup
		traceErr error
		logErrs  []error
	)
	if t.traceProvider != nil {
		wg.Go(func() { traceErr = t.traceProvider.Shutdown(ctx) })
	}
	if t.bridge != nil {
		logErrs = append(logErrs, t.bridge.queue.Shutdown(ctx), t.bridgeProvider.Shutdown(ctx))
	}
	if t.logProvider != nil {
		logErrs = append(logErrs, t.logProvider.Shutdown(ctx))
	}
	wg.Wait()
	return append(logErrs, traceErr)
}

// shutdownError says plainly what a shutdown lost: the spans, log records
// and metric points dropped while it ran, and why.
func shutdownError(err error, before [numSignals]int64, drops *dropCounter) error {
	var lost [numSignals]int64
	if drops != nil {
		after := drops.snapshot()
		for s := range lost {
			lost[s] = after[s] - before[s]
		}
	}
	if lost == [numSignals]int64{} {
		if err == nil {
			return nil
		}
		return fmt.Errorf("seam: shutdown: %w", err)
	}
	return &shutdownLoss{lost: lost, err: err}
}

// shutdownLoss is a shutdown that could not deliver everything.
type shutdownLoss struct {
	lost [numSignals]int64
	err  error
}

func (e *shutdownLoss) Error() string {
	msg := fmt.Sprintf("seam: shutdown: telemetry not delivered: lost %d spans, %d log records, %d metric points",
		e.lost[signalTraces], e.lost[signalLogs], e.lost[signalMetrics])
	if e.err != nil {
		// The first cause is enough to act on; the joined rest repeats it.
		cause, _, _ := strings.Cut(e.err.Error(), "\n")
		msg += " (" + cause + ")"
	}
	return msg
}

func (e *shutdownLoss) Unwrap() error { return e.err }
