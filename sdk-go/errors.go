package seam

import (
	"context"
	"errors"
	"os"
	"syscall"
)

// ErrorClass is a value of the schema's error.type enum: the class an
// operation failed with, spelled the same by the Go and the Rust SDK so
// that the baseline's errors and the candidate's compare.
type ErrorClass string

// The schema's error classes.
const (
	ErrorTimeout      ErrorClass = "timeout"
	ErrorCanceled     ErrorClass = "canceled"
	ErrorPanic        ErrorClass = "panic"
	ErrorInvalidInput ErrorClass = "invalid_input"
	ErrorUnavailable  ErrorClass = "unavailable"
	ErrorInternal     ErrorClass = "internal"
	// ErrorOther is for an error whose class was not stated and cannot
	// be inferred.
	ErrorOther ErrorClass = "_OTHER"
)

var errorClasses = map[ErrorClass]bool{
	ErrorTimeout: true, ErrorCanceled: true, ErrorPanic: true, ErrorInvalidInput: true,
	ErrorUnavailable: true, ErrorInternal: true, ErrorOther: true,
}

// WithErrorClass returns err stating its class; errors.Is and errors.As
// still see err. It is one way to state a class; an error type of one's
// own can instead have an ErrorType() string method returning one.
func WithErrorClass(err error, class ErrorClass) error {
	if err == nil {
		return nil
	}
	return &classifiedError{err: err, class: class}
}

type classifiedError struct {
	err   error
	class ErrorClass
}

func (e *classifiedError) Error() string     { return e.err.Error() }
func (e *classifiedError) Unwrap() error     { return e.err }
func (e *classifiedError) ErrorType() string { return string(e.class) }

// ErrorType returns the error.type Seam records for err, always one of the
// schema's classes: the class stated by the first ErrorType() string method
// in err's chain (WithErrorClass's included), else timeout for deadlines
// and timeouts, canceled for context.Canceled, unavailable for a refused
// connection, else _OTHER. A stated value outside the enum is _OTHER too.
func ErrorType(err error) string {
	var typed interface{ ErrorType() string }
	if errors.As(err, &typed) {
		if c := ErrorClass(typed.ErrorType()); errorClasses[c] {
			return string(c)
		}
		return string(ErrorOther)
	}
	var timeout interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &timeout) && timeout.Timeout():
		return string(ErrorTimeout)
	case errors.Is(err, context.Canceled):
		return string(ErrorCanceled)
	case errors.Is(err, syscall.ECONNREFUSED):
		return string(ErrorUnavailable)
	}
	return string(ErrorOther)
}
