// Package rustbuild builds the pricing example's Rust side for the Go tests
// (through example.mk, the one place that says how); the child commands run
// through the SDK's test kit (seamtest/cgotest).
package rustbuild

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/seamtel/seam/sdk-go/seamtest/cgotest"
)

// Root is the repository root, found from this source file.
func Root(tb testing.TB) string {
	tb.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("rustbuild: cannot locate its own source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(here), "..", "..", "..", ".."))
}

// ServiceBinary is where Build leaves pricing-service.
func ServiceBinary(tb testing.TB) string {
	return filepath.Join(Root(tb), "bin", "pricing-service")
}

// WorkerBinary is where Build leaves pricing-worker.
func WorkerBinary(tb testing.TB) string {
	return filepath.Join(Root(tb), "bin", "pricing-worker")
}

// Build builds the staticlib (where examples/pricing/ffi links it),
// pricing-service and pricing-worker with `make -f examples/pricing/example.mk example-rust`.
// Cargo rebuilds only what changed, so after `make example` this is quick.
func Build(tb testing.TB) {
	tb.Helper()
	root := Root(tb)
	var inputs []string
	for _, p := range []string{
		"examples/pricing/rust/src", "examples/pricing/rust/include", "examples/pricing/rust/Cargo.toml",
		"examples/pricing/rust/Cargo.lock", "examples/pricing/example.mk", "examples/pricing/testdata",
		"sdk-rust/src", "sdk-rust/include", "sdk-rust/Cargo.toml",
	} {
		inputs = append(inputs, filepath.Join(root, p))
	}
	cgotest.StatInputs(tb, inputs...)
	cgotest.Run(tb, root, nil, "make", "-f", "examples/pricing/example.mk", "example-rust", "GO="+cgotest.GoTool())
}

// LinkEnv is the environment for a child go command that links the
// staticlib, so its build cache sees the library's contents.
func LinkEnv(tb testing.TB) []string {
	tb.Helper()
	return cgotest.LinkEnv(tb, filepath.Join(Root(tb), "sdk-rust", "target", "pricing", "libpricing.a"))
}
