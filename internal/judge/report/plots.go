package report

import (
	"math"

	"github.com/seamtel/seam/internal/judge"
)

// plotSet is one operation's plot data, as the page's script reads it.
// Infinite and undefined values encode as null (judge.Num), which uPlot
// draws as a gap.
type plotSet struct {
	ID     string     `json:"id"`
	Dist   *distPlot  `json:"dist,omitempty"`
	CDF    *cdfPlot   `json:"cdf,omitempty"`
	Ratios *ratioPlot `json:"ratios,omitempty"`
}

// distPlot is both arms' share of calls per decade of latency, bucket by
// bucket: bucket i spans X[i] to X[i+1] and its value is at index i (a
// step drawn after the point; the last value repeats to close the step).
type distPlot struct {
	X         []judge.Num `json:"x"`
	Baseline  []judge.Num `json:"baseline"`
	Candidate []judge.Num `json:"candidate"`
	// Shares are the plain shares of calls per bucket, Buckets the buckets'
	// labels, both for the legend.
	BaselineShare  []judge.Num `json:"baseline_share"`
	CandidateShare []judge.Num `json:"candidate_share"`
	Buckets        []string    `json:"buckets"`
	Range          [2]float64  `json:"range"`
}

// cdfPlot is both arms' share of calls at or below each bucket bound.
type cdfPlot struct {
	X         []judge.Num `json:"x"`
	Baseline  []judge.Num `json:"baseline"`
	Candidate []judge.Num `json:"candidate"`
	Range     [2]float64  `json:"range"`
}

// ratioPlot is candidate/baseline per quantile as intervals [Lo, Hi] at
// X = 1, 2, 3 (X starts and ends half a step out, with no interval, to
// leave room). Lo and Hi are clamped to Range, Text says the true bounds.
type ratioPlot struct {
	X      []float64   `json:"x"`
	Labels []string    `json:"labels"`
	Lo     []judge.Num `json:"lo"`
	Hi     []judge.Num `json:"hi"`
	Text   []string    `json:"text"`
	Range  [2]float64  `json:"range"`
}

func plots(id string, o judge.OperationReport) plotSet {
	ps := plotSet{ID: id}
	bounds := o.BaselineLatency.Bounds
	if len(o.BaselineLatency.Counts) == 0 {
		bounds = o.CandidateLatency.Bounds
	}
	if l, ok := layoutOf(bounds); ok {
		b, c := l.counts(o.BaselineLatency), l.counts(o.CandidateLatency)
		if b != nil || c != nil {
			ps.Dist, ps.CDF = l.dist(b, c), l.cdf(b, c)
		}
	}
	if len(o.Ratios) > 0 {
		ps.Ratios = ratios(o.Ratios)
	}
	return ps
}

// layout is a histogram's buckets as a log axis can draw them: only the
// positive bounds (buckets at or below zero fold into the first), and
// edges with the open first and last buckets drawn one neighbouring
// bucket's ratio wide.
type layout struct {
	bounds []float64
	edges  []float64
	// fold is the index of the first positive bound in the original ones.
	fold int
}

func layoutOf(bounds []float64) (layout, bool) {
	fold := 0
	for fold < len(bounds) && !(bounds[fold] > 0) {
		fold++
	}
	pos := bounds[fold:]
	n := len(pos)
	if n == 0 || math.IsInf(pos[n-1], 1) {
		return layout{}, false
	}
	step := func(a, b float64) float64 { return b / a }
	low, high := pos[0]/10, pos[n-1]*10
	if n >= 2 {
		low, high = pos[0]/step(pos[0], pos[1]), pos[n-1]*step(pos[n-2], pos[n-1])
	}
	edges := append(append([]float64{low}, pos...), high)
	return layout{bounds: pos, edges: edges, fold: fold}, true
}

// counts are h's counts on the layout's buckets, nil when h has none.
func (l layout) counts(h judge.Histogram) []float64 {
	if h.Total() == 0 || len(h.Counts) != l.fold+len(l.bounds)+1 {
		return nil
	}
	out := make([]float64, len(l.bounds)+1)
	for i, c := range h.Counts {
		out[max(0, i-l.fold)] += float64(c)
	}
	return out
}

func total(c []float64) float64 {
	var n float64
	for _, x := range c {
		n += x
	}
	return n
}

func (l layout) dist(b, c []float64) *distPlot {
	n := len(l.edges)
	d := &distPlot{X: nums(l.edges)}
	density := func(counts []float64) (dens, share []judge.Num) {
		dens, share = make([]judge.Num, n), make([]judge.Num, n)
		if counts == nil {
			for i := range dens {
				dens[i], share[i] = judge.Num(math.NaN()), judge.Num(math.NaN())
			}
			return dens, share
		}
		t := total(counts)
		for i, x := range counts {
			s := x / t
			share[i] = judge.Num(s)
			dens[i] = judge.Num(s / math.Log10(l.edges[i+1]/l.edges[i]))
		}
		dens[n-1], share[n-1] = dens[n-2], judge.Num(math.NaN())
		return dens, share
	}
	d.Baseline, d.BaselineShare = density(b)
	d.Candidate, d.CandidateShare = density(c)
	for i := range n - 1 {
		switch {
		case i == 0:
			d.Buckets = append(d.Buckets, "≤ "+seconds(l.edges[1]))
		case i == n-2:
			d.Buckets = append(d.Buckets, "> "+seconds(l.edges[i]))
		default:
			d.Buckets = append(d.Buckets, "("+seconds(l.edges[i])+", "+seconds(l.edges[i+1])+"]")
		}
	}
	d.Buckets = append(d.Buckets, "")
	d.Range = l.occupied(b, c)
	return d
}

func (l layout) cdf(b, c []float64) *cdfPlot {
	cum := func(counts []float64) []judge.Num {
		out := make([]judge.Num, len(l.bounds))
		if counts == nil {
			for i := range out {
				out[i] = judge.Num(math.NaN())
			}
			return out
		}
		t, run := total(counts), 0.0
		for i := range l.bounds {
			run += counts[i]
			out[i] = judge.Num(run / t)
		}
		return out
	}
	return &cdfPlot{X: nums(l.bounds), Baseline: cum(b), Candidate: cum(c), Range: l.occupied(b, c)}
}

// occupied is the x range to draw: the decades around the buckets either
// arm has calls in, a bucket to spare on each side.
func (l layout) occupied(b, c []float64) [2]float64 {
	first, last := -1, -1
	for i := range len(l.edges) - 1 {
		if (b != nil && b[i] > 0) || (c != nil && c[i] > 0) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		first, last = 0, len(l.edges)-2
	}
	lo := l.edges[max(0, first-1)]
	hi := l.edges[min(len(l.edges)-1, last+2)]
	return decades(lo, hi)
}

// decades widens [lo, hi] to whole decades, at least one.
func decades(lo, hi float64) [2]float64 {
	a := math.Floor(math.Log10(lo) + 1e-9)
	b := math.Ceil(math.Log10(hi) - 1e-9)
	if b <= a {
		b = a + 1
	}
	return [2]float64{math.Pow(10, a), math.Pow(10, b)}
}

func ratios(rs []judge.QuantileRatio) *ratioPlot {
	lo, hi := 1.0, 1.0
	for _, r := range rs {
		for _, x := range []float64{float64(r.Lo), float64(r.Hi)} {
			if x > 0 && !math.IsInf(x, 0) && !math.IsNaN(x) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	// A decade either side of 1 at least, and half as much again beyond
	// the finite bounds, so that the unbounded ends (0, ∞), drawn at the
	// edges, stand apart from them.
	rg := decades(math.Min(lo/1.5, 0.1), math.Max(hi*1.5, 10))
	clamp := func(x float64) judge.Num {
		if math.IsNaN(x) {
			return judge.Num(x)
		}
		return judge.Num(math.Min(math.Max(x, rg[0]), rg[1]))
	}
	p := &ratioPlot{Range: rg, X: []float64{0.5}, Labels: []string{""}, Text: []string{""},
		Lo: []judge.Num{judge.Num(math.NaN())}, Hi: []judge.Num{judge.Num(math.NaN())}}
	for i, r := range rs {
		l, h := float64(clamp(float64(r.Lo))), float64(clamp(float64(r.Hi)))
		if h/l < 1.02 { // so that an interval of one point still shows
			l, h = l/1.01, h*1.01
		}
		p.X = append(p.X, float64(i+1))
		p.Labels = append(p.Labels, quantileLabel(r.Q))
		p.Text = append(p.Text, ratioText(float64(r.Lo))+" – "+ratioText(float64(r.Hi)))
		p.Lo, p.Hi = append(p.Lo, judge.Num(l)), append(p.Hi, judge.Num(h))
	}
	p.X = append(p.X, float64(len(rs))+0.5)
	p.Labels, p.Text = append(p.Labels, ""), append(p.Text, "")
	p.Lo, p.Hi = append(p.Lo, judge.Num(math.NaN())), append(p.Hi, judge.Num(math.NaN()))
	return p
}

func nums(xs []float64) []judge.Num {
	out := make([]judge.Num, len(xs))
	for i, x := range xs {
		out[i] = judge.Num(x)
	}
	return out
}
