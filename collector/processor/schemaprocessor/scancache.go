package schemaprocessor

import (
	"hash/maphash"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// scanSlots is how many attribute positions a scanCache remembers apart:
// more than the items of one signal carry in the common case.
const scanSlots = 16

// scanCache remembers what the previous item at each attribute position
// had: its key, the key's rule, and the last string value under it that was
// conformant (nothing to redact, the right type, a member of its enum). The
// items of a batch mostly share a layout and many values (routes,
// operations, methods), so a conformant item costs string comparisons
// instead of map lookups and redaction scans. The checks are pure functions
// of the key and the value, so a value found conformant under a key is
// conformant again, in this batch or a later one: each processor pools its
// caches and reuses them as they are (schemaProcessor.scanCaches). One
// batch holds a cache at a time, so it needs no lock.
type scanCache struct {
	slots [scanSlots]scanSlot
	// spanName is the last span name that redaction left as it was.
	spanName string
	// level and levelNumber are the last log severity found conformant.
	level       string
	levelNumber int32
}

type scanSlot struct {
	key   string
	rule  keyRule
	clean string // the last conformant value; "" when none is remembered
	// keyHash is key's hash for series identity, and cleanHash clean's,
	// each valid once its flag is set.
	keyHash, cleanHash   uint64
	hasKeyHash, hasClean bool
	// allowedOn is the last metric key was checked against, and allowed
	// the answer.
	allowedOn *metricSpec
	allowed   bool
}

// slot returns the slot for key k at position i, holding k's rule.
// Positions past the last share it; the key comparison keeps that right.
func (c *scanCache) slot(s *schema, i int, k string) *scanSlot {
	slot := &c.slots[min(i, scanSlots-1)]
	if slot.key != k {
		*slot = scanSlot{key: k, rule: s.keys[k]}
	}
	return slot
}

// isClean reports whether slot remembers v as conformant. A nil slot
// remembers nothing.
func (slot *scanSlot) isClean(v string) bool {
	return slot != nil && slot.clean != "" && slot.clean == v
}

func (slot *scanSlot) remember(v string) {
	if slot != nil {
		slot.clean, slot.hasClean = v, false
	}
}

// isAllowed reports whether the slot's key is an attribute of spec.
func (slot *scanSlot) isAllowed(spec *metricSpec) bool {
	if slot.allowedOn != spec {
		_, slot.allowed = spec.allowed[slot.key]
		slot.allowedOn = spec
	}
	return slot.allowed
}

// hashAttributes is hashAttributes(m), with the hashes of keys and of
// remembered conformant values taken from the slots.
func (c *scanCache) hashAttributes(s *schema, m pcommon.Map) uint64 {
	var sum uint64
	i := 0
	for k, v := range m.All() {
		slot := c.slot(s, i, k)
		i++
		if !slot.hasKeyHash {
			slot.keyHash, slot.hasKeyHash = maphash.String(hashSeed, k), true
		}
		var vh uint64
		switch {
		case v.Type() == pcommon.ValueTypeStr && slot.clean != "" && slot.clean == v.Str():
			if !slot.hasClean {
				slot.cleanHash, slot.hasClean = hashValue(v), true
			}
			vh = slot.cleanHash
		default:
			vh = hashValue(v)
		}
		sum += mix(slot.keyHash, vh)
	}
	return sum
}
