// Package abi compares the C ABI version of the linked Rust library with the
// one of the seam.h package boundary is built with.
package abi

import (
	"errors"
	"fmt"
)

// ErrMismatch: the linked Rust library was built from another Seam release
// than package boundary, and would misread what is passed to it.
var ErrMismatch = errors.New("boundary: C ABI mismatch")

// Check refuses a Rust library whose C ABI version differs from the
// header's.
func Check(library, header uint32) error {
	if library == header {
		return nil
	}
	return fmt.Errorf("%w: the Rust library speaks Seam C ABI version %d, this Go package's seam.h version %d; build the staticlib and the Go module from one Seam release", ErrMismatch, library, header)
}
