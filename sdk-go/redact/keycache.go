package redact

// keySnapshot is the decided keys, read without locking. Most lookups are
// for the few keys a service uses again and again: they are answered from
// a direct-mapped table by one string comparison, without hashing the key
// for the map.
type keySnapshot struct {
	keys map[string]bool
	// recent holds one key of keys per slot (see keySlot), the first met.
	recent [256]decidedKey
}

type decidedKey struct {
	key       string
	sensitive bool
	// set tells a slot holding the empty key, which bodies are redacted
	// under, from an empty slot.
	set bool
}

func newKeySnapshot(keys map[string]bool) *keySnapshot {
	s := &keySnapshot{keys: keys}
	for k, v := range keys {
		if slot := &s.recent[keySlot(k)]; !slot.set {
			*slot = decidedKey{key: k, sensitive: v, set: true}
		}
	}
	return s
}

// lookup returns what was decided for key; ok is false for a key not
// decided yet.
func (s *keySnapshot) lookup(key string) (sensitive, ok bool) {
	if slot := &s.recent[keySlot(key)]; slot.set && slot.key == key {
		return slot.sensitive, true
	}
	sensitive, ok = s.keys[key]
	return sensitive, ok
}

// keySlot mixes a key's length and five of its bytes: attribute keys of
// one service differ in some of them far more often than in all.
func keySlot(key string) uint8 {
	n := len(key)
	if n == 0 {
		return 0
	}
	h := uint64(n) | uint64(key[0])<<8 | uint64(key[n/4])<<16 | uint64(key[n/2])<<24 |
		uint64(key[3*n/4])<<32 | uint64(key[n-1])<<40
	return uint8((h * 0x9e3779b97f4a7c15) >> 56)
}
