package rollout_test

import (
	"context"
	"errors"
	"math"
	"strconv"
	"testing"
	"time"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// arms answer with their own name, so a test sees who served.
func armFunc(name string) rollout.Func[string, string] {
	return func(context.Context, string) (string, error) { return name, nil }
}

// Sticky canary shares stay within one point of the target over 100k keys,
// and the real share is what seam.rollout.decisions reports.
func TestCanaryShareIsStickyAndOnTarget(t *testing.T) {
	const keys = 100_000
	for _, pct := range []float64{1, 5, 25, 50, 99.5} {
		t.Run(strconv.FormatFloat(pct, 'g', -1, 64), func(t *testing.T) {
			h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Canary, Percent: pct}})
			r := start(t, h, armFunc("go"), armFunc("rust"), func(o *rollout.Options[string, string]) {
				o.Key = func(_ context.Context, key string) string { return key }
			})
			rust := 0
			for i := range keys {
				if got, _ := r.Do(context.Background(), "customer-"+strconv.Itoa(i)); got == "rust" {
					rust++
				}
			}
			share := 100 * float64(rust) / keys
			if math.Abs(share-pct) > 1 {
				t.Errorf("candidate share %.2f%%, want %v%% ± 1", share, pct)
			}
			if got := h.count(t, semconv.SeamRolloutDecisionsName, semconv.SeamRolloutModeCanary, semconv.SeamImplRust); got != int64(rust) {
				t.Errorf("decisions{impl=rust} = %d, want %d", got, rust)
			}
			if v, _ := h.gauge(t, semconv.SeamRolloutCandidateShareName, semconv.SeamOperation(op)); v != pct/100 {
				t.Errorf("%s = %v, want %v", semconv.SeamRolloutCandidateShareName, v, pct/100)
			}
			// One key, one arm, however often it comes back.
			for i := 0; i < keys; i += 997 {
				key := "customer-" + strconv.Itoa(i)
				first, _ := r.Do(context.Background(), key)
				for range 20 {
					if again, _ := r.Do(context.Background(), key); again != first {
						t.Fatalf("key %s went to %s, then to %s", key, first, again)
					}
				}
			}
		})
	}
}

// By default the sticky key is the correlation ID: every call of one
// request goes to one arm.
func TestCanaryKeysOnCorrelationID(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Canary, Percent: 50}})
	r := start(t, h, armFunc("go"), armFunc("rust"), nil)
	arms := map[string]int{}
	for range 200 {
		ctx := seam.WithCorrelationID(context.Background(), seam.NewCorrelationID())
		first, _ := r.Do(ctx, "")
		arms[first]++
		for range 10 {
			if again, _ := r.Do(ctx, ""); again != first {
				t.Fatalf("one correlation ID went to %s, then to %s", first, again)
			}
		}
	}
	if arms["go"] == 0 || arms["rust"] == 0 {
		t.Errorf("200 correlation IDs all went to one arm: %v", arms)
	}
}

// In candidate mode Rust serves; when it fails, panics or runs out of its
// own time, Go serves as seam.role=fallback, apart from the baseline.
func TestCandidateFallsBack(t *testing.T) {
	failures := map[string]rollout.Func[int, int]{
		"error":   func(context.Context, int) (int, error) { return 0, errors.New("rust: internal") },
		"panic":   func(context.Context, int) (int, error) { panic("rust bug") },
		"timeout": func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, ctx.Err() },
	}
	for name, candidate := range failures {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Candidate, Percent: 100}})
			r := start(t, h, baselineQuote, candidate, func(o *rollout.Options[int, int]) {
				o.CandidateTimeout = 10 * time.Millisecond
				o.Guardrails = noGuardrails
			})
			for i := range 5 {
				if got, err := r.Do(context.Background(), i); err != nil || got != 2*i {
					t.Fatalf("got %d, %v; want the fallback's %d", got, err, 2*i)
				}
			}
			if got := h.durations(t, semconv.SeamRoleFallback); got != 5 {
				t.Errorf("fallback runs recorded as seam.role=fallback: %d, want 5", got)
			}
			if got := h.durations(t, semconv.SeamRoleBaseline); got != 0 {
				t.Errorf("fallback runs polluted the baseline: %d", got)
			}
			if got := h.count(t, semconv.SeamRolloutDecisionsName, semconv.SeamRolloutModeCandidate, semconv.SeamImplRust); got != 5 {
				t.Errorf("decisions{mode=candidate, impl=rust} = %d, want 5", got)
			}
		})
	}
}

// A caller whose own deadline has passed gets the error: there is no
// time left for a fallback.
func TestCandidateNoFallbackPastTheCallersDeadline(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Candidate, Percent: 100}})
	ran := false
	base := func(context.Context, int) (int, error) { ran = true; return 0, nil }
	slow := func(ctx context.Context, _ int) (int, error) { <-ctx.Done(); return 0, ctx.Err() }
	r := start(t, h, base, slow, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.Do(ctx, 1); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("err %v, fallback ran: %v; want the deadline and no fallback", err, ran)
	}
}

// The state gauge shows one mode at 1 and the others at 0.
func TestStateGauge(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Shadow, Percent: 100}})
	start(t, h, armFunc("go"), armFunc("rust"), nil)
	for m, want := range map[string]float64{"baseline": 0, "shadow": 1, "canary": 0, "candidate": 0} {
		got, ok := h.gauge(t, semconv.SeamRolloutStateName, semconv.SeamOperation(op), semconv.SeamRolloutModeKey.String(m))
		if !ok || got != want {
			t.Errorf("state{mode=%s} = %v (present %v), want %v", m, got, ok, want)
		}
	}
}

// DoWith overrides the flags for one call and says who served it; a
// fallback is reported to OnFallback.
func TestDoWithOverridesAndReports(t *testing.T) {
	h := newHarness(t, nil)
	var told []string
	failing := func(context.Context, string) (string, error) { return "", errors.New("rust: boom") }
	r := start(t, h, armFunc("go"), failing, func(o *rollout.Options[string, string]) {
		o.OnFallback = func(_ context.Context, err error) { told = append(told, err.Error()) }
		o.Guardrails = rollout.Guardrails{Panics: rollout.Off, ErrorRatioIncrease: rollout.Off, MismatchRatio: rollout.Off}
	})
	got, served, err := r.DoWith(context.Background(), "", &rollout.Route{Mode: rollout.Candidate, Percent: 100})
	if err != nil || got != "go" || !served.FellBack || served.Candidate {
		t.Fatalf("got %q, %+v, %v; want the fallback's answer, reported as a fallback", got, served, err)
	}
	if len(told) != 1 || told[0] != "rust: boom" {
		t.Errorf("OnFallback told %q", told)
	}
	if _, _, err := r.DoWith(context.Background(), "", &rollout.Route{Mode: rollout.Canary, Percent: 101}); err == nil {
		t.Error("a route of 101% was accepted")
	}
	if got, served, _ := r.DoWith(context.Background(), "", nil); got != "go" || served.Route.Mode != rollout.Baseline {
		t.Errorf("without an override: %q, %+v; want the flags' baseline", got, served)
	}
}
