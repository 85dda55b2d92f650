package schemaprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/seamtel/seam/collector/processor/schemaprocessor/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestLoadConfig(t *testing.T) {
	def, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, ModeEnforce, def.Mode)
	assert.Equal(t, time.Hour, def.SeriesTTL)
	assert.False(t, def.Findings.Log)

	rep, err := loadConfig(t, "report")
	require.NoError(t, err)
	assert.Equal(t, ModeReport, rep.Mode)
	assert.Equal(t, 10*time.Minute, rep.SeriesTTL)
	assert.True(t, rep.Findings.Log)
	assert.Equal(t, 30*time.Second, rep.Findings.LogInterval)
}

func TestInvalidConfigNamesEveryProblem(t *testing.T) {
	_, err := loadConfig(t, "bad")
	require.Error(t, err)
	for _, want := range []string{`mode: "fix-everything" is not one of "enforce", "report"`, "series_ttl: must be positive", "findings.log_interval: must be positive"} {
		assert.ErrorContains(t, err, want)
	}
}
