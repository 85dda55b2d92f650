package stack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// A run on free ports starts from the collector's real embedded default:
// every default address is replaced, nothing else is lost, and a capture
// adds one file exporter per pipeline with enforcement in report mode.
func TestCollectorConfigDerivesFromTheEmbeddedDefault(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	runDir := t.TempDir()
	st := &Stack{}
	args, err := st.collectorArgs(Config{Root: root, RunDir: runDir, Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(args) != 2 || args[0] != "--config" {
		t.Fatalf("args %v", args)
	}
	raw, err := os.ReadFile(args[1])
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, fixed := range []string{defaultOTLPGRPC, defaultOTLPHTTP, defaultPrometheus, defaultHealth, "port: 8888"} {
		if strings.Contains(text, fixed) {
			t.Errorf("derived config still holds the default %q:\n%s", fixed, text)
		}
	}
	for _, addr := range []string{st.ports.otlpGRPC, st.ports.otlpHTTP, st.ports.prometheus, st.ports.health} {
		if !strings.HasPrefix(addr, "127.0.0.1:") || !strings.Contains(text, addr) {
			t.Errorf("free address %q missing from:\n%s", addr, text)
		}
	}

	var doc struct {
		Processors map[string]map[string]any `yaml:"processors"`
		Exporters  map[string]map[string]any `yaml:"exporters"`
		Service    struct {
			Pipelines map[string]struct {
				Processors []string `yaml:"processors"`
				Exporters  []string `yaml:"exporters"`
			} `yaml:"pipelines"`
		} `yaml:"service"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Processors["seam_schema"]["mode"] != "report" {
		t.Errorf("schema processor mode %v, want report", doc.Processors["seam_schema"]["mode"])
	}
	if len(doc.Service.Pipelines) != 3 {
		t.Fatalf("pipelines %v", doc.Service.Pipelines)
	}
	for signal, p := range doc.Service.Pipelines {
		name := "file/capture_" + signal
		if !contains(p.Exporters, name) || len(p.Exporters) < 2 {
			t.Errorf("%s pipeline exporters %v: want the default ones plus %s", signal, p.Exporters, name)
		}
		if path := doc.Exporters[name]["path"]; path != filepath.Join(st.CaptureDir, signal+".jsonl") {
			t.Errorf("%s writes to %v", name, path)
		}
		if !contains(p.Processors, "seam_schema") {
			t.Errorf("%s pipeline lost the schema processor: %v", signal, p.Processors)
		}
	}
}

func TestDefaultPortsUseTheEmbeddedDefault(t *testing.T) {
	st := &Stack{}
	args, err := st.collectorArgs(Config{Root: "../..", RunDir: t.TempDir(), DefaultPorts: true})
	if err != nil || args != nil {
		t.Fatalf("args %v, err %v: the embedded default takes no flags", args, err)
	}
	if st.ports.prometheus != defaultPrometheus {
		t.Errorf("prometheus %q", st.ports.prometheus)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
