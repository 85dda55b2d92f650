package e2e

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/loadgen"
	"github.com/seamtel/seam/internal/promtest"
	"github.com/seamtel/seam/internal/stack"
)

// startStack runs the collector and the pricing example on free ports with
// steady traffic, stopping everything when the test ends.
func startStack(t *testing.T, routes ...string) *stack.Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := stack.Start(ctx, stack.Config{Root: root, RunDir: t.TempDir(), Routes: routes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	load, stopLoad := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = loadgen.Run(load, loadgen.Config{URL: st.OrchestratorURL, Rate: 40, HTTPShare: 0.3, Seed: 7}, &loadgen.Stats{})
	}()
	t.Cleanup(func() { stopLoad(); <-done })
	return st
}

func leSet(samples []promtest.Sample) []string {
	set := map[string]bool{}
	for _, s := range samples {
		set[s.Labels["le"]] = true
	}
	out := make([]string, 0, len(set))
	for le := range set {
		out = append(out, le)
	}
	sort.Strings(out)
	return out
}

func sum(samples []promtest.Sample) float64 {
	total := 0.0
	for _, s := range samples {
		total += s.Value
	}
	return total
}

func nonEmpty(s []promtest.Sample) bool { return len(s) > 0 }

// A real Prometheus scraping the collector sees both implementations on one
// schema, the boundary metrics, and the runtime metrics of both languages.
func TestPrometheusSeesBothImplementations(t *testing.T) {
	st := startStack(t, "quote=50", "fingerprint=50")
	prom := promtest.Start(t, promtest.Config{Targets: []string{strings.TrimSuffix(strings.TrimPrefix(st.MetricsURL, "http://"), "/metrics")}})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	fail := func(err error) {
		t.Helper()
		t.Fatalf("%v\nprometheus log:\n%s", err, prom.Log())
	}

	var les [2][]string
	for i, impl := range []string{"go", "rust"} {
		q := `seam_operation_duration_seconds_bucket{seam_impl="` + impl + `"}`
		got, err := prom.Eventually(ctx, q, nonEmpty)
		if err != nil {
			fail(err)
		}
		les[i] = leSet(got)
	}
	if !slices.Equal(les[0], les[1]) || len(les[0]) < 30 {
		t.Errorf("le sets differ or are short:\ngo   %v\nrust %v", les[0], les[1])
	}

	for _, q := range []string{
		`seam_boundary_call_duration_seconds_bucket{seam_boundary_kind="ffi"}`,
		`go_goroutine_count`,
		`go_memory_used_bytes`,
		`seam_rust_memory_allocated_bytes_total`,
		`seam_rust_memory_allocations_total`,
		`seam_rust_memory_used_bytes`,
	} {
		if _, err := prom.Eventually(ctx, q, nonEmpty); err != nil {
			fail(err)
		}
	}

	// Switching the Rust panic fault on moves the panic and fallback counters.
	before := map[string]float64{}
	for _, q := range []string{"seam_boundary_panics_total", "seam_boundary_fallbacks_total"} {
		got, _ := prom.Query(ctx, q)
		before[q] = sum(got)
	}
	resp, err := http.Post(st.OrchestratorURL+"/admin/faults?panic=0.5", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /admin/faults: %s", resp.Status)
	}
	for q, was := range before {
		if _, err := prom.Eventually(ctx, q, func(s []promtest.Sample) bool { return sum(s) > was }); err != nil {
			fail(err)
		}
	}

	// With the fault on, each of the README's queries for a migration lead
	// answers: latency and error ratio per operation and implementation,
	// and the boundary's panics and fallbacks as two series.
	wants := []struct {
		what string
		ok   func([]promtest.Sample) bool
	}{
		{"p99 per operation and implementation", func(s []promtest.Sample) bool { return len(s) >= 2 }},
		{"error ratio per operation and implementation", func(s []promtest.Sample) bool { return len(s) >= 2 }},
		{"panics and fallbacks of one operation", func(s []promtest.Sample) bool {
			costs := map[string]map[string]bool{}
			for _, x := range s {
				op := x.Labels["seam_operation"]
				if costs[op] == nil {
					costs[op] = map[string]bool{}
				}
				costs[op][x.Labels["cost"]] = true
			}
			for _, c := range costs {
				if c["panics"] && c["fallbacks"] {
					return true
				}
			}
			return false
		}},
	}
	for i, q := range stack.MigrationQueries {
		if got, err := prom.Eventually(ctx, q, wants[i].ok); err != nil {
			t.Errorf("README query %d (%s): %v; last answer %v", i+1, wants[i].what, err, got)
		}
	}
}
