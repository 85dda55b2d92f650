package seammsg

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Delivery is what the broker says about one delivery of a message.
type Delivery struct {
	// MessageID is messaging.message.id, when the broker assigns one.
	MessageID string
	// Count is how many times the broker has delivered the message, this
	// time included: 1 for the first delivery. Zero means unknown, taken
	// as a first delivery.
	Count int
	// Published is when the broker stored the message; zero leaves the
	// delivery out of seam.messaging.lag.
	Published time.Time
}

// Redelivered reports whether the broker had delivered the message before.
func (d Delivery) Redelivered() bool { return d.Count > 1 }

// Consumer processes the messages of one destination, as one consumer
// group (a durable consumer, a queue group).
type Consumer struct {
	tracer                 trace.Tracer
	consumed, redeliveries metric.Int64Counter
	duration, lag          metric.Float64Histogram
	spanName               string
	attrs                  []attribute.KeyValue
	lagAttrs, consumedOK   metric.MeasurementOption
}

// NewConsumer binds a consumer to system (messaging.system), destination
// (messaging.destination.name) and group (messaging.consumer.group.name,
// empty when the consumer is not durable).
func NewConsumer(system, destination, group string, opts Options) (*Consumer, error) {
	if err := validate([2]string{"system", system}, [2]string{"destination", destination}); err != nil {
		return nil, err
	}
	m := opts.meter()
	c := &Consumer{tracer: opts.tracer(), spanName: "process " + destination}
	var err error
	if c.consumed, err = semconv.NewMessagingClientConsumedMessages(m); err != nil {
		return nil, fmt.Errorf("seammsg: %w", err)
	}
	if c.redeliveries, err = semconv.NewSeamMessagingRedeliveries(m); err != nil {
		return nil, fmt.Errorf("seammsg: %w", err)
	}
	if c.duration, err = semconv.NewMessagingProcessDuration(m); err != nil {
		return nil, fmt.Errorf("seammsg: %w", err)
	}
	if c.lag, err = semconv.NewSeamMessagingLag(m); err != nil {
		return nil, fmt.Errorf("seammsg: %w", err)
	}
	where := []attribute.KeyValue{semconv.MessagingSystem(system), semconv.MessagingDestinationName(destination)}
	if group != "" {
		where = append(where, semconv.MessagingConsumerGroupName(group))
	}
	c.lagAttrs = metric.WithAttributeSet(attribute.NewSet(where...))
	c.attrs = slices.Clip(append(where, semconv.MessagingOperationName("process")))
	c.consumedOK = metric.WithAttributeSet(attribute.NewSet(c.attrs...))
	return c, nil
}

// Process runs fn for one delivered message whose headers are headers.
// fn's context carries the message's baggage (its correlation ID, minted
// when the producer sent none) and the consumer span, which is a child of
// ctx's span, if any, and links to the producer's span. The span carries
// seam.messaging.delivery.count; a redelivery is counted in
// seam.messaging.redeliveries. fn's duration is recorded in
// messaging.process.duration and the delivery in
// messaging.client.consumed.messages, both with fn's error.type when fn
// fails (a panic in fn is recorded as error.type=panic and re-raised).
// Process returns fn's error.
func (c *Consumer) Process(ctx context.Context, headers propagation.TextMapCarrier, d Delivery, fn func(ctx context.Context) error) (err error) {
	start := time.Now()
	if !d.Published.IsZero() {
		c.lag.Record(ctx, start.Sub(d.Published).Seconds(), c.lagAttrs)
	}
	if d.Redelivered() {
		c.redeliveries.Add(ctx, 1, c.lagAttrs)
	}
	creation := seam.Propagator().Extract(context.Background(), headers)
	ctx = baggage.ContextWithBaggage(ctx, baggage.FromContext(creation))
	ctx, id := seam.EnsureCorrelationID(ctx)

	count := max(d.Count, 1)
	spanAttrs := append([]attribute.KeyValue{semconv.MessagingOperationTypeProcess,
		semconv.SeamMessagingDeliveryCount(count), semconv.SeamCorrelationID(id)}, c.attrs...)
	if d.MessageID != "" {
		spanAttrs = append(spanAttrs, semconv.MessagingMessageID(d.MessageID))
	}
	startOpts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(spanAttrs...)}
	if sc := trace.SpanContextFromContext(creation); sc.IsValid() {
		startOpts = append(startOpts, trace.WithLinks(trace.Link{SpanContext: sc}))
	}
	ctx, span := c.tracer.Start(ctx, c.spanName, startOpts...)
	defer func() {
		if p := recover(); p != nil {
			c.finish(ctx, span, start, string(seam.ErrorPanic), fmt.Errorf("panic: %v", p))
			panic(p)
		}
		errType := ""
		if err != nil {
			errType = seam.ErrorType(err)
		}
		c.finish(ctx, span, start, errType, err)
	}()
	return fn(ctx)
}

func (c *Consumer) finish(ctx context.Context, span trace.Span, start time.Time, errType string, err error) {
	defer span.End()
	elapsed := time.Since(start).Seconds()
	if errType == "" {
		c.duration.Record(ctx, elapsed, c.consumedOK)
		c.consumed.Add(ctx, 1, c.consumedOK)
		return
	}
	span.SetStatus(codes.Error, err.Error())
	span.SetAttributes(semconv.ErrorTypeKey.String(errType))
	failed := metric.WithAttributes(append(c.attrs, semconv.ErrorTypeKey.String(errType))...)
	c.duration.Record(ctx, elapsed, failed)
	c.consumed.Add(ctx, 1, failed)
}
