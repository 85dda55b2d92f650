// Package loaddata builds the OTLP batches that the collector's benchmarks
// send: conformant ones, shaped as Seam's SDKs emit them, and foreign ones
// that need the fixes seam_schema makes (old and foreign key spellings,
// secrets in keys and values). The processor's go test benchmarks and the
// side-by-side load harness (collector/load) send the same batches.
package loaddata

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Kind says whether a batch conforms to the schema.
type Kind uint8

const (
	Conformant Kind = iota
	Foreign
)

func (k Kind) String() string {
	if k == Foreign {
		return "foreign"
	}
	return "conformant"
}

// Rename is one spelling that foreign batches use and the schema renames.
type Rename struct{ From, To string }

// ResourceRenames and AttributeRenames are every rename foreign batches
// need, on resources and on spans, data points and log records: what an
// equivalent upstream configuration has to do besides redaction.
var (
	ResourceRenames = []Rename{
		{"serviceName", string(semconv.ServiceNameKey)},
		{"deployment.environment", "deployment.environment.name"},
	}
	AttributeRenames = []Rename{
		{"http.method", "http.request.method"},
		{"http.status_code", "http.response.status_code"},
		{"http.scheme", "url.scheme"},
	}
)

// correlationIDs are distinct ULIDs, so a batch is not one value repeated.
func correlationID(i int) string { return fmt.Sprintf("01JD4X7K2M9QZ8R6T5W3V1N%03d", i%1000) }

func resource(attrs pcommon.Map, kind Kind) {
	service, env := string(semconv.ServiceNameKey), "deployment.environment.name"
	if kind == Foreign {
		service, env = ResourceRenames[0].From, ResourceRenames[1].From
	}
	attrs.PutStr(service, "checkout")
	attrs.PutStr(env, "production")
	attrs.PutStr("seam.impl", "go")
	attrs.PutStr("service.version", "1.4.2")
}

// httpAttrs are a request's attributes; foreign ones in the old spellings
// (the status code as a string, as some instrumentation sends it).
func httpAttrs(attrs pcommon.Map, kind Kind) {
	if kind == Foreign {
		attrs.PutStr(AttributeRenames[0].From, "GET")
		attrs.PutStr(AttributeRenames[1].From, "200")
		attrs.PutStr(AttributeRenames[2].From, "https")
		return
	}
	attrs.PutStr("http.request.method", "GET")
	attrs.PutInt("http.response.status_code", 200)
	attrs.PutStr("url.scheme", "https")
}

// Traces returns one resource with n server spans.
func Traces(kind Kind, n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	resource(rs.Resource().Attributes(), kind)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("github.com/seamtel/seam/sdk-go")
	spans := ss.Spans()
	spans.EnsureCapacity(n)
	for i := 0; i < n; i++ {
		s := spans.AppendEmpty()
		s.SetName("GET /v1/quote/{sku}")
		s.SetKind(ptrace.SpanKindServer)
		s.SetTraceID(pcommon.TraceID{1, byte(i >> 8), byte(i), 4})
		s.SetSpanID(pcommon.SpanID{2, byte(i >> 8), byte(i)})
		s.SetStartTimestamp(1_700_000_000_000_000_000)
		s.SetEndTimestamp(1_700_000_000_001_000_000)
		a := s.Attributes()
		httpAttrs(a, kind)
		a.PutStr("http.route", "/v1/quote/{sku}")
		a.PutStr("seam.operation", "checkout.price")
		a.PutStr("seam.correlation_id", correlationID(i))
		if kind == Foreign {
			a.PutStr("db.password", "hunter2")
			a.PutStr("note", "retried with Authorization: Bearer abc.def-ghi")
		}
	}
	return td
}

// Metrics returns one resource with n histogram points on the schema's
// bucket layout, split between two histograms.
func Metrics(kind Kind, n int) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	resource(rm.Resource().Attributes(), kind)
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("github.com/seamtel/seam/sdk-go")
	ops := histogram(sm.Metrics(), semconv.SeamOperationDurationName, n/2)
	reqs := histogram(sm.Metrics(), semconv.HTTPServerRequestDurationName, n-n/2)
	for i := 0; i < ops.Len(); i++ {
		a := ops.At(i).Attributes()
		a.PutStr("seam.operation", fmt.Sprintf("op-%d", i%50))
		a.PutStr("seam.impl", "go")
		a.PutStr("seam.role", []string{"baseline", "candidate"}[i%2])
	}
	for i := 0; i < reqs.Len(); i++ {
		a := reqs.At(i).Attributes()
		httpAttrs(a, kind)
		route := fmt.Sprintf("/v1/quote/%d", i%50)
		if kind == Foreign {
			route += "?api_key=k-12345"
		}
		a.PutStr("http.route", route)
	}
	return md
}

func histogram(ms pmetric.MetricSlice, name string, n int) pmetric.HistogramDataPointSlice {
	m := ms.AppendEmpty()
	m.SetName(name)
	m.SetUnit("s")
	h := m.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	bounds := semconv.HistogramBoundaries[name]
	counts := make([]uint64, len(bounds)+1)
	for i := range counts {
		counts[i] = uint64(i % 7)
	}
	dps := h.DataPoints()
	dps.EnsureCapacity(n)
	for i := 0; i < n; i++ {
		dp := dps.AppendEmpty()
		dp.SetStartTimestamp(1_700_000_000_000_000_000)
		dp.SetTimestamp(1_700_000_010_000_000_000)
		dp.ExplicitBounds().FromRaw(bounds)
		dp.BucketCounts().FromRaw(counts)
		dp.SetCount(uint64(3 * len(counts)))
		dp.SetSum(0.25)
	}
	return dps
}

// Logs returns one resource with n records.
func Logs(kind Kind, n int) plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	resource(rl.Resource().Attributes(), kind)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName("github.com/seamtel/seam/sdk-go")
	recs := sl.LogRecords()
	recs.EnsureCapacity(n)
	for i := 0; i < n; i++ {
		r := recs.AppendEmpty()
		r.SetTimestamp(1_700_000_000_000_000_000)
		r.SetSeverityText("INFO")
		r.SetSeverityNumber(plog.SeverityNumberInfo)
		a := r.Attributes()
		a.PutStr("seam.operation", "checkout.price")
		a.PutStr("seam.correlation_id", correlationID(i))
		if kind == Foreign {
			r.Body().SetStr(fmt.Sprintf("quote served for sku %d, token=tk_%06d", i, i))
			httpAttrs(a, kind)
			a.PutStr("api_key", "k-123")
			continue
		}
		r.Body().SetStr(fmt.Sprintf("quote served for sku %d in 12ms", i))
	}
	return ld
}
