package seam

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The SDK's own module graph (outside the workspace, as a service that
// imports it resolves it) contains no collector module: the export test
// that uses the collector's receiver lives in a module of its own.
func TestModuleGraphHasNoCollector(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatal("no go command to inspect the module graph with")
		}
	}
	cmd := exec.Command(goBin, "mod", "graph")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod graph: %v", err)
	}
	if len(out) == 0 {
		t.Fatal("go mod graph printed nothing")
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "go.opentelemetry.io/collector") {
			t.Errorf("module graph contains a collector module: %s", line)
		}
	}
}
