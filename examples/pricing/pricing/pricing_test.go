package pricing_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/pricing/pricingtest"
)

func TestVectors(t *testing.T) {
	v := pricingtest.Load(t)
	for _, c := range v.Valid {
		t.Run(c.Name, func(t *testing.T) {
			q, err := pricing.PriceQuote(&c.Basket)
			if err != nil {
				t.Fatal(err)
			}
			if q != c.Quote {
				t.Errorf("quote = %+v, want %+v", q, c.Quote)
			}
			fp, err := pricing.Fingerprint(&c.Basket)
			if err != nil {
				t.Fatal(err)
			}
			if fp != c.Fingerprint {
				t.Errorf("fingerprint = %s, want %s", fp, c.Fingerprint)
			}
		})
	}
	for _, c := range v.Invalid {
		t.Run(c.Name, func(t *testing.T) {
			if _, err := pricing.PriceQuote(&c.Basket); err == nil || err.Error() != c.Error {
				t.Errorf("quote error = %v, want %q", err, c.Error)
			}
			if _, err := pricing.Fingerprint(&c.Basket); err == nil || err.Error() != c.Error {
				t.Errorf("fingerprint error = %v, want %q", err, c.Error)
			}
		})
	}
}

func TestTooManyItems(t *testing.T) {
	b := pricing.Basket{Region: "eu", Items: make([]pricing.Item, pricing.MaxItems+1)}
	for i := range b.Items {
		b.Items[i] = pricing.Item{SKU: "A", Qty: 1}
	}
	want := "items: 501 items (want 1 to 500)"
	if _, err := pricing.PriceQuote(&b); err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	b.Items = b.Items[:pricing.MaxItems]
	if _, err := pricing.PriceQuote(&b); err != nil {
		t.Fatalf("%d items: %v", pricing.MaxItems, err)
	}
}

func TestFingerprintIgnoresItemOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := pricingtest.RandomBasket(rng)
		want, err := pricing.Fingerprint(&b)
		if err != nil {
			t.Fatal(err)
		}
		rng.Shuffle(len(b.Items), func(i, j int) { b.Items[i], b.Items[j] = b.Items[j], b.Items[i] })
		if got, _ := pricing.Fingerprint(&b); got != want {
			t.Fatalf("shuffled basket %+v: fingerprint %s, want %s", b, got, want)
		}
		b.Region = "us"
		b.Items[0].Qty++
		if got, _ := pricing.Fingerprint(&b); got == want {
			t.Fatalf("changed basket %+v kept fingerprint %s", b, want)
		}
	}
}

func TestQuoteInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		b := pricingtest.RandomBasket(rng)
		q, err := pricing.PriceQuote(&b)
		if err != nil {
			t.Fatalf("%+v: %v", b, err)
		}
		if q.DiscountCents < 0 || q.DiscountCents > q.SubtotalCents*15/100+1 {
			t.Fatalf("%+v: discount %d out of 0..15%% of %d", b, q.DiscountCents, q.SubtotalCents)
		}
		if q.TotalCents != q.SubtotalCents-q.DiscountCents+q.TaxCents || q.TaxCents < 0 {
			t.Fatalf("%+v: inconsistent quote %+v", b, q)
		}
	}
}

func TestDecode(t *testing.T) {
	b, err := pricing.Decode(strings.NewReader(`{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1299}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(b); string(got) != `{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1299}]}` {
		t.Errorf("decoded %s", got)
	}
	for _, c := range []struct{ body, want string }{
		{`{"region":"eu","items":[{"sku":"A1","qty":2}]}`, "items[0].unit_cents: missing"},
		{`{"items":[]}`, "region: missing"},
		{`{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1,"color":"red"}]}`, `basket JSON: json: unknown field "color"`},
		{`{"region":"eu","items":[{"sku":"A1","qty":2.5,"unit_cents":1}]}`, "basket JSON: json: cannot unmarshal number 2.5 into Go struct field wireItem.items.qty of type int64"},
		{`{"region":"eu","items":[{"sku":"A1","qty":1,"unit_cents":1}]} {}`, "basket JSON: trailing data after the basket"},
		{`{"region":"mars","items":[{"sku":"A1","qty":1,"unit_cents":1}]}`, `region "mars": unknown (want one of ch, eu, jp, uk, us)`},
	} {
		_, err := pricing.Decode(strings.NewReader(c.body))
		if err == nil || err.Error() != c.want {
			t.Errorf("Decode(%s) error = %v, want %q", c.body, err, c.want)
		}
	}
}

func TestQuoteString(t *testing.T) {
	q := pricing.Quote{SubtotalCents: 2598, TaxCents: 546, TotalCents: 3144}
	if got, want := q.String(), "total_cents=3144 subtotal_cents=2598 discount_cents=0 tax_cents=546"; got != want {
		t.Errorf("String = %q, want %q (the Rust side logs the same)", got, want)
	}
}
