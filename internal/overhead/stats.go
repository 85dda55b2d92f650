package overhead

import (
	"slices"
	"time"
)

// RunResult is one run's figures: one orchestrator, one mode, one round.
type RunResult struct {
	Variant string // the orchestrator binary's label; "" for the main one
	Mode    Mode
	Round   int // from 1
	OK      int
	Failed  int
	P50     time.Duration
	P99     time.Duration
	// CPU is the orchestrator's CPU time (user and system, the Rust
	// library linked in included) over the measurement.
	CPU time.Duration
	// LagP99 and LagMax are how late the load generator sent its
	// requests against its schedule.
	LagP99, LagMax time.Duration
	// Load1 is the machine's one-minute load average at the run's end.
	Load1 float64
}

// CPUPerRequest is the run's CPU time per request answered.
func (r RunResult) CPUPerRequest() time.Duration {
	if r.OK == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.OK)
}

func (s *sample) run(variant string, m Mode, round int) RunResult {
	r := RunResult{Variant: variant, Mode: m, Round: round, OK: len(s.latencies), Failed: s.failed, CPU: s.cpu}
	sorted := slices.Sorted(slices.Values(s.latencies))
	r.P50, r.P99 = quantile(sorted, 0.50), quantile(sorted, 0.99)
	lags := slices.Sorted(slices.Values(s.lags))
	r.LagP99 = quantile(lags, 0.99)
	if len(lags) > 0 {
		r.LagMax = lags[len(lags)-1]
	}
	return r
}

// quantile is the q-quantile of sorted, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Spread is the median, least and greatest of a set of figures.
type Spread struct {
	N                int
	Median, Min, Max float64
}

func spreadOf(xs []float64) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := slices.Sorted(slices.Values(xs))
	return Spread{N: len(s), Median: median(s), Min: s[0], Max: s[len(s)-1]}
}

// median of sorted: the mean of the middle two when their number is even.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(spreadOf(xs).Median)
}
