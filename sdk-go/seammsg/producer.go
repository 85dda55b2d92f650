package seammsg

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Producer publishes to one destination of one messaging system.
type Producer struct {
	tracer   trace.Tracer
	sent     metric.Int64Counter
	spanName string
	attrs    []attribute.KeyValue
	ok       metric.AddOption
}

// NewProducer binds a producer to system (messaging.system, e.g. "nats")
// and destination (messaging.destination.name, a subject or queue).
func NewProducer(system, destination string, opts Options) (*Producer, error) {
	if err := validate([2]string{"system", system}, [2]string{"destination", destination}); err != nil {
		return nil, err
	}
	sent, err := semconv.NewMessagingClientSentMessages(opts.meter())
	if err != nil {
		return nil, fmt.Errorf("seammsg: %w", err)
	}
	attrs := []attribute.KeyValue{
		semconv.MessagingSystem(system),
		semconv.MessagingDestinationName(destination),
		semconv.MessagingOperationName("publish"),
	}
	return &Producer{
		tracer:   opts.tracer(),
		sent:     sent,
		spanName: "publish " + destination,
		attrs:    attrs,
		ok:       metric.WithAttributeSet(attribute.NewSet(attrs...)),
	}, nil
}

// Publish starts the producer span, writes its trace context and ctx's
// baggage (the correlation ID with it) into headers, and calls send with
// the span's context to hand the message to the broker. It counts the
// message in messaging.client.sent.messages, with send's error.type when
// send fails, and returns send's error.
func (p *Producer) Publish(ctx context.Context, headers propagation.TextMapCarrier, send func(ctx context.Context) error) error {
	ctx, span := p.tracer.Start(ctx, p.spanName, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(p.attrs...), trace.WithAttributes(semconv.MessagingOperationTypeSend))
	defer span.End()
	if id := seam.CorrelationID(ctx); id != "" {
		span.SetAttributes(semconv.SeamCorrelationID(id))
	}
	seam.Inject(ctx, headers)
	err := send(ctx)
	if err != nil {
		errType := seam.ErrorType(err)
		span.SetStatus(codes.Error, err.Error())
		span.SetAttributes(semconv.ErrorTypeKey.String(errType))
		p.sent.Add(ctx, 1, metric.WithAttributes(append(p.attrs, semconv.ErrorTypeKey.String(errType))...))
		return err
	}
	p.sent.Add(ctx, 1, p.ok)
	return nil
}
