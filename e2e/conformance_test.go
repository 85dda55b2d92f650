package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func seamConformance(t *testing.T, args []string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(seamBin, append([]string{"conformance", "--no-build"}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// The project's own emitters are one shape across the boundary.
func TestConformancePasses(t *testing.T) {
	out, code := seamConformance(t, nil)
	if code != 0 || !strings.Contains(out, "\nconformant\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// A Rust side that records durations in milliseconds and logs the
// correlation id under its own key is caught, by name.
func TestConformanceCatchesNonconformantRust(t *testing.T) {
	out, code := seamConformance(t, []string{"--json"}, "PRICING_NONCONFORMANT=1")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	var report struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Findings []struct{ Check, Rule, Subject string } `json:"findings"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &report); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]bool{}
	for _, c := range report.Checks {
		for _, f := range c.Findings {
			got[f.Check+" "+f.Rule+" "+f.Subject] = true
		}
	}
	for _, want := range []string{
		"cross_language unit_mismatch seam.operation.duration",
		"registry unit_mismatch seam.operation.duration (rust)",
	} {
		if !got[want] {
			t.Errorf("no finding %q; got %v", want, got)
		}
	}
	if report.OK || !hasRule(got, "missing_correlation") {
		t.Errorf("the correlation id under the wrong key went unnoticed: %v", got)
	}
}

func hasRule(findings map[string]bool, rule string) bool {
	for f := range findings {
		if strings.Contains(f, " "+rule+" ") {
			return true
		}
	}
	return false
}
