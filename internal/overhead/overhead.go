// Package overhead measures what Seam costs the pricing orchestrator end to
// end: the same fixed-rate load, interleaved, against the orchestrator with
// Seam disabled (OTEL_SDK_DISABLED=true: no-op providers on both sides of
// the FFI boundary; the canonical log lines are still written), with Seam
// exporting to the real collector, and with Seam exporting to a collector
// that is down. It reports each mode's client-side p50 and p99 latency and
// the orchestrator's CPU time per request, and their ratios to the run
// without Seam.
package overhead

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"github.com/seamtel/seam/internal/procstat"
	"github.com/seamtel/seam/internal/stack"
	"github.com/seamtel/seam/sdk-go/seamtest/process"
)

// Mode is one way of running the orchestrator.
type Mode string

const (
	NoSeam        Mode = "no_seam"
	CollectorUp   Mode = "seam_collector_up"
	CollectorDown Mode = "seam_collector_down"
)

// Modes are the three ways, the baseline first.
var Modes = []Mode{NoSeam, CollectorUp, CollectorDown}

// Config says how much load, for how long.
type Config struct {
	Root   string // repository root, with bin/ built
	RunDir string // logs and the collector's configuration land here
	// Rate is the requests per second sent to the orchestrator.
	Rate float64
	// Warmup is sent and not counted before each Measure.
	Warmup, Measure time.Duration
	// Rounds run every mode once each, in an order rotated per round.
	Rounds int
	// Routes are the orchestrator's --route values.
	Routes []string
	// Progress, when set, gets a line per run.
	Progress io.Writer
}

// Result is one mode's figures over all its rounds.
type Result struct {
	Mode     Mode
	OK       int
	Failed   int
	P50, P99 time.Duration
	// CPUPerRequest is the orchestrator's CPU time (user and system, the
	// Rust library linked in included) per counted request.
	CPUPerRequest time.Duration
}

// Run measures every mode cfg.Rounds times, interleaved.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Rate <= 0 || cfg.Measure <= 0 || cfg.Warmup < 0 || cfg.Rounds <= 0 {
		return nil, fmt.Errorf("overhead: rate, measure and rounds must be positive and warmup not negative, got %v, %v, %d, %v",
			cfg.Rate, cfg.Measure, cfg.Rounds, cfg.Warmup)
	}
	col, err := stack.StartCollector(ctx, stack.Config{Root: cfg.Root, RunDir: cfg.RunDir})
	if err != nil {
		return nil, err
	}
	defer col.Stop()
	dead, err := deadEndpoint()
	if err != nil {
		return nil, err
	}
	endpoints := map[Mode]string{NoSeam: col.OTLPEndpoint, CollectorUp: col.OTLPEndpoint, CollectorDown: dead}

	samples := map[Mode]*sample{}
	for _, m := range Modes {
		samples[m] = &sample{}
	}
	for round := range cfg.Rounds {
		for i := range Modes {
			m := Modes[(i+round)%len(Modes)]
			s, err := runOnce(ctx, cfg, m, endpoints[m], round)
			if err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", m, round+1, err)
			}
			if cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "round %d %-20s %s\n", round+1, m, s.result(m))
			}
			samples[m].merge(s)
		}
	}
	out := make([]Result, len(Modes))
	for i, m := range Modes {
		out[i] = samples[m].result(m)
	}
	return out, nil
}

// runOnce starts the orchestrator in mode m, loads it for the warmup and
// the measurement, and stops it.
func runOnce(ctx context.Context, cfg Config, m Mode, endpoint string, round int) (*sample, error) {
	env := []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"GOMEMLIMIT=256MiB",
	}
	if m == NoSeam {
		env = append(env, "OTEL_SDK_DISABLED=true")
	}
	args := []string{"--listen", "127.0.0.1:0"}
	for _, r := range cfg.Routes {
		args = append(args, "--route", r)
	}
	name := fmt.Sprintf("orchestrator-%s-%d", m, round+1)
	p, err := process.Launch(ctx, process.Spec{
		Name: name, Path: filepath.Join(cfg.Root, stack.OrchestratorBin), Args: args, Env: env, WaitListening: true,
		LogPath:    filepath.Join(cfg.RunDir, name+".log"),
		StderrPath: filepath.Join(cfg.RunDir, name+".stderr"),
	})
	if err != nil {
		return nil, err
	}
	defer p.Stop(15 * time.Second)
	url := "http://" + p.Addr
	if _, err := load(ctx, url, cfg.Rate, cfg.Warmup); err != nil {
		return nil, err
	}
	before, err := procstat.CPUTime(p.Pid())
	if err != nil {
		return nil, err
	}
	s, err := load(ctx, url, cfg.Rate, cfg.Measure)
	if err != nil {
		return nil, err
	}
	after, err := procstat.CPUTime(p.Pid())
	if err != nil {
		return nil, err
	}
	s.cpu = after - before
	return s, nil
}

// deadEndpoint is an OTLP endpoint nothing listens on.
func deadEndpoint() (string, error) {
	addrs, err := stack.FreeAddrs(1)
	if err != nil {
		return "", err
	}
	if _, _, err := net.SplitHostPort(addrs[0]); err != nil {
		return "", err
	}
	return "http://" + addrs[0], nil
}

// Ratio is r's figure over the baseline's, as "1.02×".
func Ratio(r, base time.Duration) string {
	if base <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3f×", float64(r)/float64(base))
}

// Format writes results as a Markdown table, ratios against the first.
func Format(w io.Writer, results []Result) {
	fmt.Fprintln(w, "| mode | requests ok / failed | p50 | p99 | CPU per request | p50 ratio | p99 ratio | CPU ratio |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	base := results[0]
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %d / %d | %v | %v | %v | %s | %s | %s |\n", r.Mode, r.OK, r.Failed,
			r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.CPUPerRequest.Round(100*time.Nanosecond),
			Ratio(r.P50, base.P50), Ratio(r.P99, base.P99), Ratio(r.CPUPerRequest, base.CPUPerRequest))
	}
}

func (r Result) String() string {
	return fmt.Sprintf("%d ok, %d failed, p50 %v, p99 %v, CPU %v/request", r.OK, r.Failed,
		r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.CPUPerRequest.Round(100*time.Nanosecond))
}
