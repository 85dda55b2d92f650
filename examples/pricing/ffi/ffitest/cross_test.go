//go:build seamffi

package ffitest

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/seamtel/seam/examples/pricing/ffi"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/pricing/pricingtest"
	"github.com/seamtel/seam/sdk-go/boundary"
)

// rustOnly is the Rust candidate with no Go fallback: every result below
// comes from Rust.
func rustOnly(t *testing.T) *ffi.Lib {
	t.Helper()
	lib, err := openForBench()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// openForBench opens the library with no fallbacks and the global (no-op)
// meter provider.
func openForBench() (*ffi.Lib, error) { return ffi.Open(ffi.Options{}) }

func TestVectorsThroughFFI(t *testing.T) {
	lib := rustOnly(t)
	ctx := context.Background()
	v := pricingtest.Load(t)
	for _, c := range v.Valid {
		q, served, err := lib.Quote(ctx, &c.Basket)
		if err != nil || served != ffi.ServedByRust {
			t.Fatalf("%s: quote: %v (served %v)", c.Name, err, served)
		}
		if q != c.Quote {
			t.Errorf("%s: Rust quote %+v, want %+v", c.Name, q, c.Quote)
		}
		fp, _, err := lib.Fingerprint(ctx, &c.Basket)
		if err != nil {
			t.Fatalf("%s: fingerprint: %v", c.Name, err)
		}
		if fp != c.Fingerprint {
			t.Errorf("%s: Rust fingerprint %s, want %s", c.Name, fp, c.Fingerprint)
		}
	}
	for _, c := range v.Invalid {
		_, _, err := lib.Quote(ctx, &c.Basket)
		assertRustError(t, c.Name, err, "pricing.quote: "+c.Error)
		_, _, err = lib.Fingerprint(ctx, &c.Basket)
		assertRustError(t, c.Name, err, "pricing.fingerprint: "+c.Error)
	}
}

func assertRustError(t *testing.T, name string, err error, want string) {
	t.Helper()
	var be *boundary.Error
	if !errors.As(err, &be) || !errors.Is(err, boundary.ErrFailed) {
		t.Errorf("%s: error %v, want a failed boundary call", name, err)
		return
	}
	if be.Message != want {
		t.Errorf("%s: Rust says %q, want %q", name, be.Message, want)
	}
}

// TestRandomBasketsAgree prices random baskets in both languages.
func TestRandomBasketsAgree(t *testing.T) {
	lib := rustOnly(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	for range 2000 {
		b := pricingtest.RandomBasket(rng)
		goQuote, err := pricing.PriceQuote(&b)
		if err != nil {
			t.Fatalf("%+v: Go: %v", b, err)
		}
		rustQuote, _, err := lib.Quote(ctx, &b)
		if err != nil {
			t.Fatalf("%+v: Rust: %v", b, err)
		}
		if goQuote != rustQuote {
			t.Fatalf("%+v: Go quote %+v, Rust %+v", b, goQuote, rustQuote)
		}
		goFP, _ := pricing.Fingerprint(&b)
		rustFP, _, err := lib.Fingerprint(ctx, &b)
		if err != nil || goFP != rustFP {
			t.Fatalf("%+v: Go fingerprint %s, Rust %s (%v)", b, goFP, rustFP, err)
		}
	}
}

// TestTooManyItemsThroughFFI: the item limit holds across the boundary too,
// with the count the caller sent, and after the region check as in Go.
func TestTooManyItemsThroughFFI(t *testing.T) {
	b := pricing.Basket{Region: "eu", Items: make([]pricing.Item, 1000)}
	for i := range b.Items {
		b.Items[i] = pricing.Item{SKU: "A", Qty: 1}
	}
	lib := rustOnly(t)
	for _, region := range []string{"eu", "mars"} {
		b.Region = region
		goErr := b.Validate()
		_, _, err := lib.Quote(context.Background(), &b)
		assertRustError(t, region, err, "pricing.quote: "+goErr.Error())
	}
}
