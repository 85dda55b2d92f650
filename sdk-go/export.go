package seam

import (
	"context"
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

// signalPaths are the OTLP/HTTP paths appended to a base endpoint.
var signalPaths = [numSignals]string{
	signalTraces:  "/v1/traces",
	signalMetrics: "/v1/metrics",
	signalLogs:    "/v1/logs",
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

// options are sig's exporter options from s: timeout, endpoint and headers.
func (o exporterOptions[O]) options(s *settings, sig signal) []O {
	opts := []O{o.timeout(s.exportTimeout), o.endpoint(s.endpoints[sig].String())}
	if s.headers != nil {
		opts = append(opts, o.headers(s.headers))
	}
	return opts
}

func newSpanExporter(ctx context.Context, s *settings) (sdktrace.SpanExporter, error) {
	if s.protocol == ProtocolHTTP {
		o := exporterOptions[otlptracehttp.Option]{otlptracehttp.WithTimeout, otlptracehttp.WithEndpointURL, otlptracehttp.WithHeaders}
		return otlptracehttp.New(ctx, o.options(s, signalTraces)...)
	}
	o := exporterOptions[otlptracegrpc.Option]{otlptracegrpc.WithTimeout, otlptracegrpc.WithEndpointURL, otlptracegrpc.WithHeaders}
	return otlptracegrpc.New(ctx, o.options(s, signalTraces)...)
}

func newMetricExporter(ctx context.Context, s *settings) (sdkmetric.Exporter, error) {
	if s.protocol == ProtocolHTTP {
		o := exporterOptions[otlpmetrichttp.Option]{otlpmetrichttp.WithTimeout, otlpmetrichttp.WithEndpointURL, otlpmetrichttp.WithHeaders}
		return otlpmetrichttp.New(ctx, o.options(s, signalMetrics)...)
	}
	o := exporterOptions[otlpmetricgrpc.Option]{otlpmetricgrpc.WithTimeout, otlpmetricgrpc.WithEndpointURL, otlpmetricgrpc.WithHeaders}
	return otlpmetricgrpc.New(ctx, o.options(s, signalMetrics)...)
}

func newLogExporter(ctx context.Context, s *settings) (sdklog.Exporter, error) {
	if s.protocol == ProtocolHTTP {
		o := exporterOptions[otlploghttp.Option]{otlploghttp.WithTimeout, otlploghttp.WithEndpointURL, otlploghttp.WithHeaders}
		return otlploghttp.New(ctx, o.options(s, signalLogs)...)
	}
	o := exporterOptions[otlploggrpc.Option]{otlploggrpc.WithTimeout, otlploggrpc.WithEndpointURL, otlploggrpc.WithHeaders}
	return otlploggrpc.New(ctx, o.options(s, signalLogs)...)
}
