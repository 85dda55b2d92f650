package pipelinetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// service is one emitter using the plain otel-go SDK over OTLP/gRPC, the
// way a service without Seam's SDK talks to the collector.
type service struct {
	meter  metric.Meter
	tracer trace.Tracer
	logger otellog.Logger
	mp     *sdkmetric.MeterProvider
	tp     *sdktrace.TracerProvider
	lp     *sdklog.LoggerProvider
}

// newService starts SDK providers exporting to the collector at endpoint;
// the resource holds exactly attrs (no SDK defaults), so the test controls
// its spelling.
func newService(t *testing.T, endpoint string, attrs ...attribute.KeyValue) *service {
	t.Helper()
	ctx := context.Background()
	res := resource.NewSchemaless(attrs...)
	mexp, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpoint(endpoint), otlpmetricgrpc.WithInsecure())
	require.NoError(t, err)
	texp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithEndpoint(endpoint), otlptracegrpc.WithInsecure())
	require.NoError(t, err)
	lexp, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(endpoint), otlploggrpc.WithInsecure())
	require.NoError(t, err)
	s := &service{
		// Exported on flush only, so the test decides when data leaves.
		mp: sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
			sdkmetric.WithReader(sdkmetric.NewPeriodicReader(mexp, sdkmetric.WithInterval(time.Hour)))),
		tp: sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(texp)),
		lp: sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(lexp))),
	}
	s.meter = s.mp.Meter("pipelinetest")
	s.tracer = s.tp.Tracer("pipelinetest")
	s.logger = s.lp.Logger("pipelinetest")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.mp.Shutdown(ctx)
		_ = s.tp.Shutdown(ctx)
		_ = s.lp.Shutdown(ctx)
	})
	return s
}

// flush sends everything recorded so far.
func (s *service) flush(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.tp.ForceFlush(ctx))
	require.NoError(t, s.lp.ForceFlush(ctx))
	require.NoError(t, s.mp.ForceFlush(ctx))
}

// emitLog writes one log record.
func (s *service) emitLog(ctx context.Context, level string, body string) {
	var rec otellog.Record
	rec.SetTimestamp(time.Now())
	rec.SetSeverityText(level)
	rec.SetBody(attribute.StringValue(body))
	s.logger.Emit(ctx, rec)
}
