package seam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

type panickyStringer struct{}

func (panickyStringer) String() string { panic("nil receiver") }

// lines parses each written line, failing on invalid JSON.
func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("invalid JSON line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestLoggerAttrsGroupsAndRedaction(t *testing.T) {
	var out bytes.Buffer
	tel := startForTest(t, Config{ServiceName: "pricing", Disabled: true, LogWriter: &out})
	log := tel.Logger().With("api_token", "t0k", "region", "eu").WithGroup("db")
	log.Info("connected to https://bob:s3cr3t@db.example.com/x",
		"password", "p", "host", "h",
		slog.Group("pool", "size", 4, "secret", "s"),
		"err", errors.New("auth Bearer abc.def failed"),
		"cfg", map[string]int{"retries": 3},
		"bad", panickyStringer{},
	)
	got := strings.TrimSpace(out.String())
	want := `"msg":"connected to https://[REDACTED]@db.example.com/x","service.name":"pricing","seam.impl":"go",` +
		`"api_token":"[REDACTED]","region":"eu","db.password":"[REDACTED]","db.host":"h","db.pool.size":4,` +
		`"db.pool.secret":"[REDACTED]","db.err":"auth Bearer [REDACTED] failed","db.cfg":"{\"retries\":3}",` +
		`"db.bad":"!PANIC: nil receiver"}`
	if !strings.HasSuffix(got, want) {
		t.Errorf("line\n got %s\nwant …%s", got, want)
	}
}

// Extra handlers get the record after redaction, with the context's IDs
// as attributes.
func TestExtraHandlersGetIDsAndCleanRecords(t *testing.T) {
	var extra bytes.Buffer
	tel := startForTest(t, Config{
		ServiceName: "pricing", Disabled: true, LogWriter: &bytes.Buffer{},
		LogHandlers: []slog.Handler{slog.NewJSONHandler(&extra, nil)},
	})
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9}, SpanID: trace.SpanID{0x0f}, TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(WithCorrelationID(context.Background(), "corr-1"), sc)
	tel.Logger().InfoContext(ctx, "hello", "user.email", "jane@example.com")
	l := lines(t, &extra)
	if len(l) != 1 {
		t.Fatalf("%d lines", len(l))
	}
	for k, v := range map[string]string{
		"trace_id": sc.TraceID().String(), "span_id": sc.SpanID().String(),
		"seam.correlation_id": "corr-1", "user.email": "[REDACTED]",
	} {
		if l[0][k] != v {
			t.Errorf("extra handler got %s=%v, want %q", k, l[0][k], v)
		}
	}
}

func TestLogLevels(t *testing.T) {
	var out bytes.Buffer
	tel := startForTest(t, Config{ServiceName: "pricing", Disabled: true, LogWriter: &out, LogLevel: slog.LevelWarn})
	log := tel.Logger()
	log.Info("dropped")
	log.Warn("kept")
	if l := lines(t, &out); len(l) != 1 || l[0]["msg"] != "kept" || l[0]["level"] != "WARN" {
		t.Errorf("WARN logger wrote %v", l)
	}

	out.Reset()
	t.Setenv("SEAM_LOG_LEVEL", "trace")
	tel = startForTest(t, Config{ServiceName: "pricing", Disabled: true, LogWriter: &out})
	tel.Logger().Log(context.Background(), LevelTrace, "fine detail")
	tel.Logger().Debug("coarser")
	if l := lines(t, &out); len(l) != 2 || l[0]["level"] != "TRACE" || l[1]["level"] != "DEBUG" {
		t.Errorf("SEAM_LOG_LEVEL=trace wrote %v", l)
	}
}

// Inside groups, the context's IDs stay at the top level, and no key
// repeats at any level (the last value wins).
func TestContextAttrsGroupsAndDuplicates(t *testing.T) {
	var extra bytes.Buffer
	tel := startForTest(t, Config{
		ServiceName: "pricing", Disabled: true, LogWriter: &bytes.Buffer{},
		LogHandlers: []slog.Handler{slog.NewJSONHandler(&extra, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			},
		})},
	})
	ctx := WithCorrelationID(context.Background(), "corr-1")
	log := tel.Logger().With("a", 1, "a", 2).WithGroup("g").With("b", 3)
	log.InfoContext(ctx, "m", "c", 4, "c", 5, "b", 6, slog.Group("h", "x", 1, "x", 2))
	log.WithGroup("empty").InfoContext(ctx, "n")
	tel.Logger().InfoContext(ctx, "o", "seam.correlation_id", "spoofed")
	want := `{"level":"INFO","msg":"m","a":2,"g":{"b":6,"c":5,"h":{"x":2}},"seam.correlation_id":"corr-1"}
{"level":"INFO","msg":"n","a":2,"g":{"b":3},"seam.correlation_id":"corr-1"}
{"level":"INFO","msg":"o","seam.correlation_id":"corr-1"}
`
	if got := extra.String(); got != want {
		t.Errorf("extra handler wrote\n%s\nwant\n%s", got, want)
	}
}
