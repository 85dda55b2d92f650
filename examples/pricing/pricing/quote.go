package pricing

import "fmt"

// taxRates is each region's tax in basis points (1/100 of a percent).
var taxRates = map[string]int64{
	"ch": 810,
	"eu": 2100,
	"jp": 1000,
	"uk": 2000,
	"us": 725,
}

// tier is one band of the volume discount: the part of the subtotal from
// From cents up to the next tier's From gets BasisPoints off.
type tier struct {
	From        int64
	BasisPoints int64
}

// discountTiers are marginal, like tax brackets, so the discount never
// drops as the basket grows.
var discountTiers = []tier{
	{From: 0, BasisPoints: 0},
	{From: 10_000, BasisPoints: 500},
	{From: 50_000, BasisPoints: 1_000},
	{From: 200_000, BasisPoints: 1_500},
}

// Quote is a priced basket, in integer cents.
type Quote struct {
	SubtotalCents int64 `json:"subtotal_cents"`
	DiscountCents int64 `json:"discount_cents"`
	TaxCents      int64 `json:"tax_cents"`
	TotalCents    int64 `json:"total_cents"`
}

// PriceQuote prices a valid basket: the subtotal (sum of qty × unit_cents),
// minus the tiered volume discount, plus the region's tax on what remains.
// Each rounding is half to even, at the last step only.
func PriceQuote(b *Basket) (Quote, error) {
	if err := b.Validate(); err != nil {
		return Quote{}, err
	}
	var q Quote
	for _, it := range b.Items {
		q.SubtotalCents += it.Qty * it.UnitCents
	}
	// The weighted sum stays below 2^63: the limits cap the subtotal at
	// 5e13 cents and the rates at 10^4 basis points.
	var weighted int64
	for i, t := range discountTiers {
		upper := q.SubtotalCents
		if i+1 < len(discountTiers) {
			upper = min(upper, discountTiers[i+1].From)
		}
		if upper > t.From {
			weighted += (upper - t.From) * t.BasisPoints
		}
	}
	q.DiscountCents = divHalfEven(weighted, 10_000)
	taxable := q.SubtotalCents - q.DiscountCents
	q.TaxCents = divHalfEven(taxable*taxRates[b.Region], 10_000)
	q.TotalCents = taxable + q.TaxCents
	return q, nil
}

// divHalfEven is n / d rounded half to even, for n >= 0 and d > 0.
func divHalfEven(n, d int64) int64 {
	q, r := n/d, n%d
	switch {
	case 2*r > d:
		return q + 1
	case 2*r == d:
		return q + q&1
	default:
		return q
	}
}

// String is how both implementations log a quote.
func (q Quote) String() string {
	return fmt.Sprintf("total_cents=%d subtotal_cents=%d discount_cents=%d tax_cents=%d",
		q.TotalCents, q.SubtotalCents, q.DiscountCents, q.TaxCents)
}
