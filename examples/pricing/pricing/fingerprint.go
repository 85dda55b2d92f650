package pricing

import (
	"cmp"
	"encoding/binary"
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

// stretchRounds is the fingerprint's work factor: how many rounds each of
// its lanes runs.
const stretchRounds = 4096

// stretchLanes is how many 32-bit lanes the fingerprint stretches in.
const stretchLanes = 64

// Fingerprint is a valid basket's stretched digest, as 16 lowercase hex
// digits: the FNV-1a 64 hash of the canonical encoding seeds 64 lanes of 32
// bits (the even lanes its low half, the odd ones its high half, each
// xor'ed with its index times 0x9e3779b9); every lane then runs
// stretchRounds rounds of xorshift32 (13, 17, 5) plus 0x6d2b79f5; the
// FNV-1a 64 hash of the lanes, little-endian, is the fingerprint. The
// stretch makes each fingerprint cost the same real CPU work whatever the
// basket, and its lanes are independent of each other: data-parallel work,
// which Rust's compiler vectorises and Go's runs one lane at a time.
func Fingerprint(b *Basket) (string, error) {
	if err := b.Validate(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%016x", stretch(fnv1a(fnvOffset, Canonical(b)))), nil
}

func fnv1a(h uint64, data []byte) uint64 {
	for _, c := range data {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// stretch runs the lanes seeded from digest and folds them back into one
// hash.
func stretch(digest uint64) uint64 {
	var lanes [stretchLanes]uint32
	for j := range lanes {
		lanes[j] = uint32(digest>>(j%2*32)) ^ uint32(j)*0x9e3779b9
	}
	for range stretchRounds {
		for j := range lanes {
			x := lanes[j]
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			lanes[j] = x + 0x6d2b79f5
		}
	}
	var out [4 * stretchLanes]byte
	for j, x := range lanes {
		binary.LittleEndian.PutUint32(out[4*j:], x)
	}
	return fnv1a(fnvOffset, out[:])
}
