//go:build !seamffi

package ffitest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// rustDir is sdk-rust, from this package's directory.
const rustDir = "../../../sdk-rust"

// libDir is where testlib.go's #cgo LDFLAGS look for libseam_ffi_testlib.a.
const libDir = rustDir + "/target/seam-ffi"

// TestFFI builds the Rust staticlib and runs this package's seamffi tests
// (or, with SEAM_FFI_BENCH set to a -bench pattern, its benchmarks against a
// release build) in a child `go test`.
func TestFFI(t *testing.T) {
	bench := os.Getenv("SEAM_FFI_BENCH")
	profile := "debug"
	if bench != "" {
		profile = "release"
	}
	statInputs(t)
	libFlags := buildStaticlib(t, profile)

	args := []string{"test", "-tags", "seamffi", "-count=1"}
	if testing.Verbose() {
		args = append(args, "-v")
	}
	if bench != "" {
		args = append(args, "-run", "^$", "-bench", bench, "-benchmem", "-timeout", "30m")
		if count := os.Getenv("SEAM_FFI_BENCH_COUNT"); count != "" {
			args = append(args, "-count", count)
		}
	}
	if deadline, ok := t.Deadline(); ok && bench == "" {
		args = append(args, "-timeout", time.Until(deadline).Round(time.Second).String())
	}
	args = append(args, ".")
	runEnv(t, []string{"CGO_LDFLAGS=" + strings.TrimSpace(os.Getenv("CGO_LDFLAGS")+" "+libFlags)}, goTool(), args...)
}

// statInputs stats every source the child test depends on. go test caches a
// passing result keyed on the files the test looked at; without this it
// would see none of the Go and Rust sources behind the child process and
// replay a stale pass after they changed.
func statInputs(t *testing.T) {
	t.Helper()
	roots := []string{
		"../..", // sdk-go: package boundary, this package, and what they import
		rustDir + "/src",
		rustDir + "/include",
		rustDir + "/ffi-testlib/src",
		rustDir + "/ffi-testlib/include",
		rustDir + "/ffi-testlib/Cargo.toml",
		rustDir + "/Cargo.toml",
		rustDir + "/Cargo.lock",
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				_, err = os.Stat(path)
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while walking: not an input any more
			}
			return err
		})
		if err != nil {
			t.Fatalf("stat the sources under %s: %v", root, err)
		}
	}
}

// buildStaticlib runs cargo for the testlib, copies the library to libDir
// and to a directory named after its contents, and returns the linker flag
// that finds it there. go's build cache does not hash libraries named in
// #cgo LDFLAGS: without the content-named directory in the child's
// CGO_LDFLAGS (which it does hash), the child would link a cached test binary
// holding the previous Rust code.
func buildStaticlib(t *testing.T, profile string) string {
	t.Helper()
	cargo := []string{"build", "-p", "seam-ffi-testlib"}
	if profile == "release" {
		cargo = append(cargo, "--release")
	}
	run(t, "cargo", cargo...)
	src := filepath.Join(rustDir, "target", profile, "libseam_ffi_testlib.a")
	sum, err := fileSHA256(src)
	if err != nil {
		t.Fatalf("hash the staticlib: %v", err)
	}
	byContent, err := filepath.Abs(filepath.Join(libDir, "by-content", sum[:16]))
	if err != nil {
		t.Fatal(err)
	}
	// Only the newest library is kept: each is tens of megabytes.
	if err := os.RemoveAll(filepath.Dir(byContent)); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{libDir, byContent} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(src, filepath.Join(dir, "libseam_ffi_testlib.a")); err != nil {
			t.Fatalf("copy the staticlib: %v", err)
		}
	}
	return "-L" + byContent
}

// fileSHA256 is the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// run runs name (cargo in the Rust workspace, anything else here) with its
// output on the test's stdout, and fails the test if it fails.
func run(t *testing.T, name string, args ...string) {
	t.Helper()
	runEnv(t, nil, name, args...)
}

// runEnv is run with env added to this process's environment.
func runEnv(t *testing.T, env []string, name string, args ...string) {
	t.Helper()
	ctx := context.Background()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-5*time.Second))
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, name, args...)
	if name == "cargo" {
		cmd.Dir = rustDir
	}
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
	fmt.Printf("$ %s %s\n", name, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
}

// goTool is the go command of the toolchain running this test.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// copyFile copies src to dst through a temporary file, so a concurrent link
// never reads half a library.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".staticlib-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
