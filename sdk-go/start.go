package seam

import (
	"context"
	"log/slog"
	"os"
	"time"

	"go.opentelemetry.io/otel"
	logglobal "go.opentelemetry.io/otel/log/global"
	lognoop "go.opentelemetry.io/otel/log/noop"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/seamtel/seam/sdk-go/internal/loghandler"
	"github.com/seamtel/seam/sdk-go/internal/otlplog"
	"github.com/seamtel/seam/sdk-go/internal/pipeline"
	"github.com/seamtel/seam/sdk-go/internal/runtimemetrics"
	"github.com/seamtel/seam/sdk-go/internal/schemaview"
	"github.com/seamtel/seam/sdk-go/internal/settings"
	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

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
	return start(ctx, s, cfg.Extensions)
}

func start(ctx context.Context, s *settings.Settings, extensions []Extension) (_ *Telemetry, err error) {
	t := &Telemetry{exportTimeout: s.OTLP.Timeout}
	defer func() {
		if err != nil {
			// Undo what was started before the failure.
			shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = t.Shutdown(shutdownCtx)
		}
	}()
	red := redact.Default()
	json := loghandler.NewJSON(s.LogWriter, s.LogLevel, s.ServiceName, implGo)

	if s.Disabled {
		t.tracer, t.meter, t.logs = tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider(), lognoop.NewLoggerProvider()
		t.logger = loghandler.New(red, s.LogLevel, json, nil, s.LogHandlers)
		t.ops = newOperations(t.tracer, t.meter, red, t.logger.Warn)
		current.Store(t.ops)
		t.installLoggers(s, red, json)
		return t, nil
	}

	if t.resource, err = s.Resource(ctx); err != nil {
		return nil, err
	}
	drops := &pipeline.DropCounter{}
	t.drops = drops

	mp, err := t.startMetrics(ctx, s, extensions, drops, red)
	if err != nil {
		return nil, err
	}
	meter := mp.Meter(instrumentationName, metric.WithInstrumentationVersion(Version), metric.WithSchemaURL(semconv.SchemaURL))
	if err := drops.Register(meter); err != nil {
		return nil, err
	}
	if !s.Runtime.Disabled {
		if err := runtimemetrics.Start(mp, ownScope, s.Runtime.Interval); err != nil {
			return nil, err
		}
	}

	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(t.resource), sdktrace.WithSampler(s.Sampler.SDK()))
	t.traceProvider, t.tracer = tp, tp
	if s.ExportEnabled[pipeline.Traces] {
		exp, err := pipeline.NewSpanExporter(ctx, s.OTLP)
		if err != nil {
			return nil, err
		}
		tp.RegisterSpanProcessor(pipeline.NewSpanProcessor(exp, s.Spans, s.OTLP.Timeout, drops, red))
	}
	for _, e := range extensions {
		if w, ok := e.(TracerProviderExtension); ok {
			if t.tracer, err = w.WrapTracerProvider(extensionContext(s, t.producer), t.tracer); err != nil {
				return nil, err
			}
		}
	}

	var bridge slog.Handler
	if s.ExportEnabled[pipeline.Logs] {
		exp, err := pipeline.NewLogExporter(ctx, s.OTLP)
		if err != nil {
			return nil, err
		}
		proc := pipeline.NewLogProcessor(exp, s.Logs, s.OTLP.Timeout, pipeline.LogWait, drops)
		// Records written to this provider directly (bridges of other
		// logging libraries) are redacted on their way in, like the
		// logger's.
		lp := sdklog.NewLoggerProvider(sdklog.WithResource(t.resource), sdklog.WithProcessor(pipeline.Redacting(proc, red)))
		t.logs, t.logProvider = lp, lp
		if hc, ok := pipeline.EncodedLogsConfig(s.OTLP, os.Getenv); ok {
			// Seam's own records are encoded as OTLP on the caller's
			// goroutine and sent without the log SDK (internal/otlplog),
			// sent as that SDK would send them.
			enc := pipeline.NewEncodedLogs(otlplog.NewHTTPSender(hc), otlplog.NewRequest(t.resource, ownScope),
				s.Logs, s.OTLP.Timeout, pipeline.LogWait, drops)
			t.encodedLogs = enc
			bridge = loghandler.NewEncodingBridge(enc, enc)
		} else {
			// The bridge's records reach the SDK with unique keys (see
			// internal/loghandler's contextAttrsHandler), so its provider
			// skips the SDK's de-duplication; the public provider above
			// keeps it for others.
			t.bridgeProvider = sdklog.NewLoggerProvider(
				sdklog.WithResource(t.resource),
				sdklog.WithProcessor(pipeline.Shared(proc)),
				sdklog.WithAllowKeyDuplication(),
			)
			bridge = loghandler.NewBridge(t.bridgeProvider, ownScope, proc)
		}
	} else {
		t.logs = lognoop.NewLoggerProvider()
	}

	t.logger = loghandler.New(red, s.LogLevel, json, bridge, s.LogHandlers)
	t.ops = newOperations(t.tracer, t.meter, red, t.logger.Warn)

	otel.SetTracerProvider(t.tracer)
	otel.SetMeterProvider(t.meter)
	logglobal.SetLoggerProvider(t.logs)
	otel.SetTextMapPropagator(propagator)
	otel.SetErrorHandler(loghandler.NewErrorHandler(red, json))
	current.Store(t.ops)
	t.installLoggers(s, red, json)
	return t, nil
}

// startMetrics builds the meter provider: the OTLP exporter on a periodic
// reader, its points redacted by red, the extensions' readers and the
// caller's readers, all with the schema's views, and the runtime
// histograms on the first two.
func (t *Telemetry) startMetrics(ctx context.Context, s *settings.Settings, extensions []Extension, drops *pipeline.DropCounter, red *redact.Redactor) (*sdkmetric.MeterProvider, error) {
	var producer sdkmetric.Producer
	if !s.Runtime.Disabled {
		producer = runtimemetrics.NewHistograms(s.Runtime.Interval, ownScope)
		t.producer = producer
	}
	var readerOpts []sdkmetric.PeriodicReaderOption
	if producer != nil {
		readerOpts = append(readerOpts, sdkmetric.WithProducer(producer))
	}
	opts := []sdkmetric.Option{
		sdkmetric.WithResource(t.resource),
		sdkmetric.WithView(schemaview.New(instrumentationName)),
	}
	if s.ExportEnabled[pipeline.Metrics] {
		exp, err := pipeline.NewMetricExporter(ctx, s.OTLP)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(
			pipeline.CountDrops(pipeline.RedactMetrics(exp, red), drops),
			append(readerOpts,
				sdkmetric.WithInterval(s.MetricInterval),
				sdkmetric.WithTimeout(s.OTLP.Timeout),
			)...,
		)))
	}
	for _, e := range extensions {
		// Started here, stopped by Shutdown even if Start fails later.
		t.extensions = append(t.extensions, e)
		if m, ok := e.(MetricReaderExtension); ok {
			reader, err := m.MetricReader(extensionContext(s, producer))
			if err != nil {
				return nil, err
			}
			opts = append(opts, sdkmetric.WithReader(reader))
		}
	}
	for _, r := range s.MetricReaders {
		opts = append(opts, sdkmetric.WithReader(r))
	}
	mp := sdkmetric.NewMeterProvider(opts...)
	t.meter, t.meterProvider = mp, mp
	return mp, nil
}
