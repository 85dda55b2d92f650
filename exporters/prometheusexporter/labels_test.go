package prometheusexporter

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// hugeBatch has a 19 MB label value on a point and on the resource, a long
// description, an attribute with a long name and a metric with a long name.
func hugeBatch() pmetric.Metrics {
	md, ms := batch()
	md.ResourceMetrics().At(0).Resource().Attributes().PutStr("k8s.pod.annotation", strings.Repeat("r", 19<<20))
	canary(ms)
	g := ms.AppendEmpty()
	g.SetName("request.body")
	g.SetDescription(strings.Repeat("d", 10000))
	attrs := g.SetEmptyGauge().DataPoints().AppendEmpty().Attributes()
	attrs.PutStr("body", strings.Repeat("é", 10<<20)) // 2 bytes a rune
	attrs.PutStr(strings.Repeat("k", 5000), "v")
	attrs.PutStr("route", "/quote")
	long := ms.AppendEmpty()
	long.SetName(strings.Repeat("m", 5000))
	long.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
	return md
}

func TestLongLabelValuesAreTruncated(t *testing.T) {
	acc := newTestAccumulator(t)
	acc.push(hugeBatch())
	fams := expose(t, acc)
	requireCanary(t, fams)

	mf := fams["request_body"]
	require.NotNil(t, mf)
	assert.Len(t, mf.GetHelp(), defaultMaxLabelValueBytes)
	assert.True(t, strings.HasSuffix(mf.GetHelp(), truncationMarker))
	l := prometheustest.Labels(mf.GetMetric()[0])
	body := l["body"]
	assert.LessOrEqual(t, len(body), defaultMaxLabelValueBytes)
	assert.Greater(t, len(body), defaultMaxLabelValueBytes-len(truncationMarker)-2)
	assert.True(t, strings.HasSuffix(body, truncationMarker), "the cut is marked")
	assert.True(t, utf8.ValidString(body), "and on a character boundary")
	assert.Equal(t, "/quote", l["route"], "short labels are left as they are")
	assert.ElementsMatch(t, []string{"body", "route", "job", "instance", "service_name", "seam_impl"}, keys(l), "the label with a 5000-byte name is left out")

	info := prometheustest.Series(fams["target_info"], map[string]string{"job": "checkout"})
	require.Len(t, info, 1)
	assert.Len(t, prometheustest.Labels(info[0])["k8s_pod_annotation"], defaultMaxLabelValueBytes)

	assert.Nil(t, fams[strings.Repeat("m", 5000)])
	assert.EqualValues(t, 1, acc.dropped(t, "checkout", reasonInvalidName), "a metric whose name is too long")
	truncated := counterValue(t, acc.tel, truncatedLabelsName, map[string]string{"service": "checkout"})
	assert.EqualValues(t, 3, truncated, "target_info's value, the point's value and its long name")
}

// One 19 MB label value made a 35.6 MB scrape.
func TestHugeLabelValueMakesASmallScrape(t *testing.T) {
	exp, addr := startExporter(t)
	require.NoError(t, exp.ConsumeMetrics(context.Background(), hugeBatch()))
	for _, accept := range []string{prometheustest.AcceptText, prometheustest.AcceptOpenMetrics} {
		body, err := prometheustest.Fetch(addr, accept)
		require.NoError(t, err)
		assert.Less(t, len(body), 64<<10, accept)
	}
	_, err := prometheustest.ScrapeStrict(addr)
	require.NoError(t, err)
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
