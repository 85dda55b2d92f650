// Package e2e runs Seam the way a user does: the real collector binary, the
// pricing example's Go orchestrator with Rust in-process and over HTTP, the
// seam command, and Debian's Prometheus scraping the collector.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// root is the repository root; seamBin is the seam command built for the tests.
var root, seamBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if root, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The same targets `make test` builds first; a no-op when up to date.
	build := exec.Command("make", "-s", "collector", "example")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: make collector example: %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "seam-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	seamBin = filepath.Join(dir, "seam")
	goBuild := exec.Command("go", "build", "-o", seamBin, "./cmd/seam")
	goBuild.Dir, goBuild.Stdout, goBuild.Stderr = root, os.Stderr, os.Stderr
	if err := goBuild.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/seam: %v\n", err)
		return 1
	}
	return m.Run()
}
