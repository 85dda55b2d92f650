//go:build !seamffi

package ffitest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seamtel/seam/sdk-go/seamtest/cgotest"
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
	linkEnv := buildStaticlib(t, profile)

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
	cgotest.Run(t, "", linkEnv, cgotest.GoTool(), args...)
}

// statInputs stats every source the child test depends on, so a cached
// pass is replayed only while they are unchanged.
func statInputs(t *testing.T) {
	t.Helper()
	cgotest.StatInputs(t,
		"../..", // sdk-go: package boundary, this package, and what they import
		rustDir+"/src",
		rustDir+"/include",
		rustDir+"/ffi-testlib/src",
		rustDir+"/ffi-testlib/include",
		rustDir+"/ffi-testlib/Cargo.toml",
		rustDir+"/Cargo.toml",
		rustDir+"/Cargo.lock",
	)
}

// buildStaticlib runs cargo for the testlib, copies the library to libDir,
// where testlib.go's #cgo LDFLAGS find it, and returns the environment that
// makes a child go command's build cache see its contents.
func buildStaticlib(t *testing.T, profile string) []string {
	t.Helper()
	cargo := []string{"build", "--locked", "-p", "seam-ffi-testlib"}
	if profile == "release" {
		cargo = append(cargo, "--release")
	}
	cgotest.Run(t, rustDir, nil, "cargo", cargo...)
	if err := os.MkdirAll(libDir, 0o755); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(libDir, "libseam_ffi_testlib.a")
	if err := cgotest.CopyFile(filepath.Join(rustDir, "target", profile, "libseam_ffi_testlib.a"), lib); err != nil {
		t.Fatalf("copy the staticlib: %v", err)
	}
	return cgotest.LinkEnv(t, lib)
}
