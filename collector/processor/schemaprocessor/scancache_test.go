package schemaprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// TestScanCacheNeverHidesAFix: within a batch, items with one layout
// follow each other, each at the same attribute positions; what a clean
// item's values taught the batch's scan cache must not hide a secret, a
// foreign spelling or another key at the same position in the next one.
func TestScanCacheNeverHidesAFix(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "pricing")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	add := func(name, operation, impl string) {
		s := spans.AppendEmpty()
		s.SetName(name)
		putAttrs(s.Attributes(), map[string]any{"seam.operation": operation, "seam.impl": impl})
	}
	add("GET /quote", "checkout.price", "go")
	add("GET /quote", "Bearer abc.def-ghi", "Go")
	add("mail jo@example.com", "checkout.price", "go")
	add("GET /quote", "checkout.price", "go")
	last := spans.AppendEmpty()
	last.SetName("GET /quote")
	last.Attributes().PutStr("db.password", "checkout.price")
	last.Attributes().PutStr("seam.impl", "go")

	out := h.processTraces(td).ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	got := make([]map[string]any, out.Len())
	names := make([]string, out.Len())
	for i := range got {
		got[i] = out.At(i).Attributes().AsRaw()
		names[i] = out.At(i).Name()
	}
	clean := map[string]any{"seam.operation": "checkout.price", "seam.impl": "go"}
	assert.Equal(t, []map[string]any{
		clean,
		{"seam.operation": "Bearer [REDACTED]", "seam.impl": "go"},
		clean,
		clean,
		{"db.password": semconv.RedactionReplacement, "seam.impl": "go"},
	}, got)
	assert.Equal(t, []string{"GET /quote", "GET /quote", "mail [REDACTED:email]", "GET /quote", "GET /quote"}, names)
}

// TestScanCacheChecksEverySeverity: a record's severity that differs from
// the previous conformant record's in its number alone is still checked.
func TestScanCacheChecksEverySeverity(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "pricing")
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, num := range []plog.SeverityNumber{plog.SeverityNumberInfo, plog.SeverityNumberError, plog.SeverityNumberInfo, plog.SeverityNumberUnspecified} {
		r := recs.AppendEmpty()
		r.SetTimestamp(1)
		r.Body().SetStr("quote served")
		r.SetSeverityText("INFO")
		r.SetSeverityNumber(num)
	}
	out := h.processLogs(ld).ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.EqualValues(t, 1, h.findings(RuleInvalidSeverity, signalLogs), "ERROR's number under INFO")
	assert.Equal(t, plog.SeverityNumberInfo, out.At(3).SeverityNumber(), "a missing number is set from the level")
}

// TestRecentValuesNeverHideAFix: the points of a metric alternate values
// under one key, so a value comes back from the key's recent set rather
// than from the previous point; what the set holds must not hide a secret
// or a foreign spelling that follows.
func TestRecentValuesNeverHideAFix(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	point := func(op, kind string) map[string]any {
		return map[string]any{"seam.operation": op, "seam.boundary.kind": kind}
	}
	addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true,
		point("quote", "ffi"), point("price", "grpc"),
		point("quote", "ffi"), point("price", "FFI"),
		point("Bearer abc.def-ghi", "grpc"), point("quote", "Grpc"),
	)
	out := h.processMetrics(md)
	m, _ := findMetric(t, out, semconv.SeamBoundaryPanicsName)
	dps := m.Sum().DataPoints()
	got := make([]map[string]any, dps.Len())
	for i := range got {
		got[i] = dps.At(i).Attributes().AsRaw()
	}
	assert.Equal(t, []map[string]any{
		point("quote", "ffi"), point("price", "grpc"),
		point("quote", "ffi"), point("price", "ffi"),
		point("Bearer [REDACTED]", "grpc"), point("quote", "grpc"),
	}, got)
	assert.EqualValues(t, 2, h.findings(RuleForeignSpelling, signalMetrics))
	assert.EqualValues(t, 1, h.findings(RuleRedacted, signalMetrics))
}

// TestPointHashIsHashAttributes: what normalizeAttributes learns of a
// point while it checks it is what lookups would find: the series hash is
// hashAttributes of the point, whether its values are new, the previous
// point's, or from the key's recent set, and the required and limited
// attributes it notes are the point's.
func TestPointHashIsHashAttributes(t *testing.T) {
	s, err := embeddedSchema()
	require.NoError(t, err)
	p, err := newSchemaProcessor(s, NewFactory().CreateDefaultConfig().(*Config), componenttest.NewNopTelemetrySettings(), "test")
	require.NoError(t, err)
	spec := s.metrics[semconv.HTTPServerRequestDurationName]
	require.NotNil(t, spec)
	require.NotEmpty(t, spec.required)
	require.NotEmpty(t, spec.limited)
	f := p.newFindings(signalMetrics)
	defer p.finish(t.Context(), &f)
	sub := subject{f: &f, service: testService, name: spec.name}
	for i, route := range []string{"/a", "/a", "/b", "/a", "/b", "/b"} {
		attrs := pcommon.NewMap()
		putAttrs(attrs, map[string]any{"http.request.method": "GET", "http.response.status_code": 200, "http.route": route})
		pt := pointKeys{metric: spec}
		require.False(t, p.normalizeAttributes(attrs, &pt, sub))
		require.Zero(t, f.total)
		assert.Equal(t, hashAttributes(attrs), pt.sum, "point %d", i)
		for j, req := range spec.required {
			_, ok := attrs.Get(req)
			assert.Equal(t, ok, pt.required&(1<<j) != 0, "point %d: %s", i, req)
		}
		for j, lim := range spec.limited {
			v, ok := attrs.Get(lim.id)
			require.Equal(t, ok, pt.limitedSet&(1<<j) != 0, "point %d: %s", i, lim.id)
			if ok {
				assert.Equal(t, v.Str(), pt.limited[j].Str(), "point %d: %s", i, lim.id)
			}
		}
	}
}
