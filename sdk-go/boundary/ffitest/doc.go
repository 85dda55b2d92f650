// Package ffitest tests package boundary against a real Rust staticlib,
// sdk-rust/ffi-testlib, linked into the test binary through cgo.
//
// A cgo test binary links its C libraries before any test code runs, so the
// tests that link the staticlib carry the build tag seamffi, and the untagged
// TestFFI builds the staticlib with cargo first and then runs them with
// `go test -tags seamffi`. A plain `go test ./...` therefore builds and runs
// everything from a fresh clone, given cargo on PATH.
//
// Benchmarks, against a release build of the staticlib:
//
//	SEAM_FFI_BENCH=. go test -run TestFFI -v ./boundary/ffitest
package ffitest
