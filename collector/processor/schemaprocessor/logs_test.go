package schemaprocessor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/seamtel/seam/sdk-go/semconv"
)

func newLogs(resource map[string]any) (plog.Logs, plog.LogRecordSlice) {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	putAttrs(rl.Resource().Attributes(), resource)
	return ld, rl.ScopeLogs().AppendEmpty().LogRecords()
}

func record(rs plog.LogRecordSlice, text string, num plog.SeverityNumber, body string) plog.LogRecord {
	lr := rs.AppendEmpty()
	lr.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000))
	lr.SetSeverityText(text)
	lr.SetSeverityNumber(num)
	lr.Body().SetStr(body)
	return lr
}

func TestCanonicalLogRecordUnchanged(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld, rs := newLogs(serviceResource())
	record(rs, "INFO", semconv.SeverityInfo, "quote served")
	out := h.processLogs(ld)
	assert.Zero(t, h.totalFindings(signalLogs))
	lr := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, "INFO", lr.SeverityText())
	assert.Equal(t, semconv.SchemaURL, out.ResourceLogs().At(0).SchemaUrl())
}

func TestLogLevelRepaired(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld, rs := newLogs(serviceResource())
	record(rs, "warning", 0, "disk almost full")
	record(rs, "", semconv.SeverityError+1, "failed")
	record(rs, "NOTICE", 10, "odd level")
	record(rs, "INFO", semconv.SeverityError, "mismatch")
	out := h.processLogs(ld)
	got := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, "WARN", got.At(0).SeverityText())
	assert.EqualValues(t, semconv.SeverityWarn, got.At(0).SeverityNumber())
	assert.Equal(t, "ERROR", got.At(1).SeverityText(), "from the severity number's range")
	assert.Equal(t, "NOTICE", got.At(2).SeverityText(), "an unknown level is not guessed")
	assert.EqualValues(t, 1, h.findings(RuleForeignSpelling, signalLogs))
	assert.EqualValues(t, 1, h.findings(RuleMissingLogField, signalLogs))
	assert.EqualValues(t, 2, h.findings(RuleInvalidSeverity, signalLogs), "NOTICE, and INFO with an ERROR number")
}

func TestLogTimeAndMessage(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld, rs := newLogs(serviceResource())
	lr := rs.AppendEmpty()
	lr.SetObservedTimestamp(42)
	lr.SetSeverityText("INFO")
	out := h.processLogs(ld)
	got := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.EqualValues(t, 42, got.Timestamp(), "time taken from the observed time")
	assert.EqualValues(t, 2, h.findings(RuleMissingLogField, signalLogs), "time and msg")
}

func TestLogResourceNeedsIdentity(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld, rs := newLogs(map[string]any{"service.name": "legacy"})
	record(rs, "INFO", semconv.SeverityInfo, "one")
	record(rs, "INFO", semconv.SeverityInfo, "two")
	h.processLogs(ld)
	assert.EqualValues(t, 1, h.findingsFor(RuleRequiredAttributeNotPresent, signalLogs, "legacy"), "seam.impl, once per resource")
}

func TestLogBodyRedacted(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld, rs := newLogs(serviceResource())
	record(rs, "INFO", semconv.SeverityInfo, "charged card 4111 1111 1111 1111 for order 12")
	lr := rs.AppendEmpty()
	lr.SetTimestamp(1)
	lr.SetSeverityText("INFO")
	putAttrs(lr.Body().SetEmptyMap(), map[string]any{"msg": "token ghp_" + strings.Repeat("a", 36), "client_secret": "abc", "order": int64(12)})
	lr.Attributes().PutStr("http.request.header.cookie", "session=1")

	out := h.processLogs(ld)
	got := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	assert.Equal(t, "charged card [REDACTED:card] for order 12", got.At(0).Body().Str())
	assert.Equal(t, map[string]any{"msg": "token [REDACTED:github_token]", "client_secret": semconv.RedactionReplacement, "order": int64(12)}, got.At(1).Body().AsRaw())
	cookie, _ := got.At(1).Attributes().Get("http.request.header.cookie")
	assert.Equal(t, semconv.RedactionReplacement, cookie.Str())
	assert.EqualValues(t, 4, h.findings(RuleRedacted, signalLogs))
}

func TestLogReportModeChangesNothing(t *testing.T) {
	h := newHarness(t, ModeReport)
	ld, rs := newLogs(map[string]any{"service_name": "legacy"})
	record(rs, "warning", 0, "password=hunter2 Bearer abcdef")
	want := plog.NewLogs()
	ld.CopyTo(want)
	out := h.processLogs(ld)
	assert.Equal(t, want, out)
	assert.Positive(t, h.findings(RuleRedacted, signalLogs))
	assert.Positive(t, h.findings(RuleForeignSpelling, signalLogs))
}
