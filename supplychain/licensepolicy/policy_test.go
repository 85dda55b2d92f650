package licensepolicy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The repository's own policy files, so that the tests hold the real policy.
const (
	denyToml    = "../deny.toml"
	clarifyToml = "../go-licenses.toml"
)

func load(t *testing.T) *Policy {
	t.Helper()
	p, err := Load(denyToml, clarifyToml)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func check(t *testing.T, p *Policy, fixture string) []Violation {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bom, err := Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return p.Check(bom)
}

func TestCheckRejectsLicenseOutsidePolicy(t *testing.T) {
	got := check(t, load(t), "gpl.cdx.json")
	if len(got) != 1 {
		t.Fatalf("violations = %v, want the GPL module alone", got)
	}
	want := "github.com/copyleft/lib@v0.3.1: license GPL-3.0-only is not allowed by the policy"
	if got[0].String() != want {
		t.Errorf("violation = %q, want %q", got[0], want)
	}
}

func TestCheckAcceptsAllowedExpressionsAndClarifiedModules(t *testing.T) {
	if got := check(t, load(t), "allowed.cdx.json"); len(got) != 0 {
		t.Errorf("violations = %v, want none", got)
	}
}

func TestCheckRejectsUndetectedLicense(t *testing.T) {
	got := check(t, load(t), "undetected.cdx.json")
	if len(got) != 1 || got[0].License != "" || !strings.Contains(got[0].String(), "github.com/nolicense/lib@v0.1.0: no license detected") {
		t.Errorf("violations = %v, want github.com/nolicense/lib with no license", got)
	}
}

func TestAllows(t *testing.T) {
	p := &Policy{Allow: []string{"MIT", "Apache-2.0"}}
	for expr, want := range map[string]bool{
		"MIT":                                  true,
		"MIT OR GPL-3.0-only":                  true,
		"(MIT OR Apache-2.0)":                  true,
		"MIT AND Apache-2.0":                   true,
		"MIT AND GPL-3.0-only":                 false,
		"(MIT OR Apache-2.0) AND GPL-3.0-only": false,
		"GPL-3.0-only":                         false,
		"Apache-2.0 WITH LLVM-exception":       false,
	} {
		got, err := p.Allows(expr)
		if err != nil || got != want {
			t.Errorf("Allows(%q) = %v, %v; want %v", expr, got, err, want)
		}
	}
	if ok, err := p.Allows("MIT OR OR"); ok || err == nil || !strings.Contains(err.Error(), `"MIT OR OR" is not an SPDX expression`) {
		t.Errorf("Allows(malformed) = %v, %v; want an error naming it", ok, err)
	}
}

func TestLoadNamesWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "deny.toml")
	if err := os.WriteFile(empty, []byte("[licenses]\nallow = []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(empty, ""); err == nil || !strings.Contains(err.Error(), empty+": [licenses] allow is empty") {
		t.Errorf("Load(empty allow) = %v", err)
	}
	typo := filepath.Join(dir, "typo.toml")
	if err := os.WriteFile(typo, []byte("[licenses]\nallow = [\"MIT\", \"Apache2\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(typo, ""); err == nil || !strings.Contains(err.Error(), "not SPDX license ids: [Apache2]") {
		t.Errorf("Load(misspelt id) = %v", err)
	}
	clarify := filepath.Join(dir, "clarify.toml")
	if err := os.WriteFile(clarify, []byte("[[clarify]]\nmodule = \"example.com/x\"\nlicense = \"MIT\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(denyToml, clarify); err == nil || !strings.Contains(err.Error(), "entry 1 needs module, license and reason") {
		t.Errorf("Load(clarification without reason) = %v", err)
	}
}
