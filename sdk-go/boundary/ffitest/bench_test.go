//go:build seamffi

package ffitest

import (
	"context"
	"testing"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/boundary"
)

// BenchmarkFFI compares one plain cgo call with the same Rust work called
// through the boundary. Run it against a release staticlib:
//
//		SEAM_FFI_BENCH=. go test -run TestFFI -v ./boundary/ffitest
//
//	  - bare_cgo: testlib_bare, a plain cgo call with no context.
//	  - context_reads: the reads of ctx the boundary makes before a call
//	    (span context, correlation id, role, deadline), without the call.
//	  - read_*: each of those reads alone.
//	  - propagation: the boundary with the Go span's trace context (unsampled,
//	    so Rust rebuilds the parent and its child span records nothing), no Go
//	    metrics (no-op meter provider).
//	  - otel_kept_parent: raw OpenTelemetry, the parent reused per thread
//	    while the caller's ids are unchanged, made current around the body.
//	  - otel_kept_unattached: the same without making it current: the
//	    difference is what the attach costs, the most a cheaper or deferred
//	    attach could save.
//	  - propagation_bound: propagation through Func.CallBound with the ctx
//	    bound once (boundary.Bind): no reads of ctx per call, and the Rust
//	    side recognises its kept parent by the context id.
//	  - go_side_only_bound: go_side_only through Func.CallBound.
//	  - otel_kept_parent_bound: otel_kept_parent through Func.CallBound: the
//	    raw OpenTelemetry equivalent of propagation_bound.
//	  - propagation_new_parent: propagation with a different Go span on every
//	    call (cycling through 256), so Rust cannot reuse the parent context it
//	    built for the previous call.
//	  - propagation+metrics: the same, recording seam.boundary.call.duration
//	    into the Go metric SDK.
//	  - child_span: a sampled Go span, so Rust records a child span and its
//	    batch processor exports it over OTLP/HTTP to the in-test receiver; no
//	    Go metrics.
//	  - full: child_span plus a correlation id, a tracestate, a deadline and the
//	    Go metric SDK.
func BenchmarkFFI(b *testing.B) {
	otlp.Discard(true)
	defer otlp.Discard(false)

	noMetrics, err := boundary.New(boundary.Options{MeterProvider: noop.NewMeterProvider()})
	if err != nil {
		b.Fatal(err)
	}
	sdkMetrics, err := boundary.New(boundary.Options{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))})
	if err != nil {
		b.Fatal(err)
	}
	funcOn := func(bd *boundary.Boundary, entry unsafe.Pointer) *boundary.Func[Input, Output] {
		f, err := boundary.NewFunc[Input, Output](bd, "testlib.double", entry, boundary.FuncOptions[Input, Output]{})
		if err != nil {
			b.Fatal(err)
		}
		return f
	}

	_, span := goTracer.Start(context.Background(), "bench")
	defer span.End()
	sampled := span.SpanContext()
	unsampledCtx := trace.ContextWithSpanContext(context.Background(), sampled.WithTraceFlags(0))
	sampledCtx := trace.ContextWithSpanContext(context.Background(), sampled)
	ts, err := trace.ParseTraceState("vendor=bench")
	if err != nil {
		b.Fatal(err)
	}
	fullCtx := seam.WithCorrelationID(trace.ContextWithSpanContext(context.Background(), sampled.WithTraceState(ts)), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	fullCtx, cancel := context.WithTimeout(fullCtx, time.Hour)
	defer cancel()

	in := newInput(21, 0)
	b.Run("bare_cgo", func(b *testing.B) {
		var out Output
		b.ReportAllocs()
		for b.Loop() {
			if bare(&in, &out) != 0 {
				b.Fatal("bare call failed")
			}
		}
	})
	// context_reads: what invoke reads from ctx before the call, and no
	// call: the most that handing over a pre-marshalled context could save
	// of go_side_only.
	b.Run("context_reads", func(b *testing.B) {
		b.ReportAllocs()
		var sink int
		for b.Loop() {
			sc := trace.SpanContextFromContext(sampledCtx)
			id := seam.CorrelationID(sampledCtx)
			role, _ := seam.LookupRole(sampledCtx)
			_, hasDeadline := sampledCtx.Deadline()
			if sc.IsValid() && !hasDeadline {
				sink += len(id) + int(role) + int(sc.TraceFlags())
			}
		}
		if sink < 0 {
			b.Fatal("unreachable")
		}
	})
	for _, rc := range []struct {
		name string
		read func(context.Context) int
	}{
		{"read_span_context", func(ctx context.Context) int { return int(trace.SpanContextFromContext(ctx).TraceFlags()) }},
		{"read_correlation_id", func(ctx context.Context) int { return len(seam.CorrelationID(ctx)) }},
		{"read_role", func(ctx context.Context) int { r, _ := seam.LookupRole(ctx); return int(r) }},
		{"read_deadline", func(ctx context.Context) int {
			if _, ok := ctx.Deadline(); ok {
				return 1
			}
			return 0
		}},
	} {
		b.Run(rc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink int
			for b.Loop() {
				sink += rc.read(sampledCtx)
			}
			if sink < 0 {
				b.Fatal("unreachable")
			}
		})
	}
	// Spans that differ from one call to the next, for propagation_new_parent.
	var newParents [256]context.Context
	for i := range newParents {
		sid := sampled.SpanID()
		sid[0], sid[1] = byte(i), byte(i>>8)^0x5a
		newParents[i] = trace.ContextWithSpanContext(context.Background(), sampled.WithSpanID(sid))
	}
	b.Run("propagation_new_parent", func(b *testing.B) {
		f := funcOn(noMetrics, entryDoubleInParent)
		var out Output
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := f.Call(newParents[i%len(newParents)], &in, &out); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	for _, bc := range []struct {
		name string
		f    *boundary.Func[Input, Output]
	}{
		{"go_side_only_bound", funcOn(noMetrics, entryDoubleRaw)},
		{"propagation_bound", funcOn(noMetrics, entryDoubleInParent)},
		{"otel_kept_parent_bound", funcOn(noMetrics, entryDoubleOtelKept)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bound := boundary.Bind(sampledCtx)
			var out Output
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.f.CallBound(bound, &in, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, bc := range []struct {
		name string
		ctx  context.Context
		f    *boundary.Func[Input, Output]
	}{
		{"go_side_only", sampledCtx, funcOn(noMetrics, entryDoubleRaw)},
		{"propagation", sampledCtx, funcOn(noMetrics, entryDoubleInParent)},
		{"otel_parent", sampledCtx, funcOn(noMetrics, entryDoubleOtelParent)},
		{"otel_kept_parent", sampledCtx, funcOn(noMetrics, entryDoubleOtelKept)},
		{"otel_kept_unattached", sampledCtx, funcOn(noMetrics, entryDoubleOtelKeptUnattached)},
		{"propagation+metrics", sampledCtx, funcOn(sdkMetrics, entryDoubleInParent)},
		{"child_span_unsampled", unsampledCtx, funcOn(noMetrics, entryDouble)},
		{"child_span", sampledCtx, funcOn(noMetrics, entryDouble)},
		{"otel_span", sampledCtx, funcOn(noMetrics, entryDoubleOtelSpan)},
		{"full", fullCtx, funcOn(sdkMetrics, entryDouble)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var out Output
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.f.Call(bc.ctx, &in, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
