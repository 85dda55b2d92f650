package rollout_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// noGuardrails keeps the kill switch out of a test about something else.
var noGuardrails = rollout.Guardrails{Panics: rollout.Off, ErrorRatioIncrease: rollout.Off, MismatchRatio: rollout.Off}

// baselineQuote is the Go baseline: it doubles its input, timed as the
// operation like a real one.
func baselineQuote(ctx context.Context, in int) (out int, err error) {
	err = seam.Measure(ctx, op, func(context.Context) error { out = 2 * in; return nil })
	return out, err
}

// A candidate that panics, hangs past its deadline, fails or answers
// garbage in shadow never changes what the caller gets, never holds the
// caller past the budget, and each is counted as what it is.
func TestShadowNeverChangesTheAnswer(t *testing.T) {
	const calls = 50
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cases := []struct {
		name      string
		candidate rollout.Func[int, int]
		want      map[attribute.KeyValue]int64
	}{
		{"panics", func(context.Context, int) (int, error) { panic("candidate bug") },
			map[attribute.KeyValue]int64{semconv.SeamShadowOutcomePanic: calls}},
		{"hangs", func(context.Context, int) (int, error) { <-release; return 0, nil },
			// The cap (16) holds the hung runs; the rest are not started.
			map[attribute.KeyValue]int64{semconv.SeamShadowOutcomeTimeout: 16, semconv.SeamShadowOutcomeSkipped: calls - 16}},
		{"fails", func(context.Context, int) (int, error) { return 0, errors.New("rust: unavailable") },
			map[attribute.KeyValue]int64{semconv.SeamShadowOutcomeCandidateError: calls}},
		{"answers garbage", func(_ context.Context, in int) (int, error) { return 2*in + 1, nil },
			map[attribute.KeyValue]int64{semconv.SeamShadowOutcomeMismatch: calls}},
		{"agrees", func(ctx context.Context, in int) (out int, err error) {
			err = seam.Measure(ctx, op, func(context.Context) error { out = 2 * in; return nil })
			return out, err
		}, map[attribute.KeyValue]int64{semconv.SeamShadowOutcomeMatch: calls}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Shadow, Percent: 100}})
			const budget = 20 * time.Millisecond
			r := start(t, h, baselineQuote, c.candidate, func(o *rollout.Options[int, int]) {
				o.Shadow = rollout.ShadowOptions{Timeout: 50 * time.Millisecond, Wait: budget}
				o.Guardrails = noGuardrails
			})
			for i := range calls {
				began := time.Now()
				got, err := r.Do(context.Background(), i)
				// Far above the budget, far below the hang: only a shadow
				// that blocked the caller gets here.
				if took := time.Since(began); took > budget+time.Second {
					t.Fatalf("call %d took %v with a shadow budget of %v", i, took, budget)
				}
				if err != nil || got != 2*i {
					t.Fatalf("call %d: got %d, %v; want the baseline's %d", i, got, err, 2*i)
				}
			}
			eventually(t, 5*time.Second, "every comparison counted", func() bool {
				return h.count(t, semconv.SeamRolloutShadowComparisonsName) == calls
			})
			for outcome, n := range c.want {
				if got := h.count(t, semconv.SeamRolloutShadowComparisonsName, semconv.SeamOperation(op), outcome); got != n {
					t.Errorf("%s: %d, want %d", outcome.Value.Emit(), got, n)
				}
			}
			if got := h.count(t, semconv.SeamRolloutDecisionsName, semconv.SeamRolloutModeShadow, semconv.SeamImplGo); got != calls {
				t.Errorf("decisions{mode=shadow, impl=go} = %d, want %d", got, calls)
			}
			if got := h.durations(t, semconv.SeamOperation(op), semconv.SeamRoleBaseline); got != calls {
				t.Errorf("baseline runs recorded as seam.role=baseline: %d, want %d", got, calls)
			}
		})
	}
}

// Shadow runs record seam.role=shadow, so they never mix with served traffic.
func TestShadowRunsRecordTheirRole(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Shadow, Percent: 100}})
	r := start(t, h, baselineQuote, baselineQuote, func(o *rollout.Options[int, int]) {
		o.Guardrails = noGuardrails
		o.Shadow.MaxConcurrent = 100 // none skipped, however late the runs start
	})
	for i := range 20 {
		if _, err := r.Do(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 5*time.Second, "20 shadow runs recorded as seam.role=shadow", func() bool {
		return h.durations(t, semconv.SeamRoleShadow) == 20
	})
	if got := h.durations(t, semconv.SeamRoleBaseline); got != 20 {
		t.Errorf("baseline runs: %d, want 20", got)
	}
}

// Mismatches are all counted and a bounded sample is logged, redacted.
func TestShadowMismatchSampleIsBoundedAndRedacted(t *testing.T) {
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Shadow, Percent: 100}})
	base := func(context.Context, string) (string, error) { return "total 3144", nil }
	leaky := func(context.Context, string) (string, error) { return "total 3144 card 4111 1111 1111 1111", nil }
	r, err := rollout.New(op, base, leaky, options(h, func(o *rollout.Options[string, string]) {
		o.Shadow.Wait = time.Second // compare in line, so the count is final when Do returns
		o.Guardrails = noGuardrails
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for range 100 {
		if got, _ := r.Do(context.Background(), "basket"); got != "total 3144" {
			t.Fatalf("got %q", got)
		}
	}
	if got := h.count(t, semconv.SeamRolloutShadowComparisonsName, semconv.SeamShadowOutcomeMismatch); got != 100 {
		t.Errorf("mismatches counted: %d, want 100", got)
	}
	logs := h.logs.String()
	if n := strings.Count(logs, `"msg":"seam: shadow mismatch"`); n != 10 {
		t.Errorf("%d mismatch lines logged, want the default sample of 10:\n%s", n, logs)
	}
	if strings.Contains(logs, "4111 1111 1111 1111") {
		t.Errorf("a card number reached the log:\n%s", logs)
	}
	if !strings.Contains(logs, "total 3144") {
		t.Errorf("the mismatch lines do not show the results:\n%s", logs)
	}
}

// A cleaner decides what counts as different.
func TestShadowCleanerAndComparator(t *testing.T) {
	type quote struct {
		Cents int
		Stamp time.Time
	}
	h := newHarness(t, map[string]rollout.Route{op: {Mode: rollout.Shadow, Percent: 100}})
	base := func(context.Context, int) (quote, error) { return quote{10, time.Now()}, nil }
	cand := func(context.Context, int) (quote, error) { return quote{10, time.Now().Add(time.Hour)}, nil }
	r, err := rollout.New(op, base, cand, options(h, func(o *rollout.Options[int, quote]) {
		o.Shadow.Wait = time.Second
		o.Clean = func(q quote) quote { q.Stamp = time.Time{}; return q }
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range 10 {
		_, _ = r.Do(context.Background(), i)
	}
	if got := h.count(t, semconv.SeamRolloutShadowComparisonsName, semconv.SeamShadowOutcomeMatch); got != 10 {
		t.Errorf("matches once cleaned: %d, want 10", got)
	}
}
