package pipelinetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// collectorBin is the binary under test, built once by TestMain.
var collectorBin string

// leakEmitter is the Rust SDK's leak corpus emitter, built by TestMain.
var (
	leakEmitter    string
	leakEmitterErr error
)

// TestMain builds the distribution before any test runs (outside the test
// timeout): into bin/seam-collector, like `make collector`, so a build made
// there is reused and an up-to-date binary is not linked again.
// SEAM_COLLECTOR_BIN points at a prebuilt binary instead.
func TestMain(m *testing.M) {
	bin, err := buildCollector()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipelinetest:", err)
		os.Exit(1)
	}
	collectorBin = bin
	// A failed build fails the leak test alone.
	leakEmitter, leakEmitterErr = buildLeakEmitter()
	os.Exit(m.Run())
}

func buildCollector() (string, error) {
	if bin := os.Getenv("SEAM_COLLECTOR_BIN"); bin != "" {
		return bin, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, "bin", "seam-collector")
	start := time.Now()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = filepath.Join(root, "collector", "cmd", "seam-collector")
	// The distribution is its own module, outside the workspace.
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		hint := ""
		if strings.Contains(string(out), "go.mod") || strings.Contains(string(out), "go.sum") {
			// The distribution module follows the root module's requirements
			// through its replace; a dependency change there needs a regenerate.
			hint = "\nthe distribution's go.mod is behind the root module: run `make collector-generate` and commit collector/cmd/seam-collector"
		}
		return "", fmt.Errorf("building seam-collector: %v\n%s%s", err, out, hint)
	}
	fmt.Fprintf(os.Stderr, "pipelinetest: seam-collector built in %s\n", time.Since(start).Round(time.Second))
	return bin, nil
}

// repoRoot is the directory holding go.work, above this package.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the test directory")
		}
		dir = parent
	}
}
