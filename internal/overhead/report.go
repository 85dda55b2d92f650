package overhead

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Report is every run, and each binary and mode summed up over the quiet
// rounds.
type Report struct {
	// MaxLag is the rule, fixed before any run: a round in which the load
	// generator's p99 lag passed it in any run is busy, and set aside.
	MaxLag time.Duration
	Runs   []RunResult
	Busy   []int // the rounds set aside
	// Summaries sum up the quiet rounds, All every round.
	Summaries, All []Summary

	latencies [][]time.Duration // per run, for the pooled p99
}

// Summary is one binary and mode over the quiet rounds.
type Summary struct {
	Variant string
	Mode    Mode
	Rounds  int
	OK      int
	Failed  int
	// P50 and P99 are the medians across rounds of each round's figure;
	// PooledP99 is the p99 of all their requests together.
	P50, P99, PooledP99 time.Duration
	// CPUPerRequest is the CPU time of all the rounds over their requests;
	// CPUMedian the median across rounds of each round's, which a round
	// the machine stalled moves less.
	CPUPerRequest, CPUMedian time.Duration
	// The paired ratios: each round's figure over the same binary's
	// no_seam run in that round.
	P50Ratio, P99Ratio, CPURatio Spread
}

func (rep *Report) add(r RunResult, latencies []time.Duration) {
	rep.Runs = append(rep.Runs, r)
	rep.latencies = append(rep.latencies, latencies)
}

// summarize applies the busy rule, then sums up each binary and mode over
// the rounds left, and over every round.
func (rep *Report) summarize() {
	busy := map[int]bool{}
	rep.Busy = rep.Busy[:0]
	for _, r := range rep.Runs {
		if r.LagP99 > rep.MaxLag && !busy[r.Round] {
			busy[r.Round] = true
			rep.Busy = append(rep.Busy, r.Round)
		}
	}
	slices.Sort(rep.Busy)
	rep.Summaries = rep.summaries(busy)
	rep.All = rep.summaries(nil)
}

// summaries sums up each binary and mode over the rounds not in skip.
func (rep *Report) summaries(skip map[int]bool) []Summary {
	baselines := map[[2]any]RunResult{} // (variant, round) → its no_seam run
	for _, r := range rep.Runs {
		if r.Mode == NoSeam {
			baselines[[2]any{r.Variant, r.Round}] = r
		}
	}
	type key struct {
		variant string
		mode    Mode
	}
	var order []key
	groups := map[key][]int{}
	for i, r := range rep.Runs {
		k := key{r.Variant, r.Mode}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
			groups[k] = nil
		}
		if !skip[r.Round] {
			groups[k] = append(groups[k], i)
		}
	}
	slices.SortStableFunc(order, func(a, b key) int {
		if a.variant != b.variant {
			return cmpVariant(a.variant, b.variant)
		}
		return slices.Index(Modes, a.mode) - slices.Index(Modes, b.mode)
	})
	var out []Summary
	for _, k := range order {
		s := Summary{Variant: k.variant, Mode: k.mode}
		var p50s, p99s, cpus, pooled []time.Duration
		var cpu time.Duration
		var r50, r99, rcpu []float64
		for _, i := range groups[k] {
			r := rep.Runs[i]
			s.Rounds++
			s.OK += r.OK
			s.Failed += r.Failed
			cpu += r.CPU
			p50s, p99s, cpus = append(p50s, r.P50), append(p99s, r.P99), append(cpus, r.CPUPerRequest())
			pooled = append(pooled, rep.latencies[i]...)
			if base, ok := baselines[[2]any{r.Variant, r.Round}]; ok {
				r50 = appendRatio(r50, r.P50, base.P50)
				r99 = appendRatio(r99, r.P99, base.P99)
				rcpu = appendRatio(rcpu, r.CPUPerRequest(), base.CPUPerRequest())
			}
		}
		if s.Rounds > 0 {
			s.P50, s.P99, s.CPUMedian = medianDuration(p50s), medianDuration(p99s), medianDuration(cpus)
			slices.Sort(pooled)
			s.PooledP99 = quantile(pooled, 0.99)
		}
		if s.OK > 0 {
			s.CPUPerRequest = cpu / time.Duration(s.OK)
		}
		s.P50Ratio, s.P99Ratio, s.CPURatio = spreadOf(r50), spreadOf(r99), spreadOf(rcpu)
		out = append(out, s)
	}
	return out
}

// cmpVariant puts the main binary ("") first.
func cmpVariant(a, b string) int {
	switch {
	case a == "":
		return -1
	case b == "":
		return 1
	case a < b:
		return -1
	}
	return 1
}

func appendRatio(xs []float64, v, base time.Duration) []float64 {
	if base <= 0 {
		return xs
	}
	return append(xs, float64(v)/float64(base))
}

// Format writes the report as Markdown: the rule and the rounds it set
// aside, the summary over the quiet rounds and over every round, and every
// run.
func (rep *Report) Format(w io.Writer) {
	fmt.Fprintf(w, "Busy rule: a round is set aside when the load generator's p99 lag passed %v in any of its runs; set aside: %s.\n\n",
		rep.MaxLag, roundList(rep.Busy))
	fmt.Fprint(w, "Quiet rounds:\n\n")
	formatSummaries(w, rep.Summaries)
	fmt.Fprint(w, "\nEvery round, busy ones included:\n\n")
	formatSummaries(w, rep.All)
	fmt.Fprintln(w, "\nRatios are paired: each round's figure over the same binary's no_seam run in that round, as the median [least–greatest] over the rounds.")
	fmt.Fprintln(w, "\n| round | binary | mode | ok / failed | p50 | p99 | CPU per request | generator lag p99 / max | load average |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range rep.Runs {
		round := fmt.Sprint(r.Round)
		if slices.Contains(rep.Busy, r.Round) {
			round += " (busy)"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d / %d | %v | %v | %v | %v / %v | %.1f |\n", round, label(r.Variant), r.Mode, r.OK, r.Failed,
			us(r.P50), us(r.P99), r.CPUPerRequest().Round(100*time.Nanosecond), us(r.LagP99), us(r.LagMax), r.Load1)
	}
}

func formatSummaries(w io.Writer, summaries []Summary) {
	fmt.Fprintln(w, "| binary | mode | rounds | ok / failed | p50 (median of rounds) | p99 (median of rounds) | p99 (pooled) | CPU per request (pooled / median of rounds) | p50 ratio | p99 ratio | CPU ratio |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, s := range summaries {
		fmt.Fprintf(w, "| %s | %s | %d | %d / %d | %v | %v | %v | %v / %v | %s | %s | %s |\n", label(s.Variant), s.Mode, s.Rounds, s.OK, s.Failed,
			us(s.P50), us(s.P99), us(s.PooledP99), s.CPUPerRequest.Round(100*time.Nanosecond), s.CPUMedian.Round(100*time.Nanosecond),
			s.P50Ratio, s.P99Ratio, s.CPURatio)
	}
}

func (r RunResult) String() string {
	return fmt.Sprintf("%d ok, %d failed, p50 %v, p99 %v, CPU %v/request, generator lag p99 %v max %v, load %.1f", r.OK, r.Failed,
		us(r.P50), us(r.P99), r.CPUPerRequest().Round(100*time.Nanosecond), us(r.LagP99), us(r.LagMax), r.Load1)
}

func (s Spread) String() string {
	if s.N == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3f× [%.3f–%.3f]", s.Median, s.Min, s.Max)
}

func label(variant string) string {
	if variant == "" {
		return "current"
	}
	return variant
}

func us(d time.Duration) time.Duration { return d.Round(time.Microsecond) }

func roundList(rounds []int) string {
	if len(rounds) == 0 {
		return "none"
	}
	return fmt.Sprint(rounds)
}
