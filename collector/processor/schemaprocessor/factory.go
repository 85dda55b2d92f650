package schemaprocessor

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/seamtel/seam/collector/processor/schemaprocessor/internal/metadata"
	seamschema "github.com/seamtel/seam/schema"
	"github.com/seamtel/seam/sdk-go/redact"
)

const (
	defaultSeriesTTL   = time.Hour
	defaultLogInterval = time.Minute
)

// embeddedSchema is the registry compiled into the binary, compiled once.
var embeddedSchema = sync.OnceValues(func() (*schema, error) {
	return compileSchema(seamschema.Resolved, redact.Default().Key)
})

// NewFactory returns the seam_schema processor factory.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithTraces(createTraces, metadata.TracesStability),
		processor.WithMetrics(createMetrics, metadata.MetricsStability),
		processor.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Mode:      ModeEnforce,
		SeriesTTL: defaultSeriesTTL,
		Findings:  FindingsConfig{LogInterval: defaultLogInterval},
	}
}

func newFromSettings(set processor.Settings, cfg component.Config) (*schemaProcessor, []processorhelper.Option, error) {
	s, err := embeddedSchema()
	if err != nil {
		return nil, nil, err
	}
	p, err := newSchemaProcessor(s, cfg.(*Config), set.TelemetrySettings, metadata.ScopeName)
	if err != nil {
		return nil, nil, err
	}
	opts := []processorhelper.Option{
		processorhelper.WithStart(p.start),
		// Report mode never changes data, so the pipeline need not copy it.
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: p.enforce}),
	}
	return p, opts, nil
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, opts, err := newFromSettings(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces, opts...)
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, opts, err := newFromSettings(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, p.processMetrics, opts...)
}

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, opts, err := newFromSettings(set, cfg)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs, opts...)
}
