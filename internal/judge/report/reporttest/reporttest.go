// Package reporttest builds judge reports from synthetic histograms, for
// the report page's tests: each operation's arms are log-normal latencies
// drawn from a seeded generator, counted into the schema's latency buckets
// and judged by judge.Judge, so the page is drawn from real results.
package reporttest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/seamtel/seam/internal/judge"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Arm describes one synthetic arm: Calls calls, of which ErrorRate fail;
// the successful ones take log-normal latencies with the given median
// (seconds) and log-space spread.
type Arm struct {
	Calls             int
	ErrorRate         float64
	Median, Sigma     float64
	Panics, Fallbacks uint64
	Mismatches        uint64
}

// Operation is one synthetic operation.
type Operation struct {
	Service, Name       string
	Baseline, Candidate Arm
}

// Scenario is a named operation with the verdict it is built to get.
type Scenario struct {
	Operation
	Want judge.Verdict
}

// EvilName is an operation name a page must escape.
const EvilName = `checkout</h2><script>alert("x")</script>&amp;`

// Scenarios are one operation per verdict and more: a faster candidate
// (pass), a slower one (fail), a candidate that panics (fail), too few
// calls (inconclusive), a candidate without calls (no data), and a pass
// under a name full of markup.
func Scenarios() []Scenario {
	base := Arm{Calls: 20000, ErrorRate: 0.001, Median: 200e-6, Sigma: 0.5}
	with := func(a Arm, f func(*Arm)) Arm { f(&a); return a }
	return []Scenario{
		{Operation{"pricing", "pricing.quote", base, with(base, func(a *Arm) { a.Median = 120e-6; a.Fallbacks = 4 })}, judge.Pass},
		{Operation{"pricing", "pricing.fingerprint", base, with(base, func(a *Arm) { a.Median = 300e-6; a.Sigma = 0.7 })}, judge.Fail},
		{Operation{"pricing", "pricing.tax", base, with(base, func(a *Arm) { a.Median = 150e-6; a.Panics = 3 })}, judge.Fail},
		{Operation{"ledger", "ledger.post", with(base, func(a *Arm) { a.Calls = 300; a.Median = 2e-3 }), with(base, func(a *Arm) { a.Calls = 280; a.Median = 1.6e-3 })}, judge.Inconclusive},
		{Operation{"ledger", "ledger.close", with(base, func(a *Arm) { a.Median = 5e-3 }), Arm{}}, judge.NoData},
		{Operation{"web", EvilName, base, with(base, func(a *Arm) { a.Median = 150e-6 })}, judge.Pass},
	}
}

// Report judges the operations, drawing latencies from seed.
func Report(seed uint64, ops []Operation) (judge.Report, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	rep := judge.Report{
		Generated: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC),
		Source:    fmt.Sprintf("synthetic histograms (seed %d)", seed),
		Skipped:   []string{"batch/batch.nightly: no seam_impl=rust series"},
	}
	for _, o := range ops {
		c := judge.Comparison{Operation: o.Name, Service: o.Service, Baseline: arm(rng, o.Baseline), Candidate: arm(rng, o.Candidate)}
		r, err := judge.Judge(c, rep.Config)
		if err != nil {
			return judge.Report{}, err
		}
		rep.Operations = append(rep.Operations, judge.OperationReport{
			Result: r, BaselineLatency: c.Baseline.Latency, CandidateLatency: c.Candidate.Latency,
		})
	}
	return rep, nil
}

// Sample is the report of Scenarios, with their wanted verdicts in order.
func Sample() (judge.Report, []judge.Verdict, error) {
	var ops []Operation
	var want []judge.Verdict
	for _, s := range Scenarios() {
		ops = append(ops, s.Operation)
		want = append(want, s.Want)
	}
	rep, err := Report(7, ops)
	return rep, want, err
}

func arm(rng *rand.Rand, a Arm) judge.Arm {
	bounds := semconv.LatencyBoundaries
	out := judge.Arm{
		Latency:   judge.Histogram{Bounds: bounds, Counts: make([]uint64, len(bounds)+1)},
		Calls:     uint64(a.Calls),
		Panics:    a.Panics,
		Fallbacks: a.Fallbacks, Mismatches: a.Mismatches,
	}
	for range a.Calls {
		if rng.Float64() < a.ErrorRate {
			out.Errors++
			continue
		}
		d := a.Median * math.Exp(a.Sigma*rng.NormFloat64())
		out.Latency.Counts[sort.SearchFloat64s(bounds, d)]++
	}
	return out
}
