package rollout_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// switchable is a candidate whose failure can be turned on and off.
type switchable struct{ panics, errs, wrong atomic.Bool }

func (s *switchable) run(_ context.Context, in int) (int, error) {
	switch {
	case s.panics.Load():
		panic("injected")
	case s.errs.Load():
		return 0, errors.New("injected failure")
	case s.wrong.Load():
		return 2*in + 1, nil
	}
	return 2 * in, nil
}

// Injected panics trip the switch on the first panic past the limit,
// within the window; it then stays on the baseline, however healthy the
// candidate becomes and however long it waits, until the flags change.
func TestKillSwitchTripsOnPanicsAndStaysTripped(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Canary, Percent: 100}})
	cand := &switchable{}
	cand.panics.Store(true)
	const window = 300 * time.Millisecond
	r := start(t, h, baselineQuote, cand.run, func(o *rollout.Options[int, int]) {
		o.Guardrails = rollout.Guardrails{Window: window, Panics: 3}
		o.Refresh = 10 * time.Millisecond
	})
	began := time.Now()
	calls := 0
	for {
		if _, tripped := r.Route(); tripped {
			break
		}
		if got, err := r.Do(context.Background(), 7); err != nil || got != 14 {
			t.Fatalf("a panicking candidate's call: got %d, %v; want the fallback's 14", got, err)
		}
		calls++
		if calls > 10 {
			t.Fatal("still not tripped after 10 panics with a limit of 3")
		}
	}
	if calls != 4 || time.Since(began) > window {
		t.Errorf("tripped after %d panics in %v; want the 4th, within %v", calls, time.Since(began), window)
	}
	if got := h.count(t, semconv.SeamRolloutTripsName, semconv.SeamOperation(op), semconv.SeamRolloutTripReasonPanics); got != 1 {
		t.Errorf("trips{reason=panics} = %d, want 1", got)
	}
	if !strings.Contains(h.logs.String(), `"seam.rollout.trip.reason":"panics"`) {
		t.Errorf("the trip was not logged with its reason:\n%s", h.logs.String())
	}

	// Healthy again, and several windows and flag refreshes later: still off.
	cand.panics.Store(false)
	before := h.count(t, semconv.SeamRolloutDecisionsName, semconv.SeamImplRust)
	for end := time.Now().Add(3 * window); time.Now().Before(end); {
		if _, err := r.Do(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	if route, tripped := r.Route(); !tripped || route.Mode != rollout.Baseline {
		t.Fatalf("re-enabled itself: %v, tripped %v", route, tripped)
	}
	if got := h.count(t, semconv.SeamRolloutDecisionsName, semconv.SeamImplRust); got != before {
		t.Errorf("the candidate served %d calls while tripped", got-before)
	}
	if v, _ := h.gauge(t, semconv.SeamRolloutStateName, semconv.SeamRolloutModeBaseline); v != 1 {
		t.Errorf("state{mode=baseline} = %v while tripped, want 1", v)
	}

	// The operator's flag change re-enables it, with a clean window: the
	// old panics cannot trip it again.
	if err := h.flags.Set(op, rollout.Route{Mode: rollout.Canary, Percent: 50}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "re-enabled by the flag change", func() bool {
		route, tripped := r.Route()
		return !tripped && route == rollout.Route{Mode: rollout.Canary, Percent: 50}
	})
	for i := range 200 {
		_, _ = r.Do(context.Background(), i)
	}
	if _, tripped := r.Route(); tripped {
		t.Error("tripped again on a healthy candidate after the re-enable")
	}
}

// The error ratio guardrail compares the candidate with the baseline.
func TestKillSwitchTripsOnErrorRatio(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Canary, Percent: 50}})
	cand := &switchable{}
	r := start(t, h, baselineQuote, cand.run, func(o *rollout.Options[int, int]) {
		o.Guardrails = rollout.Guardrails{MinCalls: 20, ErrorRatioIncrease: 0.2}
		o.Key = func(_ context.Context, in int) string { return string(rune('a' + in%26)) }
	})
	staysUp(t, r, 200)
	cand.errs.Store(true)
	tripsWithin(t, h, r, 400, semconv.SeamRolloutTripReasonErrorRatio, "of a candidate failing every call")
}

// The mismatch guardrail trips on shadow mismatches.
func TestKillSwitchTripsOnMismatches(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Shadow, Percent: 100}})
	cand := &switchable{}
	cand.wrong.Store(true)
	r := start(t, h, baselineQuote, cand.run, func(o *rollout.Options[int, int]) {
		o.Shadow.Wait = time.Second
	})
	tripsWithin(t, h, r, 100, semconv.SeamRolloutTripReasonMismatchRatio, "of a candidate mismatching every call")
}

// The latency guardrail trips when the candidate's p99 is over budget.
func TestKillSwitchTripsOnLatency(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Candidate, Percent: 100}})
	var slow atomic.Bool
	cand := func(context.Context, int) (int, error) {
		if slow.Load() {
			time.Sleep(3 * time.Millisecond)
		}
		return 0, nil
	}
	r := start(t, h, baselineQuote, cand, func(o *rollout.Options[int, int]) {
		o.Guardrails = rollout.Guardrails{LatencyBudget: time.Millisecond}
	})
	staysUp(t, r, 300)
	slow.Store(true)
	tripsWithin(t, h, r, 200, semconv.SeamRolloutTripReasonLatency, "each 3 ms against a 1 ms budget")
}

// Reset re-enables a tripped rollout on its flags' route.
func TestKillSwitchReset(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Candidate, Percent: 100}})
	cand := &switchable{}
	cand.panics.Store(true)
	r := start(t, h, baselineQuote, cand.run, func(o *rollout.Options[int, int]) { o.Guardrails.Panics = 1 })
	for range 2 {
		_, _ = r.Do(context.Background(), 1)
	}
	if _, tripped := r.Route(); !tripped {
		t.Fatal("not tripped")
	}
	r.Reset(context.Background())
	if route, tripped := r.Route(); tripped || route.Mode != rollout.Candidate {
		t.Fatalf("after Reset: %v, tripped %v", route, tripped)
	}
}

// staysUp makes calls and fails the test if they trip the switch.
func staysUp(t *testing.T, r *rollout.Rollout[int, int], calls int) {
	t.Helper()
	for i := range calls {
		_, _ = r.Do(context.Background(), i)
	}
	if _, tripped := r.Route(); tripped {
		t.Fatalf("tripped by %d calls of a healthy candidate", calls)
	}
}

// tripsWithin makes up to calls calls and fails the test unless the
// switch trips, once, for reason.
func tripsWithin(t *testing.T, h *harness, r *rollout.Rollout[int, int], calls int, reason attribute.KeyValue, what string) {
	t.Helper()
	for i := 0; i < calls; i++ {
		if _, tripped := r.Route(); tripped {
			break
		}
		_, _ = r.Do(context.Background(), i)
	}
	if _, tripped := r.Route(); !tripped {
		t.Fatalf("not tripped after %d calls %s", calls, what)
	}
	if got := h.count(t, semconv.SeamRolloutTripsName, semconv.SeamOperation(op), reason); got != 1 {
		t.Errorf("trips{reason=%s} = %d, want 1", reason.Value.Emit(), got)
	}
}
