package schemaprocessor

import (
	"context"
	"sync"

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
	// scanCaches pools the batches' scan caches: what one holds is true of
	// this processor's schema, so they are reused as they are.
	scanCaches sync.Pool
}

func newSchemaProcessor(s *schema, cfg *Config, set component.TelemetrySettings, meterScope string) (*schemaProcessor, error) {
	rep, err := newReporter(set.MeterProvider.Meter(meterScope), set.Logger, cfg.Findings)
	if err != nil {
		return nil, err
	}
	serviceKeys := append([]string{string(semconv.ServiceNameKey)}, s.renamedFrom[string(semconv.ServiceNameKey)]...)
	p := &schemaProcessor{
		schema:      s,
		enforce:     cfg.Mode == ModeEnforce,
		redactor:    redact.Default(),
		cardinality: newCardinality(cfg.SeriesTTL),
		reporter:    rep,
		serviceKeys: serviceKeys,
	}
	p.scanCaches.New = func() any { return new(scanCache) }
	return p, nil
}

// normalizeResource normalises resource attributes and returns the service
// name the resource's findings are filed under.
func (p *schemaProcessor) normalizeResource(res pcommon.Resource, f *findings) string {
	attrs := res.Attributes()
	// Read before normalising: serviceName knows the foreign spellings.
	service := p.serviceName(attrs)
	p.normalizeAttributes(attrs, nil, subject{f: f, service: service, name: "resource"})
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

func (p *schemaProcessor) newFindings(signal string) findings {
	return findings{signal: signal, detailed: p.reporter.logEnabled, scan: p.scanCaches.Get().(*scanCache)}
}

// finish reports a batch's findings and hands its scan cache back.
func (p *schemaProcessor) finish(ctx context.Context, f *findings) {
	p.reporter.report(ctx, f)
	p.scanCaches.Put(f.scan)
	f.scan = nil
}

func (p *schemaProcessor) start(context.Context, component.Host) error { return nil }
