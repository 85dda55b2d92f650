package judge

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// The simulations draw latencies on the schema's own latency layout, as
// the SDKs record them.
var bounds = semconv.LatencyBoundaries

// model draws one call: its latency in seconds and whether it failed.
type model struct {
	median, sigma float64
	errRate       float64
	// tail, when set, moves this share of calls past the baseline's p99.
	tail   float64
	tailAt float64
	scale  float64 // a latency factor on top (1 when zero)
}

func (m model) draw(rng *rand.Rand) (float64, bool) {
	if rng.Float64() < m.errRate {
		return 0, true
	}
	x := m.median * math.Exp(m.sigma*rng.NormFloat64())
	if m.tail > 0 && rng.Float64() < m.tail {
		x = m.tailAt * (1.2 + 1.8*rng.Float64())
	}
	if m.scale > 0 {
		x *= m.scale
	}
	return x, false
}

// p99 of a log-normal with this median and sigma.
func (m model) p99() float64 { return m.median * math.Exp(2.3263*m.sigma) }

func newArm() Arm {
	return Arm{Latency: Histogram{Bounds: bounds, Counts: make([]uint64, len(bounds)+1)}}
}

func (a *Arm) record(x float64, failed bool) {
	a.Calls++
	if failed {
		a.Errors++
		return
	}
	a.Latency.Counts[sort.SearchFloat64s(bounds, x)]++
}

func (a *Arm) addArm(o Arm) {
	a.Calls += o.Calls
	a.Errors += o.Errors
	for i, c := range o.Latency.Counts {
		a.Latency.Counts[i] += c
	}
}

// iid is a comparison of n calls per arm, drawn independently.
func iid(rng *rand.Rand, n int, baseline, candidate model) Comparison {
	c := Comparison{Operation: "sim", Baseline: newArm(), Candidate: newArm()}
	for range n {
		c.Baseline.record(baseline.draw(rng))
		c.Candidate.record(candidate.draw(rng))
	}
	return c
}

// bursty is a comparison over k intervals whose traffic comes in bursts
// (calls per interval vary tenfold) and whose latency moves with the load
// (a factor shared by both arms) and with each arm's own noise (a factor
// per arm and interval, as a canary on its own host has): what iid
// standard errors understate.
func bursty(rng *rand.Rand, k, perArm int, baseline, candidate model) Comparison {
	c := Comparison{Operation: "sim", Baseline: newArm(), Candidate: newArm()}
	weights := make([]float64, k)
	var sum float64
	for i := range weights {
		weights[i] = math.Exp(1.2 * rng.NormFloat64())
		sum += weights[i]
	}
	for i := range k {
		n := int(math.Round(float64(perArm) * weights[i] / sum))
		shared := math.Exp(0.3 * rng.NormFloat64())
		iv := Interval{Baseline: newArm(), Candidate: newArm()}
		for arm, m := range []model{baseline, candidate} {
			m.scale = shared * math.Exp(0.08*rng.NormFloat64())
			a := &iv.Baseline
			if arm == 1 {
				a = &iv.Candidate
			}
			for range n {
				a.record(m.draw(rng))
			}
		}
		c.Intervals = append(c.Intervals, iv)
		c.Baseline.addArm(iv.Baseline)
		c.Candidate.addArm(iv.Candidate)
	}
	return c
}

// rate runs sims comparisons from make and returns the share judged v.
func rate(sims int, seed uint64, make func(*rand.Rand) Comparison, v Verdict) (float64, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5ea))
	hits := 0
	for range sims {
		r, err := Judge(make(rng), Config{})
		if err != nil {
			return 0, err
		}
		if r.Verdict == v {
			hits++
		}
	}
	return float64(hits) / float64(sims), nil
}
