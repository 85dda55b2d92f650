package judge

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// quantiles are the quantiles reported and tested.
var quantiles = []float64{0.5, 0.9, 0.99}

// Judge compares one operation's candidate with its baseline.
func Judge(c Comparison, cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	if err := checkLayouts(c); err != nil {
		return Result{}, fmt.Errorf("%s: %w", c.Operation, err)
	}
	r := Result{
		Operation: c.Operation,
		Service:   c.Service,
		Baseline:  summarize(c.Baseline, cfg.Alpha),
		Candidate: summarize(c.Candidate, cfg.Alpha),
		Robust:    len(c.Intervals) >= cfg.MinIntervals,
		Intervals: len(c.Intervals),

		CandidateFrom: "served",
	}
	if c.FromShadow {
		r.CandidateFrom = "shadow"
	}
	if c.Decisions != nil {
		share := Num(c.Decisions.Share())
		r.CandidateShare = &share
	}
	r.Ratios = ratios(r.Baseline.Quantiles, r.Candidate.Quantiles)
	if c.Baseline.Calls == 0 || c.Candidate.Calls == 0 {
		r.Verdict = NoData
		r.Reason = fmt.Sprintf("no data: %d baseline calls, %d candidate calls", c.Baseline.Calls, c.Candidate.Calls)
		return r, nil
	}
	r.Tests = runTests(c, cfg)
	r.Verdict, r.Reason = decide(c, cfg, r.Tests)
	return r, nil
}

func checkLayouts(c Comparison) error {
	arms := []Arm{c.Baseline, c.Candidate}
	for _, iv := range c.Intervals {
		arms = append(arms, iv.Baseline, iv.Candidate)
	}
	var bounds []float64
	for _, a := range arms {
		if len(a.Latency.Counts) == 0 {
			continue
		}
		if err := a.Latency.Validate(); err != nil {
			return err
		}
		if bounds == nil {
			bounds = a.Latency.Bounds
		} else if !sameBounds(bounds, a.Latency.Bounds) {
			return ErrLayouts
		}
	}
	return nil
}

func sameBounds(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func summarize(a Arm, alpha float64) ArmResult {
	out := ArmResult{Arm: a}
	if a.Calls > 0 {
		out.ErrorRatio = float64(a.Errors) / float64(a.Calls)
	}
	h := a.Latency
	n := h.Total()
	if n == 0 {
		return out
	}
	z := normQuantile(1 - alpha/2)
	for _, q := range quantiles {
		nq := float64(n) * q
		spread := z * math.Sqrt(nq*(1-q))
		point := h.bucketOfRank(uint64(math.Ceil(nq)))
		lo := h.bucketOfRank(uint64(math.Max(1, math.Floor(nq-spread))))
		hi := h.bucketOfRank(uint64(math.Ceil(nq+spread)) + 1)
		out.Quantiles = append(out.Quantiles, Quantile{
			Q:      q,
			Bucket: Bucket{Lo: Num(h.lower(point)), Hi: Num(h.upper(point))},
			CI:     Bucket{Lo: Num(h.lower(lo)), Hi: Num(h.upper(hi))},
		})
	}
	return out
}

// ratios bound candidate/baseline per quantile by the two intervals.
func ratios(b, c []Quantile) []QuantileRatio {
	var out []QuantileRatio
	for i := range b {
		if i >= len(c) {
			break
		}
		lo, hi := math.Inf(1), math.Inf(1)
		if bh := float64(b[i].CI.Hi); bh > 0 && !math.IsInf(bh, 1) {
			lo = math.Max(0, float64(c[i].CI.Lo)) / bh
		} else {
			lo = 0
		}
		if bl := float64(b[i].CI.Lo); bl > 0 {
			hi = float64(c[i].CI.Hi) / bl
		}
		out = append(out, QuantileRatio{Q: b[i].Q, Lo: Num(lo), Hi: Num(hi)})
	}
	return out
}

func runTests(c Comparison, cfg Config) []Test {
	stats := statisticsFor(c, cfg)
	total := sample{c.Baseline, c.Candidate}
	z := normQuantile(1 - cfg.Alpha)
	robust := len(c.Intervals) >= cfg.MinIntervals
	var tests []Test
	for _, st := range stats {
		t := Test{Name: st.name, Margin: st.margin}
		if why := tooFew(st.name, c, cfg); why != "" {
			t.Skipped = why
		} else if st.skip != nil {
			t.Skipped = st.skip(total)
		}
		v, ok := st.value(total)
		if !ok && t.Skipped == "" {
			t.Skipped = "too few observations"
		}
		if t.Skipped != "" {
			tests = append(tests, t)
			continue
		}
		se := st.iidSE(total)
		if robust {
			se = math.Max(se, jackknife(st, c))
		}
		se = math.Max(se, 1e-12)
		t.Effect, t.Lo, t.Hi = Num(v), Num(v-z*se), Num(v+z*se)
		zm := (v - st.margin) / se
		t.PRegression, t.PWithin = 1-normCDF(zm), normCDF(zm)
		t.Within = t.PWithin < cfg.Alpha
		tests = append(tests, t)
	}
	holm(tests, cfg.Alpha)
	return tests
}

func tooFew(name string, c Comparison, cfg Config) string {
	nb, nc := c.Baseline.Latency.Total(), c.Candidate.Latency.Total()
	if name == "errors" {
		nb, nc = c.Baseline.Calls, c.Candidate.Calls
	}
	if nb < cfg.MinCalls || nc < cfg.MinCalls {
		return fmt.Sprintf("%d baseline and %d candidate calls, fewer than the %d each needs", nb, nc, cfg.MinCalls)
	}
	return ""
}

// jackknife is the delete-one-interval standard error of st.
func jackknife(st statistic, c Comparison) float64 {
	var values []float64
	for _, iv := range c.Intervals {
		s := sample{subtract(c.Baseline, iv.Baseline), subtract(c.Candidate, iv.Candidate)}
		if v, ok := st.value(s); ok {
			values = append(values, v)
		}
	}
	k := float64(len(values))
	if k < 2 {
		return 0
	}
	var mean float64
	for _, v := range values {
		mean += v
	}
	mean /= k
	var ss float64
	for _, v := range values {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt((k - 1) / k * ss)
}

func subtract(total, part Arm) Arm {
	lat, err := total.Latency.Sub(part.Latency)
	if err != nil {
		lat = total.Latency
	}
	return Arm{
		Latency: lat,
		Calls:   total.Calls - min(total.Calls, part.Calls),
		Errors:  total.Errors - min(total.Errors, part.Errors),
	}
}

// holm marks the tests whose no-regression hypothesis Holm's step-down
// procedure rejects at family-wise level alpha.
func holm(tests []Test, alpha float64) {
	var idx []int
	for i, t := range tests {
		if t.Skipped == "" {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return tests[idx[a]].PRegression < tests[idx[b]].PRegression })
	for k, i := range idx {
		if tests[i].PRegression > alpha/float64(len(idx)-k) {
			return
		}
		tests[i].Regressed = true
	}
}

func decide(c Comparison, cfg Config, tests []Test) (Verdict, string) {
	if n := c.Candidate.Panics; n > 0 {
		return Fail, fmt.Sprintf("%d boundary panic(s) on the candidate side", n)
	}
	if n := c.Candidate.Mismatches; n > 0 {
		// A wrong answer is a failure whatever the latency: no margin.
		return Fail, fmt.Sprintf("%d shadow mismatch(es): the candidate answered differently from the baseline", n)
	}
	describe := func(t Test) string {
		for _, st := range statisticsFor(c, cfg) {
			if st.name == t.Name {
				return st.describe(float64(t.Effect), float64(t.Lo), float64(t.Hi))
			}
		}
		return t.Name
	}
	// Calls, not successful calls: a candidate whose every call failed has
	// plenty of data, all of it against it.
	if why := tooFew("errors", c, cfg); why != "" {
		return Inconclusive, why
	}
	var regressed, open []string
	for _, t := range tests {
		switch {
		case t.Regressed:
			regressed = append(regressed, describe(t)+", over the margin")
		case t.Skipped != "":
			open = append(open, t.Name+": "+t.Skipped)
		case !t.Within:
			open = append(open, describe(t)+": a regression beyond the margin is not ruled out")
		}
	}
	switch {
	case len(regressed) > 0:
		return Fail, strings.Join(regressed, "; ")
	case len(open) > 0:
		return Inconclusive, strings.Join(open, "; ")
	}
	from := ""
	if c.FromShadow {
		from = ", on shadow runs of the same calls"
	}
	return Pass, fmt.Sprintf("every test rules out a regression beyond its margin (%d tests, margin %g%%%s)",
		len(tests), 100*cfg.margin(c.Operation), from)
}

// statisticsFor are the tests of c, in the order they are reported:
// stochastic order, the tails above the baseline's quantile bounds, errors.
func statisticsFor(c Comparison, cfg Config) []statistic {
	margin := cfg.margin(c.Operation)
	stats := []statistic{thetaStatistic(cfg.ThetaMargin)}
	b := c.Baseline.Latency
	if n := b.Total(); n > 0 {
		for _, q := range quantiles {
			k := b.bucketOfRank(uint64(math.Ceil(float64(n) * q)))
			if k < len(b.Bounds) { // a quantile in the +Inf bucket has no bound to hold a tail to
				stats = append(stats, tailStatistic(q, margin, k, b.upper(k)))
			}
		}
	}
	return append(stats, errorStatistic(margin, cfg.ErrorFloor, c.Baseline))
}
