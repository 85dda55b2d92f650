package registry

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any bytes as a registry file load, check and resolve without
// a panic, and every defect found names a file and a line in it, or the
// registry's directory.
func FuzzLoad(f *testing.F) {
	seeds, err := filepath.Glob("../../schema/registry/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	broken, err := filepath.Glob("../../schema/testdata/invalid/*/registry/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range append(seeds, broken...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	manifest, err := os.ReadFile("../../schema/manifest.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "registry", "fuzz.yaml")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "manifest.yaml"), manifest, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		reg, findings, err := Load(dir)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		findings = append(findings, Check(reg)...)
		// A defect of the whole registry (a record defined nowhere) names
		// its directory.
		places := map[string]bool{file: true, filepath.Join(dir, "manifest.yaml"): true, dir: true}
		for _, fd := range findings {
			if !places[fd.Pos.File] || fd.Pos.Line < 1 || fd.Rule == "" || fd.Message == "" {
				t.Fatalf("finding without a place in the file: %+v", fd)
			}
		}
		if len(findings) == 0 {
			if _, err := Resolve(reg); err != nil {
				t.Fatalf("a registry with no findings does not resolve: %v", err)
			}
		}
	})
}
