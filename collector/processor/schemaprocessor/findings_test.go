package schemaprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seamtel/seam/collector/processor/schemaprocessor/internal/metadata"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Findings logged as records name the service, the rule and the subject,
// once per interval however often they recur.
func TestFindingsAreLoggedOncePerInterval(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	cfg.Findings.Log = true
	set := processortest.NewNopSettings(metadata.Type)
	tel := componenttest.NewTelemetry()
	defer func() { require.NoError(t, tel.Shutdown(context.Background())) }()
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.Logger = zap.New(core)
	p, err := f.CreateMetrics(context.Background(), set, cfg, new(consumertest.MetricsSink))
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		md, ms := newMetrics(map[string]any{"service.name": "legacy"})
		addGauge(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, 1)
		require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	}
	entries := logs.FilterMessage("schema finding").All()
	require.Len(t, entries, 1)
	fields := entries[0].ContextMap()
	assert.Equal(t, RuleTypeMismatch, fields["seam.finding.rule"])
	assert.Equal(t, "legacy", fields["service.name"])
	assert.Equal(t, semconv.SeamBoundaryPanicsName, fields["subject"])
	assert.Equal(t, signalMetrics, fields["seam.telemetry.signal"])
}
