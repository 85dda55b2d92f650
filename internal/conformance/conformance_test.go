package conformance

import (
	"github.com/seamtel/seam/schema"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/seamtel/seam/internal/registry"
)

func loadRegistry(t *testing.T) *schema.Registry {
	t.Helper()
	r, findings, err := registry.LoadResolved("../../schema")
	if err != nil || len(findings) > 0 {
		t.Fatalf("%v %v", err, findings)
	}
	return r
}

var (
	traceID  = pcommon.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	goSpan   = pcommon.SpanID{1, 1, 1, 1, 1, 1, 1, 1}
	ffiSpan  = pcommon.SpanID{2, 2, 2, 2, 2, 2, 2, 2}
	httpSpan = pcommon.SpanID{3, 3, 3, 3, 3, 3, 3, 3}
	rustFFI  = pcommon.SpanID{4, 4, 4, 4, 4, 4, 4, 4}
	rustHTTP = pcommon.SpanID{5, 5, 5, 5, 5, 5, 5, 5}
	grpcSpan = pcommon.SpanID{6, 6, 6, 6, 6, 6, 6, 6}
	rustGRPC = pcommon.SpanID{7, 7, 7, 7, 7, 7, 7, 7}
)

// side builds what one implementation sends: an operation histogram, spans and logs.
type side struct {
	impl    string
	bounds  []float64
	logKeys []string
}

func (s side) metrics(reg *schema.Registry) pmetric.Metrics {
	return s.metricsWithKinds(reg, "ffi", "http", "grpc")
}

// metricsWithKinds is metrics with the Go side's boundary calls of kinds.
func (s side) metricsWithKinds(reg *schema.Registry, kinds ...string) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "pricing")
	rm.Resource().Attributes().PutStr(implKey, s.impl)
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("seam.operation.duration")
	m.SetUnit("s")
	dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
	dp.ExplicitBounds().FromRaw(s.bounds)
	dp.BucketCounts().FromRaw(make([]uint64, len(s.bounds)+1))
	dp.Attributes().PutStr("seam.operation", "pricing.quote")
	dp.Attributes().PutStr("seam.impl", s.impl)
	dp.Attributes().PutStr("seam.role", "baseline")
	if s.impl == "go" {
		addBoundaryCalls(rm, reg, kinds...)
	}
	return md
}

// addBoundaryCalls adds the Go side's seam.boundary.call.duration, one
// point per kind of crossing.
func addBoundaryCalls(rm pmetric.ResourceMetrics, reg *schema.Registry, kinds ...string) {
	m := rm.ScopeMetrics().At(0).Metrics().AppendEmpty()
	m.SetName("seam.boundary.call.duration")
	m.SetUnit("s")
	bounds := reg.Metric("seam.boundary.call.duration").Boundaries
	points := m.SetEmptyHistogram().DataPoints()
	for _, kind := range kinds {
		dp := points.AppendEmpty()
		dp.ExplicitBounds().FromRaw(bounds)
		dp.BucketCounts().FromRaw(make([]uint64, len(bounds)+1))
		dp.Attributes().PutStr("seam.operation", "pricing.quote")
		dp.Attributes().PutStr(boundaryKindKey, kind)
	}
}

func (s side) logs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(implKey, s.impl)
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Unix(1, 0)))
	lr.SetSeverityText("INFO")
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	lr.Body().SetStr("quote computed")
	lr.SetTraceID(traceID)
	lr.SetSpanID(goSpan)
	for _, k := range s.logKeys {
		lr.Attributes().PutStr(k, "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	}
	return ld
}

func traces(rustFFIParent pcommon.SpanID) ptrace.Traces {
	td := ptrace.NewTraces()
	add := func(impl string, spans ...func(ptrace.Span)) {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr(implKey, impl)
		ss := rs.ScopeSpans().AppendEmpty()
		for _, f := range spans {
			sp := ss.Spans().AppendEmpty()
			sp.SetTraceID(traceID)
			f(sp)
		}
	}
	add("go",
		func(s ptrace.Span) { s.SetName("POST /quote"); s.SetSpanID(goSpan); s.SetKind(ptrace.SpanKindServer) },
		func(s ptrace.Span) {
			s.SetName("ffi pricing.quote")
			s.SetSpanID(ffiSpan)
			s.SetParentSpanID(goSpan)
			s.Attributes().PutStr(boundaryKindKey, "ffi")
		},
		func(s ptrace.Span) {
			s.SetName("HTTP POST")
			s.SetSpanID(httpSpan)
			s.SetParentSpanID(goSpan)
			s.SetKind(ptrace.SpanKindClient)
			s.Attributes().PutStr("http.request.method", "POST")
		},
		func(s ptrace.Span) {
			s.SetName("seam.pricing.v1.Pricing/Quote")
			s.SetSpanID(grpcSpan)
			s.SetParentSpanID(goSpan)
			s.SetKind(ptrace.SpanKindClient)
			s.Attributes().PutStr("rpc.system.name", "grpc")
		},
	)
	add("rust",
		func(s ptrace.Span) {
			s.SetName("pricing.quote")
			s.SetSpanID(rustFFI)
			s.SetParentSpanID(rustFFIParent)
		},
		func(s ptrace.Span) {
			s.SetName("POST /fingerprint")
			s.SetSpanID(rustHTTP)
			s.SetParentSpanID(httpSpan)
			s.SetKind(ptrace.SpanKindServer)
		},
		func(s ptrace.Span) {
			s.SetName("pricing.quote")
			s.SetSpanID(rustGRPC)
			s.SetParentSpanID(grpcSpan)
		},
	)
	return td
}

func capture(reg *schema.Registry, goSide, rustSide side, rustFFIParent pcommon.SpanID) *Capture {
	return &Capture{
		Metrics: []pmetric.Metrics{goSide.metrics(reg), rustSide.metrics(reg)},
		Logs:    []plog.Logs{goSide.logs(), rustSide.logs()},
		Traces:  []ptrace.Traces{traces(rustFFIParent)},
	}
}

func rules(r *Report) string {
	var out []string
	for _, f := range r.Findings() {
		out = append(out, f.Check+"/"+f.Rule)
	}
	return strings.Join(out, " ")
}

func TestConformantCapturePasses(t *testing.T) {
	reg := loadRegistry(t)
	bounds := reg.Metric("seam.operation.duration").Boundaries
	c := capture(reg, side{"go", bounds, []string{correlationKey}}, side{"rust", bounds, []string{correlationKey}}, ffiSpan)
	r := Check(c, reg, DefaultExpectations())
	if !r.OK() {
		var buf bytes.Buffer
		_ = r.WriteTable(&buf)
		t.Fatalf("conformant capture failed:\n%s", buf.String())
	}
}

func TestMutationsAreNamed(t *testing.T) {
	reg := loadRegistry(t)
	bounds := reg.Metric("seam.operation.duration").Boundaries
	good := side{"go", bounds, []string{correlationKey}}
	for name, tc := range map[string]struct {
		rust   side
		parent pcommon.SpanID
		want   string
	}{
		"rust bucket list": {side{"rust", []float64{0, 0.001, 0.01}, []string{correlationKey}}, ffiSpan,
			"cross_language/bucket_mismatch registry/bucket_mismatch"},
		"rust log field name": {side{"rust", bounds, []string{"correlation_id"}}, ffiSpan,
			"logs/field_set_mismatch correlation/missing_correlation"},
		"ffi parent lost": {side{"rust", bounds, []string{correlationKey}}, pcommon.SpanID{9, 9, 9, 9, 9, 9, 9, 9},
			"traces/broken_parent traces/missing_crossing"},
	} {
		t.Run(name, func(t *testing.T) {
			r := Check(capture(reg, good, tc.rust, tc.parent), reg, DefaultExpectations())
			if r.OK() || rules(r) != tc.want {
				t.Errorf("findings %q, want %q", rules(r), tc.want)
			}
		})
	}
}

// A Rust span under a Go client span that says no RPC system is an
// unmarked crossing, and then no gRPC crossing was seen.
func TestGRPCCrossingIsKnownByItsClientSpan(t *testing.T) {
	reg := loadRegistry(t)
	bounds := reg.Metric("seam.operation.duration").Boundaries
	good := side{"go", bounds, []string{correlationKey}}
	c := capture(reg, good, side{"rust", bounds, []string{correlationKey}}, ffiSpan)
	goSpans := c.Traces[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for i := 0; i < goSpans.Len(); i++ {
		if goSpans.At(i).SpanID() == grpcSpan {
			goSpans.At(i).Attributes().Remove("rpc.system.name")
		}
	}
	if r := Check(c, reg, DefaultExpectations()); rules(r) != "traces/unmarked_crossing traces/missing_crossing" {
		t.Errorf("findings %q, want the unmarked crossing and no grpc crossing", rules(r))
	}
}

// A run whose Go side timed no gRPC call is missing the gRPC boundary's
// metric, whatever the traces say.
func TestBoundaryCallsCoverEveryKind(t *testing.T) {
	reg := loadRegistry(t)
	bounds := reg.Metric("seam.operation.duration").Boundaries
	c := capture(reg, side{"go", bounds, []string{correlationKey}}, side{"rust", bounds, []string{correlationKey}}, ffiSpan)
	c.Metrics[0] = side{"go", bounds, nil}.metricsWithKinds(reg, "ffi", "http")
	if r := Check(c, reg, DefaultExpectations()); rules(r) != "cross_language/missing_boundary_kind" {
		t.Errorf("findings %q, want the missing grpc kind alone", rules(r))
	}
}

func TestEmptyCaptureFails(t *testing.T) {
	r := Check(&Capture{}, loadRegistry(t), DefaultExpectations())
	if r.OK() {
		t.Fatal("an empty capture passed")
	}
	var buf bytes.Buffer
	if err := r.WriteTable(&buf); err != nil || !strings.Contains(buf.String(), "NOT conformant") {
		t.Errorf("%v\n%s", err, buf.String())
	}
}

// ReadFile reads the collector file exporter's mixed OTLP JSON lines.
func TestReadFileRoundTrip(t *testing.T) {
	reg := loadRegistry(t)
	bounds := reg.Metric("seam.operation.duration").Boundaries
	c := capture(reg, side{"go", bounds, []string{correlationKey}}, side{"rust", bounds, []string{correlationKey}}, ffiSpan)
	var buf bytes.Buffer
	for _, m := range c.Metrics {
		b, _ := (&pmetric.JSONMarshaler{}).MarshalMetrics(m)
		buf.Write(append(b, '\n'))
	}
	for _, l := range c.Logs {
		b, _ := (&plog.JSONMarshaler{}).MarshalLogs(l)
		buf.Write(append(b, '\n'))
	}
	for _, tr := range c.Traces {
		b, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(tr)
		buf.Write(append(b, '\n'))
	}
	path := filepath.Join(t.TempDir(), "capture.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Check(back, reg, DefaultExpectations()).OK() {
		t.Error("capture read back does not pass")
	}
	if err := os.WriteFile(path, []byte("{\"nope\":1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), ":1: not an OTLP JSON export request") {
		t.Errorf("bad line: %v", err)
	}
}
