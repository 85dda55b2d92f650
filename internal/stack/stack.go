// Package stack starts and stops the processes of a Seam run — the
// collector, the Rust pricing service, the Go orchestrator (which embeds the
// NATS server its receipts go through) and the Rust worker that consumes
// them — on loopback ports, and makes sure none of them outlives the run.
package stack

import (
	"github.com/seamtel/seam/sdk-go/seamtest/process"

	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Binaries built by `make collector example`, relative to the repository root.
const (
	CollectorBin    = "bin/seam-collector"
	ServiceBin      = "bin/pricing-service"
	OrchestratorBin = "bin/pricing-orchestrator"
	WorkerBin       = "bin/pricing-worker"
)

// Config says what to run.
type Config struct {
	Root   string // repository root
	RunDir string // logs, generated configuration and the capture land here
	// DefaultPorts runs the collector on its embedded default configuration
	// (OTLP on 127.0.0.1:4317/4318, Prometheus on 127.0.0.1:9464); otherwise
	// every port is a free one, so runs never collide.
	DefaultPorts bool
	// Capture adds file exporters writing every signal into CaptureDir and
	// puts the schema processor in report mode, for the conformance check.
	Capture bool
	Routes  []string // orchestrator --route values
	Faults  string   // orchestrator --fault value
	Env     []string // extra environment for the emitters
	// ServiceEnv is extra environment for pricing-service alone, after Env:
	// a service on another host, sending elsewhere.
	ServiceEnv []string
	Echo       io.Writer
}

// Stack is a running collector, Rust service, Go orchestrator and Rust worker.
type Stack struct {
	Collector, Service, Orchestrator, Worker *process.Process
	NATSURL                                  string // the orchestrator's embedded NATS server

	OrchestratorURL string // http://127.0.0.1:PORT
	MetricsURL      string // the collector's Prometheus exposition
	OTLPEndpoint    string // the collector's OTLP/HTTP base URL, http://127.0.0.1:PORT
	CaptureDir      string // with Config.Capture: one OTLP JSON lines file per signal
	LogDir          string
	// Replicas are further orchestrators, from StartReplica.
	Replicas []*process.Process

	ports        collectorPorts
	orchestrator process.Spec
}

// Start brings the stack up in dependency order. On error nothing is left running.
func Start(ctx context.Context, cfg Config) (_ *Stack, err error) {
	for _, bin := range []string{CollectorBin, ServiceBin, OrchestratorBin, WorkerBin} {
		if _, err := os.Stat(filepath.Join(cfg.Root, bin)); err != nil {
			return nil, fmt.Errorf("%s is not built: run `make collector example` first", bin)
		}
	}
	st, err := StartCollector(ctx, cfg)
	if err != nil {
		return nil, err
	}
	logDir := st.LogDir
	defer func() {
		if err != nil {
			st.Stop()
		}
	}()

	env := append([]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + st.OTLPEndpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_METRIC_EXPORT_INTERVAL=1000",
		"OTEL_BSP_SCHEDULE_DELAY=200",
		"OTEL_BLRP_SCHEDULE_DELAY=200",
		// No OTEL_SERVICE_NAME: the orchestrator is "pricing" (Go and in-process
		// Rust, told apart by seam.impl) and the service "pricing-service", so
		// their Rust series never collide.
	}, cfg.Env...)
	// pricing-service is told its gRPC address (it announces the HTTP one).
	grpcAddr, err := FreeAddrs(1)
	if err != nil {
		return nil, err
	}
	st.Service, err = process.Launch(ctx, process.Spec{Name: "rust-service", Path: filepath.Join(cfg.Root, ServiceBin),
		Args: []string{"--listen", "127.0.0.1:0", "--grpc-listen", grpcAddr[0]}, Env: append(append([]string{}, env...), cfg.ServiceEnv...), WaitListening: true,
		LogPath: filepath.Join(logDir, "pricing-service.log"), StderrPath: filepath.Join(logDir, "pricing-service.stderr"),
		Echo: cfg.Echo})
	if err != nil {
		return nil, err
	}
	natsAddr, err := FreeAddrs(1)
	if err != nil {
		return nil, err
	}
	st.NATSURL = "nats://" + natsAddr[0]
	orchArgs := []string{"--listen", "127.0.0.1:0", "--pricing-service", "http://" + st.Service.Addr, "--nats-listen", natsAddr[0]}
	orchArgs = append(orchArgs, "--pricing-grpc", grpcAddr[0])
	for _, r := range cfg.Routes {
		orchArgs = append(orchArgs, "--route", r)
	}
	if cfg.Faults != "" {
		orchArgs = append(orchArgs, "--fault", cfg.Faults)
	}
	// A soft memory limit, as a Go service in a container should have: the
	// runtime then reports go.memory.limit, which the Runtime dashboard draws.
	orchEnv := append([]string{"GOMEMLIMIT=256MiB"}, env...)
	st.orchestrator = process.Spec{Name: "orchestrator", Path: filepath.Join(cfg.Root, OrchestratorBin),
		Args: orchArgs, Env: orchEnv, WaitListening: true,
		LogPath: filepath.Join(logDir, "pricing-orchestrator.log"), StderrPath: filepath.Join(logDir, "pricing-orchestrator.stderr"),
		Echo: cfg.Echo}
	if st.Orchestrator, err = process.Launch(ctx, st.orchestrator); err != nil {
		return nil, err
	}
	st.OrchestratorURL = "http://" + st.Orchestrator.Addr
	// The orchestrator created the receipts stream before it listened.
	workerStderr := filepath.Join(logDir, "pricing-worker.stderr")
	st.Worker, err = process.Launch(ctx, process.Spec{Name: "rust-worker", Path: filepath.Join(cfg.Root, WorkerBin),
		Args: []string{"--nats", st.NATSURL}, Env: append(append([]string{}, env...), cfg.ServiceEnv...),
		LogPath: filepath.Join(logDir, "pricing-worker.log"), StderrPath: workerStderr,
		Echo: cfg.Echo})
	if err != nil {
		return nil, err
	}
	if err := waitLine(ctx, st.Worker, workerStderr, "consuming "); err != nil {
		return nil, err
	}
	return st, nil
}

// StartCollector brings up the collector alone, as Start does first; Stop
// stops it. On error nothing is left running.
func StartCollector(ctx context.Context, cfg Config) (_ *Stack, err error) {
	if _, err := os.Stat(filepath.Join(cfg.Root, CollectorBin)); err != nil {
		return nil, fmt.Errorf("%s is not built: run `make collector` first", CollectorBin)
	}
	logDir := filepath.Join(cfg.RunDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	st := &Stack{LogDir: logDir}
	defer func() {
		if err != nil {
			st.Stop()
		}
	}()
	args, err := st.collectorArgs(cfg)
	if err != nil {
		return nil, err
	}
	st.Collector, err = process.Launch(ctx, process.Spec{Name: "collector", Path: filepath.Join(cfg.Root, CollectorBin), Args: args,
		LogPath: filepath.Join(logDir, "collector.log"), Echo: nil})
	if err != nil {
		return nil, err
	}
	if err := waitHealthy(ctx, st.Collector, "http://"+st.ports.health+"/"); err != nil {
		return nil, err
	}
	st.MetricsURL = "http://" + st.ports.prometheus + "/metrics"
	st.OTLPEndpoint = "http://" + st.ports.otlpHTTP
	return st, nil
}

// StartReplica starts one more orchestrator, configured as the first: a
// second replica of the same service, with its own process and log.
func (s *Stack) StartReplica(ctx context.Context) (*process.Process, error) {
	spec := s.orchestrator
	// One embedded NATS server, the first orchestrator's: a replica publishes to it.
	spec.Args = append([]string{}, spec.Args...)
	for i := range spec.Args {
		if spec.Args[i] == "--nats-listen" && i+1 < len(spec.Args) {
			spec.Args[i], spec.Args[i+1] = "--nats", s.NATSURL
		}
	}
	n := len(s.Replicas) + 2
	spec.Name = fmt.Sprintf("orchestrator-%d", n)
	spec.LogPath = filepath.Join(s.LogDir, fmt.Sprintf("pricing-orchestrator-%d.log", n))
	spec.StderrPath = filepath.Join(s.LogDir, fmt.Sprintf("pricing-orchestrator-%d.stderr", n))
	p, err := process.Launch(ctx, spec)
	if err != nil {
		return nil, err
	}
	s.Replicas = append(s.Replicas, p)
	return p, nil
}

// Stop stops the emitters first, so their last telemetry is flushed into
// a collector that is still up, then the collector, so it flushes its exporters.
func (s *Stack) Stop() error {
	var errs []error
	// The worker before the orchestrator, whose process hosts its NATS server.
	for _, p := range append(append([]*process.Process{s.Worker}, s.Replicas...), s.Orchestrator, s.Service, s.Collector) {
		if p != nil {
			errs = append(errs, p.Stop(15*time.Second))
		}
	}
	return errors.Join(errs...)
}

// WaitWorkerLogs waits until the worker's JSON log has n lines whose msg
// is msg.
func (s *Stack) WaitWorkerLogs(ctx context.Context, msg string, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	needle := `"msg":` + strconv.Quote(msg)
	for {
		b, _ := os.ReadFile(s.Worker.LogPath)
		got := strings.Count(string(b), needle)
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the worker logged %q %d times, not %d: %w; its log:\n%s", msg, got, n, ctx.Err(), process.Tail(s.Worker.LogPath))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitLine waits until the file at path, p's output, has a line starting
// with prefix.
func waitLine(ctx context.Context, p *process.Process, path, prefix string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if b, err := os.ReadFile(path); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(line, prefix) {
					return nil
				}
			}
		}
		if p.Exited() {
			return fmt.Errorf("%s exited during start-up; its output:\n%s", p.Name, process.Tail(path))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not print %q: %w; its output:\n%s", p.Name, prefix, ctx.Err(), process.Tail(path))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func waitHealthy(ctx context.Context, p *process.Process, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if p.Exited() {
			return fmt.Errorf("the collector exited during start-up; its log:\n%s", process.Tail(p.LogPath))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the collector was not healthy at %s: %w; its log:\n%s", url, ctx.Err(), process.Tail(p.LogPath))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// FreeAddrs returns n distinct loopback addresses whose ports nothing
// listens on now. Every listener stays open until all n are chosen: closing
// each at once lets the kernel hand the same port out twice.
func FreeAddrs(n int) ([]string, error) {
	addrs := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}
