package prometheusexporter

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// testAccumulator is the exporter's accumulator with the factory's defaults
// (changed by tune) and in-memory self-telemetry.
type testAccumulator struct {
	*accumulator
	tel *componenttest.Telemetry
}

func newTestAccumulator(t *testing.T, tune ...func(*Config)) *testAccumulator {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	for _, fn := range tune {
		fn(cfg)
	}
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	acc, err := newAccumulator(tel.NewTelemetrySettings(), cfg)
	require.NoError(t, err)
	return &testAccumulator{accumulator: acc, tel: tel}
}

func (a *testAccumulator) push(md pmetric.Metrics) { a.consume(md, time.Now()) }

// expose gathers the accumulator through client_golang's pedantic registry,
// which fails on every inconsistency the exporter's own registry would log
// and drop, checks its text and OpenMetrics encodings as Prometheus parses
// them, and returns the gathered families (with their exemplars).
func expose(t *testing.T, a *testAccumulator) prometheustest.Families {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(a.accumulator))
	mfs, err := reg.Gather()
	require.NoError(t, err, "gathering")
	var text, om bytes.Buffer
	textEnc := expfmt.NewEncoder(&text, expfmt.NewFormat(expfmt.TypeTextPlain))
	omEnc := expfmt.NewEncoder(&om, expfmt.NewFormat(expfmt.TypeOpenMetrics))
	for _, mf := range mfs {
		require.NoError(t, textEnc.Encode(mf))
		require.NoError(t, omEnc.Encode(mf))
	}
	require.NoError(t, omEnc.(expfmt.Closer).Close())
	require.NoError(t, prometheustest.CheckOpenMetrics(om.Bytes()))
	_, err = prometheustest.CheckText(text.Bytes())
	require.NoError(t, err, "the text exposition:\n%s", text.String())
	fams := prometheustest.Families{}
	for _, mf := range mfs {
		fams[mf.GetName()] = mf
	}
	return fams
}

// dropped is how many points seam_prometheus.dropped_points counted for
// reason.
func (a *testAccumulator) dropped(t *testing.T, service, reason string) int64 {
	t.Helper()
	return counterValue(t, a.tel, droppedPointsName, map[string]string{"service": service, "reason": reason})
}

// counterValue sums an int64 counter's points whose attributes include want.
func counterValue(t *testing.T, tel *componenttest.Telemetry, name string, want map[string]string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0 // nothing recorded yet
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is an int64 counter", name)
	var total int64
	for _, dp := range sum.DataPoints {
		match := true
		for k, v := range want {
			if got, ok := dp.Attributes.Value(attribute.Key(k)); !ok || got.AsString() != v {
				match = false
				break
			}
		}
		if match {
			total += dp.Value
		}
	}
	return total
}
