// Package overhead measures what Seam costs the pricing orchestrator end to
// end: the same fixed-rate load, interleaved, against the orchestrator with
// Seam disabled (OTEL_SDK_DISABLED=true: no-op providers on both sides of
// the FFI boundary; the canonical log lines are still written), with Seam
// exporting to the real collector, and with Seam exporting to a collector
// that is down. It reports each mode's client-side p50 and p99 latency and
// the orchestrator's CPU time per request, and their ratios to the run
// without Seam in the same round.
package overhead

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// DefaultMaxLag is the load generator's p99 lag past which a round counts
// as busy. Go's timers wake the idle generator up to about a millisecond
// late (the poller sleeps in whole milliseconds): at load average 0.3–1.2
// every round's lag p99 was 1.09–1.12 ms, while rounds on a machine busy
// with other builds lag 15 ms at the median. 2 ms lies between the two.
const DefaultMaxLag = 2 * time.Millisecond

// Config says how much load, for how long, against which binaries.
type Config struct {
	Root   string // repository root, with bin/ built
	RunDir string // logs and the collector's configuration land here
	// Rate is the requests per second sent to the orchestrator.
	Rate float64
	// Warmup is sent and not counted before each Measure.
	Warmup, Measure time.Duration
	// Rounds run every mode (of every binary) once each, in an order
	// rotated per round.
	Rounds int
	// Routes are the orchestrator's --route values.
	Routes []string
	// Before, when set, is a second orchestrator binary (an older build)
	// measured in the same rounds, its runs labelled "before".
	Before string
	// MaxLag is the load generator's p99 lag past which a whole round is
	// set aside as busy; DefaultMaxLag when zero.
	MaxLag time.Duration
	// PprofDir, when set, receives a Go CPU profile of the main binary's
	// orchestrator over each measurement (it serves them with --pprof).
	PprofDir string
	// Progress, when set, gets a line per run.
	Progress io.Writer
}

// variant is one orchestrator binary.
type variant struct {
	label, path string
	pprof       bool
}

func (cfg Config) variants() []variant {
	vs := []variant{{path: filepath.Join(cfg.Root, stack.OrchestratorBin), pprof: cfg.PprofDir != ""}}
	if cfg.Before != "" {
		vs = append(vs, variant{label: "before", path: cfg.Before})
	}
	return vs
}

// Run measures every mode of every binary cfg.Rounds times, interleaved.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Rate <= 0 || cfg.Measure <= 0 || cfg.Warmup < 0 || cfg.Rounds <= 0 || cfg.MaxLag < 0 {
		return nil, fmt.Errorf("overhead: rate, measure and rounds must be positive and warmup and max lag not negative, got %v, %v, %d, %v, %v",
			cfg.Rate, cfg.Measure, cfg.Rounds, cfg.Warmup, cfg.MaxLag)
	}
	if cfg.MaxLag == 0 {
		cfg.MaxLag = DefaultMaxLag
	}
	if cfg.Before != "" {
		if _, err := os.Stat(cfg.Before); err != nil {
			return nil, fmt.Errorf("overhead: --before: %w", err)
		}
	}
	col, err := stack.StartCollector(ctx, stack.Config{Root: cfg.Root, RunDir: cfg.RunDir})
	if err != nil {
		return nil, err
	}
	defer col.Stop()
	dead, err := stack.FreeAddrs(1)
	if err != nil {
		return nil, err
	}
	endpoints := map[Mode]string{NoSeam: col.OTLPEndpoint, CollectorUp: col.OTLPEndpoint, CollectorDown: "http://" + dead[0]}

	type job struct {
		v variant
		m Mode
	}
	var jobs []job
	for _, v := range cfg.variants() {
		for _, m := range Modes {
			jobs = append(jobs, job{v, m})
		}
	}
	rep := &Report{MaxLag: cfg.MaxLag}
	for round := range cfg.Rounds {
		for i := range jobs {
			j := jobs[(i+round)%len(jobs)]
			s, err := runOnce(ctx, cfg, j.v, j.m, endpoints[j.m], round+1)
			if err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", name(j.v.label, j.m), round+1, err)
			}
			r := s.run(j.v.label, j.m, round+1)
			r.Load1 = load1()
			if cfg.Progress != nil {
				fmt.Fprintf(cfg.Progress, "round %d %-27s %s\n", round+1, name(j.v.label, j.m), r)
			}
			rep.add(r, s.latencies)
		}
	}
	rep.summarize()
	return rep, nil
}

// runOnce starts the orchestrator in mode m, loads it for the warmup and
// the measurement, and stops it.
func runOnce(ctx context.Context, cfg Config, v variant, m Mode, endpoint string, round int) (*sample, error) {
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
	var pprofAddr string
	if v.pprof {
		addrs, err := stack.FreeAddrs(1)
		if err != nil {
			return nil, err
		}
		pprofAddr = addrs[0]
		args = append(args, "--pprof", pprofAddr)
	}
	runName := strings.ReplaceAll(fmt.Sprintf("orchestrator-%s-%d", name(v.label, m), round), " ", "-")
	p, err := process.Launch(ctx, process.Spec{
		Name: runName, Path: v.path, Args: args, Env: env, WaitListening: true,
		LogPath:    filepath.Join(cfg.RunDir, runName+".log"),
		StderrPath: filepath.Join(cfg.RunDir, runName+".stderr"),
	})
	if err != nil {
		return nil, err
	}
	defer p.Stop(15 * time.Second)
	url := "http://" + p.Addr
	if _, err := load(ctx, url, cfg.Rate, cfg.Warmup); err != nil {
		return nil, err
	}
	var profiled <-chan error
	if pprofAddr != "" {
		profiled = profile(ctx, pprofAddr, cfg.Measure, filepath.Join(cfg.PprofDir, runName+".pprof"))
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
	if profiled != nil {
		if err := <-profiled; err != nil {
			return nil, err
		}
	}
	return s, nil
}

// name is how a run's binary and mode are printed.
func name(label string, m Mode) string {
	if label == "" {
		return string(m)
	}
	return label + " " + string(m)
}

// load1 is the machine's one-minute load average, 0 when unreadable.
func load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, _ := strconv.ParseFloat(f, 64)
	return v
}
