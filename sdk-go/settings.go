package seam

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
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
	defaultGRPCEndpoint = "http://localhost:4317"
	defaultHTTPEndpoint = "http://localhost:4318"
)

// signalEndpointEnv are the per-signal endpoint variables; when one is set
// and Config.Endpoint is not, that signal's exporter reads it itself.
var signalEndpointEnv = [numSignals]string{
	signalTraces:  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	signalMetrics: "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
	signalLogs:    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
}

// signal indexes per-signal settings and drop counts.
type signal uint8

const (
	signalTraces signal = iota
	signalMetrics
	signalLogs
	numSignals
)

// batching configures one bounded export queue.
type batching struct {
	queueSize int
	batchSize int
	delay     time.Duration
}

// settings is a Config with the environment and defaults applied and
// every value checked.
type settings struct {
	serviceName, serviceVersion, environment string
	resourceAttrs                            []attribute.KeyValue

	disabled bool
	protocol Protocol
	// endpoint is the base URL; empty for a signal whose own env variable
	// the exporter reads.
	endpoint      *url.URL
	useSignalEnv  [numSignals]bool
	exportEnabled [numSignals]bool
	headers       map[string]string
	exportTimeout time.Duration

	metricInterval time.Duration
	spans, logs    batching

	logLevel    slog.Leveler
	logWriter   io.Writer
	logHandlers []slog.Handler

	runtime       RuntimeMetricsConfig
	profiling     *ProfilingConfig
	prometheus    *PrometheusConfig
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
		headers:        cfg.Headers,
		logLevel:       cfg.LogLevel,
		logWriter:      cfg.LogWriter,
		logHandlers:    cfg.LogHandlers,
		runtime:        cfg.RuntimeMetrics,
		profiling:      cfg.Profiling,
		prometheus:     cfg.Prometheus,
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
	if s.serviceName == "" {
		s.serviceName = serviceNameFromResourceEnv(getenv(envResourceAttrs))
	}
	if s.serviceName == "" {
		fail("Config.ServiceName: required (or set %s)", envServiceName)
	}

	s.protocol = cfg.Protocol
	if s.protocol == "" {
		s.protocol = Protocol(strings.TrimSpace(getenv(envProtocol)))
	}
	switch s.protocol {
	case "":
		s.protocol = ProtocolGRPC
	case ProtocolGRPC, ProtocolHTTP:
	default:
		field := "Config.Protocol"
		if cfg.Protocol == "" {
			field = envProtocol
		}
		fail("%s: unknown protocol %q (want %q or %q)", field, s.protocol, ProtocolGRPC, ProtocolHTTP)
	}

	insecureEnv, err := envBool(getenv, envInsecure)
	if err != nil {
		errs = append(errs, err)
	}
	endpoint, field := cfg.Endpoint, "Config.Endpoint"
	if endpoint == "" {
		endpoint, field = strings.TrimSpace(getenv(envEndpoint)), envEndpoint
		for sig, name := range signalEndpointEnv {
			s.useSignalEnv[sig] = getenv(name) != ""
		}
	}
	if endpoint == "" {
		endpoint = defaultGRPCEndpoint
		if s.protocol == ProtocolHTTP {
			endpoint = defaultHTTPEndpoint
		}
	}
	if s.endpoint, err = parseEndpoint(endpoint, cfg.Insecure || insecureEnv); err != nil {
		fail("%s: %v", field, err)
	}

	for sig, name := range [numSignals]string{envTracesExporter, envMetricsExporter, envLogsExporter} {
		switch v := strings.TrimSpace(getenv(name)); v {
		case "", "otlp":
			s.exportEnabled[sig] = true
		case "none":
		default:
			fail("%s: unsupported exporter %q (want otlp or none)", name, v)
		}
	}

	s.exportTimeout = durationSetting(cfg.ExportTimeout, "Config.ExportTimeout", getenv, envTimeout, 10*time.Second, fail)
	s.metricInterval = durationSetting(cfg.MetricInterval, "Config.MetricInterval", getenv, envMetricInterval, 60*time.Second, fail)
	s.spans = batching{
		queueSize: intSetting(cfg.QueueSize, "Config.QueueSize", getenv, envSpanQueueSize, 2048, fail),
		batchSize: intSetting(0, "", getenv, envSpanBatchSize, 512, fail),
		delay:     durationSetting(0, "", getenv, envSpanDelay, 5*time.Second, fail),
	}
	s.logs = batching{
		queueSize: intSetting(cfg.QueueSize, "Config.QueueSize", getenv, envLogQueueSize, 2048, fail),
		batchSize: intSetting(0, "", getenv, envLogBatchSize, 512, fail),
		delay:     durationSetting(0, "", getenv, envLogDelay, time.Second, fail),
	}
	for _, b := range []*batching{&s.spans, &s.logs} {
		b.batchSize = min(b.batchSize, b.queueSize)
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
	if p := s.profiling; p != nil {
		if p.ServerAddress == "" {
			fail("Config.Profiling.ServerAddress: required when profiling is on")
		} else if u, err := url.Parse(p.ServerAddress); err != nil || u.Host == "" {
			fail("Config.Profiling.ServerAddress: want a URL like http://pyroscope:4040, got %q", p.ServerAddress)
		}
		if p.UploadRate < 0 {
			fail("Config.Profiling.UploadRate: must not be negative, got %v", p.UploadRate)
		}
	}
	if p := s.prometheus; p != nil && p.Addr != "" {
		if _, _, err := net.SplitHostPort(p.Addr); err != nil {
			fail("Config.Prometheus.Addr: %v", err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("seam: invalid config: %w", err)
	}
	return s, nil
}

// parseEndpoint accepts a URL, whose scheme decides TLS, or a bare
// host:port, which gets https, or http when insecure is set.
func parseEndpoint(endpoint string, insecure bool) (*url.URL, error) {
	if !strings.Contains(endpoint, "://") {
		scheme := "https"
		if insecure {
			scheme = "http"
		}
		endpoint = scheme + "://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("not a URL or host:port: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme %q: want http or https", u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", endpoint)
	}
	return u, nil
}

// serviceNameFromResourceEnv finds service.name in an
// OTEL_RESOURCE_ATTRIBUTES value (comma-separated key=value, values
// percent-encoded).
func serviceNameFromResourceEnv(v string) string {
	for _, kv := range strings.Split(v, ",") {
		key, val, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(key) != "service.name" {
			continue
		}
		if dec, err := url.PathUnescape(strings.TrimSpace(val)); err == nil {
			return dec
		}
		return strings.TrimSpace(val)
	}
	return ""
}

func envBool(getenv func(string) string, name string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, fmt.Errorf("%s: want true or false, got %q", name, v)
	}
}

// durationSetting returns the Config value when set, else the env value in
// milliseconds (as OpenTelemetry specifies), else def.
func durationSetting(v time.Duration, field string, getenv func(string) string, env string, def time.Duration, fail func(string, ...any)) time.Duration {
	if v < 0 {
		fail("%s: must not be negative, got %v", field, v)
		return def
	}
	if v > 0 {
		return v
	}
	raw := strings.TrimSpace(getenv(env))
	if raw == "" {
		return def
	}
	ms, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ms <= 0 {
		fail("%s: want a positive number of milliseconds, got %q", env, raw)
		return def
	}
	return time.Duration(ms) * time.Millisecond
}

// intSetting returns the Config value when set, else the env value, else def.
func intSetting(v int, field string, getenv func(string) string, env string, def int, fail func(string, ...any)) int {
	if v < 0 {
		fail("%s: must not be negative, got %d", field, v)
		return def
	}
	if v > 0 {
		return v
	}
	raw := strings.TrimSpace(getenv(env))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		fail("%s: want a positive integer, got %q", env, raw)
		return def
	}
	return n
}
