package pricing

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// FNV-1a, 64 bits.
const (
	fnvOffset = 0xcbf29ce484222325
	fnvPrime  = 0x100000001b3
)

// Canonical is the basket's canonical encoding, which the fingerprint
// hashes: a version line, the region, then one line per item sorted by
// sku, qty and unit_cents, so item order does not change it.
//
//	pricing/v1
//	region=eu
//	A1 2 1299
func Canonical(b *Basket) []byte {
	items := slices.Clone(b.Items)
	slices.SortFunc(items, func(x, y Item) int {
		return cmp.Or(cmp.Compare(x.SKU, y.SKU), cmp.Compare(x.Qty, y.Qty), cmp.Compare(x.UnitCents, y.UnitCents))
	})
	out := make([]byte, 0, 32+len(items)*24)
	out = append(out, "pricing/v1\nregion="...)
	out = append(out, b.Region...)
	out = append(out, '\n')
	for _, it := range items {
		out = append(out, it.SKU...)
		out = append(out, ' ')
		out = strconv.AppendInt(out, it.Qty, 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, it.UnitCents, 10)
		out = append(out, '\n')
	}
	return out
}

// Fingerprint is the FNV-1a 64 hash of a valid basket's canonical
// encoding, as 16 lowercase hex digits.
func Fingerprint(b *Basket) (string, error) {
	if err := b.Validate(); err != nil {
		return "", err
	}
	h := uint64(fnvOffset)
	for _, c := range Canonical(b) {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return fmt.Sprintf("%016x", h), nil
}
