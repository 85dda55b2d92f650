package pipelinetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
	"github.com/seamtel/seam/internal/promtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// The real collector, scraped by the real Prometheus (Debian's 2.42):
// what once made Prometheus refuse the whole target, lose a neighbour's
// data, or grow without bound.

// marshal encodes a batch as an OTLP/HTTP protobuf body.
func marshal(t *testing.T, md pmetric.Metrics) []byte {
	t.Helper()
	var m pmetric.ProtoMarshaler
	body, err := m.MarshalMetrics(md)
	require.NoError(t, err)
	return body
}

func send(t *testing.T, c *running, md pmetric.Metrics) {
	t.Helper()
	code, msg := postMetrics(t, c, marshal(t, md), nil)
	require.Equal(t, http.StatusOK, code, msg)
}

// probeResource starts a batch for service with one scope's metrics.
func probeResource(service, instance string) (pmetric.Metrics, pmetric.MetricSlice) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", service)
	rm.Resource().Attributes().PutStr("service.instance.id", instance)
	rm.Resource().Attributes().PutStr("seam.impl", "go")
	return md, rm.ScopeMetrics().AppendEmpty().Metrics()
}

func probeGauge(ms pmetric.MetricSlice, name string, value int64) pmetric.NumberDataPoint {
	g := ms.AppendEmpty()
	g.SetName(name)
	dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetIntValue(value)
	dp.SetTimestamp(pcommonTime(time.Now()))
	return dp
}

func probeHistogram(ms pmetric.MetricSlice, name string) pmetric.HistogramDataPointSlice {
	h := ms.AppendEmpty()
	h.SetName(name)
	hist := h.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	return hist.DataPoints()
}

func probeHistogramPoint(dps pmetric.HistogramDataPointSlice, bounds []float64, counts []uint64, count uint64, attrs map[string]string) {
	dp := dps.AppendEmpty()
	dp.ExplicitBounds().FromRaw(bounds)
	dp.BucketCounts().FromRaw(counts)
	dp.SetCount(count)
	dp.SetSum(1)
	dp.SetTimestamp(pcommonTime(time.Now()))
	for k, v := range attrs {
		dp.Attributes().PutStr(k, v)
	}
}

// badNeighbours is one batch holding every defect found by scraping the
// collector with Prometheus 2.42, next to a canary.
func badNeighbours() pmetric.Metrics {
	md, ms := probeResource("probe", "probe-1")
	probeGauge(ms, "probe.canary", 1)

	// A histogram point with an attribute named le.
	probeHistogramPoint(probeHistogram(ms, "probe.size"), []float64{1, 2}, []uint64{1, 0, 0}, 1, map[string]string{"le": "0.5"})
	// A description that is not UTF-8.
	probeGauge(ms, "probe.latin1", 21)
	ms.At(ms.Len() - 1).SetDescription("Temperature in \xb0C")
	// A user metric named target_info.
	probeGauge(ms, "target_info", 1).Attributes().PutStr("cluster", "eu-1")
	// job and instance point attributes.
	attrs := probeGauge(ms, "probe.queue.depth", 4).Attributes()
	attrs.PutStr("job", "batch-7")
	attrs.PutStr("instance", "worker-3")
	// A histogram x and a gauge x_count.
	probeHistogramPoint(probeHistogram(ms, "probe.x"), []float64{1}, []uint64{1, 0}, 1, nil)
	probeGauge(ms, "probe.x_count", 7)
	// Histogram points Prometheus cannot use, next to valid ones.
	dps := probeHistogram(ms, "probe.payload")
	probeHistogramPoint(dps, []float64{1, 2}, []uint64{1, 2, 3}, 6, map[string]string{"case": "valid"})
	probeHistogramPoint(dps, []float64{1, math.Inf(1)}, []uint64{1, 2, 0}, 3, map[string]string{"case": "inf"})
	probeHistogramPoint(dps, []float64{1, math.NaN()}, []uint64{1, 2, 3}, 6, map[string]string{"case": "nan"})
	probeHistogramPoint(dps, []float64{2, 1}, []uint64{5, 1, 0}, 6, map[string]string{"case": "unsorted"})
	probeHistogramPoint(dps, []float64{1, 1}, []uint64{1, 2, 0}, 3, map[string]string{"case": "duplicate"})
	probeHistogramPoint(dps, []float64{1, 2}, []uint64{4, 4, 4}, 5, map[string]string{"case": "count"})
	// A gauge and an updowncounter carrying exemplars.
	ex := probeGauge(ms, "probe.pool.size", 5).Exemplars().AppendEmpty()
	ex.SetDoubleValue(5)
	ex.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	u := ms.AppendEmpty()
	u.SetName("probe.inflight")
	usum := u.SetEmptySum()
	usum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	udp := usum.DataPoints().AppendEmpty()
	udp.SetIntValue(2)
	udp.SetTimestamp(pcommonTime(time.Now()))
	ex = udp.Exemplars().AppendEmpty()
	ex.SetDoubleValue(2)
	ex.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	// One 5 MB label value.
	probeGauge(ms, "probe.body", 1).Attributes().PutStr("body", strings.Repeat("b", 5<<20))
	return md
}

// target is Prometheus' view of its one scrape target.
type target struct {
	Health     string `json:"health"`
	LastError  string `json:"lastError"`
	LastScrape string `json:"lastScrape"`
}

func targets(t *testing.T, prom *promtest.Server) []target {
	t.Helper()
	resp, err := http.Get(prom.URL + "/api/v1/targets?state=active")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data struct {
			ActiveTargets []target `json:"activeTargets"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return body.Data.ActiveTargets
}

// help is the HELP Prometheus recorded for metric.
func help(t *testing.T, prom *promtest.Server, metric string) string {
	t.Helper()
	resp, err := http.Get(prom.URL + "/api/v1/metadata?metric=" + url.QueryEscape(metric))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data map[string][]struct {
			Help string `json:"help"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	if md := body.Data[metric]; len(md) > 0 {
		return md[0].Help
	}
	return ""
}

func query(t *testing.T, prom *promtest.Server, q string) []promtest.Sample {
	t.Helper()
	got, err := prom.Query(context.Background(), q)
	require.NoError(t, err)
	return got
}

// selfCounter sums a family of the collector's own telemetry whose name
// holds name, over series whose labels include want.
func selfCounter(f prometheustest.Families, name string, want map[string]string) float64 {
	var sum float64
	for n, mf := range f {
		if !strings.Contains(n, name) {
			continue
		}
		for _, m := range prometheustest.Series(mf, want) {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

func TestPrometheusScrapesPastBadNeighbours(t *testing.T) {
	c := startCollector(t, func(r *running) { r.MaxBodyBytes, r.MaxRecvMiB = 16<<20, 16 })
	prom := promtest.Start(t, promtest.Config{Targets: []string{c.Prometheus}})
	send(t, c, badNeighbours())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := prom.Eventually(ctx, `probe_canary`, func(s []promtest.Sample) bool { return len(s) == 1 })
	require.NoError(t, err, "the canary reaches Prometheus; its targets: %+v", targets(t, prom))
	// A few more scrapes, each of which must succeed.
	time.Sleep(4 * time.Second)
	for _, tg := range targets(t, prom) {
		assert.Equal(t, "up", tg.Health, "Prometheus takes the whole scrape: %s", tg.LastError)
		assert.Empty(t, tg.LastError)
	}
	up := query(t, prom, `min_over_time(up{job="seam"}[4s])`)
	require.Len(t, up, 1)
	assert.EqualValues(t, 1, up[0].Value, "no failed scrape")

	_, err = prometheustest.ScrapeStrict(c.Prometheus)
	require.NoError(t, err, "both formats parse as Prometheus parses them")

	t.Run("le on a histogram is exported_le", func(t *testing.T) {
		assert.Len(t, query(t, prom, `probe_size_count{exported_le="0.5"}`), 1)
	})
	t.Run("HELP that is not UTF-8", func(t *testing.T) {
		assert.Equal(t, "Temperature in \uFFFDC", help(t, prom, "probe_latin1"))
		assert.Len(t, query(t, prom, `probe_latin1`), 1)
	})
	t.Run("target_info is the resource's", func(t *testing.T) {
		assert.Empty(t, query(t, prom, `target_info{cluster="eu-1"}`))
		assert.Len(t, query(t, prom, `target_info{exported_job="probe", exported_instance="probe-1"}`), 1)
	})
	t.Run("job and instance attributes", func(t *testing.T) {
		got := query(t, prom, `probe_queue_depth`)
		require.Len(t, got, 1)
		l := got[0].Labels
		assert.Equal(t, "batch-7", l["exported_job"])
		assert.Equal(t, "worker-3", l["exported_instance"])
		assert.Equal(t, "probe", l["exported_exported_job"], "the exposition's job, renamed by Prometheus")
	})
	t.Run("histogram x and gauge x_count do not flap", func(t *testing.T) {
		assert.Len(t, query(t, prom, `probe_x_bucket`), 2)
		got := query(t, prom, `max_over_time(probe_x_count[4s])`)
		require.Len(t, got, 1)
		assert.EqualValues(t, 1, got[0].Value, "always the histogram's count, never the gauge's 7")
	})
	t.Run("unusable histogram points are dropped, the others kept", func(t *testing.T) {
		got := query(t, prom, `probe_payload_count`)
		cases := map[string]float64{}
		for _, s := range got {
			cases[s.Labels["case"]] = s.Value
		}
		assert.Equal(t, map[string]float64{"valid": 6, "inf": 3}, cases)
	})
	t.Run("gauges with exemplars", func(t *testing.T) {
		assert.Len(t, query(t, prom, `probe_pool_size == 5`), 1)
		assert.Len(t, query(t, prom, `probe_inflight == 2`), 1)
	})
	t.Run("a 5 MB label value is cut", func(t *testing.T) {
		got := query(t, prom, `probe_body`)
		require.Len(t, got, 1)
		assert.Len(t, got[0].Labels["body"], 4096)
		assert.True(t, strings.HasSuffix(got[0].Labels["body"], "...[truncated]"))
	})
	t.Run("what is not exposed is counted", func(t *testing.T) {
		tel := eventually(t, c.Telemetry, "seam_prometheus's counters", func(f prometheustest.Families) bool {
			return selfCounter(f, "seam_prometheus_dropped_points", map[string]string{"service": "probe", "reason": "invalid_histogram"}) == 4
		})
		assert.EqualValues(t, 1, selfCounter(tel, "seam_prometheus_dropped_points", map[string]string{"service": "probe", "reason": "reserved_name"}))
		assert.EqualValues(t, 1, selfCounter(tel, "seam_prometheus_dropped_points", map[string]string{"service": "probe", "reason": "name_collision"}))
		assert.EqualValues(t, 1, selfCounter(tel, "seam_prometheus_truncated_labels", map[string]string{"service": "probe"}))
	})
}

// floodBatch is one instance of service with a gauge of n series.
func floodBatch(service, instance string, first, n int) pmetric.Metrics {
	md, ms := probeResource(service, instance)
	g := ms.AppendEmpty()
	g.SetName("probe.flood")
	dps := g.SetEmptyGauge().DataPoints()
	dps.EnsureCapacity(n)
	now := pcommonTime(time.Now())
	for i := range n {
		dp := dps.AppendEmpty()
		dp.SetIntValue(1)
		dp.SetTimestamp(now)
		dp.Attributes().PutStr("id", fmt.Sprint(first+i))
	}
	return md
}

// 1M values of one metric made 1M series and a scrape longer than
// Prometheus' timeout; varying service.instance.id multiplied any per-
// resource limit.
func TestSeriesBudgetHoldsAFlood(t *testing.T) {
	c := startCollector(t, func(r *running) { r.MaxBodyBytes, r.MaxRecvMiB = 16<<20, 16 })
	prom := promtest.Start(t, promtest.Config{Targets: []string{c.Prometheus}})
	// 30 instances of one service, 1000 values each.
	for i := range 30 {
		send(t, c, floodBatch("flood", fmt.Sprint("f-", i), i*1000, 1000))
	}
	send(t, c, floodBatch("calm", "c-1", 0, 10))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := prom.Eventually(ctx, `count(probe_flood{exported_job="calm"})`, func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value == 10 })
	require.NoError(t, err, "the neighbour's series all reach Prometheus; its targets: %+v", targets(t, prom))
	got, err := prom.Eventually(ctx, `count(probe_flood{exported_job="flood"}) + count(target_info{exported_job="flood"})`,
		func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value == 20000 })
	require.NoError(t, err, "the flood is held to max_series_per_service over all its instances: %v", got)
	for _, tg := range targets(t, prom) {
		assert.Equal(t, "up", tg.Health, tg.LastError)
	}

	_, err = prometheustest.ScrapeStrict(c.Prometheus)
	require.NoError(t, err)

	tel := eventually(t, c.Telemetry, "the refused points", func(f prometheustest.Families) bool {
		return selfCounter(f, "seam_prometheus_dropped_points", map[string]string{"service": "flood", "reason": "max_series_per_service"}) == 30000+30-20000
	})
	assert.Zero(t, selfCounter(tel, "seam_prometheus_dropped_points", map[string]string{"service": "calm"}))
}

// Past 10,000 inputs folded into one series, the schema processor dropped
// points: they all reach Prometheus now.
func TestFoldPastTheInputBoundReachesPrometheus(t *testing.T) {
	c := startCollector(t, func(r *running) { r.MaxBodyBytes, r.MaxRecvMiB = 16<<20, 16 })
	md, ms := probeResource("folder", "fold-1")
	m := ms.AppendEmpty()
	m.SetName(semconv.SeamBoundaryPanicsName)
	m.SetUnit(semconv.SeamBoundaryPanicsUnit)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	now := pcommonTime(time.Now())
	const pods = 10050
	for i := range pods {
		dp := sum.DataPoints().AppendEmpty()
		dp.SetIntValue(1)
		dp.SetTimestamp(now)
		dp.Attributes().PutStr("seam.operation", "a")
		dp.Attributes().PutStr("seam.boundary.kind", "ffi")
		dp.Attributes().PutStr("pod", fmt.Sprint("p-", i)) // not in the schema: dropped, so every pod folds into one series
	}
	send(t, c, md)
	want := map[string]string{"job": "folder", "seam_operation": "a"}
	fams := eventually(t, c.Prometheus, "the folded series", func(f prometheustest.Families) bool {
		return len(prometheustest.Series(f[promBoundaryPanics], want)) == 1
	})
	got := prometheustest.Series(fams[promBoundaryPanics], want)
	assert.EqualValues(t, pods, got[0].GetCounter().GetValue(), "no point is lost past the 10,000th input")
	tel := eventually(t, c.Telemetry, "the findings", func(f prometheustest.Families) bool {
		return prometheustest.CounterSum(f[promFindings], map[string]string{"seam_finding_rule": "series_overflow", "service_name": "folder"}) > 0
	})
	assert.EqualValues(t, pods-10000, prometheustest.CounterSum(tel[promFindings], map[string]string{"seam_finding_rule": "series_overflow", "service_name": "folder"}),
		"one finding per point past the bound")
}
