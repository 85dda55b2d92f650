package rollout

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Off disables the guardrail it is given to.
const Off = -1

// Guardrails are the kill switch of one rollout: a breach drops the
// operation to Baseline at once, and it stays there until an operator
// changes its flags or calls Reset. A zero field takes its default; Off
// disables it.
type Guardrails struct {
	// Window is how far back the guardrails look; default one minute.
	Window time.Duration
	// MinCalls is how many candidate calls (or shadow comparisons) the
	// window needs before a ratio is judged; default 20.
	MinCalls int
	// Panics trips the switch when the candidate panics more often than
	// this in the window; default 5.
	Panics int
	// ErrorRatioIncrease trips it when the candidate's error ratio exceeds
	// the baseline's by more than this (0.05 is five points); default
	// 0.05. The baseline's ratio is that of its own calls in the window,
	// or 0 while it has fewer than MinCalls. Invalid input and
	// cancellation are the caller's doing and do not count.
	ErrorRatioIncrease float64
	// MismatchRatio trips it when more than this share of shadow
	// comparisons are mismatches; default 0.01.
	MismatchRatio float64
	// LatencyBudget, when set, trips it when the candidate's p99 is over
	// budget: with at least 100 calls in the window, the schema's latency
	// bucket that holds the p99 lies at or above LatencyBudget. Off by
	// default: only the operation knows its budget.
	LatencyBudget time.Duration
}

func (g Guardrails) withDefaults() Guardrails {
	if g.Window <= 0 {
		g.Window = time.Minute
	}
	if g.MinCalls <= 0 {
		g.MinCalls = 20
	}
	if g.Panics == 0 {
		g.Panics = 5
	}
	if g.ErrorRatioIncrease == 0 {
		g.ErrorRatioIncrease = 0.05
	}
	if g.MismatchRatio == 0 {
		g.MismatchRatio = 0.01
	}
	return g
}

// tripReason is why the switch tripped.
type tripReason uint8

const (
	tripPanics tripReason = iota
	tripErrorRatio
	tripMismatchRatio
	tripLatency
	numTripReasons
)

var tripAttrs = [numTripReasons]attribute.KeyValue{
	tripPanics:        semconv.SeamRolloutTripReasonPanics,
	tripErrorRatio:    semconv.SeamRolloutTripReasonErrorRatio,
	tripMismatchRatio: semconv.SeamRolloutTripReasonMismatchRatio,
	tripLatency:       semconv.SeamRolloutTripReasonLatency,
}

func (t tripReason) String() string { return tripAttrs[t].Value.AsString() }

// minLatencyCalls is how many calls a p99 needs to mean anything.
const minLatencyCalls = 100

// slots divide the window, so it slides in tenths rather than jumping.
const slots = 10

// tally is what one slot, or the whole window, counts for one arm;
// latency counts calls per bucket of the schema's latency layout (the last
// is the overflow).
type tally struct {
	calls, errors, panics int
	compared, mismatched  int
	latency               []int
}

func newTally() tally { return tally{latency: make([]int, len(semconv.LatencyBoundaries)+1)} }

func (t *tally) clear() {
	lat := t.latency
	clear(lat)
	*t = tally{latency: lat}
}

// sub takes o's counts out of t: o's slot leaves the window.
func (t *tally) sub(o *tally) {
	t.calls -= o.calls
	t.errors -= o.errors
	t.panics -= o.panics
	t.compared -= o.compared
	t.mismatched -= o.mismatched
	for i, n := range o.latency {
		t.latency[i] -= n
	}
}

type slot struct{ baseline, candidate tally }

// guard keeps the window's tallies and judges them after each outcome. The
// window's totals are kept as slots come and go, so that judging an
// outcome reads them rather than summing every slot.
type guard struct {
	limits Guardrails
	now    func() time.Time

	mu     sync.Mutex
	slots  [slots]slot
	epoch  int64 // the slot width's multiple now is in
	totals slot  // the sums over slots
}

func newGuard(limits Guardrails, now func() time.Time) *guard {
	g := &guard{limits: limits.withDefaults(), now: now}
	for i := range g.slots {
		g.slots[i] = slot{baseline: newTally(), candidate: newTally()}
	}
	g.totals = slot{baseline: newTally(), candidate: newTally()}
	return g
}

// current returns the slot of now, first retiring the slots that left the
// window since the last call; g.mu is held.
func (g *guard) current() *slot {
	epoch := g.now().UnixNano() / int64(g.limits.Window/slots)
	if epoch != g.epoch {
		for i := int64(1); i <= min(epoch-g.epoch, slots); i++ {
			s := &g.slots[(g.epoch+i)%slots]
			g.totals.baseline.sub(&s.baseline)
			g.totals.candidate.sub(&s.candidate)
			s.baseline.clear()
			s.candidate.clear()
		}
		g.epoch = epoch
	}
	return &g.slots[epoch%slots]
}

// reset forgets everything, so that failures from before a re-enable
// cannot trip the switch again.
func (g *guard) reset() {
	g.mu.Lock()
	for i := range g.slots {
		g.slots[i].baseline.clear()
		g.slots[i].candidate.clear()
	}
	g.totals.baseline.clear()
	g.totals.candidate.clear()
	g.mu.Unlock()
}

// counts reports whether err is the implementation's failure rather than
// the caller's.
func counts(err error) bool {
	switch seam.ErrorClass(seam.ErrorType(err)) {
	case seam.ErrorInvalidInput, seam.ErrorCanceled:
		return false
	}
	return true
}

// baseline records one call of the baseline.
func (g *guard) baseline(err error) {
	failed := err != nil && counts(err)
	g.mu.Lock()
	for _, t := range [2]*tally{&g.current().baseline, &g.totals.baseline} {
		t.calls++
		if failed {
			t.errors++
		}
	}
	g.mu.Unlock()
}

// candidate records one candidate call that took d and ended with err,
// and returns the breach it caused, if any.
func (g *guard) candidate(d time.Duration, err error) (tripReason, string, bool) {
	failed := err != nil && counts(err)
	panicked := failed && seam.ErrorType(err) == string(seam.ErrorPanic)
	b := latencyBucket(d)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, t := range [2]*tally{&g.current().candidate, &g.totals.candidate} {
		t.calls++
		if failed {
			t.errors++
		}
		if panicked {
			t.panics++
		}
		t.latency[b]++
	}
	return g.judge()
}

// comparison records one shadow comparison and returns the breach it
// caused, if any.
func (g *guard) comparison(mismatch bool) (tripReason, string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, t := range [2]*tally{&g.current().candidate, &g.totals.candidate} {
		t.compared++
		if mismatch {
			t.mismatched++
		}
	}
	return g.judge()
}

// judge checks the window's totals against each limit; g.mu is held.
func (g *guard) judge() (tripReason, string, bool) {
	base, cand := &g.totals.baseline, &g.totals.candidate
	l := g.limits
	if l.Panics != Off && cand.panics > l.Panics {
		return tripPanics, fmt.Sprintf("%d candidate panics in %v (limit %d)", cand.panics, l.Window, l.Panics), true
	}
	if l.ErrorRatioIncrease >= 0 && cand.calls >= l.MinCalls {
		baseRatio := 0.0
		if base.calls >= l.MinCalls {
			baseRatio = float64(base.errors) / float64(base.calls)
		}
		candRatio := float64(cand.errors) / float64(cand.calls)
		if candRatio-baseRatio > l.ErrorRatioIncrease {
			return tripErrorRatio, fmt.Sprintf("candidate error ratio %.3f over %d calls, baseline %.3f over %d (limit +%.3f)",
				candRatio, cand.calls, baseRatio, base.calls, l.ErrorRatioIncrease), true
		}
	}
	if l.MismatchRatio >= 0 && cand.compared >= l.MinCalls {
		if ratio := float64(cand.mismatched) / float64(cand.compared); ratio > l.MismatchRatio {
			return tripMismatchRatio, fmt.Sprintf("%d of %d shadow comparisons mismatched (ratio %.3f, limit %.3f)",
				cand.mismatched, cand.compared, ratio, l.MismatchRatio), true
		}
	}
	if l.LatencyBudget > 0 && cand.calls >= minLatencyCalls {
		if lower := p99Lower(cand); lower >= l.LatencyBudget.Seconds() {
			return tripLatency, fmt.Sprintf("candidate p99 at or above %gs over %d calls (budget %v)", lower, cand.calls, l.LatencyBudget), true
		}
	}
	return 0, "", false
}

// latencyBucket is the index of the schema bucket holding d.
func latencyBucket(d time.Duration) int {
	return sort.SearchFloat64s(semconv.LatencyBoundaries, d.Seconds())
}

// p99Lower is the lower bound of the bucket holding the 99th percentile
// of t's calls: the p99 is certainly at or above it.
func p99Lower(t *tally) float64 {
	rank := (t.calls*99 + 99) / 100 // ceil(0.99 * calls)
	seen := 0
	for i, n := range t.latency {
		seen += n
		if seen >= rank {
			if i == 0 {
				return 0
			}
			return semconv.LatencyBoundaries[i-1]
		}
	}
	return semconv.LatencyBoundaries[len(semconv.LatencyBoundaries)-1]
}
