package judge

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Histogram is a classic histogram: Counts[i] is the number of
// observations in (Bounds[i-1], Bounds[i]], Counts[len(Bounds)] those above
// the last bound. Counts are per bucket, not cumulative.
type Histogram struct {
	Bounds []float64 `json:"bounds"`
	Counts []uint64  `json:"counts"`
}

// Validate reports a histogram whose counts do not fit its bounds.
func (h Histogram) Validate() error {
	if len(h.Counts) != len(h.Bounds)+1 {
		return fmt.Errorf("judge: %d bucket counts for %d bounds, want %d", len(h.Counts), len(h.Bounds), len(h.Bounds)+1)
	}
	for i := 1; i < len(h.Bounds); i++ {
		if !(h.Bounds[i] > h.Bounds[i-1]) {
			return fmt.Errorf("judge: bounds not increasing at %d (%g, %g)", i, h.Bounds[i-1], h.Bounds[i])
		}
	}
	return nil
}

// Total is the number of observations.
func (h Histogram) Total() uint64 {
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// Add returns h plus o, which must have the same bounds.
func (h Histogram) Add(o Histogram) (Histogram, error) {
	if len(h.Counts) == 0 {
		return o.clone(), nil
	}
	if len(o.Counts) == 0 {
		return h.clone(), nil
	}
	if !slices.Equal(h.Bounds, o.Bounds) {
		return Histogram{}, ErrLayouts
	}
	out := h.clone()
	for i, c := range o.Counts {
		out.Counts[i] += c
	}
	return out, nil
}

// Sub returns h minus o (o an earlier reading of the same cumulative
// series); a count that went down means the series restarted, and h is
// returned as it is.
func (h Histogram) Sub(o Histogram) (Histogram, error) {
	if len(o.Counts) == 0 {
		return h.clone(), nil
	}
	if !slices.Equal(h.Bounds, o.Bounds) {
		return Histogram{}, ErrLayouts
	}
	out := h.clone()
	for i, c := range o.Counts {
		if out.Counts[i] < c {
			return h.clone(), nil
		}
		out.Counts[i] -= c
	}
	return out, nil
}

func (h Histogram) clone() Histogram {
	return Histogram{Bounds: slices.Clone(h.Bounds), Counts: slices.Clone(h.Counts)}
}

// ErrLayouts is returned when two histograms that must be compared have
// different bucket bounds.
var ErrLayouts = errors.New("judge: the arms have different bucket layouts")

// lower and upper are bucket i's edges, with -Inf and +Inf at the ends.
func (h Histogram) lower(i int) float64 {
	if i == 0 {
		return math.Inf(-1)
	}
	return h.Bounds[i-1]
}

func (h Histogram) upper(i int) float64 {
	if i == len(h.Bounds) {
		return math.Inf(1)
	}
	return h.Bounds[i]
}

// bucketOfRank is the bucket holding the k-th smallest observation (1-based;
// clamped to [1, n]).
func (h Histogram) bucketOfRank(k uint64) int {
	n := h.Total()
	k = max(1, min(k, n))
	var cum uint64
	for i, c := range h.Counts {
		cum += c
		if cum >= k {
			return i
		}
	}
	return len(h.Counts) - 1
}

// above is the number of observations above bucket i (in buckets > i).
func (h Histogram) above(i int) uint64 {
	var n uint64
	for _, c := range h.Counts[i+1:] {
		n += c
	}
	return n
}
