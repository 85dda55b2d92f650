package seamgrpc

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/seamtel/seam/sdk-go/internal/crossing"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// ErrorTypeKey is the metadata key in which the server side of the boundary
// names how a call failed when the status code alone cannot say: the Rust
// SDK's gRPC ingress (seam::tower::IngressLayer::grpc) sets it to "panic" on
// the INTERNAL status it answers for a handler that panicked. It is the
// gRPC spelling of seamhttp.ErrorTypeHeader.
const ErrorTypeKey = "seam-error-type"

// CrossingOptions configures NewCrossing: the MeterProvider that records
// the boundary instruments (nil means otel.GetMeterProvider()) and the
// per-call Timeout, past which the fallback serves while ctx has time.
type CrossingOptions = crossing.Options

// Crossing is one operation that the client reaches across the Go/Rust
// boundary over gRPC: the gRPC counterpart of seamhttp.Crossing and of a
// boundary.Func, recording seam.boundary.call.duration and
// seam.boundary.fallbacks with seam.boundary.kind=grpc, with the same
// attribute sets (built once) and the same fallback rules.
//
// Call(ctx, call, fallback) makes one call: call invokes the method (on a
// connection made with DialOptions, so the other side continues the trace
// and names a panic) with the context it is given. The call's duration is
// recorded with the error.type of call's error:
//
//   - the outcome the server named in ErrorTypeKey (panic);
//   - timeout for DEADLINE_EXCEEDED, whoever's deadline it was, and for
//     any other failure once the call's deadline has passed (tonic's
//     server answers an expired grpc-timeout with CANCELLED);
//   - invalid_input for INVALID_ARGUMENT and OUT_OF_RANGE;
//   - internal for any other status or error.
//
// When call fails and fallback is not nil, fallback serves the operation
// with ctx as seam.role=fallback (apart from the baseline's own traffic),
// and the use is counted in seam.boundary.fallbacks with that error.type;
// not once ctx's own deadline has passed (there is no time left to try
// again). Call returns nil when the fallback succeeds, and both errors when
// it fails too. CountFallback(ctx, err) counts a fallback the caller runs
// itself after a Call without one failed with err (a rollout's), under the
// same rule, and reports whether it counted.
type Crossing struct {
	*remote
}

// remote is embedded unexported: its Call and CountFallback are Crossing's.
type remote = crossing.Remote

// NewCrossing binds operation (seam.operation, the name the other side
// records its own work under) to the instruments.
func NewCrossing(operation string, opts CrossingOptions) (*Crossing, error) {
	r, err := crossing.NewRemote(opts, scopeName, operation, semconv.SeamBoundaryKindGRPC, statusOf)
	if err != nil {
		return nil, fmt.Errorf("seamgrpc: %w", err)
	}
	return &Crossing{remote: r}, nil
}

// scopeName is the instrumentation scope of the boundary instruments.
const scopeName = "github.com/seamtel/seam/sdk-go/seamgrpc"

// statusOf is the outcome err stands for: see Call.
func statusOf(err error) crossing.Status {
	if s, ok := crossing.Classify(err); ok {
		return s
	}
	st, ok := status.FromError(err)
	if !ok {
		return crossing.Error
	}
	switch st.Code() {
	case codes.DeadlineExceeded:
		return crossing.DeadlineExceeded
	case codes.InvalidArgument, codes.OutOfRange:
		return crossing.InvalidArgument
	}
	return crossing.Error
}

// StatusError is a failed call whose server named its outcome in
// ErrorTypeKey. It wraps the call's status error, so status.FromError
// still reads the code and message.
type StatusError struct {
	err    error
	status crossing.Status
}

func (e *StatusError) Error() string { return e.err.Error() + " (" + e.ErrorType() + ")" }

// Unwrap is the call's status error.
func (e *StatusError) Unwrap() error { return e.err }

// GRPCStatus is the call's status, for status.FromError and status.Code.
func (e *StatusError) GRPCStatus() *status.Status {
	st, _ := status.FromError(e.err)
	return st
}

// ErrorType is the error.type the failure is recorded with, by the
// Crossing and by seam.ErrorType.
func (e *StatusError) ErrorType() string { return e.status.ErrorType() }

// namedOutcome is a client interceptor that reads ErrorTypeKey from a
// failed call's trailers (where a trailers-only reply carries it too) and
// returns the call's error as a *StatusError naming it.
func namedOutcome(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	var trailer metadata.MD
	err := invoker(ctx, method, req, reply, cc, append(opts, grpc.Trailer(&trailer))...)
	if err == nil {
		return nil
	}
	if values := trailer.Get(ErrorTypeKey); len(values) > 0 {
		if s, ok := crossing.ParseErrorType(values[0]); ok {
			return &StatusError{err: err, status: s}
		}
	}
	return err
}
