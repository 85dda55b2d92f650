package pricingpb_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/seamtel/seam/examples/pricing/pricingpb"
)

var update = flag.Bool("update", false, "rewrite ../testdata/pricing_wire.json")

// wireFile holds the Go encoding of one Basket and one Quote, which
// pricing-service's tests decode with its prost messages: the two sides'
// messages agree field by field.
const wireFile = "../testdata/pricing_wire.json"

type wire struct {
	Basket []int `json:"basket"`
	Quote  []int `json:"quote"`
}

func TestWireVectors(t *testing.T) {
	basket := &pricingpb.Basket{Region: "eu", Items: []*pricingpb.Item{
		{Sku: "A1", Qty: 2, UnitCents: 1299}, {Sku: "B7", Qty: 1, UnitCents: 99},
	}}
	quote := &pricingpb.Quote{SubtotalCents: 2697, DiscountCents: 1, TaxCents: 566, TotalCents: 3262}
	got := wire{Basket: encode(t, basket), Quote: encode(t, quote)}
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(wireFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(wireFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s is not the Go encoding (go test -run TestWireVectors -update here rewrites it):\n%s", wireFile, b)
	}
}

func encode(t *testing.T, m proto.Message) []int {
	t.Helper()
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(b))
	for i, c := range b {
		out[i] = int(c)
	}
	return out
}
