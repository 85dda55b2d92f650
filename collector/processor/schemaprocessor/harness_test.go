package schemaprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/collector/processor/schemaprocessor/internal/metadata"
	"github.com/seamtel/seam/sdk-go/semconv"
)

const testService = "checkout"

// harness runs the real processor, created by its factory, between pdata
// fixtures and consumertest sinks, with in-memory self-telemetry.
type harness struct {
	t       *testing.T
	tel     *componenttest.Telemetry
	metrics *consumertest.MetricsSink
	traces  *consumertest.TracesSink
	logs    *consumertest.LogsSink
	mp      processor.Metrics
	tp      processor.Traces
	lp      processor.Logs
}

func newHarness(t *testing.T, mode Mode, tune ...func(*Config)) *harness {
	t.Helper()
	h := &harness{
		t:       t,
		tel:     componenttest.NewTelemetry(),
		metrics: new(consumertest.MetricsSink),
		traces:  new(consumertest.TracesSink),
		logs:    new(consumertest.LogsSink),
	}
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.Mode = mode
	for _, fn := range tune {
		fn(cfg)
	}
	require.NoError(t, cfg.Validate())
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = h.tel.NewTelemetrySettings()
	ctx := context.Background()
	var err error
	h.mp, err = f.CreateMetrics(ctx, set, cfg, h.metrics)
	require.NoError(t, err)
	h.tp, err = f.CreateTraces(ctx, set, cfg, h.traces)
	require.NoError(t, err)
	h.lp, err = f.CreateLogs(ctx, set, cfg, h.logs)
	require.NoError(t, err)
	host := componenttest.NewNopHost()
	require.NoError(t, h.mp.Start(ctx, host))
	require.NoError(t, h.tp.Start(ctx, host))
	require.NoError(t, h.lp.Start(ctx, host))
	t.Cleanup(func() {
		require.NoError(t, h.mp.Shutdown(ctx))
		require.NoError(t, h.tp.Shutdown(ctx))
		require.NoError(t, h.lp.Shutdown(ctx))
		require.NoError(t, h.tel.Shutdown(ctx))
	})
	return h
}

// processMetrics sends md through and returns what came out.
func (h *harness) processMetrics(md pmetric.Metrics) pmetric.Metrics {
	h.t.Helper()
	h.metrics.Reset()
	require.NoError(h.t, h.mp.ConsumeMetrics(context.Background(), md))
	all := h.metrics.AllMetrics()
	require.Len(h.t, all, 1)
	return all[0]
}

func (h *harness) processTraces(td ptrace.Traces) ptrace.Traces {
	h.t.Helper()
	h.traces.Reset()
	require.NoError(h.t, h.tp.ConsumeTraces(context.Background(), td))
	all := h.traces.AllTraces()
	require.Len(h.t, all, 1)
	return all[0]
}

func (h *harness) processLogs(ld plog.Logs) plog.Logs {
	h.t.Helper()
	h.logs.Reset()
	require.NoError(h.t, h.lp.ConsumeLogs(context.Background(), ld))
	all := h.logs.AllLogs()
	require.Len(h.t, all, 1)
	return all[0]
}

// findings returns seam.collector.schema.findings for rule and signal,
// summed over services.
func (h *harness) findings(rule, signal string) int64 {
	h.t.Helper()
	return h.findingsFor(rule, signal, "")
}

// findingsFor is findings for one service ("" for any).
func (h *harness) findingsFor(rule, signal, service string) int64 {
	h.t.Helper()
	m, err := h.tel.GetMetric(semconv.SeamCollectorSchemaFindingsName)
	if err != nil {
		return 0
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(h.t, ok, "findings is a counter")
	var n int64
	for _, dp := range sum.DataPoints {
		r, _ := dp.Attributes.Value(semconv.SeamFindingRuleKey)
		s, _ := dp.Attributes.Value(semconv.SeamTelemetrySignalKey)
		svc, _ := dp.Attributes.Value(semconv.ServiceNameKey)
		if r.AsString() == rule && s.AsString() == signal && (service == "" || svc.AsString() == service) {
			n += dp.Value
		}
	}
	return n
}

// totalFindings counts every finding of a signal.
func (h *harness) totalFindings(signal string) int64 {
	h.t.Helper()
	m, err := h.tel.GetMetric(semconv.SeamCollectorSchemaFindingsName)
	if err != nil {
		return 0
	}
	var n int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		if s, _ := dp.Attributes.Value(semconv.SeamTelemetrySignalKey); s.AsString() == signal {
			n += dp.Value
		}
	}
	return n
}

// Fixtures.

// newMetrics returns a batch with one resource for service and its metric
// slice.
func newMetrics(resource map[string]any) (pmetric.Metrics, pmetric.MetricSlice) {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	if err := rm.Resource().Attributes().FromRaw(resource); err != nil {
		panic(err)
	}
	return md, rm.ScopeMetrics().AppendEmpty().Metrics()
}

func serviceResource() map[string]any {
	return map[string]any{"service.name": testService, "seam.impl": "go"}
}

func putAttrs(m pcommon.Map, attrs map[string]any) {
	if err := m.FromRaw(attrs); err != nil {
		panic(err)
	}
}

func addHistogram(ms pmetric.MetricSlice, name, unit string, bounds []float64, counts []uint64, attrs map[string]any) pmetric.HistogramDataPoint {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	h := m.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dp := h.DataPoints().AppendEmpty()
	dp.ExplicitBounds().FromRaw(bounds)
	dp.BucketCounts().FromRaw(counts)
	var total uint64
	for _, c := range counts {
		total += c
	}
	dp.SetCount(total)
	dp.SetSum(float64(total) * 0.01)
	dp.SetTimestamp(1_000)
	putAttrs(dp.Attributes(), attrs)
	return dp
}

func addSum(ms pmetric.MetricSlice, name, unit string, monotonic bool, points ...map[string]any) pmetric.Metric {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	s := m.SetEmptySum()
	s.SetIsMonotonic(monotonic)
	s.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for i, attrs := range points {
		dp := s.DataPoints().AppendEmpty()
		dp.SetIntValue(int64(i + 1))
		dp.SetTimestamp(pcommon.Timestamp(1_000 + i))
		putAttrs(dp.Attributes(), attrs)
	}
	return m
}

func addGauge(ms pmetric.MetricSlice, name, unit string, value int64) pmetric.Metric {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetIntValue(value)
	return m
}

// addDeltaHistogram appends the metric spec describes as a delta histogram
// and returns a function that appends a point on the schema's bounds with
// attrs.
func addDeltaHistogram(ms pmetric.MetricSlice, spec semconv.MetricDescriptor) func(attrs map[string]any) {
	m := ms.AppendEmpty()
	m.SetName(spec.Name)
	m.SetUnit(spec.Unit)
	hist := m.SetEmptyHistogram()
	hist.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	return func(attrs map[string]any) {
		dp := hist.DataPoints().AppendEmpty()
		dp.ExplicitBounds().FromRaw(spec.Boundaries)
		dp.BucketCounts().FromRaw(counts(len(spec.Boundaries)))
		dp.SetCount(uint64(len(spec.Boundaries) + 1))
		putAttrs(dp.Attributes(), attrs)
	}
}

// counts returns n+1 bucket counts of one each.
func counts(n int) []uint64 {
	out := make([]uint64, n+1)
	for i := range out {
		out[i] = 1
	}
	return out
}

// findMetric returns the named metric of an output batch.
func findMetric(t *testing.T, md pmetric.Metrics, name string) (pmetric.Metric, bool) {
	t.Helper()
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				if ms.At(k).Name() == name {
					return ms.At(k), true
				}
			}
		}
	}
	return pmetric.Metric{}, false
}
