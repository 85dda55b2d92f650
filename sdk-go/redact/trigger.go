package redact

import "math/bits"

// triggers decides, in one pass over a value, which patterns are worth a
// closer look. A pattern's requirements (see prefilter) give it slots,
// each a bit of a 64-bit word: sets of bytes of which a value that meets
// the requirement holds one each (a class; a literal's rarest bytes). A
// pattern is triggered when the value holds a byte of each of its slots,
// so a value missing any skips the pattern without a search.
type triggers struct {
	// slots has bit j set for the bytes of slot j.
	slots [256]uint64
	// first has the bit of each pattern's first slot, the rarest: only
	// patterns whose first slot is seen need a look at their others.
	first uint64
	// owner is the pattern slot j belongs to.
	owner [64]uint8
	// need has, for pattern i, the bits of its slots.
	need [64]uint64
	// minLen is the shortest match any pattern can have: a shorter value
	// triggers none.
	minLen int
	// card has the bits of the card patterns: triggered only by a value
	// with a card run, a test that costs less than the digit slot's
	// false alarms (most ids and messages hold digits).
	card uint64
}

// newTriggers gives each pattern its rarest slot, then the others while
// slots last. There are at most 64 patterns.
func newTriggers(patterns []pattern) *triggers {
	t := &triggers{minLen: int(^uint(0) >> 1)}
	byPattern := make([][]*[256]bool, len(patterns))
	for i := range patterns {
		byPattern[i] = patterns[i].pre.slots()
	}
	next := 0
	add := func(i int, bytes *[256]bool) {
		for b, on := range bytes {
			if on {
				t.slots[b] |= 1 << next
			}
		}
		t.owner[next] = uint8(i)
		t.need[i] |= 1 << next
		next++
	}
	for i, slots := range byPattern {
		t.minLen = min(t.minLen, patterns[i].pre.minLen)
		if patterns[i].card {
			t.card |= 1 << i
		}
		t.first |= 1 << next
		add(i, slots[0])
	}
	// Then each pattern's second slot, each one's third, and so on, so
	// that no pattern takes the slots the others' rarer bytes need.
	for k := 1; ; k++ {
		added := false
		for i, slots := range byPattern {
			if k >= len(slots) {
				continue
			}
			if next == 64 {
				return t
			}
			add(i, slots[k])
			added = true
		}
		if !added {
			return t
		}
	}
}

// triggered returns the patterns whose every slot has a byte in s.
func (t *triggers) triggered(s string) uint64 {
	if len(s) < t.minLen {
		return 0
	}
	seen := t.seen(s)
	var pending uint64
	for firsts := seen & t.first; firsts != 0; firsts &= firsts - 1 {
		i := t.owner[bits.TrailingZeros64(firsts)]
		if need := t.need[i]; seen&need == need && (t.card&(1<<i) == 0 || hasCardRun(s)) {
			pending |= 1 << i
		}
	}
	return pending
}

// seen returns the slots that have a byte in s. Four accumulators let the
// table loads of neighbouring bytes overlap.
func (t *triggers) seen(s string) uint64 {
	var a, b, c, d uint64
	i := 0
	for ; i+4 <= len(s); i += 4 {
		four := s[i : i+4]
		a |= t.slots[four[0]]
		b |= t.slots[four[1]]
		c |= t.slots[four[2]]
		d |= t.slots[four[3]]
	}
	for ; i < len(s); i++ {
		a |= t.slots[s[i]]
	}
	return a | b | c | d
}
