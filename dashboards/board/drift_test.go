package board

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/seamtel/seam/dashboards/internal/repo"
)

// The committed dashboards are what the generator makes, and nothing else
// is committed beside them.
func TestDashboardsDoNotDrift(t *testing.T) {
	dir, err := repo.Path(Dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Name] = true
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Errorf("%s: %v (run `go run ./dashboards/cmd/gen`)", f.Name, err)
			continue
		}
		if !bytes.Equal(got, f.JSON) {
			t.Errorf("%s differs from what the generator makes: run `go run ./dashboards/cmd/gen`", f.Name)
		}
	}
	stale, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range stale {
		if !want[filepath.Base(path)] {
			t.Errorf("%s is no dashboard the generator makes", filepath.Base(path))
		}
	}
}
