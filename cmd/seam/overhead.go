package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/seamtel/seam/internal/overhead"
)

type overheadOptions struct {
	rate            *float64
	warmup, measure *time.Duration
	rounds          *int
	routes          *string
	before          *string
	maxLag          *time.Duration
	pprofDir        *string
}

func overheadFlags(fs *flag.FlagSet) overheadOptions {
	return overheadOptions{
		rate:    fs.Float64("rate", 200, "requests per second, the same in every mode"),
		warmup:  fs.Duration("warmup", 2*time.Second, "load sent and not counted before each measurement"),
		measure: fs.Duration("measure", 5*time.Second, "how long each measurement lasts"),
		rounds:  fs.Int("rounds", 8, "how many times each mode runs, interleaved with the others"),
		routes:  fs.String("routes", "quote=50,fingerprint=50", "the orchestrator's routes, comma-separated --route values"),
		before:  fs.String("before", "", "a second orchestrator binary (an older build) to measure in the same rounds"),
		maxLag: fs.Duration("max-lag", overhead.DefaultMaxLag,
			"a round in which the load generator's p99 lag passes this in any run is busy and set aside"),
		pprofDir: fs.String("pprof-dir", "", "write a Go CPU profile of each measurement of bin/pricing-orchestrator here"),
	}
}

// overheadCommand runs the pricing orchestrator under fixed load without
// Seam, with Seam and the collector up, and with Seam and the collector
// down, and prints each mode's latency and CPU per request against the
// run without Seam. It needs bin/ built (make collector example).
func overheadCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("overhead", stderr)
	o := overheadFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	runDir, err := os.MkdirTemp("", "seam-overhead-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(runDir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := overhead.Config{
		Root: root, RunDir: runDir, Rate: *o.rate, Warmup: *o.warmup, Measure: *o.measure, Rounds: *o.rounds,
		Routes: strings.Split(*o.routes, ","), Before: *o.before, MaxLag: *o.maxLag, PprofDir: *o.pprofDir, Progress: stderr,
	}
	if cfg.PprofDir != "" {
		if err := os.MkdirAll(cfg.PprofDir, 0o755); err != nil {
			return err
		}
	}
	rep, err := overhead.Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%.0f requests/s, %d rounds of %v (after %v of warmup) per mode, interleaved; ratios against %s\n\n",
		cfg.Rate, cfg.Rounds, cfg.Measure, cfg.Warmup, overhead.NoSeam)
	rep.Format(stdout)
	return nil
}
