package seam

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Every name of the shared case file, which the Rust suite checks too.
func TestOperationNameGrammar(t *testing.T) {
	raw, err := os.ReadFile("../schema/testdata/parity/operation-names.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases struct {
		Valid, Invalid []json.RawMessage
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	name := func(m json.RawMessage) string {
		var s string
		if json.Unmarshal(m, &s) == nil {
			return s
		}
		var r struct {
			Repeat string
			Times  int
		}
		if err := json.Unmarshal(m, &r); err != nil || r.Times == 0 {
			t.Fatalf("bad case %s", m)
		}
		return strings.Repeat(r.Repeat, r.Times)
	}
	if len(cases.Valid) == 0 || len(cases.Invalid) == 0 {
		t.Fatal("the case file has no names")
	}
	for _, m := range cases.Valid {
		if n := name(m); !validOperationName(n) {
			t.Errorf("%q should be valid", n)
		}
	}
	for _, m := range cases.Invalid {
		if n := name(m); validOperationName(n) {
			t.Errorf("%q should be invalid", n)
		}
	}
}
