// Command load measures the collector's throughput with telemetrygen
// v0.161.0: spans/s and metric points/s through (a) OTLP → batch → nop and
// (b) OTLP → seam_schema → batch → nop, both pipelines in one collector
// process, alternating rounds so both see the same machine.
//
//	go run ./collector/load [-duration 15s] [-workers 2] [-rounds 2]
//
// It expects bin/seam-collector (make collector) and builds telemetrygen
// from collector/tools into bin/telemetrygen.
package main

import (
	"github.com/seamtel/seam/sdk-go/seamtest/process"

	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
	"github.com/seamtel/seam/internal/stack"
)

// loadConfig has one receiver and one pipeline per variant and signal.
var loadConfig = template.Must(template.New("load").Parse(`
receivers:
  otlp/plain:
    protocols:
      grpc:
        endpoint: {{.Plain}}
  otlp/schema:
    protocols:
      grpc:
        endpoint: {{.Schema}}
processors:
  batch:
  seam_schema:
    mode: enforce
exporters:
  nop/plain:
  nop/schema:
extensions:
  health_check:
    endpoint: {{.Health}}
service:
  extensions: [health_check]
  telemetry:
    logs:
      level: warn
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: {{.TelemetryPort}}
  pipelines:
    traces/plain:
      receivers: [otlp/plain]
      processors: [batch]
      exporters: [nop/plain]
    traces/schema:
      receivers: [otlp/schema]
      processors: [seam_schema, batch]
      exporters: [nop/schema]
    metrics/plain:
      receivers: [otlp/plain]
      processors: [batch]
      exporters: [nop/plain]
    metrics/schema:
      receivers: [otlp/schema]
      processors: [seam_schema, batch]
      exporters: [nop/schema]
`))

type ports struct {
	Plain, Schema, Health, Telemetry string
}

func (p ports) TelemetryPort() string { return p.Telemetry[strings.LastIndex(p.Telemetry, ":")+1:] }

// signal is what telemetrygen sends and how the collector counts it.
type signal struct {
	name    string // telemetrygen subcommand
	unit    string
	counter string // the receiver's accepted-items counter
	args    []string
}

var signals = []signal{
	{
		name: "traces", unit: "spans/s", counter: "otelcol_receiver_accepted_spans",
		args: []string{"--child-spans", "4", "--telemetry-attributes", `http.request.method="GET"`, "--telemetry-attributes", `url.scheme="https"`},
	},
	{
		name: "metrics", unit: "points/s", counter: "otelcol_receiver_accepted_metric_points",
		args: []string{"--metric-type", "Sum", "--telemetry-attributes", `seam.operation="checkout.price"`, "--telemetry-attributes", `seam.boundary.kind="ffi"`},
	},
}

func main() {
	duration := flag.Duration("duration", 15*time.Second, "how long telemetrygen sends per measurement")
	workers := flag.Int("workers", 2, "telemetrygen workers")
	rounds := flag.Int("rounds", 2, "alternating rounds per variant")
	flag.Parse()
	if err := run(*duration, *workers, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, workers, rounds int) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	collector := filepath.Join(root, "bin", "seam-collector")
	if _, err := os.Stat(collector); err != nil {
		return fmt.Errorf("%s is not built: run `make collector` first", collector)
	}
	telemetrygen, err := buildTelemetrygen(root)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "seam-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	addrs, err := stack.FreeAddrs(4)
	if err != nil {
		return err
	}
	p := ports{Plain: addrs[0], Schema: addrs[1], Health: addrs[2], Telemetry: addrs[3]}
	cfgPath := filepath.Join(dir, "load.yaml")
	f, err := os.Create(cfgPath)
	if err != nil {
		return err
	}
	if err := loadConfig.Execute(f, p); err != nil {
		f.Close()
		return err
	}
	f.Close()

	ctx := context.Background()
	proc, err := process.Launch(ctx, process.Spec{Name: "seam-collector", Path: collector, Args: []string{"--config", cfgPath}, LogPath: filepath.Join(dir, "collector.log")})
	if err != nil {
		return err
	}
	defer proc.Stop(10 * time.Second)
	if err := waitUp(p.Telemetry); err != nil {
		return err
	}

	fmt.Printf("duration %s per measurement, %d telemetrygen workers, %d rounds\n\n", duration, workers, rounds)
	type total struct{ items, seconds, cpu float64 }
	results := map[string]map[string]*total{}
	for _, s := range signals {
		results[s.name] = map[string]*total{"plain": {}, "schema": {}}
		for r := 0; r < rounds; r++ {
			for _, v := range []struct{ name, endpoint string }{{"plain", p.Plain}, {"schema", p.Schema}} {
				m, err := measure(telemetrygen, s, v.name, v.endpoint, p.Telemetry, duration, workers)
				if err != nil {
					return err
				}
				fmt.Printf("round %d %-7s %-6s %8.0f %s, %8.0f per collector CPU-second\n", r+1, s.name, v.name, m.items/m.seconds, s.unit, m.items/m.cpu)
				t := results[s.name][v.name]
				t.items += m.items
				t.seconds += m.seconds
				t.cpu += m.cpu
			}
		}
	}
	fmt.Println()
	fmt.Println("| signal | (a) batch → nop | (b) seam_schema → batch → nop | (b)/(a) throughput | (b)/(a) per collector CPU-second |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	for _, s := range signals {
		a, b := results[s.name]["plain"], results[s.name]["schema"]
		fmt.Printf("| %s | %.0f %s (%.0f per CPU-s) | %.0f %s (%.0f per CPU-s) | %.3f | %.3f |\n", s.name,
			a.items/a.seconds, s.unit, a.items/a.cpu, b.items/b.seconds, s.unit, b.items/b.cpu,
			(b.items/b.seconds)/(a.items/a.seconds), (b.items/b.cpu)/(a.items/a.cpu))
	}
	return nil
}

func buildTelemetrygen(root string) (string, error) {
	bin := filepath.Join(root, "bin", "telemetrygen")
	cmd := exec.Command("go", "build", "-modfile=tools/go.mod", "-o", bin, "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen")
	cmd.Dir = filepath.Join(root, "collector")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building telemetrygen: %v\n%s", err, out)
	}
	return bin, nil
}

func waitUp(telemetry string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := prometheustest.Scrape(telemetry); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the collector's telemetry endpoint did not come up")
}

// counters reads how many items the variant's receiver has pushed into its
// pipeline and the collector's CPU seconds so far. The push returns once the
// batch processor holds the items, so the count includes the time
// seam_schema took (nop exporters have no sent counter of their own).
func counters(telemetry, counter, variant string) (items, cpu float64, err error) {
	f, err := prometheustest.Scrape(telemetry)
	if err != nil {
		return 0, 0, err
	}
	cpuFamily := f.WithPrefix("otelcol_process_cpu_seconds")
	if cpuFamily == nil || len(cpuFamily.GetMetric()) == 0 {
		return 0, 0, errors.New("no otelcol_process_cpu_seconds in the collector's telemetry")
	}
	return prometheustest.CounterSum(f[counter], map[string]string{"receiver": "otlp/" + variant}), prometheustest.CounterSum(cpuFamily, nil), nil
}

// measurement is what one telemetrygen run achieved.
type measurement struct {
	items   float64 // accepted by the variant's pipeline
	seconds float64 // wall time of the run
	cpu     float64 // collector CPU seconds during the run
}

// measure runs telemetrygen against one variant. Throughput is bounded by
// telemetrygen when the collector is idle part of the time (2 cores shared
// by both), so the collector's CPU per item is measured too.
func measure(telemetrygen string, s signal, variant, endpoint, telemetry string, duration time.Duration, workers int) (measurement, error) {
	items0, cpu0, err := counters(telemetry, s.counter, variant)
	if err != nil {
		return measurement{}, err
	}
	args := append([]string{s.name, "--otlp-endpoint", endpoint, "--otlp-insecure", "--rate", "0",
		"--duration", duration.String(), "--workers", fmt.Sprint(workers), "--service", "load"}, s.args...)
	start := time.Now()
	cmd := exec.Command(telemetrygen, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return measurement{}, fmt.Errorf("telemetrygen %s: %v\n%s", s.name, err, out)
	}
	elapsed := time.Since(start)
	items1, cpu1, err := counters(telemetry, s.counter, variant)
	if err != nil {
		return measurement{}, err
	}
	return measurement{items: items1 - items0, seconds: elapsed.Seconds(), cpu: cpu1 - cpu0}, nil
}
