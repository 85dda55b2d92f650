//go:build seamffi

package ffitest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/pricing/pricingtest"
)

// BenchmarkQuote prices the same 8-item basket in Go and in Rust through the
// boundary (no telemetry pipeline installed on either side, so this is the
// cost of the work plus marshalling and the cgo crossing). Run it after
// `make example` (or TestFFI) built the staticlib:
//
//	go test -tags seamffi -run '^$' -bench . -benchmem ./pricing/ffi/ffitest
func BenchmarkQuote(b *testing.B) {
	basket := benchBasket()
	b.Run("go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pricing.PriceQuote(&basket); err != nil {
				b.Fatal(err)
			}
		}
	})
	lib, err := openForBench()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("rust-ffi", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			if _, _, err := lib.Quote(ctx, &basket); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFingerprint fingerprints the same basket in Go and in Rust
// through the boundary, like BenchmarkQuote: the stretch's data-parallel
// rounds are where Rust's vectorised code outruns Go's.
func BenchmarkFingerprint(b *testing.B) {
	basket := benchBasket()
	b.Run("go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pricing.Fingerprint(&basket); err != nil {
				b.Fatal(err)
			}
		}
	})
	lib, err := openForBench()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("rust-ffi", func(b *testing.B) {
		b.ReportAllocs()
		ctx := context.Background()
		for b.Loop() {
			if _, _, err := lib.Fingerprint(ctx, &basket); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchBasket is an 8-item random basket, the same on every run.
func benchBasket() pricing.Basket {
	rng := rand.New(rand.NewPCG(1, 1))
	basket := pricingtest.RandomBasket(rng)
	for len(basket.Items) < 8 {
		basket = pricingtest.RandomBasket(rng)
	}
	basket.Items = basket.Items[:8]
	return basket
}
