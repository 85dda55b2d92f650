package schemaprocessor

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
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

// foldPods sends one seam.boundary.panics batch with a cumulative point of
// value for each of pods pods (p-first and on), started at start. pod is
// not an attribute of the metric, so every pod is an input of one folded
// series, whose value it returns.
func foldPods(t *testing.T, h *harness, first, pods int, value int64, start pcommon.Timestamp) int64 {
	t.Helper()
	md, ms := newMetrics(serviceResource())
	m := ms.AppendEmpty()
	m.SetName(semconv.SeamBoundaryPanicsName)
	m.SetUnit(semconv.SeamBoundaryPanicsUnit)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dps := sum.DataPoints()
	dps.EnsureCapacity(pods)
	for i := range pods {
		dp := dps.AppendEmpty()
		dp.SetIntValue(value)
		dp.SetStartTimestamp(start)
		attrs := dp.Attributes()
		attrs.PutStr("seam.operation", "a")
		attrs.PutStr("seam.boundary.kind", "ffi")
		attrs.PutStr("pod", fmt.Sprint("p-", first+i))
	}
	out, ok := findMetric(t, h.processMetrics(md), semconv.SeamBoundaryPanicsName)
	require.True(t, ok)
	got := out.Sum().DataPoints()
	require.Equal(t, 1, got.Len(), "one series once pod is dropped")
	assert.Equal(t, map[string]any{"seam.operation": "a", "seam.boundary.kind": "ffi"}, got.At(0).Attributes().AsRaw())
	return got.At(0).IntValue()
}

// Past maxFoldedInputs inputs, points were dropped, and the finding counted
// batches: they are folded like the others now, and each is a finding.
func TestFoldPastTheInputBoundKeepsEveryPoint(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	pods := maxFoldedInputs + 50
	assert.EqualValues(t, pods, foldPods(t, h, 0, pods, 1, 0), "the 50 inputs past the bound count too")
	assert.EqualValues(t, 50, h.findings(RuleSeriesOverflow, signalMetrics), "one finding per point, not per batch")

	assert.EqualValues(t, 3*pods, foldPods(t, h, 0, pods, 3, 0), "and are remembered: their increase counts, once")
	assert.EqualValues(t, 100, h.findings(RuleSeriesOverflow, signalMetrics))
}

// Past maxExtraInputs too, the least recently seen extra inputs are
// forgotten to make room. Their contribution stays; one coming back cannot
// be told from a new input, so its first reading is a baseline: the series
// may miss part of an increase, but never counts one twice and never goes
// down, and the inputs within the first bound stay exact.
func TestFoldPastBothBoundsNeverCountsTwice(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	extra := maxExtraInputs + 500
	pods := maxFoldedInputs + extra
	var last int64
	for v := int64(1); v <= 3; v++ {
		got := foldPods(t, h, 0, pods, v, 0)
		t.Logf("batch %d: %d of %d", v, got, v*int64(pods))
		if v == 1 {
			assert.EqualValues(t, pods, got, "every point of the first batch is counted")
		}
		assert.GreaterOrEqual(t, got, v*maxFoldedInputs+(v-1)*int64(extra), "the inputs within the bound are exact")
		assert.LessOrEqual(t, got, v*int64(pods), "never counted twice")
		assert.GreaterOrEqual(t, got, last, "never down")
		last = got
	}

	// Inputs that started after every forgotten one was last seen cannot
	// be one of them: they count in full.
	start := pcommon.NewTimestampFromTime(time.Now().Add(time.Second))
	assert.EqualValues(t, last+700, foldPods(t, h, pods, 100, 7, start))
}

// The same for histograms, through both bounds: every point of the first
// batch is in the output, and the count never goes down nor past the
// inputs' total.
func TestFoldedHistogramsPastTheBounds(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	bounds := semconv.LatencyBoundaries
	hosts := maxFoldedInputs + maxExtraInputs + 100
	send := func(n uint64) pmetric.HistogramDataPoint {
		md, ms := newMetrics(serviceResource())
		m := ms.AppendEmpty()
		m.SetName(semconv.SeamOperationDurationName)
		m.SetUnit("s")
		hist := m.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		hist.DataPoints().EnsureCapacity(hosts)
		for i := range hosts {
			dp := hist.DataPoints().AppendEmpty()
			dp.ExplicitBounds().FromRaw(bounds)
			c := make([]uint64, len(bounds)+1)
			c[3] = n
			dp.BucketCounts().FromRaw(c)
			dp.SetCount(n)
			dp.SetSum(float64(n))
			putAttrs(dp.Attributes(), map[string]any{"seam.operation": "checkout", "seam.impl": "go", "seam.role": "baseline", "host": fmt.Sprint(i)})
		}
		out, ok := findMetric(t, h.processMetrics(md), semconv.SeamOperationDurationName)
		require.True(t, ok)
		require.Equal(t, 1, out.Histogram().DataPoints().Len())
		return out.Histogram().DataPoints().At(0)
	}
	first := send(1)
	assert.EqualValues(t, hosts, first.Count(), "every point of the first batch")
	assert.EqualValues(t, hosts, first.BucketCounts().At(3))
	assert.InDelta(t, float64(hosts), first.Sum(), 1e-6)
	assert.EqualValues(t, maxExtraInputs+100, h.findings(RuleSeriesOverflow, signalMetrics))
	second := send(2)
	assert.GreaterOrEqual(t, second.Count(), uint64(hosts+maxFoldedInputs))
	assert.LessOrEqual(t, second.Count(), uint64(2*hosts))
	assert.Equal(t, second.Count(), second.BucketCounts().At(3), "buckets and count agree")
	assert.InDelta(t, float64(second.Count()), second.Sum(), 1e-6)
}
