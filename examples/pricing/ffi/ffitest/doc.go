// Package ffitest checks the Rust candidate against the Go baseline through
// the real FFI: the staticlib linked into the test binary through package
// ffi and sdk-go/boundary.
//
// A cgo test binary links its C libraries before any test runs, so the
// tests that link the staticlib carry the build tag seamffi, and the
// untagged TestFFI builds the staticlib first (make -f
// examples/pricing/example.mk example-rust) and then runs them in a child
// `go test -tags seamffi`. A plain `go test ./...` therefore builds and runs
// everything from a fresh clone, given cargo on PATH.
package ffitest
