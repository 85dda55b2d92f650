//go:build seamffi

// These tests share one initialised Rust staticlib (TestMain); they are over
// 400 lines because the C ABI's cases (statuses, panics, deadlines, buffers,
// concurrency) all need that one process.
package ffitest

import (
	"github.com/seamtel/seam/sdk-go/seamtest"
	"regexp"

	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/boundary"
	"github.com/seamtel/seam/sdk-go/semconv"
)

var (
	// otlp receives what the Rust side exports.
	otlp *seamtest.Receiver
	// goTracer makes the Go spans that call into Rust (a real SDK, sampling all).
	goTracer trace.Tracer
	// goMetrics reads the boundary's Go-side instruments.
	goMetrics *sdkmetric.ManualReader
	// bnd is the boundary every test's Funcs record into.
	bnd *boundary.Boundary
	// panicsCaused counts the Rust panics the tests provoke, for the
	// seam.boundary.panics check.
	panicsCaused atomic.Int64
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	if otlp, err = seamtest.Listen(); err != nil {
		fmt.Fprintln(os.Stderr, "otlp server:", err)
		return 1
	}
	defer otlp.Close()
	for k, v := range map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.URL(),
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
		// Metrics leave only at shutdown, so the test reads one final total.
		"OTEL_METRIC_EXPORT_INTERVAL": "3600000",
	} {
		os.Setenv(k, v)
	}
	if err := boundary.Init(boundary.Config{ServiceName: "ffitest", ServiceVersion: "0.0.1", Role: "candidate"}); err != nil {
		fmt.Fprintln(os.Stderr, "boundary.Init:", err)
		return 1
	}
	defer func() {
		if err := boundary.Shutdown(10 * time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "boundary.Shutdown:", err)
		}
	}()

	goTracer = sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample())).Tracer("ffitest")
	goMetrics = sdkmetric.NewManualReader()
	if bnd, err = boundary.New(boundary.Options{
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(goMetrics)),
	}); err != nil {
		fmt.Fprintln(os.Stderr, "boundary.New:", err)
		return 1
	}
	return m.Run()
}

// newFunc binds an entry point or fails the test.
func newFunc(t testing.TB, op string, entry unsafe.Pointer, opts boundary.FuncOptions[Input, Output]) *boundary.Func[Input, Output] {
	t.Helper()
	f, err := boundary.NewFunc[Input, Output](bnd, op, entry, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCallReturnsTheBodysOutput(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	ctx := seam.WithCorrelationID(context.Background(), "corr-abc")
	in, out := newInput(21, 0), Output{}
	if err := double.Call(ctx, &in, &out); err != nil {
		t.Fatal(err)
	}
	if got := outputValue(&out); got != 42 {
		t.Errorf("output = %d, want 42", got)
	}
	if got := outputCorrelationIDLen(&out); got != uint64(len("corr-abc")) {
		t.Errorf("the body saw a correlation id of %d bytes, want %d", got, len("corr-abc"))
	}
}

func TestPanicBecomesErrPanic(t *testing.T) {
	panicking := newFunc(t, "testlib.panic", entryPanic, boundary.FuncOptions[Input, Output]{})
	in, out := newInput(7, 0), Output{}
	panicsCaused.Add(1)
	err := panicking.Call(context.Background(), &in, &out)
	if !errors.Is(err, boundary.ErrPanic) {
		t.Fatalf("err = %v, want ErrPanic", err)
	}
	var berr *boundary.Error
	if !errors.As(err, &berr) || berr.Status != boundary.StatusPanic || berr.ErrorType() != "panic" {
		t.Fatalf("err = %#v, want a *boundary.Error with StatusPanic", err)
	}
	// What the panic said, and where: Seam's panic hook notes the location.
	if want := regexp.MustCompile(`^testlib\.panic panicked: testlib panic with value 7 at \S*lib\.rs:\d+$`); !want.MatchString(berr.Message) {
		t.Errorf("message = %q, want it to match %s", berr.Message, want)
	}
	// The process lives on, and so does the Rust side.
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	if err := double.Call(context.Background(), &in, &out); err != nil || outputValue(&out) != 14 {
		t.Fatalf("call after the panic: err %v, output %d", err, outputValue(&out))
	}
}

func TestExpiredDeadlineSkipsTheBody(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	before := bodyRuns()
	in, out := newInput(1, 0), Output{}
	err := double.Call(ctx, &in, &out)
	if !errors.Is(err, boundary.ErrDeadlineExceeded) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrDeadlineExceeded (and context.DeadlineExceeded)", err)
	}
	if !strings.HasSuffix(err.Error(), "the body did not run") {
		t.Errorf("message %q does not say the body did not run", err)
	}
	if after := bodyRuns(); after != before {
		t.Errorf("the body ran %d times past its deadline", after-before)
	}
	if outputValue(&out) != 0 {
		t.Errorf("output was written: %d", outputValue(&out))
	}
}

func TestDeadlinePassingDuringTheBody(t *testing.T) {
	sleep := newFunc(t, "testlib.sleep", entrySleep, boundary.FuncOptions[Input, Output]{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	before := bodyRuns()
	in, out := newInput(1, 60_000), Output{}
	err := sleep.Call(ctx, &in, &out)
	if !errors.Is(err, boundary.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want ErrDeadlineExceeded", err)
	}
	if !strings.HasSuffix(err.Error(), "before the call returned") {
		t.Errorf("message %q does not say the deadline passed during the call", err)
	}
	if runs := bodyRuns() - before; runs != 1 {
		t.Errorf("body ran %d times, want 1", runs)
	}
}

func TestFallbackRunsAndIsCounted(t *testing.T) {
	goDouble := func(_ context.Context, in *Input, out *Output) error {
		*out = Output{value: in.value * 2}
		return nil
	}
	fail := newFunc(t, "testlib.fail", entryFail, boundary.FuncOptions[Input, Output]{Fallback: goDouble})
	panicking := newFunc(t, "testlib.panic", entryPanic, boundary.FuncOptions[Input, Output]{Fallback: goDouble})
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{Fallback: goDouble})

	in, out := newInput(5, 0), Output{}
	if err := fail.Call(context.Background(), &in, &out); err != nil || outputValue(&out) != 10 {
		t.Fatalf("fallback after an error: err %v, output %d", err, outputValue(&out))
	}
	panicsCaused.Add(1)
	out = Output{}
	if err := panicking.Call(context.Background(), &in, &out); err != nil || outputValue(&out) != 10 {
		t.Fatalf("fallback after a panic: err %v, output %d", err, outputValue(&out))
	}
	// Past the deadline there is no time to try again: no fallback.
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := double.Call(expired, &in, &out); !errors.Is(err, boundary.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want ErrDeadlineExceeded without a fallback", err)
	}

	// Past the call's own Timeout, while ctx still has time, the fallback serves.
	slow := newFunc(t, "testlib.sleep", entrySleep, boundary.FuncOptions[Input, Output]{
		Fallback: goDouble, Timeout: 20 * time.Millisecond,
	})
	sleepy, out := newInput(6, 60_000), Output{}
	if err := slow.Call(context.Background(), &sleepy, &out); err != nil || outputValue(&out) != 12 {
		t.Fatalf("fallback after the call's timeout: err %v, output %d", err, outputValue(&out))
	}

	counts := fallbackCounts(t)
	want := map[string]int64{"testlib.fail/internal": 1, "testlib.panic/panic": 1, "testlib.sleep/timeout": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("seam.boundary.fallbacks = %v, want %v", counts, want)
	}

	// A fallback that fails too returns both errors.
	broken := newFunc(t, "testlib.fail", entryFail, boundary.FuncOptions[Input, Output]{
		Fallback: func(context.Context, *Input, *Output) error { return errors.New("go side down") },
	})
	err := broken.Call(context.Background(), &in, &out)
	if !errors.Is(err, boundary.ErrFailed) || !strings.Contains(err.Error(), "fallback: go side down") {
		t.Errorf("err = %v, want ErrFailed and the fallback's error", err)
	}
	if !strings.Contains(err.Error(), "testlib.fail: refused value 5") {
		t.Errorf("err = %v, want the Rust message", err)
	}
}

// fallbackCounts reads seam.boundary.fallbacks as "operation/error.type" → count.
func fallbackCounts(t *testing.T) map[string]int64 {
	t.Helper()
	m := collect(t, semconv.SeamBoundaryFallbacksName)
	sum, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s is %T, want a Sum[int64]", m.Name, m.Data)
	}
	out := map[string]int64{}
	for _, dp := range sum.DataPoints {
		if kind, _ := dp.Attributes.Value(semconv.SeamBoundaryKindKey); kind.AsString() != "ffi" {
			t.Errorf("fallback recorded with seam.boundary.kind=%q", kind.AsString())
		}
		op, _ := dp.Attributes.Value(semconv.SeamOperationKey)
		et, _ := dp.Attributes.Value(semconv.ErrorTypeKey)
		out[op.AsString()+"/"+et.AsString()] += dp.Value
	}
	return out
}

func TestCallDurationIsRecorded(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	fail := newFunc(t, "testlib.fail", entryFail, boundary.FuncOptions[Input, Output]{})
	in, out := newInput(3, 0), Output{}
	if err := double.Call(context.Background(), &in, &out); err != nil {
		t.Fatal(err)
	}
	if err := fail.Call(context.Background(), &in, &out); !errors.Is(err, boundary.ErrFailed) {
		t.Fatalf("err = %v, want ErrFailed", err)
	}

	m := collect(t, semconv.SeamBoundaryCallDurationName)
	if m.Unit != semconv.SeamBoundaryCallDurationUnit {
		t.Errorf("unit = %q, want %q", m.Unit, semconv.SeamBoundaryCallDurationUnit)
	}
	hist, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("%s is %T, want a Histogram[float64]", m.Name, m.Data)
	}
	seen := map[attribute.Distinct]bool{}
	for _, dp := range hist.DataPoints {
		if fmt.Sprint(dp.Bounds) != fmt.Sprint(semconv.LatencyBoundaries) {
			t.Errorf("bounds = %v, want the schema's latency layout", dp.Bounds)
		}
		seen[dp.Attributes.Equivalent()] = dp.Count > 0
	}
	for _, want := range []attribute.Set{
		attribute.NewSet(semconv.SeamOperation("testlib.double"), semconv.SeamBoundaryKindFFI),
		attribute.NewSet(semconv.SeamOperation("testlib.fail"), semconv.SeamBoundaryKindFFI, semconv.ErrorTypeKey.String("internal")),
	} {
		if !seen[want.Equivalent()] {
			t.Errorf("no data point for %v", want.Encoded(attribute.DefaultEncoder()))
		}
	}
}

// collect reads the boundary's Go-side metric name.
func collect(t *testing.T, name string) metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := goMetrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("metric %s was not recorded", name)
	return metricdata.Metrics{}
}

func TestNewFuncRejectsBadArguments(t *testing.T) {
	cases := map[string]func() error{
		"nil boundary": func() error {
			_, err := boundary.NewFunc[Input, Output](nil, "op", entryDouble, boundary.FuncOptions[Input, Output]{})
			return err
		},
		"empty operation": func() error {
			_, err := boundary.NewFunc[Input, Output](bnd, "", entryDouble, boundary.FuncOptions[Input, Output]{})
			return err
		},
		"negative timeout": func() error {
			_, err := boundary.NewFunc[Input, Output](bnd, "op", entryDouble, boundary.FuncOptions[Input, Output]{Timeout: -time.Second})
			return err
		},
		"nil entry": func() error {
			_, err := boundary.NewFunc[Input, Output](bnd, "op", nil, boundary.FuncOptions[Input, Output]{})
			return err
		},
	}
	for name, call := range cases {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestInitTwiceFails(t *testing.T) {
	err := boundary.Init(boundary.Config{ServiceName: "again"})
	var berr *boundary.Error
	if !errors.As(err, &berr) || berr.Status != boundary.StatusError || !strings.Contains(berr.Message, "already") {
		t.Fatalf("second Init: %v, want an already-initialised error", err)
	}
}

// TestConcurrentCalls calls from many goroutines at once (so from several OS
// threads into Rust), with errors and panics among the successes: each call
// gets its own result, status and message.
func TestConcurrentCalls(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	fail := newFunc(t, "testlib.fail", entryFail, boundary.FuncOptions[Input, Output]{})
	panicking := newFunc(t, "testlib.panic", entryPanic, boundary.FuncOptions[Input, Output]{})
	const goroutines, calls = 8, 500
	errs := make(chan error, goroutines)
	for g := range goroutines {
		go func() {
			errs <- func() error {
				for i := range calls {
					v := int64(g*calls + i)
					in, out := newInput(v, 0), Output{}
					switch {
					case i%100 == 99:
						panicsCaused.Add(1)
						err := panicking.Call(context.Background(), &in, &out)
						if want := fmt.Sprintf("testlib panic with value %d at ", v); !errors.Is(err, boundary.ErrPanic) || !strings.Contains(err.Error(), want) {
							return fmt.Errorf("panic call %d: %v", v, err)
						}
					case i%3 == 0:
						err := fail.Call(context.Background(), &in, &out)
						if want := fmt.Sprintf("refused value %d", v); !errors.Is(err, boundary.ErrFailed) || !strings.HasSuffix(err.Error(), want) {
							return fmt.Errorf("failing call %d: %v", v, err)
						}
					default:
						if err := double.Call(context.Background(), &in, &out); err != nil || outputValue(&out) != 2*v {
							return fmt.Errorf("call %d: err %v, output %d", v, err, outputValue(&out))
						}
					}
				}
				return nil
			}()
		}()
	}
	for range goroutines {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestNoRSSGrowth makes 100k calls that each carry a full context and return an
// error message, and checks the process's resident memory stays flat: neither
// contexts nor error buffers leak.
func TestNoRSSGrowth(t *testing.T) {
	fail := newFunc(t, "testlib.fail", entryFail, boundary.FuncOptions[Input, Output]{})
	parent, span := goTracer.Start(context.Background(), "rss")
	defer span.End()
	// An unsampled copy of the span, so that Rust rebuilds the full context for
	// every call without exporting 100k spans.
	sc := span.SpanContext().WithTraceFlags(0)
	ts, err := trace.ParseTraceState("vendor=rss,other=1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := trace.ContextWithSpanContext(parent, sc.WithTraceState(ts))
	ctx = seam.WithCorrelationID(ctx, "01JD4X7K2M9QZ8R6T5W3V1N0PA")
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()

	in, out := newInput(123456789, 0), Output{}
	loop := func(n int) {
		for range n {
			if err := fail.Call(ctx, &in, &out); !errors.Is(err, boundary.ErrFailed) {
				t.Fatalf("err = %v, want ErrFailed", err)
			}
		}
	}
	loop(10_000) // warm up: allocator arenas, instruments, caches
	before := rss(t)
	loop(100_000)
	after := rss(t)
	t.Logf("RSS before %d KiB, after 100k calls %d KiB", before>>10, after>>10)
	// A leaked error message alone would be about 48 bytes a call, 4.6 MiB.
	if growth := after - before; growth > 2<<20 {
		t.Errorf("RSS grew by %d KiB over 100k calls", growth>>10)
	}
}

// rss is the resident set size after a full Go GC returned what it could.
func rss(t *testing.T) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(raw))
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// ptrInput has TestlibInput's layout, with a pointer where sleep_ms is (which
// testlib_double does not read): an input type that holds pointers.
type ptrInput struct {
	Value int64
	P     *byte
}

// TestInputsWithPointersKeepCgosCheck calls through the checked path: it works
// with a nil pointer, and cgo's check still refuses a Go pointer in the input.
func TestInputsWithPointersKeepCgosCheck(t *testing.T) {
	double, err := boundary.NewFunc[ptrInput, Output](bnd, "testlib.double", entryDouble, boundary.FuncOptions[ptrInput, Output]{})
	if err != nil {
		t.Fatal(err)
	}
	in, out := ptrInput{Value: 4}, Output{}
	if err := double.Call(context.Background(), &in, &out); err != nil || outputValue(&out) != 8 {
		t.Fatalf("checked call: err %v, output %d", err, outputValue(&out))
	}

	var b byte
	in.P = &b
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "Go pointer") {
			t.Errorf("passing a Go pointer inside the input: recovered %v, want cgo's pointer check to panic", r)
		}
	}()
	_ = double.Call(context.Background(), &in, &out)
}
