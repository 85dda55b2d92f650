package seam

import (
	"io"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/internal/settings"
)

// Protocol is the OTLP transport.
type Protocol string

// The OTLP transports, spelled as OTEL_EXPORTER_OTLP_PROTOCOL spells them.
const (
	ProtocolGRPC Protocol = "grpc"
	ProtocolHTTP Protocol = "http/protobuf"
)

// Config configures Start. Every field is optional except a service name;
// a field left zero falls back to its OpenTelemetry environment variable
// (named in its comment), then to the default. A set field wins over the
// environment.
type Config struct {
	// ServiceName is service.name. Env: OTEL_SERVICE_NAME, or service.name
	// in OTEL_RESOURCE_ATTRIBUTES. Required.
	ServiceName string
	// ServiceVersion is service.version.
	ServiceVersion string
	// Environment is deployment.environment.name.
	Environment string
	// ResourceAttributes are added to the resource, over those of
	// OTEL_RESOURCE_ATTRIBUTES.
	ResourceAttributes []attribute.KeyValue

	// Endpoint is the OTLP receiver: a URL ("http://collector:4317") or
	// host:port. Env: OTEL_EXPORTER_OTLP_ENDPOINT (and the per-signal
	// variables). Default: http://localhost:4317 for gRPC, :4318 for HTTP.
	Endpoint string
	// Protocol is ProtocolGRPC (default) or ProtocolHTTP.
	// Env: OTEL_EXPORTER_OTLP_PROTOCOL.
	Protocol Protocol
	// Insecure sends plaintext to a host:port Endpoint. A URL Endpoint says
	// so itself (http or https). Env: OTEL_EXPORTER_OTLP_INSECURE.
	Insecure bool
	// Headers are sent with every export. Env: OTEL_EXPORTER_OTLP_HEADERS.
	Headers map[string]string
	// ExportTimeout bounds one export. Env: OTEL_EXPORTER_OTLP_TIMEOUT.
	// Default 10s.
	ExportTimeout time.Duration
	// MetricInterval is how often metrics are exported.
	// Env: OTEL_METRIC_EXPORT_INTERVAL. Default 60s.
	MetricInterval time.Duration
	// QueueSize bounds the spans, and separately the log records, waiting
	// for export; past it new items are dropped and counted.
	// Env: OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BLRP_MAX_QUEUE_SIZE. Default 2048.
	QueueSize int
	// Disabled turns the OpenTelemetry SDK off: nothing is exported, and
	// operations and spans cost next to nothing. The canonical log line is
	// still written. Env: OTEL_SDK_DISABLED=true.
	Disabled bool

	// LogLevel is the minimum level logged. Env: SEAM_LOG_LEVEL (TRACE,
	// DEBUG, INFO, WARN or ERROR). Default INFO.
	LogLevel slog.Leveler
	// LogWriter receives the canonical log lines. Default os.Stdout.
	LogWriter io.Writer
	// LogHandlers receive every record too, after redaction, with trace_id,
	// span_id and seam.correlation_id added as attributes.
	LogHandlers []slog.Handler
	// SlogDefault installs Logger() as slog.Default (and so as the output
	// of the log package) until Shutdown, so that slog.Info and log.Printf
	// anywhere in the service are redacted and canonical too.
	SlogDefault bool
	// OTelLogger installs a logger writing canonical, redacted lines as the
	// OpenTelemetry SDK's own diagnostic logger (otel.SetLogger), at
	// LogLevel; export errors reach the same lines either way.
	OTelLogger bool

	// RuntimeMetrics configures the Go runtime metrics.
	RuntimeMetrics RuntimeMetricsConfig
	// Extensions are optional parts Start installs, each from a package of
	// its own: seamprom (Prometheus /metrics), seamprofile (Pyroscope).
	Extensions []Extension

	// MetricReaders are read alongside the OTLP exporter with the same
	// views, e.g. a ManualReader in a test.
	MetricReaders []sdkmetric.Reader
}

// resolve applies the environment, read through getenv, and the defaults
// to cfg, as Start does.
func resolve(cfg Config, getenv func(string) string) (*settings.Settings, error) {
	return settings.Resolve(resolverConfig(cfg), getenv)
}

// resolverConfig is cfg as the resolver takes it: the same fields, of
// types it can name.
func resolverConfig(cfg Config) settings.Config {
	var extensions []settings.Extension
	for _, e := range cfg.Extensions {
		extensions = append(extensions, e) // a nil one stays nil, for the resolver to refuse
	}
	return settings.Config{
		ServiceName:        cfg.ServiceName,
		ServiceVersion:     cfg.ServiceVersion,
		Environment:        cfg.Environment,
		ResourceAttributes: cfg.ResourceAttributes,
		Endpoint:           cfg.Endpoint,
		Protocol:           string(cfg.Protocol),
		Insecure:           cfg.Insecure,
		Headers:            cfg.Headers,
		ExportTimeout:      cfg.ExportTimeout,
		MetricInterval:     cfg.MetricInterval,
		QueueSize:          cfg.QueueSize,
		Disabled:           cfg.Disabled,
		LogLevel:           cfg.LogLevel,
		LogWriter:          cfg.LogWriter,
		LogHandlers:        cfg.LogHandlers,
		SlogDefault:        cfg.SlogDefault,
		OTelLogger:         cfg.OTelLogger,
		// A conversion, so the two structs cannot drift apart.
		RuntimeMetrics: settings.Runtime(cfg.RuntimeMetrics),
		Extensions:     extensions,
		MetricReaders:  cfg.MetricReaders,
	}
}

// RuntimeMetricsConfig configures the Go runtime metrics: the semconv go.*
// metrics, the GC pause and scheduling histograms and seam.go.cgo.calls.
type RuntimeMetricsConfig struct {
	// Disabled turns them off.
	Disabled bool
	// Interval is the shortest time between two reads of the runtime's
	// statistics; collections in between reuse the last read. Default 15s.
	Interval time.Duration
}
