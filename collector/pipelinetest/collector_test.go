package pipelinetest

import (
	"github.com/seamtel/seam/sdk-go/seamtest/process"

	"context"

	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
	"github.com/seamtel/seam/internal/stack"
)

// running is a seam-collector process on free loopback ports.
type running struct {
	OTLPGRPC, OTLPHTTP, Prometheus, Health, Telemetry string
	// Down is a free port nothing listens on.
	Down         string
	Dir          string
	MaxBodyBytes int
	MaxRecvMiB   int
	// Guard is seam_guard's settings, YAML under it; empty keeps the defaults.
	Guard string
	// MetricsFile also writes the metrics pipeline to Dir/metrics.jsonl.
	MetricsFile bool
	proc        *process.Process
}

// testConfig is the default pipeline on free ports, with traces and logs
// written to files so the test can read what came out.
var testConfig = template.Must(template.New("config").Parse(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: {{.OTLPGRPC}}
        max_recv_msg_size_mib: {{.MaxRecvMiB}}
        middlewares: [{id: seam_guard}]
      http:
        endpoint: {{.OTLPHTTP}}
        max_request_body_size: {{.MaxBodyBytes}}
        middlewares: [{id: seam_guard}]
        read_header_timeout: 2s
        read_timeout: 10s
        keepalive:
          idle_timeout: 10s
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: 1024
    spike_limit_mib: 256
  seam_schema:
    mode: enforce
    findings:
      log: true
  batch:
    timeout: 50ms
exporters:
  seam_prometheus:
    endpoint: {{.Prometheus}}
  # A backend that is down, so the sending queue and its size are real.
  otlp_grpc/down:
    endpoint: {{.Down}}
    tls:
      insecure: true
    sending_queue:
      enabled: true
      queue_size: 100
    retry_on_failure:
      enabled: true
  file/traces:
    path: {{.Dir}}/traces.jsonl
    flush_interval: 50ms
  file/logs:
    path: {{.Dir}}/logs.jsonl
    flush_interval: 50ms
{{- if .MetricsFile}}
  file/metrics:
    path: {{.Dir}}/metrics.jsonl
    flush_interval: 50ms
{{- end}}
extensions:
  seam_guard:{{if .Guard}}
{{.Guard}}{{end}}
  health_check:
    endpoint: {{.Health}}
service:
  extensions: [seam_guard, health_check]
  telemetry:
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: {{.TelemetryPort}}
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, seam_schema, batch]
      exporters: [seam_prometheus, otlp_grpc/down{{if .MetricsFile}}, file/metrics{{end}}]
    traces:
      receivers: [otlp]
      processors: [memory_limiter, seam_schema, batch]
      exporters: [file/traces]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, seam_schema, batch]
      exporters: [file/logs]
`))

// TelemetryPort is the port of the Telemetry address.
func (r *running) TelemetryPort() string { return r.Telemetry[strings.LastIndex(r.Telemetry, ":")+1:] }

// startCollector runs the distribution with the test configuration and
// stops it when the test ends; opts may change the receiver's limits.
func startCollector(t *testing.T, opts ...func(*running)) *running {
	t.Helper()
	r := &running{Dir: t.TempDir(), MaxBodyBytes: 1 << 20, MaxRecvMiB: 1}
	for _, o := range opts {
		o(r)
	}
	addrs, err := stack.FreeAddrs(6)
	require.NoError(t, err)
	r.OTLPGRPC, r.OTLPHTTP, r.Prometheus, r.Health, r.Telemetry, r.Down = addrs[0], addrs[1], addrs[2], addrs[3], addrs[4], addrs[5]
	var cfg strings.Builder
	require.NoError(t, testConfig.Execute(&cfg, r))
	path := filepath.Join(r.Dir, "collector.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg.String()), 0o600))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	proc, err := process.Launch(ctx, process.Spec{
		Name: "seam-collector", Path: collectorBin, Args: []string{"--config", path},
		LogPath: filepath.Join(r.Dir, "collector.log"),
	})
	require.NoError(t, err)
	r.proc = proc
	t.Cleanup(func() {
		if err := proc.Stop(10 * time.Second); err != nil {
			t.Errorf("collector did not stop cleanly: %v\n%s", err, r.log())
		}
		if t.Failed() {
			t.Logf("collector log:\n%s", r.log())
		}
	})
	r.waitHealthy(t)
	return r
}

func (r *running) log() string {
	b, _ := os.ReadFile(filepath.Join(r.Dir, "collector.log"))
	return string(b)
}

// waitHealthy waits for health_check to answer 200.
func (r *running) waitHealthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		require.False(t, r.proc.Exited(), "collector exited:\n%s", r.log())
		if r.healthy() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("collector not healthy at %s:\n%s", r.Health, r.log())
}

func (r *running) healthy() bool {
	resp, err := http.Get("http://" + r.Health + "/")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// scrape fetches a /metrics endpoint.
func scrape(t *testing.T, addr string) prometheustest.Families {
	t.Helper()
	f, err := prometheustest.Scrape(addr)
	require.NoError(t, err)
	return f
}

// eventually scrapes addr until cond holds, failing after 20 s with what
// the last scrape held.
func eventually(t *testing.T, addr string, what string, cond func(prometheustest.Families) bool) prometheustest.Families {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last prometheustest.Families
	for time.Now().Before(deadline) {
		last = scrape(t, addr)
		if cond(last) {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	names := make([]string, 0, len(last))
	for n := range last {
		names = append(names, n)
	}
	t.Fatalf("%s: not seen at %s within 20s; families: %v", what, addr, names)
	return nil
}
