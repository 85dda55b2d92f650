// Package ffi calls the Rust candidate of the pricing example in-process:
// the staticlib built from examples/pricing/rust, linked through cgo, with
// every call going through sdk-go/boundary so it continues the caller's
// trace, carries the correlation ID and deadline, and records
// seam.boundary.call.duration, panics and fallbacks.
//
// The library is linked from sdk-rust/target/pricing/libpricing.a, which
// `make example` (examples/pricing/example.mk) builds. This is the only
// package that links it: a Go binary may link one Rust staticlib.
package ffi
