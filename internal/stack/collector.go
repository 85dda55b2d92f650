package stack

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultConfigPath is the collector's embedded default configuration, the
// one `seam-collector` runs with no flags. Runs on free ports start from it,
// so they exercise the same pipeline.
const DefaultConfigPath = "collector/config/default.yaml"

// The embedded default's loopback endpoints.
const (
	defaultOTLPGRPC   = "127.0.0.1:4317"
	defaultOTLPHTTP   = "127.0.0.1:4318"
	defaultPrometheus = "127.0.0.1:9464"
	defaultHealth     = "127.0.0.1:13133"
)

type collectorPorts struct {
	otlpGRPC, otlpHTTP, prometheus, health, telemetry string
}

// collectorArgs returns the collector's command line: none for the embedded
// default, or a configuration derived from it written into the run dir.
func (s *Stack) collectorArgs(cfg Config) ([]string, error) {
	if cfg.DefaultPorts && !cfg.Capture {
		s.ports = collectorPorts{otlpGRPC: defaultOTLPGRPC, otlpHTTP: defaultOTLPHTTP, prometheus: defaultPrometheus, health: defaultHealth}
		return nil, nil
	}
	addrs, err := FreeAddrs(5)
	if err != nil {
		return nil, err
	}
	s.ports = collectorPorts{otlpGRPC: addrs[0], otlpHTTP: addrs[1], prometheus: addrs[2], health: addrs[3], telemetry: addrs[4]}
	raw, err := os.ReadFile(filepath.Join(cfg.Root, DefaultConfigPath))
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", DefaultConfigPath, err)
	}
	doc = rewriteEndpoints(doc, map[string]string{
		defaultOTLPGRPC: s.ports.otlpGRPC, defaultOTLPHTTP: s.ports.otlpHTTP,
		defaultPrometheus: s.ports.prometheus, defaultHealth: s.ports.health,
	}).(map[string]any)
	setTelemetryPort(doc, s.ports.telemetry)
	if cfg.Capture {
		s.CaptureDir = filepath.Join(cfg.RunDir, "capture")
		if err := os.MkdirAll(s.CaptureDir, 0o755); err != nil {
			return nil, err
		}
		if err := addCapture(doc, s.CaptureDir); err != nil {
			return nil, err
		}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(cfg.RunDir, "collector.yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return nil, err
	}
	return []string{"--config", path}, nil
}

// rewriteEndpoints replaces every default address in the configuration tree.
func rewriteEndpoints(v any, addrs map[string]string) any {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			t[k] = rewriteEndpoints(child, addrs)
		}
	case []any:
		for i, child := range t {
			t[i] = rewriteEndpoints(child, addrs)
		}
	case string:
		for from, to := range addrs {
			t = strings.ReplaceAll(t, from, to)
		}
		return t
	}
	return v
}

// CollectorTelemetryAddr is host:port of the collector's own metrics
// (otelcol_*), or "" when the collector runs its embedded default.
func (s *Stack) CollectorTelemetryAddr() string { return s.ports.telemetry }

// setTelemetryPort moves the collector's own metrics endpoint off its fixed
// default port, so two runs never collide.
func setTelemetryPort(doc map[string]any, addr string) {
	host, port, _ := strings.Cut(addr, ":")
	n, _ := strconv.Atoi(port)
	service := child(doc, "service")
	telemetry := child(service, "telemetry")
	metrics := child(telemetry, "metrics")
	metrics["readers"] = []any{map[string]any{"pull": map[string]any{"exporter": map[string]any{
		"prometheus": map[string]any{"host": host, "port": n},
	}}}}
}

// addCapture switches schema enforcement to report mode, so the capture
// shows what the emitters sent, and adds a file exporter to every pipeline,
// one per signal: one file exporter shared by several pipelines is shut
// down by the first of them while the others still flush into it.
func addCapture(doc map[string]any, dir string) error {
	processors := child(doc, "processors")
	found := false
	for name, cfg := range processors {
		if strings.HasPrefix(name, "seam_schema") {
			m, _ := cfg.(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			m["mode"] = "report"
			processors[name] = m
			found = true
		}
	}
	if !found {
		return fmt.Errorf("%s has no seam_schema processor", DefaultConfigPath)
	}
	exporters := child(doc, "exporters")
	pipelines := child(child(doc, "service"), "pipelines")
	for signal, p := range pipelines {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		name := "file/capture_" + strings.ReplaceAll(signal, "/", "_")
		exporters[name] = map[string]any{"path": filepath.Join(dir, strings.ReplaceAll(signal, "/", "_")+".jsonl")}
		exps, _ := m["exporters"].([]any)
		m["exporters"] = append(exps, name)
	}
	return nil
}

func child(m map[string]any, key string) map[string]any {
	c, ok := m[key].(map[string]any)
	if !ok {
		c = map[string]any{}
		m[key] = c
	}
	return c
}
