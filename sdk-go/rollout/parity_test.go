package rollout

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// rolloutCases is schema/testdata/parity/rollout.json, which the Rust
// SDK's suite runs too.
type rolloutCases struct {
	About []string `json:"about"`
	Spec  []struct {
		Name string `json:"name"`
		Spec string `json:"spec"`
		Want map[string]struct {
			Mode    string  `json:"mode"`
			Percent float64 `json:"percent"`
		} `json:"want"`
		Error []string `json:"error"`
	} `json:"spec"`
	Sticky []struct {
		Operation string `json:"operation"`
		Key       string `json:"key"`
		Bucket    int    `json:"bucket"`
	} `json:"sticky"`
}

func loadRolloutCases(t *testing.T) rolloutCases {
	t.Helper()
	raw, err := os.ReadFile("../../schema/testdata/parity/rollout.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	var c rolloutCases
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("rollout.json: %v", err)
	}
	if len(c.Spec) == 0 || len(c.Sticky) == 0 {
		t.Fatal("rollout.json has no cases")
	}
	return c
}

// Every spec case parses, or is refused, as the shared file says.
func TestSpecParity(t *testing.T) {
	for _, c := range loadRolloutCases(t).Spec {
		t.Run(c.Name, func(t *testing.T) {
			got, err := ParseSpec(c.Spec)
			if c.Error != nil {
				if err == nil {
					t.Fatalf("accepted as %v; want an error naming %q", got, c.Error)
				}
				for _, w := range c.Error {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.Want) {
				t.Errorf("got %v, want %v", got, c.Want)
			}
			for op, w := range c.Want {
				if g := got[op]; g.Mode.String() != w.Mode || g.Percent != w.Percent {
					t.Errorf("%s: got %s %v, want %s %v", op, g.Mode, g.Percent, w.Mode, w.Percent)
				}
			}
		})
	}
}

// Every key lands in the bucket the independent reference computed, so a
// Go and a Rust orchestrator send one key to one arm.
func TestStickyParity(t *testing.T) {
	for _, c := range loadRolloutCases(t).Sticky {
		if got := bucket(stickySeed(c.Operation), c.Key); got != c.Bucket {
			t.Errorf("bucket(%q, %q) = %d, want %d", c.Operation, c.Key, got, c.Bucket)
		}
	}
}

// A route written with String parses back to itself.
func TestRouteStringParses(t *testing.T) {
	for _, r := range []Route{{Baseline, 0}, {Shadow, 100}, {Shadow, 12.5}, {Canary, 0.01}, {Canary, 100}, {Candidate, 100}} {
		got, err := ParseSpec("op=" + r.String())
		if err != nil || got["op"] != r {
			t.Errorf("%v: String %q parses to %v, %v", r, r.String(), got["op"], err)
		}
	}
}
