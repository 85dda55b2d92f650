package seam

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/loghandler"
	"github.com/seamtel/seam/sdk-go/redact"
)

const conformanceDir = "../schema/testdata/conformance/"

type logCase struct {
	Name   string `json:"name"`
	Record struct {
		TimeUnixNano  int64  `json:"time_unix_nano"`
		Level         string `json:"level"`
		Msg           string `json:"msg"`
		ServiceName   string `json:"service_name"`
		Impl          string `json:"impl"`
		TraceID       string `json:"trace_id"`
		SpanID        string `json:"span_id"`
		CorrelationID string `json:"correlation_id"`
		Attributes    []struct {
			Key      string          `json:"key"`
			Type     string          `json:"type"`
			Value    json.RawMessage `json:"value"`
			ValueB64 string          `json:"value_b64"`
		} `json:"attributes"`
	} `json:"record"`
	Line string `json:"line"`
}

func loadLogCases(t testing.TB) []logCase {
	t.Helper()
	raw, err := os.ReadFile(conformanceDir + "logs.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []logCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) == 0 {
		t.Fatal("logs.json has no cases")
	}
	return doc.Cases
}

// record turns a conformance case into what a Go caller would log: a
// context carrying the span and correlation ID, and a slog record.
func (c *logCase) record(t testing.TB) (context.Context, slog.Record) {
	t.Helper()
	r := c.Record
	ctx := context.Background()
	if r.TraceID != "" {
		var tid trace.TraceID
		var sid trace.SpanID
		mustHex(t, tid[:], r.TraceID)
		mustHex(t, sid[:], r.SpanID)
		ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled,
		}))
	}
	if r.CorrelationID != "" {
		ctx = WithCorrelationID(ctx, r.CorrelationID)
	}
	level, err := ParseLevel(r.Level)
	if err != nil {
		t.Fatal(err)
	}
	rec := slog.NewRecord(time.Unix(0, r.TimeUnixNano), level, r.Msg, 0)
	for _, a := range r.Attributes {
		rec.AddAttrs(slog.Attr{Key: a.Key, Value: attrValue(t, a.Type, a.Value, a.ValueB64)})
	}
	return ctx, rec
}

func attrValue(t testing.TB, typ string, raw json.RawMessage, b64 string) slog.Value {
	t.Helper()
	switch typ {
	case "string":
		if b64 != "" {
			b, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				t.Fatal(err)
			}
			return slog.StringValue(string(b))
		}
		var s string
		mustJSON(t, raw, &s)
		return slog.StringValue(s)
	case "int":
		// Integers exceed 2^53: parse the literal, not a float64.
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return slog.Int64Value(n)
	case "bool":
		var b bool
		mustJSON(t, raw, &b)
		return slog.BoolValue(b)
	case "double":
		var s string
		if json.Unmarshal(raw, &s) == nil {
			switch s {
			case "NaN":
				return slog.Float64Value(math.NaN())
			case "+Inf":
				return slog.Float64Value(math.Inf(1))
			case "-Inf":
				return slog.Float64Value(math.Inf(-1))
			}
			t.Fatalf("bad double %q", s)
		}
		var f float64
		mustJSON(t, raw, &f)
		return slog.Float64Value(f)
	}
	t.Fatalf("unknown attribute type %q", typ)
	return slog.Value{}
}

func mustHex(t testing.TB, dst []byte, s string) {
	t.Helper()
	if _, err := hex.Decode(dst, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t testing.TB, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// conformanceLogger is the SDK's own handler chain (redaction, then the
// canonical writer) for one case's service and implementation.
func conformanceLogger(out *bytes.Buffer, service, impl string) slog.Handler {
	json := loghandler.NewJSON(out, LevelTrace, service, impl)
	return loghandler.NewRedacting(redact.Default(), LevelTrace, json)
}

// Every conformance record renders to exactly its line, redaction included.
func TestLogLineConformance(t *testing.T) {
	for _, c := range loadLogCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			var out bytes.Buffer
			h := conformanceLogger(&out, c.Record.ServiceName, c.Record.Impl)
			ctx, rec := c.record(t)
			if err := h.Handle(ctx, rec); err != nil {
				t.Fatal(err)
			}
			if got, want := out.String(), c.Line+"\n"; got != want {
				t.Errorf("line mismatch\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// The logger Start returns writes the same lines: the fan-out, the
// OpenTelemetry bridge and extra sinks change nothing in them.
func TestStartedLoggerWritesConformanceLines(t *testing.T) {
	for _, c := range loadLogCases(t) {
		if c.Record.Impl != "go" {
			continue // the Go SDK writes seam.impl=go
		}
		t.Run(c.Name, func(t *testing.T) {
			var out bytes.Buffer
			tel := startForTest(t, Config{
				ServiceName: c.Record.ServiceName,
				LogWriter:   &out,
				LogLevel:    LevelTrace,
				LogHandlers: []slog.Handler{slog.NewJSONHandler(&bytes.Buffer{}, nil)},
			})
			ctx, rec := c.record(t)
			if err := tel.Logger().Handler().Handle(ctx, rec); err != nil {
				t.Fatal(err)
			}
			if got, want := out.String(), c.Line+"\n"; got != want {
				t.Errorf("line mismatch\n got: %s\nwant: %s", got, want)
			}
		})
	}
}
