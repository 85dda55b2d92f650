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

// A service that imports only the root package links neither extension's
// dependencies: profiling and Prometheus pull are opt-in packages.
func TestRootLinksNoExtension(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	if !strings.Contains(string(out), "go.opentelemetry.io/otel/sdk/metric") {
		t.Fatalf("go list -deps printed no SDK dependency:\n%s", out)
	}
	for _, dep := range []string{"github.com/grafana/pyroscope-go", "github.com/prometheus/client_golang", "go.opentelemetry.io/otel/exporters/prometheus"} {
		if strings.Contains(string(out), dep) {
			t.Errorf("the root package links %s", dep)
		}
	}
}
