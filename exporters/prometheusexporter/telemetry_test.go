package prometheusexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

func TestUnexposedPointsAreCountedByServiceAndReason(t *testing.T) {
	acc := newTestAccumulator(t)
	md, ms := batch()
	md.ResourceMetrics().At(0).Resource().Attributes().PutStr("service.namespace", "shop")
	e := ms.AppendEmpty()
	e.SetName("latency")
	e.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	e.ExponentialHistogram().DataPoints().AppendEmpty()
	g := ms.AppendEmpty()
	g.SetName("queue.depth")
	g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	h := ms.AppendEmpty()
	h.SetName("queue.depth")
	h.SetEmptyHistogram().DataPoints().AppendEmpty().SetCount(1)
	h.Histogram().DataPoints().AppendEmpty().SetCount(2)
	h.Histogram().DataPoints().AppendEmpty().SetCount(3)
	acc.push(md)

	fams := expose(t, acc)
	require.NotNil(t, fams["queue_depth"])
	assert.EqualValues(t, 2, acc.dropped(t, "shop/checkout", reasonUnsupportedType), "the service is the job: namespace/name")
	assert.EqualValues(t, 3, acc.dropped(t, "shop/checkout", reasonNameCollision), "points are counted, not metrics")

	md = pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("s")
	m.SetEmptySummary().DataPoints().AppendEmpty()
	acc.push(md)
	assert.EqualValues(t, 1, acc.dropped(t, unknownService, reasonUnsupportedType), "a resource without service.name")
}
