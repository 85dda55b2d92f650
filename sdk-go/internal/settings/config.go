package settings

import (
	"context"
	"io"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// Config is seam.Config, field for field, as the root package hands it
// over; the errors name its fields as Config's.
type Config struct {
	ServiceName        string
	ServiceVersion     string
	Environment        string
	ResourceAttributes []attribute.KeyValue

	Endpoint       string
	Protocol       string
	Insecure       bool
	Headers        map[string]string
	ExportTimeout  time.Duration
	MetricInterval time.Duration
	QueueSize      int
	Disabled       bool

	LogLevel    slog.Leveler
	LogWriter   io.Writer
	LogHandlers []slog.Handler
	SlogDefault bool
	OTelLogger  bool

	RuntimeMetrics Runtime
	Extensions     []Extension
	MetricReaders  []sdkmetric.Reader
}

// Runtime is seam.RuntimeMetricsConfig: the Go runtime metrics are off,
// or read at most once per Interval.
type Runtime struct {
	Disabled bool
	Interval time.Duration
}

// Extension is what the resolver sees of a seam.Extension: it must not be
// nil, and a Validate() error method, if it has one, must pass.
type Extension interface {
	Shutdown(ctx context.Context) error
}
