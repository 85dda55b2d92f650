package loghandler_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/seamtel/seam/sdk-go/internal/correlation"
	"github.com/seamtel/seam/sdk-go/internal/loghandler"
	"github.com/seamtel/seam/sdk-go/internal/loglevel"
	"github.com/seamtel/seam/sdk-go/internal/otlplog"
	"github.com/seamtel/seam/sdk-go/seamtest"
)

// records keeps what an encoding bridge writes.
type records [][]byte

func (r *records) WriteRecord(b []byte) { *r = append(*r, bytes.Clone(b)) }

// TestEncodingBridgeSendsWhatTheSDKBridgeSends logs the same records
// through the bridge into the log SDK (exported by the SDK's OTLP/HTTP
// exporter) and through the encoding bridge (its records assembled into
// one request by otlplog.Request), each to a real OTLP receiver, and
// requires what arrives to be equal message for message.
func TestEncodingBridgeSendsWhatTheSDKBridgeSends(t *testing.T) {
	ctx := context.Background()
	res := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0",
		attribute.String("service.name", "pricing"),
		attribute.Int64("n", 3),
		attribute.Bool("b", true),
		attribute.Float64("f", 1.5),
		attribute.StringSlice("ss", []string{"a", "b"}),
		attribute.Int64Slice("is", []int64{1, -2}),
	)
	scope := instrumentation.Scope{Name: "github.com/seamtel/seam/sdk-go", Version: "1.2.3", SchemaURL: "https://opentelemetry.io/schemas/1.26.0"}

	viaSDK := seamtest.NewReceiver(t)
	exp, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(viaSDK.URL()+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithAllowKeyDuplication(),
		sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, sdklog.WithExportInterval(time.Hour))))
	var encoded records
	for _, h := range []slog.Handler{loghandler.NewBridge(lp, scope, nil), loghandler.NewEncodingBridge(&encoded, nil)} {
		logEveryShape(t, h)
	}
	if err := lp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	direct := seamtest.NewReceiver(t)
	body := otlplog.NewRequest(res, scope).Append(nil, encoded)
	resp, err := http.Post(direct.URL()+"/v1/logs", "application/x-protobuf", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("receiver answered %s to the encoded request", resp.Status)
	}

	want, got := viaSDK.ResourceLogs(), direct.ResourceLogs()
	if len(want) != 1 || len(got) != 1 {
		t.Fatalf("%d ResourceLogs via the SDK, %d encoded; want 1 each", len(want), len(got))
	}
	wantRecs, gotRecs := want[0].ScopeLogs[0].LogRecords, got[0].ScopeLogs[0].LogRecords
	if len(wantRecs) == 0 || len(gotRecs) != len(wantRecs) {
		t.Fatalf("%d records encoded, %d via the SDK", len(gotRecs), len(wantRecs))
	}
	for i := range wantRecs {
		if !proto.Equal(gotRecs[i], wantRecs[i]) {
			t.Errorf("record %d:\nencoded  %v\nvia SDK  %v", i, gotRecs[i], wantRecs[i])
		}
	}
	strip := func(rl *logspb.ResourceLogs) *logspb.ResourceLogs {
		c := proto.Clone(rl).(*logspb.ResourceLogs)
		c.ScopeLogs[0].LogRecords = nil
		return c
	}
	if !proto.Equal(strip(got[0]), strip(want[0])) {
		t.Errorf("resource and scope:\nencoded  %v\nvia SDK  %v", strip(got[0]), strip(want[0]))
	}
}

// logEveryShape hands h the same records every time: each value kind,
// levels, With attributes and groups, a correlation ID, and a sampled,
// an unsampled and no span.
func logEveryShape(t *testing.T, h slog.Handler) {
	t.Helper()
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	sampled := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5}, TraceFlags: trace.FlagsSampled,
	}))
	unsampled := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{9}, SpanID: trace.SpanID{8},
	}))
	withID := correlation.With(sampled, "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	long := string(bytes.Repeat([]byte("x"), 300)) // past a one-byte length
	kinds := []slog.Attr{
		slog.String("s", "v"), slog.String("empty", ""), slog.String("long", long),
		slog.Int("i", -3), slog.Uint64("u", 7), slog.Uint64("big", math.MaxUint64),
		slog.Bool("b", true), slog.Bool("f", false), slog.Float64("x", 0.5),
		slog.Duration("d", 1500*time.Millisecond), slog.Time("t", at),
		slog.Group("g", slog.String("k", "x"), slog.Attr{}, slog.Group("inner", slog.Int("deep", 1)), slog.String("a", "first"), slog.String("a", "last")),
		slog.Group("", slog.Int("inlined", 1)), slog.Attr{},
	}
	handle := func(h slog.Handler, ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
		r := slog.NewRecord(at, level, msg, 0)
		r.AddAttrs(attrs...)
		if err := h.Handle(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	handle(h, sampled, slog.LevelInfo, "quote computed", kinds...)
	handle(h, unsampled, slog.LevelWarn, "")
	handle(h, context.Background(), loglevel.Trace, "no span", slog.Int("n", 1))
	handle(h, withID, slog.LevelError, "with correlation", slog.String("k", "v"))
	handle(h, withID, slog.LevelDebug, long, slog.String("k", "first"), slog.String("k", "last"))
	grouped := h.WithAttrs([]slog.Attr{slog.String("svc", "a")}).WithGroup("req").WithAttrs([]slog.Attr{slog.Int("id", 7)})
	handle(grouped, withID, slog.LevelInfo, "grouped", slog.String("path", "/q"), slog.Int("id", 8))
	// Past the SDK's attribute limit (128), under With attributes and a
	// correlation ID: the first ones kept, the rest counted as dropped.
	many := make([]slog.Attr, 130)
	for i := range many {
		many[i] = slog.Int(fmt.Sprintf("a%03d", i), i)
	}
	handle(h.WithAttrs([]slog.Attr{slog.String("svc", "a")}), withID, slog.LevelInfo, "many", many...)
	handle(h, context.Background(), slog.LevelInfo, "exactly the limit", many[:128]...)
}
