package exporthealthextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/seamtel/seam/collector/extension/exporthealthextension/internal/metadata"
)

// NewFactory returns the seam_exporthealth extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	return &Config{
		Endpoint:          "127.0.0.1:13134",
		TelemetryEndpoint: "http://127.0.0.1:8888/metrics",
		Interval:          5 * time.Second,
		Recovery:          time.Minute,
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newExportHealth(cfg.(*Config), set.TelemetrySettings), nil
}
