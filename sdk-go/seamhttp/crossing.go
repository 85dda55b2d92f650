package seamhttp

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/seamtel/seam/sdk-go/internal/crossing"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// ErrorTypeHeader is the response header in which the server side of the
// boundary names how a call failed when the status code alone cannot say:
// seam::tower's ingress sets it to "panic" on the 500 it answers for a
// handler that panicked.
const ErrorTypeHeader = "Seam-Error-Type"

// CrossingOptions configures NewCrossing: the MeterProvider that records
// the boundary instruments (nil means otel.GetMeterProvider()) and the
// per-call Timeout, past which the fallback serves while ctx has time.
type CrossingOptions = crossing.Options

// Crossing is one operation that the client reaches across the Go/Rust
// boundary over HTTP: the HTTP counterpart of a boundary.Func, recording
// the same seam.boundary.call.duration and seam.boundary.fallbacks with
// seam.boundary.kind=http, with the same attribute sets (built once) and
// the same fallback rules.
//
// Call(ctx, call, fallback) makes one call: call sends the request
// (through a client with Transport, so the other side continues the trace)
// with the context it is given, and reads the reply, checking the response
// with CheckResponse. The call's duration is recorded with the error.type
// of call's error: the boundary's outcomes (see CheckResponse), timeout for
// a timeout or any other failure once the call's deadline has passed,
// internal for anything else.
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
	r, err := crossing.NewRemote(opts, scopeName, operation, semconv.SeamBoundaryKindHTTP, statusOf)
	if err != nil {
		return nil, fmt.Errorf("seamhttp: %w", err)
	}
	return &Crossing{remote: r}, nil
}

// scopeName is the instrumentation scope of the boundary instruments.
const scopeName = "github.com/seamtel/seam/sdk-go/seamhttp"

// statusOf is the outcome err stands for: the error.type class of err's
// chain (seam.ErrorType) when it names one of the boundary's outcomes, a
// timeout as timeout, anything else as internal.
func statusOf(err error) crossing.Status {
	s, _ := crossing.Classify(err)
	return s
}

// ResponseError is a response whose status code says the call failed.
type ResponseError struct {
	// StatusCode is the response's status code, 400 or above.
	StatusCode int
	status     crossing.Status
}

// CheckResponse returns nil for a response below 400, and otherwise a
// *ResponseError whose ErrorType is one of the boundary's outcomes, as a
// call through the FFI fails with:
//
//   - the value of ErrorTypeHeader, when the server named one (panic,
//     timeout, invalid_input, internal);
//   - timeout for 408 and 504;
//   - invalid_input for any other 4xx but 429: the server refused what
//     it was sent;
//   - internal otherwise.
func CheckResponse(resp *http.Response) error {
	if resp.StatusCode < 400 {
		return nil
	}
	if s, ok := crossing.ParseErrorType(resp.Header.Get(ErrorTypeHeader)); ok {
		return &ResponseError{StatusCode: resp.StatusCode, status: s}
	}
	s := crossing.Error
	switch code := resp.StatusCode; {
	case code == http.StatusRequestTimeout || code == http.StatusGatewayTimeout:
		s = crossing.DeadlineExceeded
	case code < 500 && code != http.StatusTooManyRequests:
		s = crossing.InvalidArgument
	}
	return &ResponseError{StatusCode: resp.StatusCode, status: s}
}

func (e *ResponseError) Error() string {
	return "seamhttp: " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode) + " (" + e.ErrorType() + ")"
}

// ErrorType is the error.type the failure is recorded with, by the
// Crossing and by seam.ErrorType.
func (e *ResponseError) ErrorType() string { return e.status.ErrorType() }
