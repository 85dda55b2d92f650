package seam

import (
	"context"

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

func newSpanExporter(ctx context.Context, s *settings) (sdktrace.SpanExporter, error) {
	if s.protocol == ProtocolHTTP {
		opts := []otlptracehttp.Option{
			otlptracehttp.WithTimeout(s.exportTimeout),
			otlptracehttp.WithEndpointURL(s.endpoints[signalTraces].String()),
		}
		if s.headers != nil {
			opts = append(opts, otlptracehttp.WithHeaders(s.headers))
		}
		return otlptracehttp.New(ctx, opts...)
	}
	opts := []otlptracegrpc.Option{
		otlptracegrpc.WithTimeout(s.exportTimeout),
		otlptracegrpc.WithEndpointURL(s.endpoints[signalTraces].String()),
	}
	if s.headers != nil {
		opts = append(opts, otlptracegrpc.WithHeaders(s.headers))
	}
	return otlptracegrpc.New(ctx, opts...)
}

func newMetricExporter(ctx context.Context, s *settings) (sdkmetric.Exporter, error) {
	if s.protocol == ProtocolHTTP {
		opts := []otlpmetrichttp.Option{
			otlpmetrichttp.WithTimeout(s.exportTimeout),
			otlpmetrichttp.WithEndpointURL(s.endpoints[signalMetrics].String()),
		}
		if s.headers != nil {
			opts = append(opts, otlpmetrichttp.WithHeaders(s.headers))
		}
		return otlpmetrichttp.New(ctx, opts...)
	}
	opts := []otlpmetricgrpc.Option{
		otlpmetricgrpc.WithTimeout(s.exportTimeout),
		otlpmetricgrpc.WithEndpointURL(s.endpoints[signalMetrics].String()),
	}
	if s.headers != nil {
		opts = append(opts, otlpmetricgrpc.WithHeaders(s.headers))
	}
	return otlpmetricgrpc.New(ctx, opts...)
}

func newLogExporter(ctx context.Context, s *settings) (sdklog.Exporter, error) {
	if s.protocol == ProtocolHTTP {
		opts := []otlploghttp.Option{
			otlploghttp.WithTimeout(s.exportTimeout),
			otlploghttp.WithEndpointURL(s.endpoints[signalLogs].String()),
		}
		if s.headers != nil {
			opts = append(opts, otlploghttp.WithHeaders(s.headers))
		}
		return otlploghttp.New(ctx, opts...)
	}
	opts := []otlploggrpc.Option{
		otlploggrpc.WithTimeout(s.exportTimeout),
		otlploggrpc.WithEndpointURL(s.endpoints[signalLogs].String()),
	}
	if s.headers != nil {
		opts = append(opts, otlploggrpc.WithHeaders(s.headers))
	}
	return otlploggrpc.New(ctx, opts...)
}
