package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/seamtel/seam/sdk-go/seammsg"

	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/queue"
)

// receiptTimeout bounds the publication of a receipt: a slow broker delays
// a request by at most this, and never fails it.
const receiptTimeout = 250 * time.Millisecond

// startReceipts connects the publisher of receipts to --nats, or to the
// NATS server it embeds on --nats-listen (JetStream in a temporary
// directory), and returns what stops them. Without either it returns nil.
func startReceipts(ctx context.Context, o options, stderr io.Writer) (*queue.Publisher, func(), error) {
	url := o.nats
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	if o.natsListen != "" {
		dir, err := os.MkdirTemp("", "pricing-nats-")
		if err != nil {
			return nil, nil, fmt.Errorf("--nats-listen: %w", err)
		}
		stops = append(stops, func() { _ = os.RemoveAll(dir) })
		srv, err := queue.StartServer(o.natsListen, dir)
		if err != nil {
			stop()
			return nil, nil, fmt.Errorf("--nats-listen: %w", err)
		}
		stops = append(stops, srv.Shutdown)
		url = srv.URL()
		fmt.Fprintf(stderr, "nats on %s\n", url)
	}
	if url == "" {
		return nil, func() {}, nil
	}
	pub, err := queue.Connect(ctx, url, seammsg.Options{})
	if err != nil {
		stop()
		return nil, nil, err
	}
	stops = append(stops, func() { _ = pub.Close() })
	return pub, stop, nil
}

// publishReceipt queues the receipt of a priced basket for pricing-worker,
// under the request's trace and correlation ID; a failure is logged, and
// the request is served all the same.
func (s *server) publishReceipt(ctx context.Context, basket pricing.Basket, totalCents int64) {
	ctx, cancel := context.WithTimeout(ctx, receiptTimeout)
	defer cancel()
	if err := s.receipts.Publish(ctx, queue.Receipt{Basket: basket, TotalCents: totalCents}); err != nil {
		s.log.WarnContext(ctx, "receipt not published", slog.String("error", err.Error()))
		return
	}
	s.log.InfoContext(ctx, "receipt published", slog.String("messaging.destination.name", queue.Subject))
}
