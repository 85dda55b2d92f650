package runtimemetrics

import (
	"math"
	"runtime/metrics"
	"slices"
	"testing"
)

// Each runtime bucket counts in the first schema bucket whose bound is at
// least its upper edge, so latencies are never under-reported.
func TestRebucket(t *testing.T) {
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), 0.5, 1, 1.5, 3, math.Inf(1)},
		Counts:  []uint64{1, 2, 0, 3, 4},
	}
	dp := rebucket(h, []float64{1, 2})
	if want := []uint64{3, 0, 7}; !slices.Equal(dp.BucketCounts, want) {
		t.Errorf("counts %v, want %v", dp.BucketCounts, want)
	}
	if dp.Count != 10 {
		t.Errorf("count %d, want 10", dp.Count)
	}
	// Midpoints, the open ends at their finite edge: 0.5 + 2*0.75 + 3*2.25 + 4*3.
	if want := 0.5 + 1.5 + 6.75 + 12; dp.Sum != want {
		t.Errorf("sum %v, want %v", dp.Sum, want)
	}
}
