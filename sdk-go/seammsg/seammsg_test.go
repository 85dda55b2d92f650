package seammsg_test

import (
	"context"
	"errors"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seammsg"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

func attrs(s sdktrace.ReadOnlySpan) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes() {
		out[string(kv.Key)] = kv.Value.Emit()
	}
	return out
}

// A message published with a correlation ID and processed twice (the
// second time as a redelivery): the consumer spans link to the producer's,
// start their own trace, carry the delivery count, and fn sees the ID.
func TestPublishThenProcess(t *testing.T) {
	tel, reader := seamtest.Start(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	opts := seammsg.Options{TracerProvider: tp, MeterProvider: tel.MeterProvider()}
	prod, err := seammsg.NewProducer("nats", "pricing.receipts", opts)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := seammsg.NewConsumer("nats", "pricing.receipts", "pricing-worker", opts)
	if err != nil {
		t.Fatal(err)
	}

	ctx := seam.WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	headers := seammsg.HeaderCarrier{}
	if err := prod.Publish(ctx, headers, func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if headers.Get("traceparent") == "" || headers.Get("baggage") == "" {
		t.Fatalf("headers %v lack traceparent or baggage", headers)
	}
	for count := 1; count <= 2; count++ {
		d := seammsg.Delivery{MessageID: "7", Count: count, Published: time.Now().Add(-time.Second)}
		err := cons.Process(context.Background(), headers, d, func(ctx context.Context) error {
			if got := seam.CorrelationID(ctx); got != "01JD4X7K2M9QZ8R6T5W3V1N0PA" {
				t.Errorf("fn's correlation ID %q", got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	spans := rec.Ended()
	if len(spans) != 3 {
		t.Fatalf("%d spans, want 3", len(spans))
	}
	producer := spans[0]
	if producer.SpanKind() != trace.SpanKindProducer || producer.Name() != "publish pricing.receipts" {
		t.Errorf("producer span %q kind %v", producer.Name(), producer.SpanKind())
	}
	if a := attrs(producer); a["messaging.operation.type"] != "send" || a["messaging.system"] != "nats" {
		t.Errorf("producer attributes %v", a)
	}
	for i, s := range spans[1:] {
		if s.SpanKind() != trace.SpanKindConsumer || s.Name() != "process pricing.receipts" {
			t.Errorf("consumer span %q kind %v", s.Name(), s.SpanKind())
		}
		if s.SpanContext().TraceID() == producer.SpanContext().TraceID() || s.Parent().IsValid() {
			t.Error("consumer span continues the producer's trace instead of linking to it")
		}
		if l := s.Links(); len(l) != 1 || l[0].SpanContext.TraceID() != producer.SpanContext().TraceID() || l[0].SpanContext.SpanID() != producer.SpanContext().SpanID() {
			t.Errorf("consumer links %v, want the producer span %v", l, producer.SpanContext())
		}
		a := attrs(s)
		want := map[string]string{
			"messaging.operation.type": "process", "messaging.destination.name": "pricing.receipts",
			"messaging.consumer.group.name": "pricing-worker", "messaging.message.id": "7",
			"seam.correlation_id": "01JD4X7K2M9QZ8R6T5W3V1N0PA", "seam.messaging.delivery.count": []string{"1", "2"}[i],
		}
		for k, v := range want {
			if a[k] != v {
				t.Errorf("consumer span %d: %s = %q, want %q", i, k, a[k], v)
			}
		}
	}

	if pts := seamtest.Sum(t, reader, semconv.MessagingClientSentMessagesName); len(pts) != 1 || pts[0].Value != 1 {
		t.Errorf("sent messages %v", pts)
	}
	if pts := seamtest.Sum(t, reader, semconv.MessagingClientConsumedMessagesName); len(pts) != 1 || pts[0].Value != 2 {
		t.Errorf("consumed messages %v", pts)
	}
	if pts := seamtest.Sum(t, reader, semconv.SeamMessagingRedeliveriesName); len(pts) != 1 || pts[0].Value != 1 {
		t.Errorf("redeliveries %v, want one", pts)
	}
	where := map[string]string{"messaging.system": "nats", "messaging.destination.name": "pricing.receipts", "messaging.consumer.group.name": "pricing-worker"}
	lag := seamtest.Histogram(t, reader, semconv.SeamMessagingLagName)
	if len(lag) != 1 || lag[0].Count != 2 || lag[0].Sum < 2 {
		t.Fatalf("lag %v, want two waits of a second or more", lag)
	}
	seamtest.CheckPoint(t, lag[0], semconv.LatencyBoundaries, where)
	where["messaging.operation.name"] = "process"
	dur := seamtest.Histogram(t, reader, semconv.MessagingProcessDurationName)
	if len(dur) != 1 {
		t.Fatalf("process duration %v", dur)
	}
	seamtest.CheckPoint(t, dur[0], semconv.LatencyBoundaries, where)
}

// A failed send and a failed processing are counted with their error.type
// and returned; a message without headers still gets a correlation ID.
func TestFailures(t *testing.T) {
	tel, reader := seamtest.Start(t)
	opts := seammsg.Options{MeterProvider: tel.MeterProvider()}
	prod, err := seammsg.NewProducer("nats", "jobs", opts)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := seammsg.NewConsumer("nats", "jobs", "", opts)
	if err != nil {
		t.Fatal(err)
	}
	sendErr := context.DeadlineExceeded
	if err := prod.Publish(context.Background(), seammsg.HeaderCarrier{}, func(context.Context) error { return sendErr }); !errors.Is(err, sendErr) {
		t.Fatalf("Publish returned %v", err)
	}
	procErr := seam.WithErrorClass(errors.New("bad job"), seam.ErrorInvalidInput)
	err = cons.Process(context.Background(), seammsg.HeaderCarrier{}, seammsg.Delivery{}, func(ctx context.Context) error {
		if seam.CorrelationID(ctx) == "" {
			t.Error("no correlation ID minted for a message without one")
		}
		return procErr
	})
	if !errors.Is(err, procErr) {
		t.Fatalf("Process returned %v", err)
	}
	sent := seamtest.Sum(t, reader, semconv.MessagingClientSentMessagesName)
	if len(sent) != 1 || !sent[0].Attributes.HasValue(semconv.ErrorTypeKey) {
		t.Errorf("sent %v, want one point with error.type", sent)
	}
	if v, _ := sent[0].Attributes.Value(semconv.ErrorTypeKey); v.AsString() != "timeout" {
		t.Errorf("send error.type %q", v.AsString())
	}
	consumed := seamtest.Sum(t, reader, semconv.MessagingClientConsumedMessagesName)
	if v, _ := consumed[0].Attributes.Value(semconv.ErrorTypeKey); len(consumed) != 1 || v.AsString() != "invalid_input" {
		t.Errorf("consumed %v, want one point with error.type=invalid_input", consumed)
	}
	if pts := seamtest.Sum(t, reader, semconv.SeamMessagingLagName); len(pts) != 0 {
		t.Errorf("lag recorded without a publication time")
	}
	if _, err := seammsg.NewConsumer("nats", "", "", opts); err == nil || err.Error() != "seammsg: destination is empty" {
		t.Errorf("empty destination: %v", err)
	}
}

// Keys are kept as written: NATS headers are case-sensitive.
func TestHeaderCarrierKeepsCase(t *testing.T) {
	c := seammsg.HeaderCarrier{}
	c.Set("traceparent", "x")
	if c["traceparent"][0] != "x" || c.Get("Traceparent") != "" || len(c.Keys()) != 1 {
		t.Errorf("carrier %v", c)
	}
}
