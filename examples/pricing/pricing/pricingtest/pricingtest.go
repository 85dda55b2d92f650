// Package pricingtest holds what the Go tests of the pricing example share:
// the vectors of testdata/vectors.json and random baskets.
package pricingtest

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/seamtel/seam/examples/pricing/pricing"
)

// Vectors are the shared cases of testdata/vectors.json, computed by an
// independent reference (testdata/gen_vectors.py); the Go and Rust tests
// both check their implementation against them.
type Vectors struct {
	Valid []struct {
		Name        string         `json:"name"`
		Basket      pricing.Basket `json:"basket"`
		Quote       pricing.Quote  `json:"quote"`
		Fingerprint string         `json:"fingerprint"`
	} `json:"valid"`
	Invalid []struct {
		Name   string         `json:"name"`
		Basket pricing.Basket `json:"basket"`
		Error  string         `json:"error"`
	} `json:"invalid"`
}

// Load reads testdata/vectors.json, found relative to this source file so
// that any package's test can call it.
func Load(tb testing.TB) *Vectors {
	tb.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("pricingtest: cannot locate its own source file")
	}
	path := filepath.Join(filepath.Dir(here), "..", "..", "testdata", "vectors.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var v Vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 {
		tb.Fatalf("%s: no vectors", path)
	}
	return &v
}

const skuBytes = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

// RandomBasket returns a valid basket drawn from rng, biased towards the
// edges: tier boundaries, half-cent roundings, duplicate skus.
func RandomBasket(rng *rand.Rand) pricing.Basket {
	regions := pricing.Regions()
	b := pricing.Basket{Region: regions[rng.IntN(len(regions))]}
	n := 1 + rng.IntN(8)
	if rng.IntN(50) == 0 {
		n = pricing.MaxItems
	}
	for range n {
		sku := make([]byte, 1+rng.IntN(4))
		for i := range sku {
			sku[i] = skuBytes[rng.IntN(len(skuBytes))]
		}
		it := pricing.Item{SKU: string(sku), Qty: 1 + rng.Int64N(20), UnitCents: rng.Int64N(20_000)}
		switch rng.IntN(10) {
		case 0:
			it.Qty = pricing.MaxQty
		case 1:
			it.UnitCents = pricing.MaxUnitCents
		case 2:
			it.UnitCents = 0
		case 3:
			it.Qty, it.UnitCents = 1, 10_000+rng.Int64N(3)*10 // tier edge, half-cent discounts
		}
		b.Items = append(b.Items, it)
	}
	if len(b.Items) > 1 && rng.IntN(4) == 0 {
		b.Items[1].SKU = b.Items[0].SKU
	}
	return b
}
