package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/stack"
)

// The demo switched to shadow for pricing.quote with the one documented
// command: Go still answers, the Rust shadow runs reach the collector as
// seam.role=shadow, and once Rust answers wrong the mismatch count moves,
// the kill switch trips on the mismatch ratio, the judge fails the
// operation, and setting the route again re-enables it.
func TestShadowModeCatchesWrongAnswers(t *testing.T) {
	st := startStack(t, "quote=go", "fingerprint=go")
	if state := admin(t, st, "/admin/routes?quote=shadow"); state.Routes["quote"] != "shadow" {
		t.Fatalf("routes after the switch: %v", state.Routes)
	}
	comparisons := func(outcome string) float64 {
		return counter(scrape(context.Background(), st.MetricsURL), "seam_rollout_shadow_comparisons_total",
			`seam_operation="pricing.quote"`, `seam_shadow_outcome="`+outcome+`"`)
	}
	waitUntil(t, time.Minute, "shadow comparisons of pricing.quote that match", func() bool { return comparisons("match") >= 50 })
	if n := comparisons("mismatch"); n != 0 {
		t.Fatalf("%v mismatches before the fault: Rust and Go agree", n)
	}
	expo := scrape(context.Background(), st.MetricsURL)
	if !hasSeries(expo, "seam_operation_duration_seconds_bucket", `seam_role="shadow"`) {
		t.Error("no seam.operation.duration with seam_role=shadow in the collector")
	}

	setFaults(t, st, "wrong=0.2")
	waitUntil(t, time.Minute, "the mismatch count to move and the kill switch to trip", func() bool {
		return comparisons("mismatch") > 0 && counter(scrape(context.Background(), st.MetricsURL), "seam_rollout_trips_total",
			`seam_operation="pricing.quote"`, `seam_rollout_trip_reason="mismatch_ratio"`) >= 1
	})
	state := admin(t, st, "/admin/faults?wrong=0")
	if !slices.Contains(state.Tripped, "quote") {
		t.Errorf("tripped %v, want quote held on Go", state.Tripped)
	}
	rep := judgeJSON(t, st.MetricsURL, "")
	if o := rep.operation("pricing.quote"); o == nil || o.Verdict != "fail" || !strings.Contains(o.Reason, "shadow mismatch") {
		t.Errorf("the judge on pricing.quote: %+v; want a fail on the shadow mismatches", o)
	}
	if state := admin(t, st, "/admin/routes?quote=shadow"); len(state.Tripped) != 0 {
		t.Errorf("still tripped after the route was set again: %v", state.Tripped)
	}
}

// adminState is what the orchestrator's admin endpoints answer.
type adminState struct {
	Routes  map[string]string `json:"routes"`
	Tripped []string          `json:"tripped"`
}

func admin(t *testing.T, st *stack.Stack, path string) adminState {
	t.Helper()
	resp, err := http.Post(st.OrchestratorURL+path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state adminState
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s, %v", path, resp.Status, err)
	}
	return state
}

// counter sums the samples of name whose labels include every one given.
func counter(exposition, name string, labels ...string) float64 {
	total := 0.0
	for _, line := range strings.Split(exposition, "\n") {
		if !strings.HasPrefix(line, name+"{") {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(line, l)
		}
		if i := strings.LastIndexByte(line, ' '); match && i > 0 {
			if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
				total += v
			}
		}
	}
	return total
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v, still waiting for %s", d, what)
		}
		time.Sleep(time.Second)
	}
}
