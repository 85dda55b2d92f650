package seammsg_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seammsg"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// The upstream equivalent of each side is the same work written against the
// OpenTelemetry API by hand: the span with its attributes and link, the
// propagator, and the counters and histograms, on the same providers.

func providers(b *testing.B) (trace.TracerProvider, metric.MeterProvider) {
	tp := sdktrace.NewTracerProvider()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return tp, mp
}

var benchAttrs = []attribute.KeyValue{
	semconv.MessagingSystem("nats"), semconv.MessagingDestinationName("pricing.receipts"), semconv.MessagingOperationName("publish"),
}

func BenchmarkPublish(b *testing.B) {
	tp, mp := providers(b)
	prod, err := seammsg.NewProducer("nats", "pricing.receipts", seammsg.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	ctx := seam.WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	send := func(context.Context) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if err := prod.Publish(ctx, seammsg.HeaderCarrier{}, send); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPublishRawOTel(b *testing.B) {
	tp, mp := providers(b)
	tracer := tp.Tracer("raw")
	sent, _ := mp.Meter("raw").Int64Counter(semconv.MessagingClientSentMessagesName)
	set := metric.WithAttributeSet(attribute.NewSet(benchAttrs...))
	ctx := seam.WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	b.ReportAllocs()
	for b.Loop() {
		ctx, span := tracer.Start(ctx, "publish pricing.receipts", trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(benchAttrs...), trace.WithAttributes(semconv.MessagingOperationTypeSend))
		seam.Propagator().Inject(ctx, seammsg.HeaderCarrier{})
		sent.Add(ctx, 1, set)
		span.End()
	}
}

func published(b *testing.B, tp trace.TracerProvider, mp metric.MeterProvider) seammsg.HeaderCarrier {
	prod, err := seammsg.NewProducer("nats", "pricing.receipts", seammsg.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	headers := seammsg.HeaderCarrier{}
	ctx := seam.WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	_ = prod.Publish(ctx, headers, func(context.Context) error { return nil })
	return headers
}

func BenchmarkProcess(b *testing.B) {
	tp, mp := providers(b)
	headers := published(b, tp, mp)
	cons, err := seammsg.NewConsumer("nats", "pricing.receipts", "pricing-worker", seammsg.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		b.Fatal(err)
	}
	d := seammsg.Delivery{MessageID: "7", Count: 1, Published: time.Now()}
	work := func(context.Context) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if err := cons.Process(context.Background(), headers, d, work); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProcessRawOTel(b *testing.B) {
	tp, mp := providers(b)
	headers := published(b, tp, mp)
	tracer := tp.Tracer("raw")
	m := mp.Meter("raw")
	consumed, _ := m.Int64Counter(semconv.MessagingClientConsumedMessagesName)
	duration, _ := m.Float64Histogram(semconv.MessagingProcessDurationName)
	lag, _ := m.Float64Histogram(semconv.SeamMessagingLagName)
	where := []attribute.KeyValue{semconv.MessagingSystem("nats"), semconv.MessagingDestinationName("pricing.receipts"), semconv.MessagingConsumerGroupName("pricing-worker")}
	whereSet := metric.WithAttributeSet(attribute.NewSet(where...))
	procSet := metric.WithAttributeSet(attribute.NewSet(append(where, semconv.MessagingOperationName("process"))...))
	published := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		lag.Record(context.Background(), start.Sub(published).Seconds(), whereSet)
		creation := seam.Propagator().Extract(context.Background(), headers)
		ctx := baggage.ContextWithBaggage(context.Background(), baggage.FromContext(creation))
		ctx, span := tracer.Start(ctx, "process pricing.receipts", trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(append(where, semconv.MessagingOperationName("process"), semconv.MessagingOperationTypeProcess,
				semconv.SeamMessagingDeliveryCount(1), semconv.MessagingMessageID("7"))...),
			trace.WithLinks(trace.Link{SpanContext: trace.SpanContextFromContext(creation)}))
		duration.Record(ctx, time.Since(start).Seconds(), procSet)
		consumed.Add(ctx, 1, procSet)
		span.End()
	}
}
