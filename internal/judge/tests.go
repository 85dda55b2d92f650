package judge

import (
	"fmt"
	"math"
)

// estimate is a statistic with its standard error.
type estimate struct {
	value, se float64
}

// sample is what one statistic reads: both arms' counts.
type sample struct {
	baseline, candidate Arm
}

// statistic computes a value from a sample; a test runs it on the totals
// and, for the jackknife, on the totals less each interval.
type statistic struct {
	name string
	// value is the statistic; iidSE its standard error assuming
	// independent calls. ok is false when the sample is too thin.
	value func(sample) (v float64, ok bool)
	iidSE func(sample) float64
	// margin is the regression allowed, on the statistic's scale.
	margin float64
	// describe says in words what an effect and interval mean.
	describe func(e, lo, hi float64) string
	skip     func(sample) string
}

// theta is P(candidate slower than baseline), ties within a bucket counted
// half: the Mann–Whitney statistic over buckets, with its DeLong variance
// (ties handled by the half counts in the placements).
func theta(s sample) (float64, float64, bool) {
	b, c := s.baseline.Latency, s.candidate.Latency
	nb, nc := float64(b.Total()), float64(c.Total())
	if nb < 2 || nc < 2 {
		return 0, 0, false
	}
	// below[i] is baseline observations in buckets < i.
	var below, cAbove float64
	// V10 for candidates in bucket j: (baseline below j + half of bucket j) / nb.
	var th float64
	for j, cj := range c.Counts {
		v10 := (below + 0.5*float64(b.Counts[j])) / nb
		th += float64(cj) * v10
		below += float64(b.Counts[j])
	}
	th /= nc
	var s10 float64
	below = 0
	for j, cj := range c.Counts {
		v10 := (below + 0.5*float64(b.Counts[j])) / nb
		s10 += float64(cj) * (v10 - th) * (v10 - th)
		below += float64(b.Counts[j])
	}
	var s01 float64
	cAbove = nc
	for i, bi := range b.Counts {
		cAbove -= float64(c.Counts[i])
		v01 := (cAbove + 0.5*float64(c.Counts[i])) / nc
		s01 += float64(bi) * (v01 - th) * (v01 - th)
	}
	variance := s10/(nc-1)/nc + s01/(nb-1)/nb
	return th, math.Sqrt(variance), true
}

func thetaStatistic(margin float64) statistic {
	return statistic{
		name: "stochastic order",
		value: func(s sample) (float64, bool) {
			v, _, ok := theta(s)
			return v, ok
		},
		iidSE: func(s sample) float64 {
			_, se, _ := theta(s)
			return se
		},
		margin: 0.5 + margin,
		describe: func(e, lo, hi float64) string {
			return fmt.Sprintf("P(candidate slower) %.3f [%.3f, %.3f]", e, lo, hi)
		},
	}
}

// tailStatistic compares the share of each arm above the bucket bound at
// which the baseline reaches quantile q: the log of candidate share over
// baseline share (Katz's variance, half a count added to each cell so an
// empty tail stays finite). It catches tail-only and variance-only
// regressions that the stochastic order misses.
func tailStatistic(q, margin float64, bucket int, bound float64) statistic {
	shares := func(s sample) (pb, pc, nb, nc float64) {
		b, c := s.baseline.Latency, s.candidate.Latency
		nb, nc = float64(b.Total()), float64(c.Total())
		pb = (float64(b.above(bucket)) + 0.5) / (nb + 1)
		pc = (float64(c.above(bucket)) + 0.5) / (nc + 1)
		return pb, pc, nb, nc
	}
	label := fmt.Sprintf("p%g tail", q*100)
	return statistic{
		name: label,
		value: func(s sample) (float64, bool) {
			pb, pc, nb, nc := shares(s)
			if nb == 0 || nc == 0 {
				return 0, false
			}
			return math.Log(pc / pb), true
		},
		iidSE: func(s sample) float64 {
			pb, pc, nb, nc := shares(s)
			return math.Sqrt((1-pc)/(nc*pc) + (1-pb)/(nb*pb))
		},
		margin: math.Log1p(margin),
		describe: func(e, lo, hi float64) string {
			return fmt.Sprintf("share above the baseline's p%g bound (%s) %.2fx the baseline's [%.2f, %.2f]",
				q*100, seconds(bound), math.Exp(e), math.Exp(lo), math.Exp(hi))
		},
		skip: func(s sample) string {
			b := s.baseline.Latency
			if exp := float64(b.above(bucket)); exp < 5 {
				return fmt.Sprintf("%.0f baseline calls above the p%g bound, fewer than 5", exp, q*100)
			}
			return ""
		},
	}
}

// errorStatistic is the rise of the error ratio, candidate minus baseline,
// with Agresti–Caffo's one added error and one added success per arm for
// its standard error; the margin is the larger of a relative and an
// absolute rise.
func errorStatistic(margin, floor float64, baseline Arm) statistic {
	ratio := func(a Arm) float64 { return (float64(a.Errors) + 1) / (float64(a.Calls) + 2) }
	allowed := math.Max(margin*float64(baseline.Errors)/math.Max(1, float64(baseline.Calls)), floor)
	return statistic{
		name: "errors",
		value: func(s sample) (float64, bool) {
			if s.baseline.Calls == 0 || s.candidate.Calls == 0 {
				return 0, false
			}
			return ratio(s.candidate) - ratio(s.baseline), true
		},
		iidSE: func(s sample) float64 {
			pb, pc := ratio(s.baseline), ratio(s.candidate)
			return math.Sqrt(pb*(1-pb)/(float64(s.baseline.Calls)+2) + pc*(1-pc)/(float64(s.candidate.Calls)+2))
		},
		margin: allowed,
		describe: func(e, lo, hi float64) string {
			return fmt.Sprintf("error ratio %+.2f points over the baseline's [%+.2f, %+.2f]", 100*e, 100*lo, 100*hi)
		},
	}
}

// seconds prints a latency bound readably.
func seconds(s float64) string {
	switch {
	case math.IsInf(s, 1):
		return "+Inf"
	case s < 1e-3:
		return fmt.Sprintf("%g µs", math.Round(s*1e9)/1e3)
	case s < 1:
		return fmt.Sprintf("%g ms", math.Round(s*1e6)/1e3)
	default:
		return fmt.Sprintf("%g s", s)
	}
}
