package prometheusexporter

import (
	"context"
	"math"
	"testing"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/seamtel/seam/collector/processor/schemaprocessor"
)

// FuzzExposition: any bytes the OTLP receiver decodes as metrics (pdata's
// protobuf unmarshaler, as over gRPC and OTLP/HTTP) make an exposition that
// Prometheus's strict text parser and the OpenMetrics parser take, and that
// a pedantic registry gathers: straight into the exporter, and through
// seam_schema in enforce mode first, as the collector's pipeline runs.
func FuzzExposition(f *testing.F) {
	for _, seed := range expositionSeeds() {
		b, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics(data)
		if err != nil {
			return
		}
		raw := newTestAccumulator(t)
		raw.push(copyMetrics(md))
		expose(t, raw)

		enforced := newTestAccumulator(t)
		for _, out := range enforce(t, md) {
			enforced.push(out)
		}
		expose(t, enforced)
	})
}

// enforce runs md through seam_schema in enforce mode and returns what it
// passes on.
func enforce(t *testing.T, md pmetric.Metrics) []pmetric.Metrics {
	t.Helper()
	f := schemaprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*schemaprocessor.Config)
	cfg.Mode = schemaprocessor.ModeEnforce
	set := processortest.NewNopSettings(f.Type())
	sink := new(consumertest.MetricsSink)
	ctx := context.Background()
	p, err := f.CreateMetrics(ctx, set, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx, componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown(ctx) }()
	_ = p.ConsumeMetrics(ctx, md)
	return sink.AllMetrics()
}

func copyMetrics(md pmetric.Metrics) pmetric.Metrics {
	out := pmetric.NewMetrics()
	md.CopyTo(out)
	return out
}

// expositionSeeds are the inputs that once made Prometheus 2.42 refuse the
// target or lose a neighbour (neighbours_test.go), in one batch each.
func expositionSeeds() []pmetric.Metrics {
	var seeds []pmetric.Metrics
	add := func(fill func(ms pmetric.MetricSlice)) {
		md, ms := batch()
		canary(ms)
		fill(ms)
		seeds = append(seeds, md)
	}
	add(func(ms pmetric.MetricSlice) { // le on a histogram point, on a gauge
		h := ms.AppendEmpty()
		h.SetName("request.size")
		hist := h.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		histogramPoint(hist.DataPoints(), []float64{1, 2}, []uint64{1, 0, 0}, 1, map[string]string{"le": "0.5", "job": "x", "instance": "y"})
		ms.AppendEmpty().SetName("threshold")
		ms.At(ms.Len()-1).SetEmptyGauge().DataPoints().AppendEmpty().Attributes().PutStr("le", "0.5")
	})
	add(func(ms pmetric.MetricSlice) { // HELP not UTF-8, a user target_info
		m := ms.AppendEmpty()
		m.SetName("queue.depth")
		m.SetDescription("depth \xff\xfe")
		m.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(3)
		ti := ms.AppendEmpty()
		ti.SetName("target_info")
		ti.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	})
	add(func(ms pmetric.MetricSlice) { // histogram x beside gauge x_count, bad bounds
		h := ms.AppendEmpty()
		h.SetName("x")
		hist := h.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		histogramPoint(hist.DataPoints(), []float64{math.NaN(), 1}, []uint64{1, 0, 0}, 1, nil)
		histogramPoint(hist.DataPoints(), []float64{2, 1, 1}, []uint64{1, 0, 0, 0}, 1, map[string]string{"a": "b"})
		histogramPoint(hist.DataPoints(), []float64{1}, []uint64{5, 5}, 2, map[string]string{"a": "c"})
		g := ms.AppendEmpty()
		g.SetName("x_count")
		g.SetEmptyGauge().DataPoints().AppendEmpty().SetDoubleValue(math.Inf(1))
	})
	add(func(ms pmetric.MetricSlice) { // gauges and up-down counters with exemplars
		g := ms.AppendEmpty()
		g.SetName("temperature")
		dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetDoubleValue(21.5)
		dp.Exemplars().AppendEmpty().SetDoubleValue(21.5)
		s := ms.AppendEmpty()
		s.SetName("inflight")
		sum := s.SetEmptySum()
		sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		sdp := sum.DataPoints().AppendEmpty()
		sdp.SetIntValue(-2)
		sdp.Exemplars().AppendEmpty().SetIntValue(1)
	})
	add(func(ms pmetric.MetricSlice) { // the schema's own histogram in a foreign unit
		h := ms.AppendEmpty()
		h.SetName("seam.operation.duration")
		h.SetUnit("ms")
		hist := h.SetEmptyHistogram()
		hist.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		histogramPoint(hist.DataPoints(), []float64{5, 10}, []uint64{1, 1, 0}, 2, map[string]string{"seam.operation": "checkout.price", "user.email": "a@b.io"})
	})
	return seeds
}
