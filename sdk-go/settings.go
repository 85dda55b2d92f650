package seam

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/internal/pipeline"
)

// Environment variables Start reads besides those the OpenTelemetry SDK
// and exporters read for themselves.
const (
	envSDKDisabled      = "OTEL_SDK_DISABLED"
	envServiceName      = "OTEL_SERVICE_NAME"
	envResourceAttrs    = "OTEL_RESOURCE_ATTRIBUTES"
	envEndpoint         = "OTEL_EXPORTER_OTLP_ENDPOINT"
	envProtocol         = "OTEL_EXPORTER_OTLP_PROTOCOL"
	envInsecure         = "OTEL_EXPORTER_OTLP_INSECURE"
	envTimeout          = "OTEL_EXPORTER_OTLP_TIMEOUT"
	envMetricInterval   = "OTEL_METRIC_EXPORT_INTERVAL"
	envSpanQueueSize    = "OTEL_BSP_MAX_QUEUE_SIZE"
	envSpanBatchSize    = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"
	envSpanDelay        = "OTEL_BSP_SCHEDULE_DELAY"
	envLogQueueSize     = "OTEL_BLRP_MAX_QUEUE_SIZE"
	envLogBatchSize     = "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"
	envLogDelay         = "OTEL_BLRP_SCHEDULE_DELAY"
	envTracesExporter   = "OTEL_TRACES_EXPORTER"
	envMetricsExporter  = "OTEL_METRICS_EXPORTER"
	envLogsExporter     = "OTEL_LOGS_EXPORTER"
	envSeamLogLevel     = "SEAM_LOG_LEVEL"
	envHeaders          = "OTEL_EXPORTER_OTLP_HEADERS"
	envSampler          = "OTEL_TRACES_SAMPLER"
	envSamplerArg       = "OTEL_TRACES_SAMPLER_ARG"
	defaultGRPCEndpoint = "http://localhost:4317"
	defaultHTTPEndpoint = "http://localhost:4318"
)

// signalEndpointEnv are the per-signal endpoint variables; when one is set
// and Config.Endpoint is not, that signal's exporter sends there, as given.
var signalEndpointEnv = [pipeline.NumSignals]string{
	pipeline.Traces:  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	pipeline.Metrics: "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
	pipeline.Logs:    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
}

// signalPaths are the OTLP/HTTP paths appended to a base endpoint.
var signalPaths = [pipeline.NumSignals]string{
	pipeline.Traces:  "/v1/traces",
	pipeline.Metrics: "/v1/metrics",
	pipeline.Logs:    "/v1/logs",
}

// settings is a Config with the environment and defaults applied and
// every value checked.
type settings struct {
	serviceName, serviceVersion, environment string
	// envResourceAttrs are OTEL_RESOURCE_ATTRIBUTES', in order; the
	// resource puts Config's over them.
	envResourceAttrs []attribute.KeyValue
	resourceAttrs    []attribute.KeyValue

	disabled bool
	// otlp is where and how the exporters send; its Timeout bounds each
	// export, and Shutdown as a whole.
	otlp          pipeline.OTLP
	exportEnabled [pipeline.NumSignals]bool
	sampler       samplerSetting

	metricInterval time.Duration
	spans, logs    pipeline.Batching

	logLevel    slog.Leveler
	logWriter   io.Writer
	logHandlers []slog.Handler
	slogDefault bool
	otelLogger  bool

	runtime       RuntimeMetricsConfig
	extensions    []Extension
	metricReaders []sdkmetric.Reader
}

// resolve applies env and defaults to cfg. Every problem is reported, each
// naming the Config field or environment variable it comes from.
func resolve(cfg Config, getenv func(string) string) (*settings, error) {
	s := &settings{
		serviceName:    cfg.ServiceName,
		serviceVersion: cfg.ServiceVersion,
		environment:    cfg.Environment,
		resourceAttrs:  cfg.ResourceAttributes,
		otlp:           pipeline.OTLP{Headers: cfg.Headers},
		logLevel:       cfg.LogLevel,
		logWriter:      cfg.LogWriter,
		logHandlers:    cfg.LogHandlers,
		slogDefault:    cfg.SlogDefault,
		otelLogger:     cfg.OTelLogger,
		runtime:        cfg.RuntimeMetrics,
		extensions:     cfg.Extensions,
		metricReaders:  cfg.MetricReaders,
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	disabled, err := envBool(getenv, envSDKDisabled)
	if err != nil {
		errs = append(errs, err)
	}
	s.disabled = cfg.Disabled || disabled

	if s.serviceName == "" {
		s.serviceName = strings.TrimSpace(getenv(envServiceName))
	}
	envAttrs, err := parseKeyValues(envResourceAttrs, getenv(envResourceAttrs))
	if err != nil {
		errs = append(errs, err)
	}
	for _, kv := range envAttrs {
		s.envResourceAttrs = append(s.envResourceAttrs, attribute.String(kv.key, kv.value))
		if kv.key == "service.name" && s.serviceName == "" {
			s.serviceName = kv.value
		}
	}
	if s.serviceName == "" {
		fail("Config.ServiceName: required (or set %s)", envServiceName)
	}

	s.otlp.Protocol = string(cfg.Protocol)
	if s.otlp.Protocol == "" {
		s.otlp.Protocol = strings.TrimSpace(getenv(envProtocol))
	}
	switch s.otlp.Protocol {
	case "":
		s.otlp.Protocol = pipeline.ProtocolHTTP
	case pipeline.ProtocolGRPC, pipeline.ProtocolHTTP:
	default:
		field := "Config.Protocol"
		if cfg.Protocol == "" {
			field = envProtocol
		}
		fail("%s: unknown protocol %q (want %q or %q)", field, s.otlp.Protocol, pipeline.ProtocolGRPC, pipeline.ProtocolHTTP)
	}

	insecureEnv, err := envBool(getenv, envInsecure)
	if err != nil {
		errs = append(errs, err)
	}
	s.resolveEndpoints(cfg, getenv, cfg.Insecure || insecureEnv, fail)

	if s.otlp.Headers == nil {
		headers, err := parseKeyValues(envHeaders, getenv(envHeaders))
		if err != nil {
			errs = append(errs, err)
		}
		for _, kv := range headers {
			if s.otlp.Headers == nil {
				s.otlp.Headers = map[string]string{}
			}
			s.otlp.Headers[kv.key] = kv.value
		}
	}
	s.sampler = resolveSampler(getenv, fail)

	for sig, name := range [pipeline.NumSignals]string{envTracesExporter, envMetricsExporter, envLogsExporter} {
		switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
		case "", "otlp":
			s.exportEnabled[sig] = true
		case "none":
		default:
			fail("%s: unsupported exporter %q (want otlp or none)", name, v)
		}
	}

	s.otlp.Timeout = durationSetting(cfg.ExportTimeout, "Config.ExportTimeout", getenv, envTimeout, 10*time.Second, fail)
	s.metricInterval = durationSetting(cfg.MetricInterval, "Config.MetricInterval", getenv, envMetricInterval, 60*time.Second, fail)
	s.spans = pipeline.Batching{
		QueueSize: intSetting(cfg.QueueSize, "Config.QueueSize", getenv, envSpanQueueSize, 2048, fail),
		BatchSize: intSetting(0, "", getenv, envSpanBatchSize, 512, fail),
		Delay:     durationSetting(0, "", getenv, envSpanDelay, 5*time.Second, fail),
	}
	s.logs = pipeline.Batching{
		QueueSize: intSetting(cfg.QueueSize, "Config.QueueSize", getenv, envLogQueueSize, 2048, fail),
		BatchSize: intSetting(0, "", getenv, envLogBatchSize, 512, fail),
		Delay:     durationSetting(0, "", getenv, envLogDelay, time.Second, fail),
	}
	for _, b := range []*pipeline.Batching{&s.spans, &s.logs} {
		b.BatchSize = min(b.BatchSize, b.QueueSize)
	}

	if s.logLevel == nil {
		if v := strings.TrimSpace(getenv(envSeamLogLevel)); v != "" {
			level, err := ParseLevel(v)
			if err != nil {
				fail("%s: %v", envSeamLogLevel, err)
			}
			s.logLevel = level
		} else {
			s.logLevel = slog.LevelInfo
		}
	}
	if s.logWriter == nil {
		s.logWriter = os.Stdout
	}
	for i, h := range s.logHandlers {
		if h == nil {
			fail("Config.LogHandlers[%d]: nil handler", i)
		}
	}
	for i, r := range s.metricReaders {
		if r == nil {
			fail("Config.MetricReaders[%d]: nil reader", i)
		}
	}

	if s.runtime.Interval < 0 {
		fail("Config.RuntimeMetrics.Interval: must not be negative, got %v", s.runtime.Interval)
	} else if s.runtime.Interval == 0 {
		s.runtime.Interval = 15 * time.Second
	}
	for i, e := range s.extensions {
		if e == nil {
			fail("Config.Extensions[%d]: nil extension", i)
			continue
		}
		if v, ok := e.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("seam: invalid config: %w", err)
	}
	return s, nil
}

// resolveEndpoints sets each signal's exporter URL: Config.Endpoint for
// every signal, else a signal's own variable as given, else
// OTEL_EXPORTER_OTLP_ENDPOINT, else the protocol's default; a base URL gets
// the signal's path for OTLP/HTTP.
func (s *settings) resolveEndpoints(cfg Config, getenv func(string) string, insecure bool, fail func(string, ...any)) {
	base, field := cfg.Endpoint, "Config.Endpoint"
	if base == "" {
		base, field = strings.TrimSpace(getenv(envEndpoint)), envEndpoint
	}
	if base == "" {
		base, field = defaultGRPCEndpoint, "default endpoint"
		if s.otlp.Protocol == pipeline.ProtocolHTTP {
			base = defaultHTTPEndpoint
		}
	}
	baseURL, err := parseEndpoint(base, insecure)
	if err != nil {
		fail("%s: %v", field, err)
	}
	for sig, name := range signalEndpointEnv {
		if own := strings.TrimSpace(getenv(name)); own != "" && cfg.Endpoint == "" {
			if s.otlp.Endpoints[sig], err = parseEndpoint(own, insecure); err != nil {
				fail("%s: %v", name, err)
			}
			continue
		}
		if baseURL == nil {
			continue
		}
		u := *baseURL
		if s.otlp.Protocol == pipeline.ProtocolHTTP {
			u.Path = joinPath(u.Path, signalPaths[sig])
		}
		s.otlp.Endpoints[sig] = &u
	}
}
