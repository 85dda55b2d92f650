// Package rustbuild builds the pricing example's Rust side for the Go tests
// (through example.mk, the one place that says how) and runs child
// commands for them.
package rustbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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

// Build builds the staticlib (where examples/pricing/ffi links it) and
// pricing-service with `make -f examples/pricing/example.mk example-rust`.
// Cargo rebuilds only what changed, so after `make example` this is quick.
func Build(tb testing.TB) {
	tb.Helper()
	StatInputs(tb)
	Run(tb, Root(tb), "make", "-f", "examples/pricing/example.mk", "example-rust", "GO="+GoTool())
}

// StatInputs stats every source behind the Rust build. go test caches a
// passing result keyed on the files a test looked at; without this it
// would not see the Rust sources behind a child process and would replay a
// stale pass after they changed.
func StatInputs(tb testing.TB) {
	tb.Helper()
	root := Root(tb)
	for _, dir := range []string{
		"examples/pricing/rust/src", "examples/pricing/rust/include", "examples/pricing/rust/Cargo.toml",
		"examples/pricing/rust/Cargo.lock", "examples/pricing/example.mk", "examples/pricing/testdata",
		"sdk-rust/src", "sdk-rust/include", "sdk-rust/Cargo.toml",
	} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				_, err = os.Stat(path)
			}
			return err
		})
		if err != nil {
			tb.Fatalf("stat the sources under %s: %v", dir, err)
		}
	}
}

// Run runs name in dir with its output on the test's stdout, and fails the
// test if it fails or outlives the test's deadline.
func Run(tb testing.TB, dir, name string, args ...string) {
	tb.Helper()
	RunEnv(tb, dir, nil, name, args...)
}

// RunEnv is Run with env added to the child's environment.
func RunEnv(tb testing.TB, dir string, env []string, name string, args ...string) {
	tb.Helper()
	ctx := context.Background()
	if deadline, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := deadline.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, d.Add(-5*time.Second))
			defer cancel()
		}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
	tb.Logf("$ %s %s", name, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
}

// LinkEnv returns the CGO_LDFLAGS for a child go command that links the
// staticlib: go's build cache does not hash libraries named in #cgo
// LDFLAGS, so without a flag naming the library's contents a child go test
// could reuse a test binary linked against the previous Rust code. The flag
// is a search directory named after the library's hash, which the linker
// ignores but the cache key includes.
func LinkEnv(tb testing.TB) []string {
	tb.Helper()
	libDir := filepath.Join(Root(tb), "sdk-rust", "target", "pricing")
	data, err := os.ReadFile(filepath.Join(libDir, "libpricing.a"))
	if err != nil {
		tb.Fatalf("read the staticlib: %v", err)
	}
	sum := sha256.Sum256(data)
	dir := filepath.Join(libDir, "by-content", hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return []string{"CGO_LDFLAGS=" + strings.TrimSpace(os.Getenv("CGO_LDFLAGS")+" -L"+dir)}
}

// GoTool is the go command of the toolchain running the test.
func GoTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}
