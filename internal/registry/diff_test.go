package registry

import (
	"github.com/seamtel/seam/schema"

	"strings"
	"testing"
)

func TestDiffReportsRenameRemovalAndBucketChange(t *testing.T) {
	load := func(dir string) *schema.Registry {
		r, findings, err := LoadResolved(dir)
		if err != nil || len(findings) > 0 {
			t.Fatalf("%s: %v %v", dir, err, findings)
		}
		return r
	}
	changes := Diff(load("../../schema/testdata/diff/old"), load("../../schema/testdata/diff/new"))
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{
		"BREAKING renamed attribute demo.impl -> demo.implementation",
		"BREAKING removed metric demo.calls",
		"BREAKING changed metric demo.duration: buckets [0 0.001 0.01 0.1 1] -> [0 0.001 0.01 0.1 1 10]",
		"BREAKING changed metric demo.duration: attribute demo.impl renamed to demo.implementation",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if changes.Breaking() != 4 {
		t.Errorf("breaking = %d, want 4", changes.Breaking())
	}
	// The reverse direction adds back what was removed: additions alone break nothing.
	if rev := Diff(load("../../schema/testdata/diff/new"), load("../../schema/testdata/diff/new")); len(rev) != 0 {
		t.Errorf("a schema differs from itself: %v", rev)
	}
}
