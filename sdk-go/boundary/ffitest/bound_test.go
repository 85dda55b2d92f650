//go:build seamffi

package ffitest

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/boundary"
)

// TestBoundContextsAreNeverConfused calls into Rust on one OS thread, where
// the Rust side keeps the last parent it built, alternating between bound
// contexts of two spans, the same span with and without a correlation ID,
// and unbound calls: the body always runs in the span it was called with.
func TestBoundContextsAreNeverConfused(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	whoami := newFunc(t, "testlib.whoami_in_parent", entryWhoamiInParent, boundary.FuncOptions[Input, Output]{})

	ctxA, spanA := goTracer.Start(context.Background(), "a")
	defer spanA.End()
	ctxB, spanB := goTracer.Start(context.Background(), "b")
	defer spanB.End()
	ctxC := seam.WithCorrelationID(ctxA, "corr-c")
	a, b, c := boundary.Bind(ctxA), boundary.Bind(ctxB), boundary.Bind(ctxC)

	type want struct {
		span          trace.SpanContext
		correlationID string
	}
	bound := func(bd boundary.Bound) func(*Input, *Output) error {
		return func(in *Input, out *Output) error { return whoami.CallBound(bd, in, out) }
	}
	unbound := func(ctx context.Context) func(*Input, *Output) error {
		return func(in *Input, out *Output) error { return whoami.Call(ctx, in, out) }
	}
	steps := []struct {
		name string
		call func(*Input, *Output) error
		want want
	}{
		{"bound a", bound(a), want{spanA.SpanContext(), ""}},
		{"bound a again", bound(a), want{spanA.SpanContext(), ""}},
		{"bound b", bound(b), want{spanB.SpanContext(), ""}},
		{"bound a after b", bound(a), want{spanA.SpanContext(), ""}},
		{"a with a correlation id", bound(c), want{spanA.SpanContext(), "corr-c"}},
		{"a without it", bound(a), want{spanA.SpanContext(), ""}},
		{"unbound b", unbound(ctxB), want{spanB.SpanContext(), ""}},
		{"bound b after unbound b", bound(b), want{spanB.SpanContext(), ""}},
		{"unbound a after bound b", unbound(ctxA), want{spanA.SpanContext(), ""}},
		{"a bound again", bound(boundary.Bind(ctxA)), want{spanA.SpanContext(), ""}},
		{"b", bound(b), want{spanB.SpanContext(), ""}},
		{"the zero Bound", bound(boundary.Bound{}), want{}},
		{"c after the zero Bound", bound(c), want{spanA.SpanContext(), "corr-c"}},
	}
	in := newInput(1, 0)
	for _, s := range steps {
		var out Output
		if err := s.call(&in, &out); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		traceID, spanID := outputIDs(&out)
		if traceID != s.want.span.TraceID() || spanID != s.want.span.SpanID() {
			t.Errorf("%s: body ran in %s/%s, want %s/%s", s.name, traceID, spanID, s.want.span.TraceID(), s.want.span.SpanID())
		}
		if got := outputCorrelationIDLen(&out); got != uint64(len(s.want.correlationID)) {
			t.Errorf("%s: the body's baggage held a correlation id of %d bytes, want %q", s.name, got, s.want.correlationID)
		}
	}
}

func TestBoundCallReturnsTheBodysOutput(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	b := boundary.Bind(seam.WithCorrelationID(context.Background(), "corr-bound"))
	for i := range int64(3) {
		in, out := newInput(i, 0), Output{}
		if err := double.CallBound(b, &in, &out); err != nil {
			t.Fatal(err)
		}
		if got := outputValue(&out); got != 2*i {
			t.Errorf("output = %d, want %d", got, 2*i)
		}
		if got := outputCorrelationIDLen(&out); got != uint64(len("corr-bound")) {
			t.Errorf("the body saw a correlation id of %d bytes, want %d", got, len("corr-bound"))
		}
	}
}

func TestBoundDeadlineIsHonoured(t *testing.T) {
	double := newFunc(t, "testlib.double", entryDouble, boundary.FuncOptions[Input, Output]{})
	sleep := newFunc(t, "testlib.sleep", entrySleep, boundary.FuncOptions[Input, Output]{})
	capped := newFunc(t, "testlib.sleep", entrySleep, boundary.FuncOptions[Input, Output]{Timeout: 20 * time.Millisecond})

	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	before := bodyRuns()
	in, out := newInput(1, 0), Output{}
	err := double.CallBound(boundary.Bind(expired), &in, &out)
	if !errors.Is(err, boundary.ErrDeadlineExceeded) || !strings.HasSuffix(err.Error(), "the body did not run") {
		t.Fatalf("expired: err = %v, want ErrDeadlineExceeded before the body", err)
	}
	if runs := bodyRuns() - before; runs != 0 {
		t.Errorf("the body ran %d times past its deadline", runs)
	}

	// Bound before the deadline, which passes during the second call. A
	// second leaves the first call room on a starved machine; the sleeping
	// body stops at the deadline, so the test waits about that long.
	short, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	b := boundary.Bind(short)
	if err := double.CallBound(b, &in, &out); err != nil {
		t.Fatalf("before the deadline: %v", err)
	}
	sleepy := newInput(1, 60_000)
	if err := sleep.CallBound(b, &sleepy, &out); !errors.Is(err, boundary.ErrDeadlineExceeded) || !strings.HasSuffix(err.Error(), "before the call returned") {
		t.Fatalf("during the body: err = %v, want ErrDeadlineExceeded before the call returned", err)
	}
	if err := double.CallBound(b, &in, &out); !errors.Is(err, boundary.ErrDeadlineExceeded) {
		t.Fatalf("after the deadline: err = %v, want ErrDeadlineExceeded", err)
	}

	// The Func's own Timeout caps a bound call too, while the bound ctx has time.
	roomy, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if err := capped.CallBound(boundary.Bind(roomy), &sleepy, &out); !errors.Is(err, boundary.ErrDeadlineExceeded) {
		t.Fatalf("past the Func's Timeout: err = %v, want ErrDeadlineExceeded", err)
	}
}

func TestBoundPanicBecomesErrPanic(t *testing.T) {
	panicking := newFunc(t, "testlib.panic", entryPanic, boundary.FuncOptions[Input, Output]{})
	b := boundary.Bind(context.Background())
	in, out := newInput(9, 0), Output{}
	panicsCaused.Add(1)
	if err := panicking.CallBound(b, &in, &out); !errors.Is(err, boundary.ErrPanic) || !strings.Contains(err.Error(), "testlib panic with value 9") {
		t.Fatalf("err = %v, want ErrPanic with the panic's message", err)
	}
}
