package conformance

import (
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// messagingSystemKey marks a messaging span: a producer's or a consumer's.
const messagingSystemKey = "messaging.system"

// queueCrossings proves that every Rust consumer span links to the Go
// producer span that published its message, as the messaging conventions
// relate the two (a link, not a parent: the consumer starts its own trace).
func queueCrossings(col *collector, c *Capture, all map[spanKey]span) []crossing {
	var found []crossing
	for _, td := range c.Traces {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			if attr(rs.Resource().Attributes(), implKey) != "rust" {
				continue
			}
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j).Spans()
				for k := 0; k < ss.Len(); k++ {
					s := ss.At(k)
					if _, ok := s.Attributes().Get(messagingSystemKey); !ok || s.Kind() != ptrace.SpanKindConsumer {
						continue
					}
					if x, ok := linkedProducer(col, all, s); ok {
						found = append(found, x)
					}
				}
			}
		}
	}
	return found
}

func linkedProducer(col *collector, all map[spanKey]span, s ptrace.Span) (crossing, bool) {
	col.checked(CheckTraces, 1)
	consumer := all[spanKey{s.TraceID(), s.SpanID()}]
	for l := 0; l < s.Links().Len(); l++ {
		link := s.Links().At(l)
		p, ok := all[spanKey{link.TraceID(), link.SpanID()}]
		if ok && p.impl == "go" && p.kind == ptrace.SpanKindProducer {
			return crossing{kind: "queue", trace: s.TraceID(), caller: p, callee: consumer, linked: p.trace}, true
		}
	}
	if s.Links().Len() == 0 {
		col.add(CheckTraces, "unlinked_consumer", s.TraceID().String(), "rust consumer span %q has no link to the producer span of its message", s.Name())
	} else {
		col.add(CheckTraces, "broken_link", s.TraceID().String(), "rust consumer span %q links to no captured go producer span", s.Name())
	}
	return crossing{}, false
}
