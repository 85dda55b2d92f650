package queue

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/seamtel/seam/sdk-go/seammsg"

	"github.com/seamtel/seam/examples/pricing/pricing"
)

// The stream and subject pricing-worker consumes (its defaults).
const (
	Stream  = "PRICING"
	Subject = "pricing.receipts"
)

// Receipt is the job published per priced basket: pricing-worker audits it
// by pricing the basket again.
type Receipt struct {
	Basket     pricing.Basket `json:"basket"`
	TotalCents int64          `json:"total_cents"`
}

// EnsureStream creates the receipts stream, or updates it to Seam's
// configuration: file storage, every receipt kept until a consumer
// acknowledges it (work-queue retention).
func EnsureStream(ctx context.Context, js jetstream.JetStream) error {
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: Stream, Subjects: []string{Subject},
		Storage: jetstream.FileStorage, Retention: jetstream.WorkQueuePolicy,
	})
	if err != nil {
		return fmt.Errorf("queue: stream %s: %w", Stream, err)
	}
	return nil
}

// Publisher publishes receipts to the stream, one producer span and one
// messaging.client.sent.messages count each.
type Publisher struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	producer *seammsg.Producer
}

// Connect connects to the NATS server at url and ensures the stream.
func Connect(ctx context.Context, url string, opts seammsg.Options) (*Publisher, error) {
	nc, err := nats.Connect(url, nats.Name("pricing-orchestrator"))
	if err != nil {
		return nil, fmt.Errorf("queue: connect to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	if err := EnsureStream(ctx, js); err != nil {
		nc.Close()
		return nil, err
	}
	producer, err := seammsg.NewProducer("nats", Subject, opts)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return &Publisher{nc: nc, js: js, producer: producer}, nil
}

// Publish sends r with ctx's trace context and correlation ID in its
// headers, and returns once the stream has stored it.
func (p *Publisher) Publish(ctx context.Context, r Receipt) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("queue: receipt: %w", err)
	}
	msg := &nats.Msg{Subject: Subject, Data: body, Header: nats.Header{}}
	return p.producer.Publish(ctx, seammsg.HeaderCarrier(msg.Header), func(ctx context.Context) error {
		_, err := p.js.PublishMsg(ctx, msg)
		return err
	})
}

// Close drains the connection: what was published is flushed first.
func (p *Publisher) Close() error { return p.nc.Drain() }
