// Command load measures collectors side by side with a closed-loop
// OTLP/gRPC generator of its own: bin/seam-collector passing through
// (otlp → batch → nop) and enforcing the schema (→ seam_schema →) on
// conformant and on foreign batches, and an upstream otelcol of the same
// release doing the same fixes with contrib's transform and redaction
// processors, for traces, metrics and logs.
//
//	make bench-collector   # builds both collectors, then runs this
//	go run ./collector/load -seam bin/seam-collector [-upstream PATH] \
//	    [-seam-before PATH] [-workers 4] [-items 500] [-duration 8s] [-rounds 2] [-collector-cpu 1]
//
// Each measurement starts its own collector, pinned with taskset to
// -collector-cpu (run the generator itself on another core: `taskset -c 0`),
// warms it up, then keeps -workers pre-marshalled requests of -items items
// in flight for -duration. It prints items/s, the collector's CPU-seconds
// per million items (/proc/PID/stat), its peak RSS (VmHWM) and the ratios.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/seamtel/seam/collector/internal/loaddata"
	"github.com/seamtel/seam/internal/stack"
	"github.com/seamtel/seam/sdk-go/seamtest/process"
)

// options say what to measure and how.
type options struct {
	seam, upstream string // collector binaries; upstream "" skips its cases
	// seamBefore, when set, is an earlier seam-collector whose seam_schema
	// cases run beside the current one's: before and after in one run.
	seamBefore     string
	workers, items int
	duration       time.Duration
	warmup         time.Duration
	rounds         int
	collectorCPU   string // taskset's CPU list; "" leaves the collector unpinned
	signals        []string
}

func main() {
	var o options
	flag.StringVar(&o.seam, "seam", "bin/seam-collector", "the Seam collector binary")
	flag.StringVar(&o.upstream, "upstream", "", "an upstream otelcol with the transform and redaction processors; empty skips its cases")
	flag.StringVar(&o.seamBefore, "seam-before", "", "an earlier seam-collector to measure seam_schema beside, before and after in one run")
	flag.IntVar(&o.workers, "workers", 4, "requests in flight (one connection each)")
	flag.IntVar(&o.items, "items", 500, "spans, data points or log records per request")
	flag.DurationVar(&o.duration, "duration", 8*time.Second, "how long each measurement sends")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "how long each collector is loaded before a measurement starts")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds over all cases; figures are the median")
	flag.StringVar(&o.collectorCPU, "collector-cpu", "1", "the CPU list the collector is pinned to (taskset -c); empty: not pinned")
	signals := flag.String("signals", "traces,metrics,logs", "comma-separated signals to measure")
	jsonOut := flag.String("json", "", "also write the figures as JSON to this file")
	flag.Parse()
	o.signals = splitList(*signals)
	if err := o.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	results, err := run(context.Background(), o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	printReport(os.Stdout, o, results)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
	}
}

func (o options) validate() error {
	if _, err := os.Stat(o.seam); err != nil {
		return fmt.Errorf("-seam %s: %w (make collector builds it)", o.seam, err)
	}
	for name, path := range map[string]string{"-upstream": o.upstream, "-seam-before": o.seamBefore} {
		if path == "" {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("%s %s: %w", name, path, err)
		}
	}
	if o.workers < 1 || o.items < 1 || o.rounds < 1 || o.duration <= 0 {
		return fmt.Errorf("-workers %d, -items %d, -rounds %d and -duration %s must all be positive", o.workers, o.items, o.rounds, o.duration)
	}
	for _, s := range o.signals {
		if _, ok := signals[s]; !ok {
			return fmt.Errorf("-signals: unknown signal %q (traces, metrics, logs)", s)
		}
	}
	if o.collectorCPU != "" {
		if _, err := exec.LookPath("taskset"); err != nil {
			return fmt.Errorf("-collector-cpu %s needs taskset (util-linux): %w", o.collectorCPU, err)
		}
	}
	return nil
}

// variant is one collector binary running one pipeline.
type variant struct {
	Name     string `json:"name"`
	binary   string
	pipeline pipeline
}

// testCase is one variant fed one kind of batch of one signal.
type testCase struct {
	Signal  string        `json:"signal"`
	Variant variant       `json:"variant"`
	Kind    loaddata.Kind `json:"-"`
	KindStr string        `json:"kind"`
}

func (o options) cases() []testCase {
	seamPass := variant{"seam batch", o.seam, passthrough}
	seamSchema := variant{"seam seam_schema", o.seam, enforce}
	upPass := variant{"upstream batch", o.upstream, passthrough}
	upFix := variant{"upstream transform+redaction", o.upstream, upstreamFixes}
	beforeSchema := variant{"seam (before) seam_schema", o.seamBefore, enforce}
	var out []testCase
	add := func(s string, v variant, k loaddata.Kind) {
		out = append(out, testCase{Signal: s, Variant: v, Kind: k, KindStr: k.String()})
	}
	for _, s := range o.signals {
		add(s, seamPass, loaddata.Conformant)
		add(s, seamSchema, loaddata.Conformant)
		add(s, seamSchema, loaddata.Foreign)
		if o.seamBefore != "" {
			add(s, beforeSchema, loaddata.Conformant)
			add(s, beforeSchema, loaddata.Foreign)
		}
		if o.upstream != "" {
			add(s, upPass, loaddata.Conformant)
			add(s, upFix, loaddata.Conformant)
			add(s, upFix, loaddata.Foreign)
		}
	}
	return out
}

// measurement is what one case achieved in one round.
type measurement struct {
	Items      int64         `json:"items"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	CPU        time.Duration `json:"cpu_ns"`
	PeakRSS    int64         `json:"peak_rss_bytes"`
	Throughput float64       `json:"items_per_second"`
}

// caseResult is a case's measurements over all rounds.
type caseResult struct {
	testCase
	Rounds []measurement `json:"rounds"`
}

// median is the median throughput's round, and the CPU and RSS figures
// taken over all rounds.
func (r caseResult) median() (itemsPerSec, cpuPerMillion float64, peakRSS int64) {
	tp := make([]float64, len(r.Rounds))
	var items int64
	var cpu time.Duration
	for i, m := range r.Rounds {
		tp[i] = m.Throughput
		items += m.Items
		cpu += m.CPU
		peakRSS = max(peakRSS, m.PeakRSS)
	}
	slices.Sort(tp)
	if n := len(tp); n%2 == 1 {
		itemsPerSec = tp[n/2]
	} else {
		itemsPerSec = (tp[n/2-1] + tp[n/2]) / 2
	}
	if items > 0 {
		cpuPerMillion = cpu.Seconds() / float64(items) * 1e6
	}
	return itemsPerSec, cpuPerMillion, peakRSS
}

// run measures every case once per round, cases interleaved so that each
// round sees the machine as it is then.
func run(ctx context.Context, o options, progress io.Writer) ([]caseResult, error) {
	cases := o.cases()
	results := make([]caseResult, len(cases))
	reqs := map[string]map[loaddata.Kind]request{}
	for _, s := range o.signals {
		reqs[s] = map[loaddata.Kind]request{}
		for _, k := range []loaddata.Kind{loaddata.Conformant, loaddata.Foreign} {
			r, err := signals[s](k, o.items)
			if err != nil {
				return nil, err
			}
			reqs[s][k] = r
		}
	}
	dir, err := os.MkdirTemp("", "seam-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(progress, "%d workers, %d items per request, %s per measurement after %s warm-up, %d rounds, collector on CPU %q\n",
		o.workers, o.items, o.duration, o.warmup, o.rounds, o.collectorCPU)
	for round := 1; round <= o.rounds; round++ {
		for i, c := range cases {
			m, err := measure(ctx, o, c, reqs[c.Signal][c.Kind], dir)
			if err != nil {
				return nil, fmt.Errorf("round %d, %s %s %s: %w", round, c.Signal, c.Variant.Name, c.KindStr, err)
			}
			results[i].testCase = c
			results[i].Rounds = append(results[i].Rounds, m)
			fmt.Fprintf(progress, "round %d %-7s %-30s %-10s %10.0f items/s %7.2f CPU-s per M items, peak RSS %4d MiB\n",
				round, c.Signal, c.Variant.Name, c.KindStr, m.Throughput, m.CPU.Seconds()/float64(max(m.Items, 1))*1e6, m.PeakRSS>>20)
		}
	}
	return results, nil
}

// measure starts the case's collector, loads it, and stops it.
func measure(ctx context.Context, o options, c testCase, req request, dir string) (measurement, error) {
	addrs, err := stack.FreeAddrs(2)
	if err != nil {
		return measurement{}, err
	}
	cfg, err := collectorConfig(c.Variant.pipeline, addrs[0], addrs[1])
	if err != nil {
		return measurement{}, err
	}
	cfgPath := filepath.Join(dir, "collector.yaml")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return measurement{}, err
	}
	path, args := c.Variant.binary, []string{"--config", cfgPath}
	if o.collectorCPU != "" {
		// taskset execs the collector: the PID stays the collector's.
		path, args = "taskset", append([]string{"-c", o.collectorCPU, c.Variant.binary}, args...)
	}
	proc, err := process.Launch(ctx, process.Spec{Name: filepath.Base(c.Variant.binary), Path: path, Args: args, LogPath: filepath.Join(dir, "collector.log")})
	if err != nil {
		return measurement{}, err
	}
	defer proc.Stop(10 * time.Second)
	if err := waitAccepting(ctx, addrs[0], req, 30*time.Second, proc.Exited); err != nil {
		return measurement{}, fmt.Errorf("%w\ncollector log:\n%s", err, process.Tail(proc.LogPath))
	}
	if _, err := closedLoop(ctx, addrs[0], req, o.workers, o.warmup); err != nil {
		return measurement{}, fmt.Errorf("warm-up: %w", err)
	}
	cpu0, err := cpuTime(proc.Pid())
	if err != nil {
		return measurement{}, err
	}
	res, err := closedLoop(ctx, addrs[0], req, o.workers, o.duration)
	if err != nil {
		return measurement{}, fmt.Errorf("%w\ncollector log:\n%s", err, process.Tail(proc.LogPath))
	}
	cpu1, err := cpuTime(proc.Pid())
	if err != nil {
		return measurement{}, err
	}
	rss, err := peakRSS(proc.Pid())
	if err != nil {
		return measurement{}, err
	}
	return measurement{
		Items: res.items, Elapsed: res.elapsed, CPU: cpu1 - cpu0, PeakRSS: rss,
		Throughput: float64(res.items) / res.elapsed.Seconds(),
	}, nil
}
