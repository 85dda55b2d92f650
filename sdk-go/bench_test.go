package seam

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	slogmulti "github.com/samber/slog-multi"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/pipeline"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// The benchmarks run Seam as Start sets it up next to the raw upstream
// equivalent on the very same providers, in the same run. The collector is
// down, so the SDK's export queues drop what reaches them after the SDK
// has done its work: the measurement is the path a call takes, not the
// export, for Seam and upstream alike.

func startForBench(b *testing.B, cfg Config) *Telemetry {
	b.Helper()
	cfg.ServiceName = "pricing"
	if cfg.LogWriter == nil {
		cfg.LogWriter = io.Discard
	}
	cfg.RuntimeMetrics.Disabled = true // no background reads in the measurement
	return startForTest(b, cfg)
}

// benchContext is a request context as a service has it: inside a span,
// carrying a correlation ID.
func benchContext(tel *Telemetry) (context.Context, func()) {
	ctx := WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	ctx, span := tel.TracerProvider().Tracer("bench").Start(ctx, "request")
	return ctx, func() { span.End() }
}

func BenchmarkOperation(b *testing.B) {
	tel := startForBench(b, Config{})
	ctx, done := benchContext(tel)
	defer done()

	b.Run("seam", func(b *testing.B) {
		loopWithCPU(b, func() {
			end := StartOperation(ctx, "checkout.price")
			end(nil)
		})
	})

	// raw: the same span and histogram recording done by hand with
	// precomputed options, the best an upstream caller can do.
	b.Run("raw", func(b *testing.B) {
		tracer := tel.TracerProvider().Tracer("raw")
		hist, err := semconv.NewSeamOperationDuration(tel.MeterProvider().Meter("raw"))
		if err != nil {
			b.Fatal(err)
		}
		attrs := []attribute.KeyValue{semconv.SeamOperation("checkout.price"), semconv.SeamImplGo, semconv.SeamRoleBaseline}
		spanOpts := []trace.SpanStartOption{trace.WithAttributes(attrs...)}
		recordOpts := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
		loopWithCPU(b, func() {
			start := time.Now()
			opCtx, span := tracer.Start(ctx, "checkout.price", spanOpts...)
			hist.Record(opCtx, time.Since(start).Seconds(), recordOpts...)
			span.End()
		})
	})

	// The overhead of Seam's own part, without a span: on a context whose
	// spans are not recorded, the span costs (almost) nothing.
	b.Run("seam_unsampled", func(b *testing.B) {
		uctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1},
		}))
		loopWithCPU(b, func() {
			end := StartOperation(uctx, "checkout.price")
			end(nil)
		})
	})
	b.Run("raw_unsampled", func(b *testing.B) {
		uctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1},
		}))
		tracer := tel.TracerProvider().Tracer("raw")
		hist, _ := semconv.NewSeamOperationDuration(tel.MeterProvider().Meter("raw"))
		attrs := []attribute.KeyValue{semconv.SeamOperation("checkout.price"), semconv.SeamImplGo, semconv.SeamRoleBaseline}
		spanOpts := []trace.SpanStartOption{trace.WithAttributes(attrs...)}
		recordOpts := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
		loopWithCPU(b, func() {
			start := time.Now()
			opCtx, span := tracer.Start(uctx, "checkout.price", spanOpts...)
			hist.Record(opCtx, time.Since(start).Seconds(), recordOpts...)
			span.End()
		})
	})
}

// logArgs are a typical call's attributes.
func logCall(ctx context.Context, l *slog.Logger) {
	l.InfoContext(ctx, "quote computed",
		"seam.operation", "checkout.price",
		"http.response.status_code", 200,
		"cache.hit", true,
		"discount.ratio", 0.125,
	)
}

func BenchmarkLog(b *testing.B) {
	tel := startForBench(b, Config{})
	ctx, done := benchContext(tel)
	defer done()

	// seam: redaction, then the canonical line with trace_id, span_id and
	// seam.correlation_id, written in the same pass as the record encoded
	// as OTLP and queued for export, whose export queue drops it (the
	// collector is down; counted), or, while that queue is full and
	// dropping, counted as dropped without being encoded.
	b.Run("seam", func(b *testing.B) {
		benchSeamLog(b, tel, ctx)
	})
	// seam_exported: the same, every record exported over OTLP/HTTP to a
	// receiver in this process that reads each request and answers 200
	// without decoding it: assembling and sending each request are in
	// cpu-ns/op too, with the receiver's read.
	b.Run("seam_exported", func(b *testing.B) {
		exported := startForBench(b, Config{Endpoint: discardingEndpoint(b)})
		benchSeamLog(b, exported, ctx)
	})
	// seam_exported_with: the same through a logger given an attribute
	// with With, as a service's components log.
	b.Run("seam_exported_with", func(b *testing.B) {
		exported := startForBench(b, Config{Endpoint: discardingEndpoint(b)})
		benchSeamLog(b, exported, ctx, "component", "quotes")
	})
	// slog_json_otelslog: what a service would assemble from upstream
	// parts for the same outputs: slog's JSON handler and the otelslog
	// bridge under slog-multi, on the same log SDK (no redaction, no
	// correlation field).
	b.Run("slog_json_otelslog", func(b *testing.B) {
		l := slog.New(slogmulti.Fanout(
			slog.NewJSONHandler(io.Discard, nil),
			otelslog.NewHandler("raw", otelslog.WithLoggerProvider(tel.LoggerProvider())),
		))
		loopWithCPU(b, func() {
			logCall(ctx, l)
		})
	})
	// slog_json: the standard library's JSON handler alone, no
	// correlation, no redaction, no OpenTelemetry.
	b.Run("slog_json", func(b *testing.B) {
		l := slog.New(slog.NewJSONHandler(io.Discard, nil))
		loopWithCPU(b, func() {
			logCall(ctx, l)
		})
	})
	b.Run("slog_json_with", func(b *testing.B) {
		l := slog.New(slog.NewJSONHandler(io.Discard, nil)).With("component", "quotes")
		loopWithCPU(b, func() {
			logCall(ctx, l)
		})
	})
}

// benchSeamLog logs in a tight loop through tel's logger (given with
// by With, if any), flushes, and reports the records dropped per call: all
// the background work a record causes happens before the CPU time is read.
func benchSeamLog(b *testing.B, tel *Telemetry, ctx context.Context, with ...any) {
	l := tel.Logger()
	if len(with) > 0 {
		l = l.With(with...)
	}
	before := tel.drops.Snapshot()[pipeline.Logs]
	loopWithCPU(b, func() {
		logCall(ctx, l)
	}, func() { _ = tel.ForceFlush(context.Background()) })
	b.ReportMetric(float64(tel.drops.Snapshot()[pipeline.Logs]-before)/float64(b.N), "dropped/op")
}

// discardingEndpoint is an OTLP/HTTP endpoint that reads each request and
// accepts it without decoding it.
func discardingEndpoint(b *testing.B) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkLogParts prices the canonical line alone: the Seam logger with
// its OTLP export switched off.
func BenchmarkLogParts(b *testing.B) {
	b.Setenv("OTEL_LOGS_EXPORTER", "none")
	lineOnly := startForBench(b, Config{})
	ctx, done := benchContext(lineOnly)
	defer done()
	b.Run("seam_line_only", func(b *testing.B) {
		l := lineOnly.Logger() // redaction and the canonical line, no bridge
		loopWithCPU(b, func() {
			logCall(ctx, l)
		})
	})
}

func BenchmarkCorrelationID(b *testing.B) {
	ctx := WithCorrelationID(context.Background(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}}))
	ctx = WithRole(ctx, RoleCandidate)
	b.Run("seam", func(b *testing.B) {
		loopWithCPU(b, func() {
			if CorrelationID(ctx) == "" {
				panic("no ID")
			}
		})
	})
	b.Run("raw_baggage", func(b *testing.B) {
		loopWithCPU(b, func() {
			if baggage.FromContext(ctx).Member(semconv.CorrelationBaggageKey).Value() == "" {
				panic("no ID")
			}
		})
	})
}
