package redact

import (
	"fmt"
	"testing"
)

// collidingKey returns a key of the form prefix%d that takes key's slot.
func collidingKey(t *testing.T, key, prefix string) string {
	t.Helper()
	for i := range 100000 {
		if k := fmt.Sprintf("%s%d", prefix, i); k != key && keySlot(k) == keySlot(key) {
			return k
		}
	}
	t.Fatalf("no key %s… shares the slot of %q", prefix, key)
	return ""
}

// Keys sharing a slot are each answered as decided: the one in the slot
// by the table, the other by the map; an undecided key is not answered.
func TestKeySnapshotSharedSlot(t *testing.T) {
	other := collidingKey(t, "db.password", "attr.")
	snap := newKeySnapshot(map[string]bool{"db.password": true, other: false, "": false})
	for key, want := range map[string]bool{"db.password": true, other: false, "": false} {
		if got, ok := snap.lookup(key); !ok || got != want {
			t.Errorf("lookup(%q) = %v, %v; want %v", key, got, ok, want)
		}
	}
	if _, ok := snap.lookup(collidingKey(t, "db.password", "fresh.")); ok {
		t.Error("a key never decided is answered")
	}
}

// The empty key, which the collector redacts log bodies under, is
// answered from the table like any other; an empty slot answers nothing.
func TestKeySnapshotEmptyKey(t *testing.T) {
	snap := newKeySnapshot(map[string]bool{"": false})
	if slot := snap.recent[keySlot("")]; !slot.set || slot.key != "" {
		t.Fatal("the empty key is not in the table")
	}
	if _, ok := newKeySnapshot(map[string]bool{}).lookup(""); ok {
		t.Error("an empty snapshot answers for the empty key")
	}
}

// Through the Redactor: a sensitive key and a plain one in the same slot,
// asked for again and again once published.
func TestKeySharedSlot(t *testing.T) {
	r, err := Compile(SchemaRules())
	if err != nil {
		t.Fatal(err)
	}
	other := collidingKey(t, "db.password", "attr.")
	for range 3 {
		if !r.Key("db.password") || r.Key(other) {
			t.Fatalf("Key(db.password) = %v, Key(%s) = %v", r.Key("db.password"), other, r.Key(other))
		}
	}
	if snap := r.keySnapshot.Load(); snap == nil || len(snap.keys) != 2 {
		t.Fatal("the keys asked for again were not published")
	}
}
