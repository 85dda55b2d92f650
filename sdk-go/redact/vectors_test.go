package redact

import (
	"encoding/json"
	"os"
	"testing"
)

// vectorCase is one case of the shared vector file.
type vectorCase struct{ Key, Value, Want string }

func loadVectors(tb testing.TB) []vectorCase {
	tb.Helper()
	raw, err := os.ReadFile("../../schema/testdata/parity/redaction.json")
	if err != nil {
		tb.Fatal(err)
	}
	var file struct{ Cases []vectorCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		tb.Fatal(err)
	}
	return file.Cases
}

// Every case of the shared vector file, which the Rust suite runs too; the
// collector redacts with this package, so it is covered as well.
func TestSharedVectors(t *testing.T) {
	cases := loadVectors(t)
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	r := Default()
	for _, c := range cases {
		if got, _ := r.Value(c.Key, c.Value); got != c.Want {
			t.Errorf("%s=%q: got %q, want %q", c.Key, c.Value, got, c.Want)
		}
	}
}
