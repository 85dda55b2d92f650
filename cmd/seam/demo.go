package main

import (
	"github.com/seamtel/seam/sdk-go/seamtest/process"

	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/seamtel/seam/internal/loadgen"
	"github.com/seamtel/seam/internal/stack"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// demoOptions are demo's flags.
type demoOptions struct {
	duration           *time.Duration
	rate, httpShare    *float64
	faults, runDir     *string
	freePorts, noBuild *bool
	routes             *stringList
}

func demoFlags(fs *flag.FlagSet) demoOptions {
	o := demoOptions{routes: &stringList{}}
	o.duration = fs.Duration("duration", 0, "stop after this long (0: run until interrupted)")
	o.rate = fs.Float64("rate", 20, "requests per second from the built-in load generator")
	o.httpShare = fs.Float64("http-share", 0.25, "fraction of requests whose fingerprint goes to the Rust service over HTTP")
	o.faults = fs.String("fault", "", "faults on the Rust side, e.g. panic=0.05,slow=0.1")
	o.freePorts = fs.Bool("free-ports", false, "run the collector on free ports instead of its embedded default ones")
	o.noBuild = fs.Bool("no-build", false, "skip building the collector and the example (make collector example)")
	o.runDir = fs.String("run-dir", "", "where logs and configuration go (default: a new temporary directory)")
	fs.Var(o.routes, "route", "routing of one operation, `OP=IMPL`, repeatable: quote=go|rust|PCT, fingerprint=go|rust|http|PCT (default quote=50, fingerprint=50)")
	return o
}

func demoCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	o := demoFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	duration, rate, httpShare, faults, freePorts, noBuild, runDir := o.duration, o.rate, o.httpShare, o.faults, o.freePorts, o.noBuild, o.runDir
	routes := *o.routes
	if len(routes) == 0 {
		routes = stringList{"quote=50", "fingerprint=50"}
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if !*noBuild {
		fmt.Fprintln(stdout, "building the collector and the pricing example (make collector example) …")
		if err := buildStack(root, stderr); err != nil {
			return err
		}
	}
	if *runDir == "" {
		if *runDir, err = os.MkdirTemp("", "seam-demo-"); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	st, err := stack.Start(ctx, stack.Config{Root: root, RunDir: *runDir, DefaultPorts: !*freePorts, Routes: routes, Faults: *faults})
	if err != nil {
		return err
	}
	defer st.Stop()

	printDemoGuide(stdout, st, *runDir)
	stats := &loadgen.Stats{}
	done := make(chan error, 1)
	go func() {
		done <- loadgen.Run(ctx, loadgen.Config{URL: st.OrchestratorURL, Rate: *rate, HTTPShare: *httpShare, Seed: 1}, stats)
	}()
	status := time.NewTicker(10 * time.Second)
	defer status.Stop()
	for {
		select {
		case err := <-done:
			fmt.Fprintf(stdout, "\nstopping: %s\n", stats)
			if stopErr := st.Stop(); stopErr != nil {
				fmt.Fprintf(stderr, "seam: %v\n", stopErr)
			}
			return err
		case <-status.C:
			fmt.Fprintf(stdout, "traffic: %s\n", stats)
			for _, p := range []*process.Process{st.Collector, st.Service, st.Orchestrator} {
				if p.Exited() {
					return fmt.Errorf("%s exited unexpectedly; see %s", p.Name, p.LogPath)
				}
			}
		}
	}
}

func printDemoGuide(w io.Writer, st *stack.Stack, runDir string) {
	fmt.Fprintf(w, `
Seam demo: a Go pricing service moving its hot paths to Rust, both sides on one schema.

  orchestrator (Go)  %[1]s   POST /quote · POST /admin/routes?quote=rust · POST /admin/faults?panic=0.2
  pricing (Rust)     http://%[2]s   called over HTTP; the same Rust code also runs in-process over FFI
  collector          %[3]s   Prometheus exposition of everything, schema-enforced
  logs               %[4]s/pricing-*.log   canonical JSON lines only, from both languages, one correlation id per request
                     (what else each process prints is in its .stderr file; the collector logs to collector.log)

First PromQL for a migration lead (point a Prometheus at the collector endpoint above):
`, st.OrchestratorURL, st.Service.Addr, st.MetricsURL, filepath.Join(runDir, "logs"))
	for i, q := range stack.MigrationQueries {
		fmt.Fprintf(w, "  %d. %s\n", i+1, q)
	}
	fmt.Fprintf(w, "\nTurn a fault on and watch panics and fallbacks: curl -X POST '%s/admin/faults?panic=0.2'\nCtrl-C stops everything.\n\n", st.OrchestratorURL)
}
