package schemaprocessor

import (
	"hash/maphash"
	"slices"
)

// scanSlots is how many attribute positions a scanCache remembers apart:
// more than the items of one signal carry in the common case.
const scanSlots = 16

// scanCache remembers what the previous item at each attribute position
// had: its key, the key's rule, and the last string value under it that was
// conformant (nothing to redact, the right type, a member of its enum). The
// items of a batch mostly share a layout and many values (routes,
// operations, methods), so a conformant item costs string comparisons
// instead of map lookups and redaction scans. For metric points it also
// keeps, per schema key, a small set of recent conformant values with
// their hashes for series identity: a batch carries each series once, so
// the value that tells series apart (an operation, a route) differs from
// the previous point's but recurs within the batch and at every export.
// The checks are pure functions of the key and the value, so a value found
// conformant under a key is conformant again, in this batch or a later
// one: each processor pools its caches and reuses them as they are
// (schemaProcessor.scanCaches). One batch holds a cache at a time, so it
// needs no lock.
type scanCache struct {
	slots [scanSlots]scanSlot
	// recent holds each schema key's recent conformant values, created
	// when the key is first seen; the registry bounds its size.
	recent map[string]*recentValues
	// spanName is the last span name that redaction left as it was.
	spanName string
	// level and levelNumber are the last log severity found conformant.
	level       string
	levelNumber int32
}

type scanSlot struct {
	key  string
	rule keyRule
	// keyHash is key's hash for series identity.
	keyHash uint64
	// clean is the last conformant value, "" when none is remembered;
	// cleanHash is its hash once hasCleanHash is set.
	clean        string
	cleanHash    uint64
	hasCleanHash bool
	// recent is the key's set of recent conformant values; nil for keys
	// the registry does not define.
	recent *recentValues
	// roleOn is the last metric key was looked up in, and role what key
	// is to it.
	roleOn *metricSpec
	role   keyRole
}

// keyRole is what a key is to one metric: whether it is one of its
// attributes, and its index among the metric's required and limited
// attributes (-1 when it is not one, or past what a pointKeys holds).
type keyRole struct {
	allowed           bool
	required, limited int
}

// slot returns the slot for key k at position i, holding k's rule.
// Positions past the last share it; the key comparison keeps that right.
func (c *scanCache) slot(s *schema, i int, k string) *scanSlot {
	slot := &c.slots[min(i, scanSlots-1)]
	if slot.key != k {
		c.reset(slot, s, k)
	}
	return slot
}

// reset makes slot hold key k, out of line so that slot inlines.
func (c *scanCache) reset(slot *scanSlot, s *schema, k string) {
	rule := s.keys[k]
	*slot = scanSlot{key: k, rule: rule, keyHash: maphash.String(hashSeed, k), recent: c.recentValues(k, rule.spec)}
}

// recentValues returns the recent set of key k, whose registry attribute
// is spec: nil for keys the registry does not define.
func (c *scanCache) recentValues(k string, spec *attrSpec) *recentValues {
	if spec == nil {
		return nil
	}
	r, ok := c.recent[k]
	if !ok {
		if c.recent == nil {
			c.recent = map[string]*recentValues{}
		}
		r = new(recentValues)
		c.recent[k] = r
	}
	return r
}

// isLast reports whether v is the slot's last conformant value: the check
// every conformant item makes, small enough to inline. A nil slot
// remembers nothing.
func (slot *scanSlot) isLast(v string) bool {
	return slot != nil && slot.clean != "" && slot.clean == v
}

// isRecent reports whether v is one of the slot key's recent conformant
// values and, if so, makes it the slot's last one.
func (slot *scanSlot) isRecent(v string) bool {
	if slot == nil || slot.recent == nil || v == "" {
		return false
	}
	fp := fingerprint(v)
	e := slot.recent.entry(fp)
	if e.fingerprint != fp || e.value != v {
		return false
	}
	slot.clean, slot.cleanHash, slot.hasCleanHash = v, e.hash, e.hashed
	return true
}

// remember records v as conformant under the slot's key, and among the
// key's recent values if recent is set.
func (slot *scanSlot) remember(v string, recent bool) {
	if slot == nil || v == "" {
		return
	}
	slot.clean, slot.hasCleanHash = v, false
	if recent && slot.recent != nil && len(v) <= maxRecentLen {
		fp := fingerprint(v)
		*slot.recent.entry(fp) = recentValue{fingerprint: fp, value: v}
	}
}

// cleanHashOf returns hashValue of v, the slot's remembered value, hashing
// it once for the slot and the key's recent set.
func (slot *scanSlot) cleanHashOf(v string) uint64 {
	if !slot.hasCleanHash {
		slot.cleanHash, slot.hasCleanHash = maphash.String(hashSeed, v), true
		if slot.recent != nil {
			if e := slot.recent.entry(fingerprint(v)); e.value == v {
				e.hash, e.hashed = slot.cleanHash, true
			}
		}
	}
	return slot.cleanHash
}

// roleIn returns what the slot's key is to spec.
func (slot *scanSlot) roleIn(spec *metricSpec) keyRole {
	if slot.roleOn != spec {
		_, allowed := spec.allowed[slot.key]
		slot.role = keyRole{allowed: allowed, required: -1, limited: -1}
		if i := slices.Index(spec.required, slot.key); i < maxRequiredInPlace {
			slot.role.required = i
		}
		if i := slices.IndexFunc(spec.limited, func(a *attrSpec) bool { return a.id == slot.key }); i < maxLimitedInPlace {
			slot.role.limited = i
		}
		slot.roleOn = spec
	}
	return slot.role
}

// recentSize is how many conformant values a key remembers: the distinct
// values of a limited attribute (a few dozen routes or operations) mostly
// fit, and a direct-mapped table costs one comparison a lookup.
const recentSize = 128

// maxRecentLen bounds the values remembered: longer ones rarely recur, and
// a cache pooled across batches should not keep large strings alive.
const maxRecentLen = 256

// recentValues is a direct-mapped set of conformant values; a newer value
// evicts an older one of the same index. A hit compares the whole value,
// so it is always right.
type recentValues struct {
	entries [recentSize]recentValue
}

type recentValue struct {
	// fingerprint is value's, compared first: most misses then cost no
	// read of another string.
	fingerprint uint64
	value       string
	// hash is value's hash for series identity, once hashed is set:
	// values under span and log attributes are never hashed.
	hash   uint64
	hashed bool
}

// fingerprint mixes v's length with bytes near its end and middle, where
// values of one key differ (route ids, counters, the random part of an
// ID), at a fraction of a full hash's cost. v is not empty.
func fingerprint(v string) uint64 {
	n := len(v)
	x := uint64(n) | uint64(v[n-1])<<8 | uint64(v[max(n-2, 0)])<<16 | uint64(v[n/2])<<24 | uint64(v[max(n-3, 0)])<<32 | uint64(v[0])<<40
	return x * 0x9e3779b97f4a7c15
}

// entry returns the entry of the values with fingerprint fp.
func (r *recentValues) entry(fp uint64) *recentValue {
	return &r.entries[fp>>(64-recentBits)]
}

// recentBits is log2(recentSize).
const recentBits = 7
