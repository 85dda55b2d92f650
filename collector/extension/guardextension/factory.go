package guardextension

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"github.com/seamtel/seam/collector/extension/guardextension/internal/metadata"
)

// NewFactory returns the seam_guard extension factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	return &Config{
		MaxNestingDepth:       defaultMaxNestingDepth,
		MaxInFlightBytes:      defaultMaxInFlightBytes,
		MaxConcurrentRequests: defaultMaxConcurrentRequests,
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newGuard(cfg.(*Config), set.TelemetrySettings)
}
