package prometheusexporter

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/seamtel/seam/exporters/prometheusexporter/internal/metadata"
)

const (
	defaultEndpoint         = "127.0.0.1:9464"
	defaultMetricExpiration = 5 * time.Minute
	// A scrape of 100000 series is about 10 MB and well under a second; one
	// service may take a fifth of it.
	defaultMaxSeries           = 100000
	defaultMaxSeriesPerService = 20000
	defaultMaxLabelValueBytes  = 4096
)

// NewFactory returns the seam_prometheus exporter factory.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Endpoint:                   defaultEndpoint,
		MetricExpiration:           defaultMetricExpiration,
		PromotedResourceAttributes: []string{"service.name", "seam.impl"},
		MaxSeries:                  defaultMaxSeries,
		MaxSeriesPerService:        defaultMaxSeriesPerService,
		MaxLabelValueBytes:         defaultMaxLabelValueBytes,
	}
}

func createMetrics(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	e, err := newPromExporter(cfg.(*Config), set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewMetrics(ctx, set, cfg, e.consumeMetrics,
		exporterhelper.WithStart(e.start),
		exporterhelper.WithShutdown(e.shutdown),
		// Pulled, not pushed: an update is a map write, so no queue, retry
		// or timeout is needed, and the data is only read.
		exporterhelper.WithTimeout(exporterhelper.TimeoutConfig{}),
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	)
}
