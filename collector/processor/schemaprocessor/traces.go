package schemaprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

func (p *schemaProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	f := p.newFindings(signalTraces)
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		service := p.normalizeResource(rs.Resource(), &f)
		if p.enforce {
			rs.SetSchemaUrl(p.schema.url)
		}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			if p.enforce {
				ss.SetSchemaUrl(p.schema.url)
			}
			p.normalizeAttributes(ss.Scope().Attributes(), nil, subject{&f, service, ss.Scope().Name()})
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				// Findings name the span: by its name as it leaves.
				name := span.Name()
				if name != f.scan.spanName {
					name = p.redactor.String(name)
					if name == span.Name() {
						f.scan.spanName = name
					}
				}
				sub := subject{&f, service, name}
				if name != span.Name() {
					sub.add(RuleRedacted, "span name redacted")
					if p.enforce {
						span.SetName(name)
					}
				}
				p.processSpan(span, sub)
			}
		}
	}
	p.finish(ctx, &f)
	return td, nil
}

func (p *schemaProcessor) processSpan(span ptrace.Span, sub subject) {
	p.normalizeAttributes(span.Attributes(), nil, sub)
	events := span.Events()
	for i := 0; i < events.Len(); i++ {
		e := events.At(i)
		if name := p.redactor.String(e.Name()); name != e.Name() {
			sub.add(RuleRedacted, "event name redacted")
			if p.enforce {
				e.SetName(name)
			}
		}
		p.normalizeAttributes(e.Attributes(), nil, sub)
	}
	links := span.Links()
	for i := 0; i < links.Len(); i++ {
		p.normalizeAttributes(links.At(i).Attributes(), nil, sub)
	}
	if msg := span.Status().Message(); msg != "" {
		if red := p.redactor.String(msg); red != msg {
			sub.add(RuleRedacted, "status message redacted")
			if p.enforce {
				span.Status().SetMessage(red)
			}
		}
	}
}
