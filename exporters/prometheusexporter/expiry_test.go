package prometheusexporter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// Series expired only during a scrape: with nobody scraping, a service
// that went away kept its memory and its place in the budget for good.
func TestSeriesExpireWithoutAScrape(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.Endpoint = freeAddr(t)
	cfg.MetricExpiration = 200 * time.Millisecond
	cfg.MaxSeries, cfg.MaxSeriesPerService = 2, 2
	require.NoError(t, cfg.Validate())
	tel := componenttest.NewTelemetry()
	e, err := newPromExporter(cfg, tel.NewTelemetrySettings())
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, e.start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, e.shutdown(ctx)) })

	require.NoError(t, e.consumeMetrics(ctx, serviceBatch("gone", "g-1", 1)))
	held := func() int {
		e.acc.mu.Lock()
		defer e.acc.mu.Unlock()
		return len(e.acc.series) + len(e.acc.targets)
	}
	require.Equal(t, 2, held(), "the budget is full")
	require.Eventually(t, func() bool { return held() == 0 }, 5*time.Second, 20*time.Millisecond,
		"expired on the timer, with no scrape")

	require.NoError(t, e.consumeMetrics(ctx, serviceBatch("next", "n-1", 1)))
	fams, err := prometheustest.ScrapeStrict(cfg.Endpoint)
	require.NoError(t, err)
	series, targets := exposed(fams, "next")
	assert.Equal(t, 1, series, "the place came back")
	assert.Equal(t, 1, targets)
	assert.Zero(t, counterValue(t, tel, droppedPointsName, map[string]string{"service": "next"}))
}

func TestExpiryInterval(t *testing.T) {
	assert.Equal(t, 30*time.Second, expiryInterval(5*time.Minute))
	assert.Equal(t, 50*time.Millisecond, expiryInterval(200*time.Millisecond))
	assert.Equal(t, 10*time.Millisecond, expiryInterval(time.Millisecond))
}
