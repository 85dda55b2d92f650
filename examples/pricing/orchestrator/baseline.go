package main

import (
	"context"
	"log/slog"

	seam "github.com/seamtel/seam/sdk-go"

	"github.com/seamtel/seam/examples/pricing/pricing"
)

// Operation names, the same on both sides of the boundary.
const (
	operationQuote       = "pricing.quote"
	operationFingerprint = "pricing.fingerprint"
)

// baseline is the Go implementation of both operations, timed with Seam
// (seam.impl=go, seam.role from the context: baseline) and logged in the
// same words as the Rust side.
type baseline struct{ log *slog.Logger }

func (g baseline) quote(ctx context.Context, b *pricing.Basket) (pricing.Quote, error) {
	var q pricing.Quote
	err := seam.Measure(ctx, operationQuote, func(ctx context.Context) (err error) {
		q, err = pricing.PriceQuote(b)
		g.logOutcome(ctx, operationQuote, q.String(), err)
		return err
	})
	return q, err
}

func (g baseline) fingerprint(ctx context.Context, b *pricing.Basket) (string, error) {
	var hex string
	err := seam.Measure(ctx, operationFingerprint, func(ctx context.Context) (err error) {
		hex, err = pricing.Fingerprint(b)
		g.logOutcome(ctx, operationFingerprint, hex, err)
		return err
	})
	return hex, err
}

// logOutcome writes the operation's one line, inside its span.
func (g baseline) logOutcome(ctx context.Context, op, result string, err error) {
	if err != nil {
		g.log.WarnContext(ctx, op+" failed",
			slog.String("seam.operation", op), slog.String("error.type", seam.ErrorType(err)), slog.String("error", err.Error()))
		return
	}
	g.log.InfoContext(ctx, op+" done", slog.String("seam.operation", op), slog.String("result", result))
}
