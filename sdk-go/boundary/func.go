package boundary

// #include "seam.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel/metric"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/boundary/internal/abi"
	"github.com/seamtel/seam/sdk-go/internal/crossing"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Options configures New.
type Options struct {
	// MeterProvider records seam.boundary.call.duration and
	// seam.boundary.fallbacks. Nil means otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

// Boundary holds the instruments every Func records into.
type Boundary struct {
	instruments *crossing.Instruments
}

// New checks that the linked Rust library speaks the C ABI of this
// package's seam.h (ErrABIMismatch otherwise) and creates the boundary's
// instruments.
func New(opts Options) (*Boundary, error) {
	if err := abi.Check(libraryABIVersion(), headerABIVersion); err != nil {
		return nil, err
	}
	instruments, err := crossing.New(opts.MeterProvider, "github.com/seamtel/seam/sdk-go/boundary")
	if err != nil {
		return nil, fmt.Errorf("boundary: %w", err)
	}
	return &Boundary{instruments: instruments}, nil
}

// FuncOptions configures NewFunc.
type FuncOptions[In, Out any] struct {
	// Fallback, when set, serves a call the entry point failed: with a
	// panic, an error, an invalid argument, or past Timeout while ctx still
	// has time. Each use is counted in seam.boundary.fallbacks with the
	// failure's error.type. It is not used once ctx's own deadline has
	// passed: there is no time left to try again. Call returns nil when the
	// fallback succeeds, and both errors when it fails too.
	Fallback func(ctx context.Context, in *In, out *Out) error
	// Timeout, when positive, bounds each call on the Rust side (sooner if
	// ctx's deadline is sooner): the deadline Rust enforces is the earlier
	// of the two.
	Timeout time.Duration
}

// Func is one entry point, called with inputs of type In and outputs of type
// Out (the C structs the entry point takes by pointer).
type Func[In, Out any] struct {
	entry    uintptr // a C function's address: not Go memory
	flat     bool    // In and Out hold no pointers
	fallback func(ctx context.Context, in *In, out *Out) error
	timeout  time.Duration
	op       crossing.Operation
}

// NewFunc binds operation (seam.operation, one name per entry point) to entry,
// the C function pointer of an entry point written with seam::ffi::call:
// unsafe.Pointer(C.name_of_entry_point).
func NewFunc[In, Out any](b *Boundary, operation string, entry unsafe.Pointer, opts FuncOptions[In, Out]) (*Func[In, Out], error) {
	switch {
	case b == nil:
		return nil, errors.New("boundary: NewFunc needs the *Boundary from New")
	case operation == "":
		return nil, errors.New("boundary: operation name is empty")
	case entry == nil:
		return nil, errors.New("boundary: entry is nil; pass unsafe.Pointer(C.your_entry_point)")
	case opts.Timeout < 0:
		return nil, fmt.Errorf("boundary: negative Timeout %v for %s", opts.Timeout, operation)
	}
	return &Func[In, Out]{
		entry:    uintptr(entry),
		flat:     pointerFree(reflect.TypeFor[In]()) && pointerFree(reflect.TypeFor[Out]()),
		fallback: opts.Fallback,
		timeout:  opts.Timeout,
		op:       b.instruments.Operation(operation, semconv.SeamBoundaryKindFFI),
	}, nil
}

// Call runs the entry point with ctx's trace context, deadline and
// correlation ID. in and out are passed to C for the duration of the call
// only, and must hold no Go pointers (cgo's rule).
func (f *Func[In, Out]) Call(ctx context.Context, in *In, out *Out) error {
	start := f.op.Start(ctx)
	var c C.SeamContext
	marshal(ctx, &c)
	status, msg := invoke(&c, f.entry, f.flat, f.timeout, unsafe.Pointer(in), unsafe.Pointer(out))
	return f.end(ctx, start, status, msg, in, out)
}

// CallBound is Call with the context b was bound from, without reading it
// again: for a caller that calls into Rust several times under one span (see
// Bound).
func (f *Func[In, Out]) CallBound(b Bound, in *In, out *Out) error {
	bd := b.get()
	start := f.op.Start(bd.ctx)
	status, msg := invoke(&bd.c, f.entry, f.flat, f.timeout, unsafe.Pointer(in), unsafe.Pointer(out))
	return f.end(bd.ctx, start, status, msg, in, out)
}

// end records a call to the entry point that began at start and ended with
// status and msg, and serves it from the fallback if it failed.
func (f *Func[In, Out]) end(ctx context.Context, start time.Time, status Status, msg string, in *In, out *Out) error {
	f.op.End(ctx, start, crossing.Status(status))
	if status == StatusOK {
		return nil
	}
	err := &Error{Operation: f.op.Name(), Status: status, Message: msg}
	if f.fallback == nil || !f.op.FallBack(ctx, crossing.Status(status)) {
		return err
	}
	// The fallback is the baseline serving for the candidate: its own role
	// keeps it apart from the baseline's traffic.
	if ferr := f.fallback(seam.WithRole(ctx, seam.RoleFallback), in, out); ferr != nil {
		return fmt.Errorf("%w; fallback: %w", err, ferr)
	}
	return nil
}

// CountFallback counts in seam.boundary.fallbacks a fallback the caller
// runs itself after a Call without one failed with err (a rollout's), with
// the call's error.type, under the same rule as Call: not once ctx's own
// deadline has passed. It reports whether it counted.
func (f *Func[In, Out]) CountFallback(ctx context.Context, err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return f.op.FallBack(ctx, crossing.Status(e.Status))
}

// pointerFree reports whether values of t hold no pointers of any kind (so
// that cgo's per-call pointer check has nothing to find in them).
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	default: // pointers, unsafe.Pointer, strings, slices, maps, channels, funcs, interfaces
		return false
	}
}
