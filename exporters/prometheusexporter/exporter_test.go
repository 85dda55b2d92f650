package prometheusexporter

import (
	"context"
	"net"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/exporters/prometheusexporter/internal/metadata"
	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// startExporter runs the real exporter, created by its factory, on a free
// loopback port.
func startExporter(t *testing.T, tune ...func(*Config)) (exporter.Metrics, string) {
	t.Helper()
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.Endpoint = freeAddr(t)
	for _, fn := range tune {
		fn(cfg)
	}
	require.NoError(t, cfg.Validate())
	exp, err := f.CreateMetrics(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, exp.Shutdown(context.Background())) })
	return exp, cfg.Endpoint
}

func scrape(t *testing.T, addr string) prometheustest.Families {
	t.Helper()
	f, err := prometheustest.Scrape(addr)
	require.NoError(t, err)
	return f
}

var testBounds = []float64{0, 0.005, 0.01, 0.1, 1}

func batch() (pmetric.Metrics, pmetric.MetricSlice) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	res := rm.Resource().Attributes()
	res.PutStr("service.name", "checkout")
	res.PutStr("service.instance.id", "i-1")
	res.PutStr("seam.impl", "rust")
	res.PutStr("host.name", "box")
	return md, rm.ScopeMetrics().AppendEmpty().Metrics()
}

func TestExposition(t *testing.T) {
	exp, addr := startExporter(t)
	md, ms := batch()

	h := ms.AppendEmpty()
	h.SetName("seam.operation.duration")
	h.SetUnit("s")
	h.SetDescription("Duration of one logical operation.")
	hist := h.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp := hist.DataPoints().AppendEmpty()
	dp.ExplicitBounds().FromRaw(testBounds)
	dp.BucketCounts().FromRaw([]uint64{0, 1, 2, 0, 1, 0})
	dp.SetCount(4)
	dp.SetSum(1.2)
	dp.Attributes().PutStr("seam.operation", "checkout.price")
	ex := dp.Exemplars().AppendEmpty()
	ex.SetDoubleValue(0.007)
	traceID := pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	ex.SetTraceID(traceID)
	ex.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	ex.SetTimestamp(pcommon.NewTimestampFromTime(time.Now()))

	c := ms.AppendEmpty()
	c.SetName("seam.boundary.panics")
	c.SetUnit("{panic}")
	sum := c.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	sum.DataPoints().AppendEmpty().SetIntValue(3)

	u := ms.AppendEmpty()
	u.SetName("seam.rust.memory.used")
	u.SetUnit("By")
	usum := u.SetEmptySum()
	usum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	usum.DataPoints().AppendEmpty().SetIntValue(4096)

	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	fams := scrape(t, addr)

	t.Run("histogram", func(t *testing.T) {
		mf := fams["seam_operation_duration_seconds"]
		require.NotNil(t, mf)
		assert.Equal(t, dto.MetricType_HISTOGRAM, mf.GetType())
		assert.Equal(t, "Duration of one logical operation.", mf.GetHelp())
		require.Len(t, mf.GetMetric(), 1)
		m := mf.GetMetric()[0]
		assert.Equal(t, testBounds, prometheustest.UpperBounds(m), "exactly the data's bounds")
		var cumulative []uint64
		for _, b := range m.GetHistogram().GetBucket() {
			cumulative = append(cumulative, b.GetCumulativeCount())
		}
		assert.Equal(t, []uint64{0, 1, 3, 3, 4}, cumulative)
		assert.EqualValues(t, 4, m.GetHistogram().GetSampleCount())
		assert.Equal(t, map[string]string{
			"job": "checkout", "instance": "i-1", "service_name": "checkout", "seam_impl": "rust", "seam_operation": "checkout.price",
		}, prometheustest.Labels(m))
		bucket := m.GetHistogram().GetBucket()[2]
		require.NotNil(t, bucket.GetExemplar(), "the exemplar sits in the bucket of its value (0.01)")
		exLabels := map[string]string{}
		for _, lp := range bucket.GetExemplar().GetLabel() {
			exLabels[lp.GetName()] = lp.GetValue()
		}
		assert.Equal(t, traceID.String(), exLabels["trace_id"])
		assert.Equal(t, "0102030405060708", exLabels["span_id"])
	})
	t.Run("counter gets _total", func(t *testing.T) {
		mf := fams["seam_boundary_panics_total"]
		require.NotNil(t, mf)
		assert.Equal(t, dto.MetricType_COUNTER, mf.GetType())
		assert.EqualValues(t, 3, mf.GetMetric()[0].GetCounter().GetValue())
	})
	t.Run("updowncounter is a gauge with its unit", func(t *testing.T) {
		mf := fams["seam_rust_memory_used_bytes"]
		require.NotNil(t, mf)
		assert.Equal(t, dto.MetricType_GAUGE, mf.GetType())
	})
	t.Run("target_info holds the resource", func(t *testing.T) {
		got := prometheustest.Series(fams["target_info"], map[string]string{"job": "checkout", "instance": "i-1"})
		require.Len(t, got, 1)
		l := prometheustest.Labels(got[0])
		assert.Equal(t, "box", l["host_name"])
		assert.Equal(t, "rust", l["seam_impl"])
		assert.NotContains(t, l, "service_name", "service.name is job, not repeated")
	})
}

func TestDeltaSumsAccumulate(t *testing.T) {
	exp, addr := startExporter(t)
	for i := 0; i < 3; i++ {
		md, ms := batch()
		m := ms.AppendEmpty()
		m.SetName("seam.telemetry.dropped")
		m.SetUnit("{item}")
		s := m.SetEmptySum()
		s.SetIsMonotonic(true)
		s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		s.DataPoints().AppendEmpty().SetIntValue(5)
		require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	}
	mf := scrape(t, addr)["seam_telemetry_dropped_total"]
	require.NotNil(t, mf)
	assert.EqualValues(t, 15, mf.GetMetric()[0].GetCounter().GetValue())
}

func TestStaleSeriesExpire(t *testing.T) {
	exp, addr := startExporter(t, func(c *Config) { c.MetricExpiration = 200 * time.Millisecond })
	md, ms := batch()
	g := ms.AppendEmpty()
	g.SetName("go.goroutine.count")
	g.SetUnit("{goroutine}")
	g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(7)
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	require.NotNil(t, scrape(t, addr)["go_goroutine_count"])
	time.Sleep(300 * time.Millisecond)
	fams := scrape(t, addr)
	assert.Nil(t, fams["go_goroutine_count"], "expired")
	assert.Nil(t, fams["target_info"], "the resource expired too")
}

func TestConflictingTypeIsNotExposedTwice(t *testing.T) {
	exp, addr := startExporter(t)
	md, ms := batch()
	a := ms.AppendEmpty()
	a.SetName("queue.depth")
	a.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	b := ms.AppendEmpty()
	b.SetName("queue.depth")
	hdp := b.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.SetCount(1)
	hdp.Attributes().PutStr("other", "series")
	require.NoError(t, exp.ConsumeMetrics(context.Background(), md))
	fams := scrape(t, addr)
	require.NotNil(t, fams["queue_depth"], "the scrape still works")
	assert.Equal(t, dto.MetricType_GAUGE, fams["queue_depth"].GetType(), "the first type wins")
	assert.Len(t, fams["queue_depth"].GetMetric(), 1)
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	cfg := &Config{Endpoint: "9464", MetricExpiration: 0, PromotedResourceAttributes: []string{""}, MaxSeries: 10, MaxSeriesPerService: 11}
	err := cfg.Validate()
	require.Error(t, err)
	assert.ErrorContains(t, err, `endpoint: "9464" is not host:port`)
	assert.ErrorContains(t, err, "metric_expiration: must be positive")
	assert.ErrorContains(t, err, "promoted_resource_attributes: empty attribute name")
	assert.ErrorContains(t, err, "max_series_per_service: must be positive and at most max_series (10), got 11")
	assert.ErrorContains(t, err, "max_label_value_bytes: must be at least 64, got 0")
	cfg.MaxSeries = 0
	assert.ErrorContains(t, cfg.Validate(), "max_series: must be positive, got 0")
}

func TestListenFailureIsAnError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.Endpoint = l.Addr().String()
	exp, err := f.CreateMetrics(context.Background(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	err = exp.Start(context.Background(), componenttest.NewNopHost())
	require.ErrorContains(t, err, "listen on "+cfg.Endpoint)
	require.NoError(t, exp.Shutdown(context.Background()))
}
