package schemaprocessor

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	seamschema "github.com/seamtel/seam/schema"
	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// secretShape is a value that must not leave the collector: secret is the
// part that must be gone from the output.
type secretShape struct {
	name, key, value, secret string
}

func secretCorpus() []secretShape {
	ghBody := strings.Repeat("A1b2", 9) // 36 characters
	return []secretShape{
		{"bearer header", "note", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9"},
		{"bearer lower case", "note", "bearer 0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"},
		{"bearer opaque with padding", "note", "sent Bearer dGhpcyBpcyBzZWNyZXQ== upstream", "dGhpcyBpcyBzZWNyZXQ=="},
		{"basic auth", "note", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="},
		{"basic auth lower case", "note", "basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l"},
		{"jwt", "note", "token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"},
		{"jwt in url", "url.full", "https://x.test/cb?id_token=eyJraWQiOiJhYmMifQ.eyJpc3MiOiJodHRwcyJ9.c2lnbmF0dXJlX2J5dGVz", "eyJpc3MiOiJodHRwcyJ9"},
		{"aws access key AKIA", "note", "key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"},
		{"aws access key ASIA", "note", "ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A"},
		{"aws access key ABIA", "note", "creds=ABIA1234567890ABCDEF", "ABIA1234567890ABCDEF"},
		{"aws access key ACCA", "note", "(ACCA1234567890ABCDEF)", "ACCA1234567890ABCDEF"},
		{"rsa private key", "note", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "BEGIN RSA PRIVATE KEY"},
		{"ec private key", "note", "-----BEGIN EC PRIVATE KEY-----", "BEGIN EC PRIVATE KEY"},
		{"pkcs8 private key", "note", "-----BEGIN PRIVATE KEY-----", "BEGIN PRIVATE KEY"},
		{"openssh private key", "note", "-----BEGIN OPENSSH PRIVATE KEY-----", "BEGIN OPENSSH PRIVATE KEY"},
		{"github personal token", "note", "ghp_" + ghBody, "ghp_" + ghBody},
		{"github oauth token", "note", "gho_" + ghBody, "gho_" + ghBody},
		{"github user token", "note", "ghu_" + ghBody, "ghu_" + ghBody},
		{"github server token", "note", "ghs_" + ghBody, "ghs_" + ghBody},
		{"github refresh token", "note", "ghr_" + ghBody, "ghr_" + ghBody},
		{"slack bot token", "note", "xoxb-123456789012-abcdefABCDEF", "xoxb-123456789012-abcdefABCDEF"},
		{"slack user token", "note", "xoxp-1234567890-0987654321", "xoxp-1234567890-0987654321"},
		{"slack app token", "note", "xoxa-2-abcdefghijklmnop", "xoxa-2-abcdefghijklmnop"},
		{"visa", "note", "card 4111111111111111 charged", "4111111111111111"},
		{"visa spaced", "note", "4111 1111 1111 1111", "4111 1111 1111 1111"},
		{"mastercard dashed", "note", "5500-0055-5555-5559", "5500-0055-5555-5559"},
		{"amex", "note", "amex 378282246310005", "378282246310005"},
		{"postgres url credentials", "db.connection_string", "postgres://app:hunter2@db:5432/shop", "hunter2"},
		{"https url credentials", "url.full", "https://deploy:t0p-s3cret@git.example.com/repo.git", "t0p-s3cret"},
		{"redis url credentials", "note", "redis://default:sup3rpass@cache:6379/0", "sup3rpass"},
		{"sensitive attribute user.email", "user.email", "jo@example.com", "jo@example.com"},
		{"sensitive attribute authorization header", "http.request.header.authorization", "Token abc123", "abc123"},
		{"sensitive attribute cookie", "http.request.header.cookie", "session=abcd; theme=dark", "session=abcd"},
		{"key pattern password", "db.password", "correct horse battery staple", "correct horse"},
		{"key pattern passwd", "PASSWD", "letmein", "letmein"},
		{"key pattern token", "x-auth-token", "opaque-value-1", "opaque-value-1"},
		{"key pattern secret", "client_secret", "s3", "s3"},
		{"key pattern api_key", "stripe.api_key", "sk_live_abc", "sk_live_abc"},
		{"key pattern apikey", "ApiKey", "k1", "k1"},
		{"key pattern credential", "aws.credentials", "x", "x"},
		{"key pattern private_key", "tls.private_key", "pem", "pem"},
	}
}

func TestRedactionCorpus(t *testing.T) {
	corpus := secretCorpus()
	require.GreaterOrEqual(t, len(corpus), 30)
	h := newHarness(t, ModeEnforce)
	td, span := newTraces(map[string]any{"service.name": "checkout"}, nil)
	for i, c := range corpus {
		// Each shape under its own key, so one cannot hide another.
		key := c.key
		if key == "note" || key == "url.full" || key == "db.connection_string" {
			key = fmt.Sprintf("%s.%d", c.key, i)
		}
		span.Attributes().PutStr(key, c.value)
		corpus[i].key = key
	}
	out := h.processTraces(td)
	attrs := out.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	for _, c := range corpus {
		v, ok := attrs.Get(c.key)
		require.True(t, ok, c.name)
		assert.NotContains(t, v.Str(), c.secret, "%s: %q was not redacted", c.name, c.value)
	}
	assert.EqualValues(t, len(corpus), h.findings(RuleRedacted, signalTraces))
}

// TestNoFalseRedactionOfSchemaExamples: the schema's own examples are
// ordinary values; none may be mistaken for a secret, except those of
// attributes the schema marks sensitive.
func TestNoFalseRedactionOfSchemaExamples(t *testing.T) {
	reg, err := seamschema.Load()
	require.NoError(t, err)
	h := newHarness(t, ModeEnforce)
	td, span := newTraces(map[string]any{"service.name": "checkout"}, nil)
	type example struct{ key, value string }
	var examples []example
	for _, a := range reg.Attributes {
		if a.Sensitivity != "" {
			continue
		}
		for i, e := range a.Examples {
			s, ok := e.(string)
			if !ok {
				continue
			}
			key := fmt.Sprintf("example.%s.%d", a.ID, i)
			span.Attributes().PutStr(key, s)
			examples = append(examples, example{key, s})
		}
	}
	require.NotEmpty(t, examples)
	out := h.processTraces(td)
	attrs := out.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	for _, e := range examples {
		v, _ := attrs.Get(e.key)
		assert.Equal(t, e.value, v.Str(), "schema example of %s", e.key)
	}
	assert.Zero(t, h.findings(RuleRedacted, signalTraces))
}

// vectorCase is one case of the redaction vectors both SDKs pass.
type vectorCase struct{ Key, Value, Want string }

// nameVectors returns the shared vectors that the value patterns decide:
// what a name, which has no key, must become.
func nameVectors(t *testing.T) []vectorCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "schema", "testdata", "parity", "redaction.json"))
	require.NoError(t, err)
	var file struct{ Cases []vectorCase }
	require.NoError(t, json.Unmarshal(raw, &file))
	var cases []vectorCase
	for _, c := range file.Cases {
		if c.Value != "" && !redact.Default().Key(c.Key) {
			cases = append(cases, c)
		}
	}
	require.Greater(t, len(cases), 80)
	return cases
}

// Span names and span event names are scanned as values are: one span per
// shared vector, named by it, with one event named by it.
func TestSpanAndEventNamesRedacted(t *testing.T) {
	cases := nameVectors(t)
	for _, mode := range []Mode{ModeEnforce, ModeReport} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, mode)
			td, _ := newTraces(map[string]any{"service.name": "checkout"}, nil)
			spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
			spans.RemoveIf(func(ptrace.Span) bool { return true })
			changed := 0
			for _, c := range cases {
				s := spans.AppendEmpty()
				s.SetName(c.Value)
				s.Events().AppendEmpty().SetName(c.Value)
				if c.Want != c.Value {
					changed++
				}
			}
			out := h.processTraces(td).ResourceSpans().At(0).ScopeSpans().At(0).Spans()
			require.Equal(t, len(cases), out.Len())
			for i, c := range cases {
				want := c.Want
				if mode == ModeReport {
					want = c.Value
				}
				assert.Equal(t, want, out.At(i).Name(), "span named %q", c.Value)
				assert.Equal(t, want, out.At(i).Events().At(0).Name(), "event named %q", c.Value)
			}
			assert.EqualValues(t, 2*changed, h.findings(RuleRedacted, signalTraces))
		})
	}
}

// A log record's event name is scanned too, and the findings never name a
// record by its secret.
func TestLogEventNameRedacted(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	ld, rs := newLogs(serviceResource())
	record(rs, "INFO", semconv.SeverityInfo, "signed in").SetEventName("login alice@example.com")
	out := h.processLogs(ld)
	assert.Equal(t, "login [REDACTED:email]", out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).EventName())
	assert.EqualValues(t, 1, h.findings(RuleRedacted, signalLogs))
}

// Exemplars' filtered attributes (what a view dropped from the point) are
// redacted in every metric, in the schema or not.
func TestExemplarFilteredAttributesRedacted(t *testing.T) {
	for _, mode := range []Mode{ModeEnforce, ModeReport} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, mode)
			md, ms := newMetrics(serviceResource())
			dp := addHistogram(ms, semconv.SeamOperationDurationName, "s", semconv.LatencyBoundaries, counts(len(semconv.LatencyBoundaries)), operationAttrs())
			putAttrs(dp.Exemplars().AppendEmpty().FilteredAttributes(), map[string]any{
				"db.password": "hunter2", "db.query.text": "SELECT 1 -- token=abc123", "http.route": "/quote",
			})
			sum := addSum(ms, "app.logins", "{login}", true, map[string]any{"outcome": "ok"})
			putAttrs(sum.Sum().DataPoints().At(0).Exemplars().AppendEmpty().FilteredAttributes(), map[string]any{
				"user.email": "alice@example.com", "note": "mail bob@example.com",
			})

			out := h.processMetrics(md)
			hist, ok := findMetric(t, out, semconv.SeamOperationDurationName)
			require.True(t, ok)
			logins, ok := findMetric(t, out, "app.logins")
			require.True(t, ok)
			gotHist := hist.Histogram().DataPoints().At(0).Exemplars().At(0).FilteredAttributes().AsRaw()
			gotSum := logins.Sum().DataPoints().At(0).Exemplars().At(0).FilteredAttributes().AsRaw()
			if mode == ModeReport {
				assert.Equal(t, "hunter2", gotHist["db.password"])
				assert.Equal(t, "alice@example.com", gotSum["user.email"])
			} else {
				assert.Equal(t, map[string]any{
					"db.password": semconv.RedactionReplacement, "db.query.text": "SELECT 1 -- token=[REDACTED]", "http.route": "/quote",
				}, gotHist)
				assert.Equal(t, map[string]any{
					"user.email": semconv.RedactionReplacement, "note": "mail [REDACTED:email]",
				}, gotSum)
			}
			assert.EqualValues(t, 4, h.findings(RuleRedacted, signalMetrics))
		})
	}
}
