package prometheusexporter

import (
	"math"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// Each test here sends what once made Prometheus 2.42 refuse the whole
// target, or lost valid data next to it, and checks that the exposition
// parses as Prometheus parses it and that the neighbours are all there.

// canary adds a plain gauge that must survive whatever else the batch holds.
func canary(ms pmetric.MetricSlice) {
	m := ms.AppendEmpty()
	m.SetName("canary")
	m.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
}

func requireCanary(t *testing.T, fams prometheustest.Families) {
	t.Helper()
	require.NotNil(t, fams["canary"], "the valid neighbour is exposed")
	require.Len(t, fams["canary"].GetMetric(), 1)
}

func histogramPoint(dps pmetric.HistogramDataPointSlice, bounds []float64, counts []uint64, count uint64, attrs map[string]string) pmetric.HistogramDataPoint {
	dp := dps.AppendEmpty()
	dp.ExplicitBounds().FromRaw(bounds)
	dp.BucketCounts().FromRaw(counts)
	dp.SetCount(count)
	dp.SetSum(1)
	for k, v := range attrs {
		dp.Attributes().PutStr(k, v)
	}
	return dp
}

func TestLeOnAHistogramPointIsExported(t *testing.T) {
	acc := newTestAccumulator(t)
	md, ms := batch()
	canary(ms)
	h := ms.AppendEmpty()
	h.SetName("request.size")
	hist := h.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	histogramPoint(hist.DataPoints(), []float64{1, 2}, []uint64{1, 0, 0}, 1, map[string]string{"le": "0.5"})
	g := ms.AppendEmpty()
	g.SetName("threshold")
	g.SetEmptyGauge().DataPoints().AppendEmpty().Attributes().PutStr("le", "0.5")
	acc.push(md)

	fams := expose(t, acc)
	requireCanary(t, fams)
	got := fams["request_size"]
	require.NotNil(t, got)
	require.Len(t, got.GetMetric(), 1)
	l := prometheustest.Labels(got.GetMetric()[0])
	assert.Equal(t, "0.5", l["exported_le"], "the point's le is renamed, as Prometheus renames a target label")
	assert.Equal(t, []float64{1, 2}, prometheustest.UpperBounds(got.GetMetric()[0]), "the buckets' le are the bounds")
	require.NotNil(t, fams["threshold"])
	assert.Equal(t, "0.5", prometheustest.Labels(fams["threshold"].GetMetric()[0])["le"], "le means nothing special on a gauge")
}

func TestPointAttributesDoNotOverrideTheTarget(t *testing.T) {
	acc := newTestAccumulator(t, func(c *Config) {
		c.PromotedResourceAttributes = append(c.PromotedResourceAttributes, "instance")
	})
	md, ms := batch()
	md.ResourceMetrics().At(0).Resource().Attributes().PutStr("instance", "resource-said")
	md.ResourceMetrics().At(0).Resource().Attributes().PutStr("job", "resource-job")
	g := ms.AppendEmpty()
	g.SetName("queue.depth")
	attrs := g.SetEmptyGauge().DataPoints().AppendEmpty().Attributes()
	attrs.PutStr("job", "batch-7")
	attrs.PutStr("instance", "worker-3")
	attrs.PutStr("__name__", "sneaky")
	acc.push(md)

	fams := expose(t, acc)
	require.NotNil(t, fams["queue_depth"])
	l := prometheustest.Labels(fams["queue_depth"].GetMetric()[0])
	assert.Equal(t, "checkout", l["job"], "job is the target's: service.name")
	assert.Equal(t, "i-1", l["instance"], "instance is the target's: service.instance.id")
	assert.Equal(t, "batch-7", l["exported_job"])
	assert.Equal(t, "worker-3", l["exported_instance"], "the point's value wins over the promoted one, under the exported name")
	assert.Equal(t, "sneaky", l["exported___name__"])

	info := prometheustest.Series(fams["target_info"], map[string]string{"job": "checkout", "instance": "i-1"})
	require.Len(t, info, 1, "a resource attribute named job or instance does not replace the target's")
	assert.Equal(t, "resource-job", prometheustest.Labels(info[0])["exported_job"])
	assert.Equal(t, "resource-said", prometheustest.Labels(info[0])["exported_instance"])
}

func TestInvalidUTF8DescriptionIsReplaced(t *testing.T) {
	acc := newTestAccumulator(t)
	md, ms := batch()
	canary(ms)
	g := ms.AppendEmpty()
	g.SetName("latin1.gauge")
	g.SetDescription("Temperature in \xb0C")
	g.SetEmptyGauge().DataPoints().AppendEmpty().SetDoubleValue(21.5)
	acc.push(md)

	fams := expose(t, acc)
	requireCanary(t, fams)
	require.NotNil(t, fams["latin1_gauge"])
	assert.Equal(t, "Temperature in \uFFFDC", fams["latin1_gauge"].GetHelp())
}

func TestGaugesWithExemplarsKeepTheirValue(t *testing.T) {
	acc := newTestAccumulator(t)
	md, ms := batch()
	canary(ms)
	exemplar := func(dp pmetric.NumberDataPoint) {
		ex := dp.Exemplars().AppendEmpty()
		ex.SetDoubleValue(1)
		ex.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	}
	g := ms.AppendEmpty()
	g.SetName("pool.size")
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetIntValue(5)
	exemplar(dp)
	u := ms.AppendEmpty()
	u.SetName("inflight")
	usum := u.SetEmptySum()
	usum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp = usum.DataPoints().AppendEmpty()
	dp.SetIntValue(2)
	exemplar(dp)
	c := ms.AppendEmpty()
	c.SetName("requests")
	csum := c.SetEmptySum()
	csum.SetIsMonotonic(true)
	csum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp = csum.DataPoints().AppendEmpty()
	dp.SetIntValue(9)
	exemplar(dp)
	acc.push(md)

	fams := expose(t, acc)
	requireCanary(t, fams)
	require.NotNil(t, fams["pool_size"], "a gauge with an exemplar is still a gauge")
	assert.EqualValues(t, 5, fams["pool_size"].GetMetric()[0].GetGauge().GetValue())
	require.NotNil(t, fams["inflight"], "so is an updowncounter")
	assert.EqualValues(t, 2, fams["inflight"].GetMetric()[0].GetGauge().GetValue())
	require.NotNil(t, fams["requests_total"])
	assert.NotNil(t, fams["requests_total"].GetMetric()[0].GetCounter().GetExemplar(), "counters keep theirs")
}

func TestUserTargetInfoDoesNotReplaceTheTarget(t *testing.T) {
	acc := newTestAccumulator(t)
	md, ms := batch()
	canary(ms)
	g := ms.AppendEmpty()
	g.SetName("target_info")
	g.SetDescription("relayed from somewhere")
	g.SetEmptyGauge().DataPoints().AppendEmpty().Attributes().PutStr("cluster", "eu-1")
	c := ms.AppendEmpty()
	c.SetName("target.info")
	sum := c.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	// target_info_total: OpenMetrics calls its family target_info.
	sum.DataPoints().AppendEmpty().SetIntValue(1)
	acc.push(md)

	fams := expose(t, acc)
	requireCanary(t, fams)
	info := fams["target_info"]
	require.NotNil(t, info)
	assert.Equal(t, targetInfoHelp, info.GetHelp())
	require.Len(t, info.GetMetric(), 1, "only the resource's target_info")
	assert.Equal(t, "box", prometheustest.Labels(info.GetMetric()[0])["host_name"])
	assert.Nil(t, fams["target_info_total"])
	assert.EqualValues(t, 2, acc.dropped(t, "checkout", reasonReservedName))
}

func TestSuffixCollisionsResolveToTheFirstName(t *testing.T) {
	histogramX := func(ms pmetric.MetricSlice) {
		h := ms.AppendEmpty()
		h.SetName("x")
		hist := h.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		histogramPoint(hist.DataPoints(), []float64{1}, []uint64{1, 0}, 1, nil)
	}
	gaugeXCount := func(ms pmetric.MetricSlice) {
		g := ms.AppendEmpty()
		g.SetName("x_count")
		g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(7)
	}
	t.Run("histogram first", func(t *testing.T) {
		acc := newTestAccumulator(t)
		for range 3 {
			md, ms := batch()
			canary(ms)
			histogramX(ms)
			gaugeXCount(ms)
			acc.push(md)
		}
		for range 20 {
			fams := expose(t, acc)
			requireCanary(t, fams)
			require.NotNil(t, fams["x"], "the histogram came first")
			assert.Equal(t, dto.MetricType_HISTOGRAM, fams["x"].GetType())
			require.Nil(t, fams["x_count"])
		}
		assert.EqualValues(t, 3, acc.dropped(t, "checkout", reasonNameCollision))
	})
	t.Run("gauge first", func(t *testing.T) {
		acc := newTestAccumulator(t)
		md, ms := batch()
		gaugeXCount(ms)
		histogramX(ms)
		acc.push(md)
		md, ms = batch()
		histogramX(ms)
		gaugeXCount(ms)
		acc.push(md)
		for range 20 {
			fams := expose(t, acc)
			require.NotNil(t, fams["x_count"], "the gauge came first")
			assert.EqualValues(t, 7, fams["x_count"].GetMetric()[0].GetGauge().GetValue())
			require.Nil(t, fams["x"])
		}
		assert.EqualValues(t, 2, acc.dropped(t, "checkout", reasonNameCollision))
	})
	t.Run("counter and gauge of one OpenMetrics family", func(t *testing.T) {
		acc := newTestAccumulator(t)
		md, ms := batch()
		g := ms.AppendEmpty()
		g.SetName("jobs")
		g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(3)
		c := ms.AppendEmpty()
		c.SetName("jobs")
		sum := c.SetEmptySum()
		sum.SetIsMonotonic(true)
		sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		sum.DataPoints().AppendEmpty().SetIntValue(9)
		acc.push(md)
		fams := expose(t, acc)
		require.NotNil(t, fams["jobs"])
		assert.Nil(t, fams["jobs_total"], "in OpenMetrics jobs_total is the counter jobs, a second family of that name")
		assert.EqualValues(t, 1, acc.dropped(t, "checkout", reasonNameCollision))
	})
}

func TestInvalidHistogramPointsAreDroppedAndCounted(t *testing.T) {
	acc := newTestAccumulator(t)
	md, ms := batch()
	canary(ms)
	h := ms.AppendEmpty()
	h.SetName("payload.size")
	hist := h.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dps := hist.DataPoints()
	histogramPoint(dps, []float64{1, 2}, []uint64{1, 2, 3}, 6, map[string]string{"case": "valid"})
	histogramPoint(dps, nil, nil, 4, map[string]string{"case": "count only"})
	histogramPoint(dps, []float64{1, math.Inf(1)}, []uint64{1, 2, 0}, 3, map[string]string{"case": "+Inf bound"})
	histogramPoint(dps, []float64{1, math.NaN()}, []uint64{1, 2, 3}, 6, map[string]string{"case": "NaN"})
	histogramPoint(dps, []float64{2, 1}, []uint64{5, 1, 0}, 6, map[string]string{"case": "unsorted"})
	histogramPoint(dps, []float64{1, 1}, []uint64{1, 2, 0}, 3, map[string]string{"case": "duplicate"})
	histogramPoint(dps, []float64{1, 2}, []uint64{4, 4, 4}, 5, map[string]string{"case": "count below buckets"})
	histogramPoint(dps, []float64{1, 2}, []uint64{4, 4}, 8, map[string]string{"case": "counts do not fit"})
	acc.push(md)

	fams := expose(t, acc)
	requireCanary(t, fams)
	mf := fams["payload_size"]
	require.NotNil(t, mf)
	cases := map[string]*dto.Metric{}
	for _, m := range mf.GetMetric() {
		cases[prometheustest.Labels(m)["case"]] = m
	}
	require.Len(t, cases, 3, "only the usable points: %v", cases)
	assert.Equal(t, []float64{1, 2}, prometheustest.UpperBounds(cases["valid"]), "+Inf is the count")
	assert.EqualValues(t, 4, cases["count only"].GetHistogram().GetSampleCount())
	inf := cases["+Inf bound"]
	require.NotNil(t, inf, "a +Inf bound is the overflow bucket, not a reason to drop the point")
	assert.Equal(t, []float64{1}, prometheustest.UpperBounds(inf))
	assert.EqualValues(t, 1, inf.GetHistogram().GetBucket()[0].GetCumulativeCount())
	assert.EqualValues(t, 3, inf.GetHistogram().GetSampleCount())
	assert.EqualValues(t, 5, acc.dropped(t, "checkout", reasonInvalidHistogram))
}
