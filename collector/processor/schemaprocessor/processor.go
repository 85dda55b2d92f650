package schemaprocessor

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// schemaProcessor holds what all three signals share: the compiled schema,
// the redactor, cardinality state and the findings reporter.
type schemaProcessor struct {
	schema      *schema
	enforce     bool
	redactor    *redact.Redactor
	cardinality *cardinality
	reporter    *reporter
	// serviceKeys are service.name and its foreign spellings, in the order
	// they are consulted.
	serviceKeys []string
}

func newSchemaProcessor(s *schema, cfg *Config, set component.TelemetrySettings, meterScope string) (*schemaProcessor, error) {
	rep, err := newReporter(set.MeterProvider.Meter(meterScope), set.Logger, cfg.Findings)
	if err != nil {
		return nil, err
	}
	serviceKeys := append([]string{string(semconv.ServiceNameKey)}, s.renamedFrom[string(semconv.ServiceNameKey)]...)
	return &schemaProcessor{
		schema:      s,
		enforce:     cfg.Mode == ModeEnforce,
		redactor:    redact.Default(),
		cardinality: newCardinality(cfg.SeriesTTL),
		reporter:    rep,
		serviceKeys: serviceKeys,
	}, nil
}

// normalizeResource normalises resource attributes and returns the service
// name the resource's findings are filed under.
func (p *schemaProcessor) normalizeResource(res pcommon.Resource, f *findings) string {
	start := len(f.list)
	attrs := res.Attributes()
	p.normalizeAttributes(attrs, nil, subject{f: f, name: "resource"})
	service := p.serviceName(attrs)
	for i := start; i < len(f.list); i++ {
		f.list[i].service = service
	}
	return service
}

func (p *schemaProcessor) serviceName(attrs pcommon.Map) string {
	for _, k := range p.serviceKeys {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr {
			return v.Str()
		}
	}
	return ""
}

func (p *schemaProcessor) start(context.Context, component.Host) error { return nil }
