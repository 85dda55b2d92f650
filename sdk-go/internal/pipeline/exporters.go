package pipeline

import (
	"context"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The OTLP transports, spelled as OTEL_EXPORTER_OTLP_PROTOCOL spells them
// (and as seam.Protocol's constants are).
const (
	ProtocolGRPC = "grpc"
	ProtocolHTTP = "http/protobuf"
)

// OTLP is where and how the exporters send.
type OTLP struct {
	// Protocol is ProtocolGRPC or ProtocolHTTP.
	Protocol string
	// Endpoints are each signal's exporter URLs, signal paths included
	// for OTLP/HTTP.
	Endpoints [NumSignals]*url.URL
	Headers   map[string]string
	// Timeout bounds one export.
	Timeout time.Duration
}

// The exporters are created without dialling: with the collector down,
// Start still succeeds and exports fail (and are counted) later.

// exporterOptions are one exporter package's option constructors; the six
// OTLP exporters differ in nothing else that Seam sets.
type exporterOptions[O any] struct {
	timeout  func(time.Duration) O
	endpoint func(string) O
	headers  func(map[string]string) O
}

// options are sig's exporter options from c: timeout, endpoint and headers.
func (o exporterOptions[O]) options(c OTLP, sig Signal) []O {
	opts := []O{o.timeout(c.Timeout), o.endpoint(c.Endpoints[sig].String())}
	if c.Headers != nil {
		opts = append(opts, o.headers(c.Headers))
	}
	return opts
}

// NewSpanExporter returns the OTLP span exporter c describes.
func NewSpanExporter(ctx context.Context, c OTLP) (sdktrace.SpanExporter, error) {
	if c.Protocol == ProtocolHTTP {
		o := exporterOptions[otlptracehttp.Option]{otlptracehttp.WithTimeout, otlptracehttp.WithEndpointURL, otlptracehttp.WithHeaders}
		return otlptracehttp.New(ctx, o.options(c, Traces)...)
	}
	o := exporterOptions[otlptracegrpc.Option]{otlptracegrpc.WithTimeout, otlptracegrpc.WithEndpointURL, otlptracegrpc.WithHeaders}
	return otlptracegrpc.New(ctx, o.options(c, Traces)...)
}

// NewMetricExporter returns the OTLP metric exporter c describes.
func NewMetricExporter(ctx context.Context, c OTLP) (sdkmetric.Exporter, error) {
	if c.Protocol == ProtocolHTTP {
		o := exporterOptions[otlpmetrichttp.Option]{otlpmetrichttp.WithTimeout, otlpmetrichttp.WithEndpointURL, otlpmetrichttp.WithHeaders}
		return otlpmetrichttp.New(ctx, o.options(c, Metrics)...)
	}
	o := exporterOptions[otlpmetricgrpc.Option]{otlpmetricgrpc.WithTimeout, otlpmetricgrpc.WithEndpointURL, otlpmetricgrpc.WithHeaders}
	return otlpmetricgrpc.New(ctx, o.options(c, Metrics)...)
}

// NewLogExporter returns the OTLP log exporter c describes.
func NewLogExporter(ctx context.Context, c OTLP) (sdklog.Exporter, error) {
	if c.Protocol == ProtocolHTTP {
		o := exporterOptions[otlploghttp.Option]{otlploghttp.WithTimeout, otlploghttp.WithEndpointURL, otlploghttp.WithHeaders}
		return otlploghttp.New(ctx, o.options(c, Logs)...)
	}
	o := exporterOptions[otlploggrpc.Option]{otlploggrpc.WithTimeout, otlploggrpc.WithEndpointURL, otlploggrpc.WithHeaders}
	return otlploggrpc.New(ctx, o.options(c, Logs)...)
}
