//go:build seamffi

package ffitest

import (
	"github.com/seamtel/seam/sdk-go/seamtest"

	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/boundary"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// TestTelemetryCrossesTheBoundary calls Rust under Go spans, shuts the Rust
// pipeline down (which flushes it), and reads what Rust exported to the OTLP
// server: the Rust span continues the Go trace, and seam.boundary.panics
// counted every panic. It shuts the pipeline down, so it is the last test.
func TestTelemetryCrossesTheBoundary(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	panicking := newFunc(t, "testlib.panic", entryPanic, boundary.FuncOptions[Input, Output]{})

	// A sampled Go span with a tracestate and a correlation id.
	ts, err := trace.ParseTraceState("vendor=go")
	if err != nil {
		t.Fatal(err)
	}
	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: true,
	})
	ctx := seam.WithCorrelationID(trace.ContextWithRemoteSpanContext(context.Background(), remote), "corr-trace")
	ctx, goSpan := goTracer.Start(ctx, "go.caller")
	in, out := newInput(2, 0), Output{}
	if err := double.Call(ctx, &in, &out); err != nil {
		t.Fatal(err)
	}
	whoami := newFunc(t, "testlib.whoami", entryWhoami, boundary.FuncOptions[Input, Output]{})
	var inChild Output
	if err := whoami.Call(ctx, &in, &inChild); err != nil {
		t.Fatal(err)
	}
	whoamiInParent := newFunc(t, "testlib.whoami_in_parent", entryWhoamiInParent, boundary.FuncOptions[Input, Output]{})
	var inParent Output
	if err := whoamiInParent.Call(ctx, &in, &inParent); err != nil {
		t.Fatal(err)
	}
	logging := newFunc(t, "testlib.log", entryLog, boundary.FuncOptions[Input, Output]{})
	if err := logging.Call(ctx, &in, &out); err != nil {
		t.Fatal(err)
	}
	goSpan.End()
	// Logs from calls with a bound context, under a Go span of their own.
	boundCtx, boundSpan := goTracer.Start(seam.WithCorrelationID(context.Background(), "corr-bound"), "go.bound_caller")
	bound := boundary.Bind(boundCtx)
	for range 2 {
		if err := logging.CallBound(bound, &in, &out); err != nil {
			t.Fatal(err)
		}
	}
	boundSpan.End()
	caller := goSpan.SpanContext()
	callerTrace, callerSpan := caller.TraceID(), caller.SpanID()

	// An unsampled Go span: Rust keeps the decision and records nothing.
	unsampledCtx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01},
		SpanID:  trace.SpanID{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08},
	}))
	if err := double.Call(unsampledCtx, &in, &out); err != nil {
		t.Fatal(err)
	}

	// Two more panics on top of those the other tests caused.
	for range 2 {
		panicsCaused.Add(1)
		if err := panicking.Call(ctx, &in, &out); !errors.Is(err, boundary.ErrPanic) {
			t.Fatalf("err = %v, want ErrPanic", err)
		}
	}

	if err := boundary.Shutdown(10 * time.Second); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	t.Run("rust span continues the go trace", func(t *testing.T) {
		var rust *seamtest.Span
		for _, s := range otlp.Spans() {
			if s.Name == "testlib.double" && bytes.Equal(s.TraceId, callerTrace[:]) {
				rust = &s
			}
			if bytes.Equal(s.TraceId, unsampledCtxTraceID(unsampledCtx)) {
				t.Errorf("span %q exported under an unsampled parent", s.Name)
			}
		}
		if rust == nil {
			t.Fatalf("no Rust span testlib.double in trace %s; got %d spans", caller.TraceID(), len(otlp.Spans()))
		}
		if !bytes.Equal(rust.ParentSpanId, callerSpan[:]) {
			t.Errorf("parent span id = %x, want the Go span %s", rust.ParentSpanId, caller.SpanID())
		}
		if rust.TraceState != "vendor=go" {
			t.Errorf("trace state = %q, want vendor=go", rust.TraceState)
		}
		if rust.Kind != tracepb.Span_SPAN_KIND_SERVER {
			t.Errorf("kind = %v, want server", rust.Kind)
		}
		attrs := seamtest.Attrs(rust.Attributes)
		for k, want := range map[string]string{
			string(semconv.SeamOperationKey):     "testlib.double",
			string(semconv.SeamBoundaryKindKey):  "ffi",
			string(semconv.SeamImplKey):          "rust",
			string(semconv.SeamCorrelationIDKey): "corr-trace",
		} {
			if attrs[k] != want {
				t.Errorf("span attribute %s = %q, want %q", k, attrs[k], want)
			}
		}
		for k, want := range map[string]string{
			string(semconv.ServiceNameKey):          "ffitest",
			string(semconv.TelemetrySDKLanguageKey): "rust",
			string(semconv.SeamImplKey):             "rust",
		} {
			if rust.Resource[k] != want {
				t.Errorf("resource %s = %q, want %q", k, rust.Resource[k], want)
			}
		}
	})

	t.Run("the body runs in the rust span, or in the go span without one", func(t *testing.T) {
		var child *seamtest.Span
		for _, s := range otlp.Spans() {
			switch s.Name {
			case "testlib.whoami":
				child = &s
			case "testlib.whoami_in_parent":
				t.Errorf("call_in_parent exported a span of its own")
			}
		}
		if child == nil {
			t.Fatal("no testlib.whoami span exported")
		}
		traceID, spanID := outputIDs(&inChild)
		if traceID != callerTrace || !bytes.Equal(spanID[:], child.SpanId) || !bytes.Equal(child.ParentSpanId, callerSpan[:]) {
			t.Errorf("call: body ran in %s/%s, want the exported child %x (parent %x) in trace %s",
				traceID, spanID, child.SpanId, child.ParentSpanId, callerTrace)
		}
		traceID, spanID = outputIDs(&inParent)
		if traceID != callerTrace || spanID != callerSpan {
			t.Errorf("call_in_parent: body ran in %s/%s, want the Go span %s/%s", traceID, spanID, callerTrace, callerSpan)
		}
	})

	t.Run("rust logs carry the go trace and the rust span", func(t *testing.T) {
		checkBodyLogs(t, callerTrace, "corr-trace", 1)
	})

	t.Run("rust logs through a bound context carry its trace and correlation id", func(t *testing.T) {
		checkBodyLogs(t, boundSpan.SpanContext().TraceID(), "corr-bound", 2)
	})

	t.Run("panicking span is an error", func(t *testing.T) {
		for _, s := range otlp.Spans() {
			if s.Name != "testlib.panic" || !bytes.Equal(s.TraceId, callerTrace[:]) {
				continue
			}
			if s.Status.GetCode() != tracepb.Status_STATUS_CODE_ERROR || seamtest.Attrs(s.Attributes)[string(semconv.ErrorTypeKey)] != "panic" {
				t.Errorf("panicking span: status %v, attributes %v", s.Status, seamtest.Attrs(s.Attributes))
			}
			return
		}
		t.Error("no testlib.panic span exported")
	})

	t.Run("panics are counted", func(t *testing.T) {
		var total int64
		ms := otlp.Metrics(semconv.SeamBoundaryPanicsName)
		if len(ms) == 0 {
			t.Fatalf("%s was not exported", semconv.SeamBoundaryPanicsName)
		}
		for _, m := range ms {
			if m.Unit != semconv.SeamBoundaryPanicsUnit {
				t.Errorf("unit = %q, want %q", m.Unit, semconv.SeamBoundaryPanicsUnit)
			}
			sum := m.GetSum()
			if sum == nil || !sum.IsMonotonic || sum.AggregationTemporality != metricpb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE {
				t.Fatalf("%s is not a cumulative monotonic sum: %v", m.Name, m.Data)
			}
			for _, dp := range sum.DataPoints {
				attrs := map[string]string{}
				for _, kv := range dp.Attributes {
					attrs[kv.Key] = kv.GetValue().GetStringValue()
				}
				if attrs[string(semconv.SeamOperationKey)] != "testlib.panic" || attrs[string(semconv.SeamBoundaryKindKey)] != "ffi" {
					t.Errorf("panic counted with attributes %v", attrs)
				}
				total = max(total, dp.GetAsInt())
			}
		}
		if want := panicsCaused.Load(); total != want {
			t.Errorf("%s = %d, want %d", semconv.SeamBoundaryPanicsName, total, want)
		}
	})
}

// TestRustAllocationsAreExported needs the pipeline flushed, like the test
// above, and so runs after it.
func TestRustAllocationsAreExported(t *testing.T) {
	for _, name := range []string{semconv.SeamRustMemoryAllocatedName, semconv.SeamRustMemoryAllocationsName, semconv.SeamRustMemoryUsedName} {
		ms := otlp.Metrics(name)
		if len(ms) == 0 {
			t.Errorf("%s was not exported from the staticlib's counting allocator", name)
			continue
		}
		var peak int64
		for _, m := range ms {
			for _, dp := range m.GetSum().GetDataPoints() {
				peak = max(peak, dp.GetAsInt())
			}
		}
		if peak <= 0 {
			t.Errorf("%s = %d, want > 0", name, peak)
		}
	}
}

// checkBodyLogs checks that testlib.log wrote n records in trace traceID,
// each in one of that trace's testlib.log spans and with correlationID.
func checkBodyLogs(t *testing.T, traceID trace.TraceID, correlationID string, n int) {
	t.Helper()
	logSpans := map[string]bool{}
	for _, s := range otlp.Spans() {
		if s.Name == "testlib.log" && bytes.Equal(s.TraceId, traceID[:]) {
			logSpans[string(s.SpanId)] = true
		}
	}
	if len(logSpans) != n {
		t.Fatalf("%d testlib.log spans exported in trace %s, want %d", len(logSpans), traceID, n)
	}
	seen := 0
	for _, rec := range otlp.LogRecords() {
		if rec.GetBody().GetStringValue() != "testlib body log" || !bytes.Equal(rec.TraceId, traceID[:]) {
			continue
		}
		seen++
		if !logSpans[string(rec.SpanId)] {
			t.Errorf("log record in span %x, want one of the Rust spans of trace %s", rec.SpanId, traceID)
		}
		attrs := map[string]string{}
		for _, kv := range rec.Attributes {
			attrs[kv.Key] = kv.GetValue().GetStringValue()
		}
		if attrs[string(semconv.SeamCorrelationIDKey)] != correlationID {
			t.Errorf("log record attributes %v, want %s=%s", attrs, semconv.SeamCorrelationIDKey, correlationID)
		}
	}
	if seen != n {
		t.Errorf("%d of the body's log records exported in trace %s, want %d (%d records in all)", seen, traceID, n, len(otlp.LogRecords()))
	}
}

func unsampledCtxTraceID(ctx context.Context) []byte {
	id := trace.SpanContextFromContext(ctx).TraceID()
	return id[:]
}
