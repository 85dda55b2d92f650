package config

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
)

func TestProviderServesTheEmbeddedDefault(t *testing.T) {
	p := NewFactory().Create(confmap.ProviderSettings{})
	assert.Equal(t, Scheme, p.Scheme())
	ret, err := p.Retrieve(context.Background(), DefaultURI, nil)
	require.NoError(t, err)
	conf, err := ret.AsConf()
	require.NoError(t, err)
	assert.Equal(t, "enforce", conf.Get("processors::seam_schema::mode"))
	assert.Equal(t, "127.0.0.1:9464", conf.Get("exporters::seam_prometheus::endpoint"))
	assert.Equal(t, "127.0.0.1:4317", conf.Get("receivers::otlp::protocols::grpc::endpoint"))
	assert.Equal(t, []any{"memory_limiter", "seam_schema", "batch"}, conf.Get("service::pipelines::metrics::processors"))
	require.NoError(t, p.Shutdown(context.Background()))
}

func TestProviderNamesUnknownConfigurations(t *testing.T) {
	p := NewFactory().Create(confmap.ProviderSettings{})
	_, err := p.Retrieve(context.Background(), "seam:gateway", nil)
	assert.ErrorContains(t, err, `unknown embedded configuration "seam:gateway": the only one is "seam:default"`)
}
