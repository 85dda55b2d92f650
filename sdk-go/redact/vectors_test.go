package redact

import (
	"encoding/json"
	"os"
	"testing"
)

// Every case of the shared vector file, which the Rust suite runs too; the
// collector redacts with this package, so it is covered as well.
func TestSharedVectors(t *testing.T) {
	raw, err := os.ReadFile("../../schema/testdata/parity/redaction.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct{ Key, Value, Want string }
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	r := Default()
	for _, c := range file.Cases {
		if got, _ := r.Value(c.Key, c.Value); got != c.Want {
			t.Errorf("%s=%q: got %q, want %q", c.Key, c.Value, got, c.Want)
		}
	}
}
