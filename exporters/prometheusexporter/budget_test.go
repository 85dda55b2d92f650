package prometheusexporter

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// serviceBatch is one resource of service (instance id instance) with a
// gauge of n series, one per value of the attribute id.
func serviceBatch(service, instance string, n int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", service)
	rm.Resource().Attributes().PutStr("service.instance.id", instance)
	g := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	g.SetName("queue.depth")
	dps := g.SetEmptyGauge().DataPoints()
	for i := range n {
		dp := dps.AppendEmpty()
		dp.SetIntValue(int64(i))
		dp.Attributes().PutStr("id", fmt.Sprint(i))
	}
	return md
}

// exposed counts a service's series: its queue_depth series and its
// target_info.
func exposed(fams prometheustest.Families, service string) (series, targets int) {
	want := map[string]string{"job": service}
	return len(prometheustest.Series(fams["queue_depth"], want)), len(prometheustest.Series(fams["target_info"], want))
}

func TestSeriesBudgetIsGlobalAndPerService(t *testing.T) {
	acc := newTestAccumulator(t, func(c *Config) { c.MaxSeries, c.MaxSeriesPerService = 10, 4 })
	acc.push(serviceBatch("noisy", "n-1", 10))
	acc.push(serviceBatch("quiet", "q-1", 3))
	acc.push(serviceBatch("late", "l-1", 3))

	fams := expose(t, acc)
	series, targets := exposed(fams, "noisy")
	assert.Equal(t, 3, series, "noisy gets its share of 4, target_info included")
	assert.Equal(t, 1, targets)
	assert.EqualValues(t, 7, acc.dropped(t, "noisy", reasonMaxSeriesPerService))
	series, targets = exposed(fams, "quiet")
	assert.Equal(t, 3, series, "the noisy neighbour took nothing of quiet's")
	assert.Equal(t, 1, targets)
	series, targets = exposed(fams, "late")
	assert.Equal(t, 1, series, "the budget of 10 is full")
	assert.Equal(t, 1, targets)
	assert.EqualValues(t, 2, acc.dropped(t, "late", reasonMaxSeries))

	acc.push(serviceBatch("noisy", "n-1", 1))
	fams = expose(t, acc)
	got := prometheustest.Series(fams["queue_depth"], map[string]string{"job": "noisy", "id": "0"})
	require.Len(t, got, 1)
	assert.EqualValues(t, 0, got[0].GetGauge().GetValue(), "series already held are still updated")
	assert.EqualValues(t, 7, acc.dropped(t, "noisy", reasonMaxSeriesPerService), "and cost nothing")
}

// Every instance of a service is a resource of its own, with a target_info
// of its own: a budget per resource let 200000 instance ids make 400000
// series.
func TestInstancesShareTheirServiceBudget(t *testing.T) {
	acc := newTestAccumulator(t, func(c *Config) { c.MaxSeries, c.MaxSeriesPerService = 1000, 100 })
	for i := range 500 {
		acc.push(serviceBatch("churny", fmt.Sprint("pod-", i), 1))
	}
	acc.push(serviceBatch("steady", "s-1", 1))

	fams := expose(t, acc)
	series, targets := exposed(fams, "churny")
	assert.Equal(t, 100, series+targets)
	assert.EqualValues(t, 1000-100, acc.dropped(t, "churny", reasonMaxSeriesPerService), "each instance's target_info and point")
	series, targets = exposed(fams, "steady")
	assert.Equal(t, 1, series)
	assert.Equal(t, 1, targets)
}

func TestDefaultSeriesBudget(t *testing.T) {
	acc := newTestAccumulator(t)
	acc.push(serviceBatch("flood", "f-1", 30000))
	acc.push(serviceBatch("neighbour", "n-1", 1))
	fams := expose(t, acc)
	series, targets := exposed(fams, "flood")
	assert.Equal(t, defaultMaxSeriesPerService, series+targets)
	assert.EqualValues(t, 30000+1-defaultMaxSeriesPerService, acc.dropped(t, "flood", reasonMaxSeriesPerService))
	series, _ = exposed(fams, "neighbour")
	assert.Equal(t, 1, series)
}

// A flood of new series from many services stays a scrape Prometheus can
// take within its default 10 s timeout: 1000000 series made a 105 MB scrape
// of 11 s.
func TestFullBudgetScrapesWithinPrometheusTimeout(t *testing.T) {
	exp, addr := startExporter(t)
	for s := range 8 {
		require.NoError(t, exp.ConsumeMetrics(context.Background(), serviceBatch(fmt.Sprint("svc-", s), "i-1", 25000)))
	}
	start := time.Now()
	body, err := prometheustest.Fetch(addr, prometheustest.AcceptOpenMetrics)
	took := time.Since(start)
	require.NoError(t, err)
	t.Logf("%d bytes in %s", len(body), took)
	assert.Less(t, took, 10*time.Second)
	assert.Less(t, len(body), 16<<20)
	assert.Equal(t, defaultMaxSeries, bytes.Count(body, []byte("\nqueue_depth{"))+bytes.Count(body, []byte("\ntarget_info{")))
}
