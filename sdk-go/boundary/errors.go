package boundary

import (
	"context"
	"errors"

	"github.com/seamtel/seam/sdk-go/boundary/internal/abi"
	"github.com/seamtel/seam/sdk-go/internal/crossing"
)

// The kinds of failure a call across the boundary ends with; test for them
// with errors.Is. The *Error that wraps them carries the Rust message.
var (
	// ErrPanic: the Rust body panicked; the panic was caught at the boundary
	// and counted in seam.boundary.panics.
	ErrPanic = errors.New("boundary: panic")
	// ErrDeadlineExceeded: ctx's deadline passed before the body started (it
	// did not run) or before it returned. It also matches
	// context.DeadlineExceeded.
	ErrDeadlineExceeded = errors.New("boundary: deadline exceeded")
	// ErrFailed: the body returned an error.
	ErrFailed = errors.New("boundary: call failed")
	// ErrInvalidArgument: the Rust side rejected what was passed to it.
	ErrInvalidArgument = errors.New("boundary: invalid argument")
	// ErrABIMismatch: the linked Rust library was built from another Seam
	// release than this package, and would misread what is passed to it.
	ErrABIMismatch = abi.ErrMismatch
)

// Error is a failed call: the operation, the status and the Rust side's
// message.
type Error struct {
	Operation string
	Status    Status
	Message   string
}

func (e *Error) Error() string {
	return e.kind().Error() + ": " + e.Message
}

// Unwrap lets errors.Is match the kind of failure (and
// context.DeadlineExceeded for a deadline).
func (e *Error) Unwrap() []error {
	if e.Status == StatusDeadlineExceeded {
		return []error{ErrDeadlineExceeded, context.DeadlineExceeded}
	}
	return []error{e.kind()}
}

// ErrorType is the error.type class of the failure ("panic", "timeout",
// "internal", "invalid_input"), as seam.ErrorType and the boundary's metrics
// record it.
func (e *Error) ErrorType() string { return crossing.Status(e.Status).ErrorType() }

func (e *Error) kind() error {
	switch e.Status {
	case StatusPanic:
		return ErrPanic
	case StatusDeadlineExceeded:
		return ErrDeadlineExceeded
	case StatusInvalidArgument:
		return ErrInvalidArgument
	default:
		return ErrFailed
	}
}
