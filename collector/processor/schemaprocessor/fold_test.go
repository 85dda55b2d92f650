package schemaprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// cumulativeCounter sends one seam.boundary.panics batch with a point per
// pod, each with its cumulative value, and returns the merged output value.
func cumulativeCounter(t *testing.T, h *harness, values map[string]int64) int64 {
	t.Helper()
	md, ms := newMetrics(serviceResource())
	m := ms.AppendEmpty()
	m.SetName(semconv.SeamBoundaryPanicsName)
	m.SetUnit(semconv.SeamBoundaryPanicsUnit)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for _, pod := range []string{"p-1", "p-2", "p-3"} {
		v, ok := values[pod]
		if !ok {
			continue
		}
		dp := sum.DataPoints().AppendEmpty()
		dp.SetIntValue(v)
		putAttrs(dp.Attributes(), map[string]any{"seam.operation": "a", "seam.boundary.kind": "ffi", "pod": pod})
	}
	out, ok := findMetric(t, h.processMetrics(md), semconv.SeamBoundaryPanicsName)
	require.True(t, ok)
	require.Equal(t, 1, out.Sum().DataPoints().Len(), "one series once pod is dropped")
	return out.Sum().DataPoints().At(0).IntValue()
}

// A cumulative series fed by several input streams carries their total in
// every batch, whichever inputs the batch holds: it never jumps back to one
// input's value, so Prometheus sees no false counter reset.
func TestFoldedCumulativeSeriesStayMonotonicAcrossBatches(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	assert.EqualValues(t, 15, cumulativeCounter(t, h, map[string]int64{"p-1": 10, "p-2": 5}))
	assert.EqualValues(t, 17, cumulativeCounter(t, h, map[string]int64{"p-1": 12}), "p-2's 5 is still counted")
	assert.EqualValues(t, 20, cumulativeCounter(t, h, map[string]int64{"p-2": 6, "p-3": 2}))
	assert.EqualValues(t, 21, cumulativeCounter(t, h, map[string]int64{"p-1": 1}), "p-1 restarted: its 1 is new")
}

func TestFoldedCumulativeHistogramAcrossBatches(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	bounds := semconv.LatencyBoundaries
	send := func(ops map[string]uint64) pmetric.HistogramDataPoint {
		md, ms := newMetrics(serviceResource())
		m := ms.AppendEmpty()
		m.SetName(semconv.SeamOperationDurationName)
		m.SetUnit("s")
		hist := m.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		for op, n := range ops {
			dp := hist.DataPoints().AppendEmpty()
			dp.ExplicitBounds().FromRaw(bounds)
			c := make([]uint64, len(bounds)+1)
			c[3] = n
			dp.BucketCounts().FromRaw(c)
			dp.SetCount(n)
			dp.SetSum(float64(n))
			putAttrs(dp.Attributes(), map[string]any{"seam.operation": "checkout", "seam.impl": "go", "seam.role": "baseline", "host": op})
		}
		out, ok := findMetric(t, h.processMetrics(md), semconv.SeamOperationDurationName)
		require.True(t, ok)
		require.Equal(t, 1, out.Histogram().DataPoints().Len())
		return out.Histogram().DataPoints().At(0)
	}
	first := send(map[string]uint64{"a": 4, "b": 6})
	assert.EqualValues(t, 10, first.Count())
	second := send(map[string]uint64{"a": 5})
	assert.EqualValues(t, 11, second.Count(), "b's 6 is still counted")
	assert.EqualValues(t, 11, second.BucketCounts().At(3))
	assert.InDelta(t, 11, second.Sum(), 1e-9)
}
