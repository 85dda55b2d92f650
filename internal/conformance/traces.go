package conformance

import (
	"sort"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const boundaryKindKey = "seam.boundary.kind"

// span is the part of a span the trace check needs.
type span struct {
	impl     string
	name     string
	kind     ptrace.SpanKind
	trace    pcommon.TraceID
	id       pcommon.SpanID
	parent   pcommon.SpanID
	boundary string // seam.boundary.kind, when the span marks a crossing
	http     bool   // an HTTP client or server span
	grpc     bool   // a gRPC client or server span
}

// isGRPC says whether a span's attributes name gRPC as its RPC system, in
// the current spelling or the deprecated one the collector may keep.
func isGRPC(attrs pcommon.Map) bool {
	return attr(attrs, "rpc.system.name") == "grpc" || attr(attrs, "rpc.system") == "grpc"
}

type spanKey struct {
	trace pcommon.TraceID
	id    pcommon.SpanID
}

func spans(c *Capture) map[spanKey]span {
	out := map[spanKey]span{}
	for _, td := range c.Traces {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			rs := td.ResourceSpans().At(i)
			impl := attr(rs.Resource().Attributes(), implKey)
			for j := 0; j < rs.ScopeSpans().Len(); j++ {
				ss := rs.ScopeSpans().At(j).Spans()
				for k := 0; k < ss.Len(); k++ {
					s := ss.At(k)
					_, hasMethod := s.Attributes().Get("http.request.method")
					out[spanKey{s.TraceID(), s.SpanID()}] = span{
						impl: impl, name: s.Name(), kind: s.Kind(), trace: s.TraceID(), id: s.SpanID(), parent: s.ParentSpanID(),
						boundary: attr(s.Attributes(), boundaryKindKey), http: hasMethod, grpc: isGRPC(s.Attributes()),
					}
				}
			}
		}
	}
	return out
}

// crossing is a Rust span continuing a Go span's trace, or, across a
// queue, a Rust consumer span linked to a Go producer span.
type crossing struct {
	kind   string
	trace  pcommon.TraceID
	caller span
	callee span
	// linked is the producer's trace, for a crossing by link: the request
	// that queued the message, whose log records belong with the consumer's.
	linked pcommon.TraceID
}

// checkTraces proves every Rust span that continues a remote parent has a
// Go parent in the same trace, and that each expected kind of crossing occurred.
func checkTraces(col *collector, c *Capture, exp Expectations) []crossing {
	all := spans(c)
	keys := make([]spanKey, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].trace != keys[j].trace {
			return keys[i].trace.String() < keys[j].trace.String()
		}
		return keys[i].id.String() < keys[j].id.String()
	})
	var found []crossing
	seen := map[string]bool{}
	for _, k := range keys {
		s := all[k]
		if s.impl != "rust" || s.parent.IsEmpty() {
			continue
		}
		parent, ok := all[spanKey{s.trace, s.parent}]
		if ok && parent.impl == "rust" {
			continue // a child inside Rust, not a crossing
		}
		col.checked(CheckTraces, 1)
		if !ok {
			col.add(CheckTraces, "broken_parent", s.trace.String(), "rust span %q has parent %s, which is in no captured span of trace %s", s.name, s.parent, s.trace)
			continue
		}
		// Either side may mark the crossing: the Rust entry span of an FFI
		// call, or the Go span that made the call.
		kind := s.boundary
		if kind == "" {
			kind = parent.boundary
		}
		if kind == "" && parent.kind == ptrace.SpanKindClient {
			switch {
			case parent.http:
				kind = "http"
			case parent.grpc:
				kind = "grpc"
			}
		}
		if kind == "" {
			col.add(CheckTraces, "unmarked_crossing", s.trace.String(), "rust span %q continues go span %q, and neither says seam.boundary.kind nor is the go span an HTTP or gRPC client span", s.name, parent.name)
			continue
		}
		seen[kind] = true
		found = append(found, crossing{kind: kind, trace: s.trace, caller: parent, callee: s})
	}
	for _, x := range queueCrossings(col, c, all) {
		seen[x.kind] = true
		found = append(found, x)
	}
	for _, kind := range exp.Crossings {
		col.checked(CheckTraces, 1)
		if !seen[kind] {
			col.add(CheckTraces, "missing_crossing", kind, "no rust span continued a go %s call in the capture", kind)
		}
	}
	return found
}
