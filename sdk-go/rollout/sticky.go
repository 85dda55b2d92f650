package rollout

import "math/bits"

// FNV-1a 64's constants, the seed and the step of the sticky hash.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// stickySeed is the hash state after operation's part: each rollout
// computes it once, so that a call hashes its key alone.
func stickySeed(operation string) uint64 { return hashPart(fnvOffset, operation) }

// bucket places key in 0..9999 from seed, the same in both SDKs (see
// schema/testdata/parity/rollout.json): FNV's multiply over 8-byte words
// rather than bytes, which is what keeps a canary decision within its
// budget, then murmur3's fmix64 so that keys differing in their last
// characters (sequential IDs) still spread, then scaled into range by a
// multiply rather than a modulo, which would favour low buckets.
func bucket(seed uint64, key string) int {
	h := hashPart(seed, key)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	hi, _ := bits.Mul64(h, basisPoints)
	return int(hi)
}

// hashPart folds s into h as little-endian words, zero-padded, then its length.
func hashPart(h uint64, s string) uint64 {
	n := len(s)
	for ; len(s) >= 8; s = s[8:] {
		// The compiler turns this into one 8-byte load.
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ w) * fnvPrime
	}
	if len(s) > 0 {
		var w uint64
		for i := len(s) - 1; i >= 0; i-- {
			w = w<<8 | uint64(s[i])
		}
		h = (h ^ w) * fnvPrime
	}
	return (h ^ uint64(n)) * fnvPrime
}
