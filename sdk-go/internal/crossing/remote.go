package crossing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	seam "github.com/seamtel/seam/sdk-go"
)

// Remote is one operation reached across the boundary over a transport
// (seamhttp's HTTP, seamgrpc's gRPC): a per-call budget, the call's
// duration, and the Go fallback with its count. The transports differ
// only in how a failed call's error says its outcome (classify).
type Remote struct {
	op       Operation
	timeout  time.Duration
	classify func(error) Status
}

// Options configures a Remote; seamhttp and seamgrpc export it as their
// CrossingOptions.
type Options struct {
	// MeterProvider records seam.boundary.call.duration and
	// seam.boundary.fallbacks. Nil means otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Timeout, when positive, bounds each call (sooner if ctx's deadline is
	// sooner): the call gets a context with the earlier deadline, which
	// gRPC also sends as the call's grpc-timeout. Past it, while ctx still
	// has time, the fallback serves.
	Timeout time.Duration
}

// NewRemote binds operation, crossing by kind, to the boundary
// instruments of scope; classify names a failed call's outcome.
func NewRemote(opts Options, scope, operation string, kind attribute.KeyValue, classify func(error) Status) (*Remote, error) {
	mp, timeout := opts.MeterProvider, opts.Timeout
	switch {
	case operation == "":
		return nil, errors.New("operation name is empty")
	case timeout < 0:
		return nil, fmt.Errorf("negative Timeout %v for %s", timeout, operation)
	}
	instruments, err := New(mp, scope)
	if err != nil {
		return nil, err
	}
	return &Remote{op: instruments.Operation(operation, kind), timeout: timeout, classify: classify}, nil
}

// Call makes one call under the budget and records its duration with the
// outcome classify gives its error. When call fails and fallback is not
// nil, fallback serves the operation with ctx as seam.role=fallback, and
// the use is counted in seam.boundary.fallbacks; not once ctx's own
// deadline has passed (there is no time left to try again). Call returns
// nil when the fallback succeeds, and both errors when it fails too.
func (r *Remote) Call(ctx context.Context, call, fallback func(ctx context.Context) error) error {
	start := r.op.Start(ctx)
	err := r.call(ctx, call)
	status := r.statusOf(err)
	r.op.End(ctx, start, status)
	if err == nil {
		return nil
	}
	if fallback == nil || !r.op.FallBack(ctx, status) {
		return err
	}
	if ferr := fallback(seam.WithRole(ctx, seam.RoleFallback)); ferr != nil {
		return fmt.Errorf("%w; fallback: %w", err, ferr)
	}
	return nil
}

// CountFallback counts in seam.boundary.fallbacks a fallback the caller
// runs itself after a Call without one failed with err (a rollout's),
// under the same rule as Call. It reports whether it counted.
func (r *Remote) CountFallback(ctx context.Context, err error) bool {
	return err != nil && r.op.FallBack(ctx, r.statusOf(err))
}

// call runs call under the budget. A call that fails once its deadline has
// passed, with an error that names no outcome of its own, ran out of time:
// the far side may answer before the caller's own timer fires, and say so
// otherwise (tonic's server answers an expired grpc-timeout with
// CANCELLED).
func (r *Remote) call(ctx context.Context, call func(ctx context.Context) error) error {
	if r.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	err := call(ctx)
	if err != nil && expired(ctx) && r.classify(err) == Error {
		return &outOfTimeError{err: err}
	}
	return err
}

// outOfTimeError is a call's error once its deadline had passed: a timeout
// to seam.ErrorType and Classify, and the call's error to everything else.
type outOfTimeError struct{ err error }

func (e *outOfTimeError) Error() string { return e.err.Error() }

func (e *outOfTimeError) Unwrap() error { return e.err }

// ErrorType is the error.type the call is recorded with.
func (e *outOfTimeError) ErrorType() string { return DeadlineExceeded.ErrorType() }

func (r *Remote) statusOf(err error) Status {
	if err == nil {
		return OK
	}
	return r.classify(err)
}

// Classify is the outcome err stands for whatever carried it: the
// error.type class of err's chain (seam.ErrorType) when it names one of
// the boundary's outcomes, a timeout as timeout, and otherwise false.
func Classify(err error) (Status, bool) {
	if s, ok := ParseErrorType(seam.ErrorType(err)); ok {
		return s, true
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return DeadlineExceeded, true
	}
	return Error, false
}
