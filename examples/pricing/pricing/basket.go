// Package pricing is the Go baseline of the pricing example: the basket, its
// validation, the quote and the fingerprint. The Rust candidate in
// examples/pricing/rust implements the same rules and must give identical
// results and identical error messages for every basket.
package pricing

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Limits a basket must respect; they keep every sum well inside int64.
const (
	MaxItems     = 500
	MaxQty       = 10_000
	MaxUnitCents = 10_000_000
	MaxSKULen    = 32
)

// Basket is what a customer buys, in one tax region.
type Basket struct {
	Region string `json:"region"`
	Items  []Item `json:"items"`
}

// Item is one basket line: qty units of sku at unit_cents each.
type Item struct {
	SKU       string `json:"sku"`
	Qty       int64  `json:"qty"`
	UnitCents int64  `json:"unit_cents"`
}

// InvalidBasketError says what is wrong with a basket, naming the field.
type InvalidBasketError struct{ Reason string }

func (e *InvalidBasketError) Error() string { return e.Reason }

// ErrorType is the error.type recorded for it, the same in Go and Rust.
func (e *InvalidBasketError) ErrorType() string { return "invalid_input" }

func invalid(format string, args ...any) error {
	return &InvalidBasketError{Reason: fmt.Sprintf(format, args...)}
}

// Validate returns the first thing wrong with b as an *InvalidBasketError,
// in the same words as the Rust implementation.
func (b *Basket) Validate() error {
	if _, ok := taxRates[b.Region]; !ok {
		return invalid("region %s: unknown (want one of %s)", quoteBytes(b.Region), strings.Join(Regions(), ", "))
	}
	if len(b.Items) == 0 || len(b.Items) > MaxItems {
		return invalid("items: %d items (want 1 to %d)", len(b.Items), MaxItems)
	}
	for i := range b.Items {
		if reason := b.Items[i].check(); reason != "" {
			return invalid("items[%d].%s", i, reason)
		}
	}
	return nil
}

// check returns what is wrong with the item, or "".
func (it *Item) check() string {
	if it.SKU == "" || len(it.SKU) > MaxSKULen {
		return fmt.Sprintf("sku: %d bytes (want 1 to %d)", len(it.SKU), MaxSKULen)
	}
	for i := 0; i < len(it.SKU); i++ {
		if !skuByte(it.SKU[i]) {
			return fmt.Sprintf("sku: byte %d is 0x%02x (want A-Z, a-z, 0-9, '.', '_' or '-')", i, it.SKU[i])
		}
	}
	if it.Qty < 1 || it.Qty > MaxQty {
		return fmt.Sprintf("qty: %d (want 1 to %d)", it.Qty, MaxQty)
	}
	if it.UnitCents < 0 || it.UnitCents > MaxUnitCents {
		return fmt.Sprintf("unit_cents: %d (want 0 to %d)", it.UnitCents, MaxUnitCents)
	}
	return ""
}

func skuByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

// quoteBytes puts s in double quotes as the Rust implementation does:
// printable ASCII as is, '"' and '\' after a backslash, any other byte as
// \xHH. (Go's %q differs from Rust's {:?}, so neither is used.)
func quoteBytes(s string) string {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c >= 0x20 && c <= 0x7e:
			out = append(out, c)
		default:
			out = fmt.Appendf(out, "\\x%02x", c)
		}
	}
	return string(append(out, '"'))
}

// wireItem is an Item as JSON carries it: every field must be present.
type wireItem struct {
	SKU       *string `json:"sku"`
	Qty       *int64  `json:"qty"`
	UnitCents *int64  `json:"unit_cents"`
}

type wireBasket struct {
	Region *string    `json:"region"`
	Items  []wireItem `json:"items"`
}

// Decode reads one JSON basket from r and validates it. Unknown fields,
// missing fields, trailing data and invalid baskets are errors that name
// what was wrong.
func Decode(r io.Reader) (Basket, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var w wireBasket
	if err := dec.Decode(&w); err != nil {
		return Basket{}, fmt.Errorf("basket JSON: %w", err)
	}
	if dec.More() {
		return Basket{}, errors.New("basket JSON: trailing data after the basket")
	}
	if w.Region == nil {
		return Basket{}, errors.New("region: missing")
	}
	b := Basket{Region: *w.Region, Items: make([]Item, len(w.Items))}
	for i, it := range w.Items {
		switch {
		case it.SKU == nil:
			return Basket{}, fmt.Errorf("items[%d].sku: missing", i)
		case it.Qty == nil:
			return Basket{}, fmt.Errorf("items[%d].qty: missing", i)
		case it.UnitCents == nil:
			return Basket{}, fmt.Errorf("items[%d].unit_cents: missing", i)
		}
		b.Items[i] = Item{SKU: *it.SKU, Qty: *it.Qty, UnitCents: *it.UnitCents}
	}
	if err := b.Validate(); err != nil {
		return Basket{}, err
	}
	return b, nil
}

// Regions lists the tax regions, sorted.
func Regions() []string {
	regions := make([]string, 0, len(taxRates))
	for r := range taxRates {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	return regions
}
