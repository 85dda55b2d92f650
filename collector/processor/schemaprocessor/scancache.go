package schemaprocessor

// scanSlots is how many attribute positions a scanCache remembers apart:
// more than the items of one signal carry in the common case.
const scanSlots = 16

// scanCache remembers, within one batch, what the previous item at each
// attribute position had: its key, the key's rule, and the last string
// value under it that was conformant (nothing to redact, the right type,
// a member of its enum). The items of a batch mostly
// share a layout and many values (routes, operations, methods), so a
// conformant item costs string comparisons instead of map lookups and
// redaction scans. The checks are pure functions of the key and the
// value, so a value found conformant under a key is conformant again. It lives only
// for one call: no lock, and no memory past the batch.
type scanCache struct {
	slots [scanSlots]scanSlot
	// spanName is the last span name that redaction left as it was.
	spanName string
}

type scanSlot struct {
	key   string
	rule  keyRule
	clean string // the last conformant value; "" when none is remembered
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
		slot.clean = v
	}
}
