package slo

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/seamtel/seam/dashboards/internal/repo"
	"github.com/seamtel/seam/sdk-go/semconv"
)

func load(t *testing.T) *File {
	t.Helper()
	path, err := repo.Path(SLOsFile)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The committed rules are what the generator makes from the committed SLOs.
func TestRulesDoNotDrift(t *testing.T) {
	in, err := repo.Path(SLOsFile)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := repo.Path(RulesFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what %s generates: run `go run ./dashboards/cmd/slorules`", RulesFile, SLOsFile)
	}
}

// Every latency threshold of the committed SLOs is a bucket bound of the
// schema's latency layout, so the count of fast executions is exact.
func TestThresholdsAreBucketBounds(t *testing.T) {
	f := load(t)
	n := 0
	for _, o := range f.Objectives() {
		if o.SLI != SLILatency {
			continue
		}
		n++
		if err := CheckThreshold(o.Threshold); err != nil {
			t.Errorf("%s: %v", o.ID(), err)
		}
	}
	if n == 0 {
		t.Error("no latency SLO")
	}
}

func TestValidateRejects(t *testing.T) {
	base := "period: 30d\nslos:\n  - service: s\n    operation: op.a\n"
	for name, doc := range map[string]string{
		"threshold between bounds": base + "    latency: {objective: 0.99, threshold: 0.0011}\n",
		"threshold 0":              base + "    latency: {objective: 0.99, threshold: 0}\n",
		"objective of 1":           base + "    availability: {objective: 1}\n",
		"objective in percent":     base + "    availability: {objective: 99.9}\n",
		"no objective":             base,
		"bad operation":            "period: 30d\nslos:\n  - service: s\n    operation: 9op\n    availability: {objective: 0.99}\n",
		"short period":             strings.Replace(base, "30d", "1d", 1) + "    availability: {objective: 0.99}\n",
		"unknown key":              base + "    availability: {objective: 0.99, target: 1}\n",
		"twice":                    base + "    availability: {objective: 0.99}\n" + strings.TrimPrefix(base, "period: 30d\nslos:\n") + "    availability: {objective: 0.99}\n",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for _, b := range semconv.LatencyBoundaries[1:] {
		if err := CheckThreshold(b); err != nil {
			t.Errorf("bound %v: %v", b, err)
		}
	}
}

func TestBudget(t *testing.T) {
	for obj, want := range map[float64]float64{0.999: 0.001, 0.99: 0.01, 0.9995: 0.0005} {
		if got := (Objective{Objective: obj}).Budget(); got != want {
			t.Errorf("budget of %v: %v, want %v", obj, got, want)
		}
	}
}

func TestLeMatcher(t *testing.T) {
	for bound, want := range map[float64]string{
		0.001:    `le="0.001"`,
		0.000015: `le="1.5e-05"`,
		1:        `le=~"1|1\\.0"`,
		30:       `le=~"30|30\\.0"`,
	} {
		if got := leMatcher(bound); got != want {
			t.Errorf("%v: %s, want %s", bound, got, want)
		}
	}
}

func TestWindows(t *testing.T) {
	got := strings.Join(Windows(), " ")
	if want := "5m 30m 1h 2h 6h 1d 3d"; got != want {
		t.Errorf("windows %q, want %q", got, want)
	}
}
