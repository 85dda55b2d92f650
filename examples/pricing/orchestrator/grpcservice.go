package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/pricingpb"
	"github.com/seamtel/seam/sdk-go/seamgrpc"
)

// grpcClient calls pricing-service's seam.pricing.v1.Pricing/Quote, the
// Rust candidate of pricing.quote over gRPC, on a connection with Seam's
// dial options (a client span, the trace context and correlation ID in the
// metadata, a Rust panic named as such), as a seamgrpc.Crossing: the call
// has its own budget, sent as its grpc-timeout, and is recorded as the gRPC
// kind of boundary. The rollout serves the Go fallback when it fails.
type grpcClient struct {
	conn     *grpc.ClientConn
	client   pricingpb.PricingClient
	crossing *seamgrpc.Crossing
}

func newGRPCClient(addr string, timeout time.Duration) (*grpcClient, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("--pricing-grpc %q: want HOST:PORT", addr)
	}
	crossing, err := seamgrpc.NewCrossing(operationQuote, seamgrpc.CrossingOptions{Timeout: timeout})
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(addr, append(seamgrpc.DialOptions(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		return nil, fmt.Errorf("--pricing-grpc %s: %w", addr, err)
	}
	return &grpcClient{conn: conn, client: pricingpb.NewPricingClient(conn), crossing: crossing}, nil
}

// quote returns the Rust service's quote.
func (c *grpcClient) quote(ctx context.Context, b *pricing.Basket, f faults.Faults) (q pricing.Quote, err error) {
	err = c.crossing.Call(ctx, func(ctx context.Context) error {
		if f != faults.None {
			ctx = metadata.AppendToOutgoingContext(ctx, faultHeader, f.String())
		}
		reply, err := c.client.Quote(ctx, toProto(b))
		if err != nil {
			return fmt.Errorf("pricing-service over grpc: %w", err)
		}
		q = pricing.Quote{
			SubtotalCents: reply.GetSubtotalCents(), DiscountCents: reply.GetDiscountCents(),
			TaxCents: reply.GetTaxCents(), TotalCents: reply.GetTotalCents(),
		}
		return nil
	}, nil)
	return q, err
}

func toProto(b *pricing.Basket) *pricingpb.Basket {
	items := make([]*pricingpb.Item, len(b.Items))
	for i, it := range b.Items {
		items[i] = &pricingpb.Item{Sku: it.SKU, Qty: it.Qty, UnitCents: it.UnitCents}
	}
	return &pricingpb.Basket{Region: b.Region, Items: items}
}
