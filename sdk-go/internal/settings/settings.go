// Package settings resolves what Start is given, seam.Config's values and
// the OTEL_* and SEAM_* environment variables, into the settings the Go
// SDK runs with: a set field wins over its variable, which wins over the
// default, and every bad value is reported at once, naming the Config
// field or the variable it came from. The resolution is the one the Rust
// SDK performs too: both run every case of
// schema/testdata/parity/env.json (in Go, sdk-go/settings_parity_test.go,
// through the root package's Config). Settings.Resource builds the
// resource every signal carries.
//
// The root package cannot be imported from here, so Config mirrors
// seam.Config field for field.
package settings

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

	"github.com/seamtel/seam/sdk-go/internal/loglevel"
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

// Settings is a Config with the environment and defaults applied and
// every value checked.
type Settings struct {
	ServiceName, ServiceVersion, Environment string
	// EnvResourceAttrs are OTEL_RESOURCE_ATTRIBUTES', in order; the
	// resource puts Config's over them.
	EnvResourceAttrs []attribute.KeyValue
	ResourceAttrs    []attribute.KeyValue

	Disabled bool
	// OTLP is where and how the exporters send; its Timeout bounds each
	// export, and Shutdown as a whole.
	OTLP          pipeline.OTLP
	ExportEnabled [pipeline.NumSignals]bool
	Sampler       Sampler

	MetricInterval time.Duration
	Spans, Logs    pipeline.Batching

	LogLevel    slog.Leveler
	LogWriter   io.Writer
	LogHandlers []slog.Handler
	SlogDefault bool
	OTelLogger  bool

	Runtime       Runtime
	MetricReaders []sdkmetric.Reader
}

// Resolve applies the environment, read through getenv, and the defaults
// to cfg. Every problem is reported, each naming the Config field or
// environment variable it comes from.
func Resolve(cfg Config, getenv func(string) string) (*Settings, error) {
	s := &Settings{
		ServiceName:    cfg.ServiceName,
		ServiceVersion: cfg.ServiceVersion,
		Environment:    cfg.Environment,
		ResourceAttrs:  cfg.ResourceAttributes,
		OTLP:           pipeline.OTLP{Headers: cfg.Headers},
		LogLevel:       cfg.LogLevel,
		LogWriter:      cfg.LogWriter,
		LogHandlers:    cfg.LogHandlers,
		SlogDefault:    cfg.SlogDefault,
		OTelLogger:     cfg.OTelLogger,
		Runtime:        cfg.RuntimeMetrics,
		MetricReaders:  cfg.MetricReaders,
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	disabled, err := envBool(getenv, envSDKDisabled)
	if err != nil {
		errs = append(errs, err)
	}
	s.Disabled = cfg.Disabled || disabled

	if s.ServiceName == "" {
		s.ServiceName = strings.TrimSpace(getenv(envServiceName))
	}
	envAttrs, err := parseKeyValues(envResourceAttrs, getenv(envResourceAttrs))
	if err != nil {
		errs = append(errs, err)
	}
	for _, kv := range envAttrs {
		s.EnvResourceAttrs = append(s.EnvResourceAttrs, attribute.String(kv.key, kv.value))
		if kv.key == "service.name" && s.ServiceName == "" {
			s.ServiceName = kv.value
		}
	}
	if s.ServiceName == "" {
		fail("Config.ServiceName: required (or set %s)", envServiceName)
	}

	s.OTLP.Protocol = cfg.Protocol
	if s.OTLP.Protocol == "" {
		s.OTLP.Protocol = strings.TrimSpace(getenv(envProtocol))
	}
	switch s.OTLP.Protocol {
	case "":
		s.OTLP.Protocol = pipeline.ProtocolHTTP
	case pipeline.ProtocolGRPC, pipeline.ProtocolHTTP:
	default:
		field := "Config.Protocol"
		if cfg.Protocol == "" {
			field = envProtocol
		}
		fail("%s: unknown protocol %q (want %q or %q)", field, s.OTLP.Protocol, pipeline.ProtocolGRPC, pipeline.ProtocolHTTP)
	}

	insecureEnv, err := envBool(getenv, envInsecure)
	if err != nil {
		errs = append(errs, err)
	}
	s.resolveEndpoints(cfg, getenv, cfg.Insecure || insecureEnv, fail)

	if s.OTLP.Headers == nil {
		headers, err := parseKeyValues(envHeaders, getenv(envHeaders))
		if err != nil {
			errs = append(errs, err)
		}
		for _, kv := range headers {
			if s.OTLP.Headers == nil {
				s.OTLP.Headers = map[string]string{}
			}
			s.OTLP.Headers[kv.key] = kv.value
		}
	}
	s.Sampler = resolveSampler(getenv, fail)

	for sig, name := range [pipeline.NumSignals]string{envTracesExporter, envMetricsExporter, envLogsExporter} {
		switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
		case "", "otlp":
			s.ExportEnabled[sig] = true
		case "none":
		default:
			fail("%s: unsupported exporter %q (want otlp or none)", name, v)
		}
	}

	s.OTLP.Timeout = durationSetting(cfg.ExportTimeout, "Config.ExportTimeout", getenv, envTimeout, 10*time.Second, fail)
	s.MetricInterval = durationSetting(cfg.MetricInterval, "Config.MetricInterval", getenv, envMetricInterval, 60*time.Second, fail)
	s.Spans = pipeline.Batching{
		QueueSize: intSetting(cfg.QueueSize, "Config.QueueSize", getenv, envSpanQueueSize, 2048, fail),
		BatchSize: intSetting(0, "", getenv, envSpanBatchSize, 512, fail),
		Delay:     durationSetting(0, "", getenv, envSpanDelay, 5*time.Second, fail),
	}
	s.Logs = pipeline.Batching{
		QueueSize: intSetting(cfg.QueueSize, "Config.QueueSize", getenv, envLogQueueSize, 2048, fail),
		BatchSize: intSetting(0, "", getenv, envLogBatchSize, 512, fail),
		Delay:     durationSetting(0, "", getenv, envLogDelay, time.Second, fail),
	}
	for _, b := range []*pipeline.Batching{&s.Spans, &s.Logs} {
		b.BatchSize = min(b.BatchSize, b.QueueSize)
	}

	if s.LogLevel == nil {
		if v := strings.TrimSpace(getenv(envSeamLogLevel)); v != "" {
			level, err := loglevel.Parse(v)
			if err != nil {
				fail("%s: %v", envSeamLogLevel, err)
			}
			s.LogLevel = level
		} else {
			s.LogLevel = slog.LevelInfo
		}
	}
	if s.LogWriter == nil {
		s.LogWriter = os.Stdout
	}
	for i, h := range s.LogHandlers {
		if h == nil {
			fail("Config.LogHandlers[%d]: nil handler", i)
		}
	}
	for i, r := range s.MetricReaders {
		if r == nil {
			fail("Config.MetricReaders[%d]: nil reader", i)
		}
	}

	if s.Runtime.Interval < 0 {
		fail("Config.RuntimeMetrics.Interval: must not be negative, got %v", s.Runtime.Interval)
	} else if s.Runtime.Interval == 0 {
		s.Runtime.Interval = 15 * time.Second
	}
	for i, e := range cfg.Extensions {
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
func (s *Settings) resolveEndpoints(cfg Config, getenv func(string) string, insecure bool, fail func(string, ...any)) {
	base, field := cfg.Endpoint, "Config.Endpoint"
	if base == "" {
		base, field = strings.TrimSpace(getenv(envEndpoint)), envEndpoint
	}
	if base == "" {
		base, field = defaultGRPCEndpoint, "default endpoint"
		if s.OTLP.Protocol == pipeline.ProtocolHTTP {
			base = defaultHTTPEndpoint
		}
	}
	baseURL, err := parseEndpoint(base, insecure)
	if err != nil {
		fail("%s: %v", field, err)
	}
	for sig, name := range signalEndpointEnv {
		if own := strings.TrimSpace(getenv(name)); own != "" && cfg.Endpoint == "" {
			if s.OTLP.Endpoints[sig], err = parseEndpoint(own, insecure); err != nil {
				fail("%s: %v", name, err)
			}
			continue
		}
		if baseURL == nil {
			continue
		}
		u := *baseURL
		if s.OTLP.Protocol == pipeline.ProtocolHTTP {
			u.Path = joinPath(u.Path, signalPaths[sig])
		}
		s.OTLP.Endpoints[sig] = &u
	}
}
