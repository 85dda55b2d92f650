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

// tally is what one slot counts for one arm; latency counts calls per
// bucket of the schema's latency layout (the last is the overflow).
type tally struct {
	calls, errors, panics int
	compared, mismatched  int
	latency               []int
}

func (t *tally) clear() {
	lat := t.latency
	clear(lat)
	*t = tally{latency: lat}
}

type slot struct {
	epoch               int64
	baseline, candidate tally
}

// guard keeps the window's tallies and judges them after each outcome.
type guard struct {
	limits Guardrails
	now    func() time.Time

	mu    sync.Mutex
	slots [slots]slot
	// sum is judge's scratch space, kept to spare an allocation per call.
	sum tally
}

func newGuard(limits Guardrails, now func() time.Time) *guard {
	g := &guard{limits: limits.withDefaults(), now: now}
	g.sum.latency = make([]int, len(semconv.LatencyBoundaries)+1)
	for i := range g.slots {
		g.slots[i].candidate.latency = make([]int, len(semconv.LatencyBoundaries)+1)
	}
	return g
}

// current returns the slot of now, emptied if it last held an older epoch.
func (g *guard) current() *slot {
	epoch := g.now().UnixNano() / int64(g.limits.Window/slots)
	s := &g.slots[epoch%slots]
	if s.epoch != epoch {
		s.clear(epoch)
	}
	return s
}

// reset forgets everything, so that failures from before a re-enable
// cannot trip the switch again.
func (g *guard) reset() {
	g.mu.Lock()
	for i := range g.slots {
		g.slots[i].clear(0)
	}
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
	g.mu.Lock()
	t := &g.current().baseline
	t.calls++
	if err != nil && counts(err) {
		t.errors++
	}
	g.mu.Unlock()
}

// candidate records one candidate call that took d and ended with err,
// and returns the breach it caused, if any.
func (g *guard) candidate(d time.Duration, err error) (tripReason, string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := &g.current().candidate
	t.calls++
	if err != nil && counts(err) {
		t.errors++
		if seam.ErrorType(err) == string(seam.ErrorPanic) {
			t.panics++
		}
	}
	t.latency[latencyBucket(d)]++
	return g.judge()
}

// comparison records one shadow comparison and returns the breach it
// caused, if any.
func (g *guard) comparison(mismatch bool) (tripReason, string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := &g.current().candidate
	t.compared++
	if mismatch {
		t.mismatched++
	}
	return g.judge()
}

// judge sums the live slots and checks each limit; g.mu is held.
func (g *guard) judge() (tripReason, string, bool) {
	oldest := g.now().UnixNano()/int64(g.limits.Window/slots) - slots + 1
	var base tally
	cand := &g.sum
	cand.clear()
	for i := range g.slots {
		s := &g.slots[i]
		if s.epoch < oldest {
			continue
		}
		base.add(&s.baseline)
		cand.add(&s.candidate)
	}
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

func (s *slot) clear(epoch int64) {
	s.epoch = epoch
	s.baseline.clear()
	s.candidate.clear()
}

func (t *tally) add(o *tally) {
	t.calls += o.calls
	t.errors += o.errors
	t.panics += o.panics
	t.compared += o.compared
	t.mismatched += o.mismatched
	for i, n := range o.latency {
		if i < len(t.latency) {
			t.latency[i] += n
		}
	}
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
