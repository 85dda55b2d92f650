package promsource

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/seamtel/seam/internal/judge"
)

// series is one histogram series of an exposition the test writes.
type testSeries struct {
	impl, role, errorType string
	buckets               map[float64]uint64 // cumulative
	count                 uint64
}

// testCounter is one counter series of an exposition the test writes.
type testCounter struct {
	name   string
	labels map[string]string
	value  float64
}

// exposition writes a real text exposition through client_golang.
func exposition(t *testing.T, op string, ss []testSeries, panics float64, counters ...testCounter) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	desc := prometheus.NewDesc(durationMetric, "Duration of one logical operation.",
		[]string{"service_name", "seam_operation", "seam_impl", "seam_role", "error_type"}, nil)
	var metrics []prometheus.Metric
	for _, s := range ss {
		metrics = append(metrics, prometheus.MustNewConstHistogram(desc, s.count, 0, s.buckets, "pricing", op, s.impl, s.role, s.errorType))
	}
	if panics > 0 {
		pd := prometheus.NewDesc(panicsMetric, "Boundary panics.", []string{"service_name", "seam_operation"}, nil)
		metrics = append(metrics, prometheus.MustNewConstMetric(pd, prometheus.CounterValue, panics, "pricing", op))
	}
	for _, c := range counters {
		names := []string{"service_name", "seam_operation"}
		values := []string{"pricing", op}
		for k, v := range c.labels {
			names, values = append(names, k), append(values, v)
		}
		d := prometheus.NewDesc(c.name, "A counter.", names, nil)
		metrics = append(metrics, prometheus.MustNewConstMetric(d, prometheus.CounterValue, c.value, values...))
	}
	reg.MustRegister(collectorOf(metrics))
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range fams {
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

type constCollector []prometheus.Metric

func collectorOf(ms []prometheus.Metric) prometheus.Collector { return constCollector(ms) }

func (c constCollector) Describe(ch chan<- *prometheus.Desc) {
	seen := map[string]bool{}
	for _, m := range c {
		if d := m.Desc(); !seen[d.String()] {
			seen[d.String()] = true
			ch <- d
		}
	}
}

func (c constCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c {
		ch <- m
	}
}

func read(t *testing.T, text string) *Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "metrics.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Read(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The arms come from seam_impl, latency from the successful series only,
// errors from error_type, panics from the boundary counter; shadow runs
// are left out.
func TestComparisons(t *testing.T) {
	text := exposition(t, "pricing.quote", []testSeries{
		{"go", "baseline", "", map[float64]uint64{0.001: 60, 0.002: 90}, 100},
		{"go", "baseline", "timeout", map[float64]uint64{0.001: 0, 0.002: 1}, 2},
		{"rust", "candidate", "", map[float64]uint64{0.001: 80, 0.002: 95}, 99},
		{"rust", "shadow", "", map[float64]uint64{0.001: 1, 0.002: 1}, 1000},
	}, 3)
	comps, _, err := read(t, text).Comparisons(nil, DefaultArms)
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != 1 {
		t.Fatalf("%d comparisons", len(comps))
	}
	c := comps[0]
	if c.Operation != "pricing.quote" || c.Service != "pricing" {
		t.Errorf("operation %q service %q", c.Operation, c.Service)
	}
	if c.Baseline.Calls != 102 || c.Baseline.Errors != 2 || c.Baseline.Latency.Total() != 100 {
		t.Errorf("baseline %+v", c.Baseline)
	}
	if got := c.Baseline.Latency.Counts; len(got) != 3 || got[0] != 60 || got[1] != 30 || got[2] != 10 {
		t.Errorf("baseline buckets %v, want [60 30 10]", got)
	}
	if c.Candidate.Calls != 99 || c.Candidate.Panics != 3 {
		t.Errorf("candidate %+v (the shadow series must not count)", c.Candidate)
	}
}

// Fallback runs are in neither arm; a candidate that served nothing is
// judged on its shadow runs; mismatches and the rollout's decisions are read.
func TestComparisonsRoles(t *testing.T) {
	text := exposition(t, "pricing.quote", []testSeries{
		{"go", "baseline", "", map[float64]uint64{0.001: 60, 0.002: 90}, 100},
		{"go", "fallback", "", map[float64]uint64{0.001: 1, 0.002: 1}, 500},
		{"rust", "shadow", "", map[float64]uint64{0.001: 70, 0.002: 95}, 98},
	}, 0,
		testCounter{comparisonsMetric, map[string]string{"seam_shadow_outcome": "mismatch"}, 4},
		testCounter{comparisonsMetric, map[string]string{"seam_shadow_outcome": "match"}, 94},
		testCounter{decisionsMetric, map[string]string{"seam_impl": "go", "seam_rollout_mode": "shadow"}, 100},
		testCounter{decisionsMetric, map[string]string{"seam_impl": "rust", "seam_rollout_mode": "canary"}, 25},
	)
	comps, _, err := read(t, text).Comparisons(nil, DefaultArms)
	if err != nil || len(comps) != 1 {
		t.Fatalf("%d comparisons, %v", len(comps), err)
	}
	c := comps[0]
	if c.Baseline.Calls != 100 {
		t.Errorf("baseline calls %d: the fallback runs were counted in", c.Baseline.Calls)
	}
	if !c.FromShadow || c.Candidate.Calls != 98 || c.Candidate.Mismatches != 4 {
		t.Errorf("candidate %+v from shadow %v; want the 98 shadow runs with 4 mismatches", c.Candidate, c.FromShadow)
	}
	if c.Decisions == nil || c.Decisions.Baseline != 100 || c.Decisions.Candidate != 25 || c.Decisions.Share() != 0.2 {
		t.Errorf("decisions %+v", c.Decisions)
	}
	r, err := judge.Judge(c, judge.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != judge.Fail || !strings.Contains(r.Reason, "4 shadow mismatch") || r.CandidateFrom != "shadow" {
		t.Errorf("verdict %s (%s) from %s; want a fail on the mismatches", r.Verdict, r.Reason, r.CandidateFrom)
	}
}

// --since judges the increase between two readings.
func TestComparisonsSince(t *testing.T) {
	ss := func(n uint64) []testSeries {
		return []testSeries{
			{"go", "baseline", "", map[float64]uint64{0.001: n, 0.002: 2 * n}, 2 * n},
			{"rust", "candidate", "", map[float64]uint64{0.001: n, 0.002: 2 * n}, 2 * n},
		}
	}
	earlier := read(t, exposition(t, "op", ss(10), 1))
	later := read(t, exposition(t, "op", ss(25), 4))
	comps, _, err := later.Comparisons(earlier, DefaultArms)
	if err != nil {
		t.Fatal(err)
	}
	if c := comps[0]; c.Baseline.Calls != 30 || c.Candidate.Latency.Counts[0] != 15 || c.Candidate.Panics != 3 {
		t.Errorf("increase %+v / %+v", c.Baseline, c.Candidate)
	}
}

func TestBadSources(t *testing.T) {
	t.Run("no histogram", func(t *testing.T) {
		_, _, err := read(t, "# TYPE up gauge\nup 1\n").Comparisons(nil, DefaultArms)
		if !errors.Is(err, ErrNoHistogram) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("arms on different layouts", func(t *testing.T) {
		text := exposition(t, "op", []testSeries{
			{"go", "baseline", "", map[float64]uint64{0.001: 1}, 1},
			{"rust", "candidate", "", map[float64]uint64{0.002: 1}, 1},
		}, 0)
		comps, _, err := read(t, text).Comparisons(nil, DefaultArms)
		if err == nil {
			_, err = judge.Judge(comps[0], judge.Config{})
		}
		if !errors.Is(err, judge.ErrLayouts) {
			t.Errorf("err %v, want the layouts named", err)
		}
	})
	t.Run("not an exposition", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x")
		_ = os.WriteFile(path, []byte("{\"json\": true}\n"), 0o600)
		if _, err := Read(context.Background(), path); err == nil || !strings.Contains(err.Error(), "not a Prometheus text exposition") {
			t.Errorf("err %v", err)
		}
	})
}
