package schemaprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/seamtel/seam/sdk-go/semconv"
)

func newTraces(resource, span map[string]any) (ptrace.Traces, ptrace.Span) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	putAttrs(rs.Resource().Attributes(), resource)
	s := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("GET /quote")
	putAttrs(s.Attributes(), span)
	return td, s
}

func TestSpanNormalised(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	td, span := newTraces(
		map[string]any{"serviceName": "pricing", "seam.impl": "Rust"},
		map[string]any{"http.method": "GET", "http.status_code": "200", "user.email": "jo@example.com", "note": "Authorization: Bearer abc.def-ghi"},
	)
	span.Events().AppendEmpty().Attributes().PutStr("api_key", "k-123")
	span.Status().SetMessage("login failed for postgres://admin:s3cret@db:5432/app")

	out := h.processTraces(td)
	rs := out.ResourceSpans().At(0)
	assert.Equal(t, semconv.SchemaURL, rs.SchemaUrl())
	assert.Equal(t, semconv.SchemaURL, rs.ScopeSpans().At(0).SchemaUrl())
	assert.Equal(t, map[string]any{"service.name": "pricing", "seam.impl": "rust"}, rs.Resource().Attributes().AsRaw())
	got := rs.ScopeSpans().At(0).Spans().At(0)
	assert.Equal(t, map[string]any{
		"http.request.method":       "GET",
		"http.response.status_code": int64(200),
		"user.email":                semconv.RedactionReplacement,
		"note":                      "Authorization: Bearer [REDACTED]",
	}, got.Attributes().AsRaw())
	assert.Equal(t, map[string]any{"api_key": semconv.RedactionReplacement}, got.Events().At(0).Attributes().AsRaw())
	assert.Equal(t, "login failed for postgres://[REDACTED]@db:5432/app", got.Status().Message())

	assert.EqualValues(t, 2, h.findingsFor(RuleDeprecated, signalTraces, "pricing"))
	assert.EqualValues(t, 2, h.findingsFor(RuleForeignSpelling, signalTraces, "pricing"), "serviceName and Rust")
	assert.EqualValues(t, 1, h.findingsFor(RuleTypeMismatch, signalTraces, "pricing"))
	assert.EqualValues(t, 4, h.findingsFor(RuleRedacted, signalTraces, "pricing"))
}

func TestSpanReportModeChangesNothing(t *testing.T) {
	h := newHarness(t, ModeReport)
	td, _ := newTraces(map[string]any{"service.name": "pricing"}, map[string]any{"http.method": "GET", "password": "pw"})
	want := ptrace.NewTraces()
	td.CopyTo(want)
	out := h.processTraces(td)
	assert.Equal(t, want, out)
	assert.EqualValues(t, 1, h.findings(RuleDeprecated, signalTraces))
	assert.EqualValues(t, 1, h.findings(RuleRedacted, signalTraces))
}
