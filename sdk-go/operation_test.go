package seam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/schemaview"
	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// opHarness runs operations on real SDK providers whose output the test
// reads back: spans from a recorder, metrics from a manual reader.
type opHarness struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	ops    *operations
	warned []string
}

func (h *opHarness) warn(msg string, _ ...any) { h.warned = append(h.warned, msg) }

func newOpHarness(t *testing.T) *opHarness {
	t.Helper()
	h := &opHarness{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader), sdkmetric.WithView(schemaview.New(instrumentationName)))
	h.ops = newOperations(tp, mp, redact.Default(), h.warn)
	prev := current.Swap(h.ops)
	t.Cleanup(func() { current.Store(prev) })
	return h
}

// points returns the data points of metric name: attributes (as
// key=value) mapped to count (histograms) or value (sums).
func (h *opHarness) points(t *testing.T, name string) map[attribute.Distinct]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[attribute.Distinct]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					out[dp.Attributes.Equivalent()] = int64(dp.Count)
				}
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					out[dp.Attributes.Equivalent()] = dp.Value
				}
			}
		}
	}
	return out
}

func set(kvs ...attribute.KeyValue) attribute.Distinct {
	s := attribute.NewSet(kvs...)
	return s.Equivalent()
}

type codedError struct{ code string }

func (e codedError) Error() string     { return "failed: " + e.code }
func (e codedError) ErrorType() string { return e.code }

func TestStartOperation(t *testing.T) {
	h := newOpHarness(t)
	ctx := context.Background()

	end := StartOperation(ctx, "checkout.price")
	end(nil)
	end(errors.New("second call")) // ignored: the operation already ended
	end = StartOperation(WithRole(ctx, RoleShadow), "checkout.price")
	end(fmt.Errorf("wrapped: %w", codedError{"timeout"}))
	end = StartOperation(WithRole(ctx, RoleCandidate), "checkout.price")
	end(context.DeadlineExceeded)
	end = StartOperation(ctx, "tokenize.text")
	end(errors.New("card 4111 1111 1111 1111 declined"))

	base := []attribute.KeyValue{semconv.SeamOperation("checkout.price"), semconv.SeamImplGo}
	want := map[attribute.Distinct]int64{
		set(append(base, semconv.SeamRoleBaseline)...):                                          1,
		set(append(base, semconv.SeamRoleShadow, semconv.ErrorTypeKey.String("timeout"))...):    1,
		set(append(base, semconv.SeamRoleCandidate, semconv.ErrorTypeKey.String("timeout"))...): 1,
		set(semconv.SeamOperation("tokenize.text"), semconv.SeamImplGo, semconv.SeamRoleBaseline,
			semconv.ErrorTypeOther): 1,
	}
	got := h.points(t, semconv.SeamOperationDurationName)
	if len(got) != len(want) {
		t.Fatalf("got %d series, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("series %v: count %d, want %d", k, got[k], v)
		}
	}

	spans := h.spans.Ended()
	if len(spans) != 4 {
		t.Fatalf("%d spans ended, want 4", len(spans))
	}
	if s := spans[0]; s.Name() != "checkout.price" || s.Status().Code == codes.Error {
		t.Errorf("first span %q status %v", s.Name(), s.Status())
	}
	last := spans[3]
	if last.Status().Code != codes.Error || last.Status().Description != "card [REDACTED:card] declined" {
		t.Errorf("failed span status %v: the message must be redacted", last.Status())
	}
	if !hasAttr(last.Attributes(), semconv.ErrorTypeOther) || !hasAttr(last.Attributes(), attribute.String("exception.type", "*errors.errorString")) {
		t.Errorf("failed span lacks error.type's class or the Go type: %v", last.Attributes())
	}
}

func hasAttr(attrs []attribute.KeyValue, want attribute.KeyValue) bool {
	for _, a := range attrs {
		if a == want {
			return true
		}
	}
	return false
}

// Past the cardinality limit, new names fold into "_other" and each such
// operation is counted; so are names outside the grammar, which take no
// slot. The limit holds exactly, the counts agree with the _other series,
// and each reason is warned about once.
func TestOperationCardinalityLimit(t *testing.T) {
	h := newOpHarness(t)
	ctx := context.Background()
	limit := semconv.SeamOperationCardinalityLimit
	StartOperation(ctx, "")(nil)                          // no name is no valid name
	StartOperation(ctx, strings.Repeat("\x00", 300))(nil) // neither is this
	for i := range limit + 50 {
		StartOperation(ctx, fmt.Sprintf("op.%d", i))(nil)
	}
	StartOperation(ctx, "op.0")(nil) // an admitted name stays itself
	StartOperation(ctx, "émoji😀")(nil)

	got := h.points(t, semconv.SeamOperationDurationName)
	if len(got) != limit+1 {
		t.Errorf("%d series, want %d names plus the overflow", len(got), limit)
	}
	other := set(semconv.SeamOperation(semconv.SeamOperationOverflowValue), semconv.SeamImplGo, semconv.SeamRoleBaseline)
	if got[other] != 53 {
		t.Errorf("overflow series count %d, want 50 past the limit and 3 invalid", got[other])
	}
	if got[set(semconv.SeamOperation("op.0"), semconv.SeamImplGo, semconv.SeamRoleBaseline)] != 2 {
		t.Error("an admitted name was folded")
	}
	if got[set(semconv.SeamOperation(fmt.Sprintf("op.%d", limit-1)), semconv.SeamImplGo, semconv.SeamRoleBaseline)] != 1 {
		t.Errorf("the %dth name was not kept", limit)
	}
	overflows := h.points(t, semconv.SeamOperationOverflowsName)
	if n := overflows[set(semconv.SeamImplGo, semconv.SeamOverflowReasonCardinalityLimit)]; n != 50 {
		t.Errorf("seam.operation.overflows{cardinality_limit} = %d, want 50", n)
	}
	if n := overflows[set(semconv.SeamImplGo, semconv.SeamOverflowReasonInvalidName)]; n != 3 {
		t.Errorf("seam.operation.overflows{invalid_name} = %d, want 3", n)
	}
	if n := len(*h.ops.byName.Load()); n != limit {
		t.Errorf("%d names kept, want %d", n, limit)
	}
	if len(h.warned) != 2 {
		t.Errorf("want one warning per reason, got %q", h.warned)
	}
	spans := h.spans.Ended()
	if s := spans[len(spans)-1]; s.Name() != semconv.SeamOperationOverflowValue {
		t.Errorf("overflowed span named %q", s.Name())
	}
}

// error.type is always one of the schema's classes: errors of any number
// of unclassified types make one _OTHER series, so the baseline's and the
// candidate's errors compare.
func TestErrorTypesAreClasses(t *testing.T) {
	h := newOpHarness(t)
	for i := range 100 {
		StartOperation(context.Background(), "checkout.price")(codedError{fmt.Sprintf("e%d", i)})
	}
	StartOperation(context.Background(), "checkout.price")(WithErrorClass(io.EOF, ErrorUnavailable))
	got := h.points(t, semconv.SeamOperationDurationName)
	base := []attribute.KeyValue{semconv.SeamOperation("checkout.price"), semconv.SeamImplGo, semconv.SeamRoleBaseline}
	want := map[attribute.Distinct]int64{
		set(append(base, semconv.ErrorTypeOther)...):       100,
		set(append(base, semconv.ErrorTypeUnavailable)...): 1,
	}
	if len(got) != len(want) {
		t.Errorf("%d error series, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("series %v: count %d, want %d", k, got[k], v)
		}
	}
}

func TestMeasure(t *testing.T) {
	h := newOpHarness(t)
	var inner trace.SpanContext
	err := Measure(context.Background(), "checkout.price", func(ctx context.Context) error {
		inner = trace.SpanContextFromContext(ctx)
		return codedError{"invalid_input"}
	})
	if !errors.Is(err, codedError{"invalid_input"}) {
		t.Errorf("Measure returned %v", err)
	}
	spans := h.spans.Ended()
	if len(spans) != 1 || spans[0].SpanContext().SpanID() != inner.SpanID() {
		t.Fatal("fn did not run inside the operation's span")
	}

	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the original panic", p)
			}
		}()
		_ = Measure(context.Background(), "checkout.price", func(context.Context) error { panic("boom") })
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Measure(context.Background(), "checkout.price", func(context.Context) error {
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	got := h.points(t, semconv.SeamOperationDurationName)
	panicked := set(semconv.SeamOperation("checkout.price"), semconv.SeamImplGo, semconv.SeamRoleBaseline, semconv.ErrorTypeKey.String("panic"))
	if got[panicked] != 2 {
		t.Errorf("panic series count %d, want 2 (panic and Goexit)", got[panicked])
	}
}

// The hot path allocates nothing of its own: StartOperation+end allocates
// exactly what the span and the histogram recording it does by hand
// allocate, on the SDK (sampled and not) and with the SDK off.
func TestOperationAllocatesNothing(t *testing.T) {
	// No exporters: their background work would count in the tallies.
	for _, v := range []string{"OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"} {
		t.Setenv(v, "none")
	}
	for _, c := range []struct {
		name    string
		cfg     Config
		sampled bool
	}{
		{"sdk/sampled", Config{}, true},
		{"sdk/unsampled", Config{}, false},
		{"disabled", Config{Disabled: true}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.ServiceName, c.cfg.LogWriter = "pricing", io.Discard
			tel := startForTest(t, c.cfg)
			ctx := WithRole(context.Background(), RoleCandidate)
			if !c.sampled {
				ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
					TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1},
				}))
			}
			StartOperation(ctx, "checkout.price")(nil) // admit the name

			tracer := tel.TracerProvider().Tracer("raw")
			hist, err := semconv.NewSeamOperationDuration(tel.MeterProvider().Meter("raw"))
			if err != nil {
				t.Fatal(err)
			}
			attrs := []attribute.KeyValue{semconv.SeamOperation("checkout.price"), semconv.SeamImplGo, semconv.SeamRoleCandidate}
			spanOpts := []trace.SpanStartOption{trace.WithAttributes(attrs...)}
			recordOpts := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
			raw := testing.AllocsPerRun(1000, func() {
				start := time.Now()
				opCtx, span := tracer.Start(ctx, "checkout.price", spanOpts...)
				hist.Record(opCtx, time.Since(start).Seconds(), recordOpts...)
				span.End()
			})
			seam := testing.AllocsPerRun(1000, func() {
				end := StartOperation(ctx, "checkout.price")
				end(nil)
			})
			if seam != raw {
				t.Errorf("StartOperation+end allocates %v times, the raw span and record %v", seam, raw)
			}
			t.Logf("allocations per operation: %v (all the span's own)", seam)
		})
	}
}

func TestErrorType(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	for err, want := range map[error]string{
		ctx.Err():                   "timeout",
		os.ErrDeadlineExceeded:      "timeout",
		context.Canceled:            "canceled",
		refused:                     "unavailable",
		codedError{"invalid_input"}: "invalid_input",
		codedError{"quota"}:         "_OTHER", // not a class of the schema
		fmt.Errorf("x: %w", io.EOF): "_OTHER",
		panicError{"x"}:             "panic",
		WithErrorClass(fmt.Errorf("upstream: %w", io.EOF), ErrorUnavailable): "unavailable",
		errors.Join(codedError{"internal"}, io.EOF):                          "internal",
	} {
		if got := ErrorType(err); got != want {
			t.Errorf("ErrorType(%v) = %q, want %q", err, got, want)
		}
	}
	if err := WithErrorClass(io.EOF, ErrorInternal); !errors.Is(err, io.EOF) {
		t.Error("WithErrorClass hides the error it classifies")
	}
}

// The Go error classes are exactly the schema's error.type enum.
func TestErrorClassesAreTheSchemas(t *testing.T) {
	schema := []attribute.KeyValue{
		semconv.ErrorTypeTimeout, semconv.ErrorTypeCanceled, semconv.ErrorTypePanic, semconv.ErrorTypeInvalidInput,
		semconv.ErrorTypeUnavailable, semconv.ErrorTypeInternal, semconv.ErrorTypeOther,
	}
	if len(schema) != len(errorClasses) {
		t.Fatalf("%d classes in Go, %d in the schema", len(errorClasses), len(schema))
	}
	for _, kv := range schema {
		if !errorClasses[ErrorClass(kv.Value.AsString())] {
			t.Errorf("schema class %q has no Go ErrorClass", kv.Value.AsString())
		}
	}
}
