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
	grpcShare          *float64
	faults, runDir     *string
	reportAddr         *string
	freePorts, noBuild *bool
	routes             *stringList
}

func demoFlags(fs *flag.FlagSet) demoOptions {
	o := demoOptions{routes: &stringList{}}
	o.duration = fs.Duration("duration", 0, "stop after this long (0: run until interrupted)")
	// At 120 requests a second every arm the judge compares has its 500 calls
	// within about 15 s, and each pricing.fingerprint arm (3/8 of the
	// requests: a quarter go over HTTP, the rest split in two) the 2,400 or
	// so that a pass needs when neither arm has errors within about a minute.
	o.rate = fs.Float64("rate", 120, "requests per second from the built-in load generator")
	o.httpShare = fs.Float64("http-share", 0.25, "fraction of requests whose fingerprint goes to the Rust service over HTTP")
	o.grpcShare = fs.Float64("grpc-share", 0.25, "fraction of requests whose quote goes to the Rust service over gRPC")
	o.faults = fs.String("fault", "", "faults on the Rust side, e.g. panic=0.05,slow=0.1")
	o.freePorts = fs.Bool("free-ports", false, "run the collector and the report page on free ports instead of their default ones")
	o.reportAddr = fs.String("report-addr", "", "where the live judge report is served (default "+defaultReportAddr+"; with --free-ports, a free port)")
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

	addr := *o.reportAddr
	switch {
	case addr != "":
	case *freePorts:
		addr = "127.0.0.1:0"
	default:
		addr = defaultReportAddr
	}
	load := demoJudge(st.MetricsURL)
	report, err := startReportServer(addr, load)
	if err != nil {
		return err
	}
	defer report.Stop()

	printDemoGuide(stdout, st, *runDir, report.URL)
	stats := &loadgen.Stats{}
	done := make(chan error, 1)
	go func() {
		done <- loadgen.Run(ctx, loadgen.Config{URL: st.OrchestratorURL, Rate: *rate, HTTPShare: *httpShare, GRPCShare: *o.grpcShare, Seed: 1}, stats)
	}()
	status := time.NewTicker(10 * time.Second)
	defer status.Stop()
	for {
		select {
		case err := <-done:
			fmt.Fprintf(stdout, "\nstopping: %s\n", stats)
			printFinalVerdicts(stdout, load)
			if stopErr := report.Stop(); stopErr != nil {
				fmt.Fprintf(stderr, "seam: report page: %v\n", stopErr)
			}
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

func printDemoGuide(w io.Writer, st *stack.Stack, runDir, reportURL string) {
	fmt.Fprintf(w, "judge report       %s   the verdict per operation, Rust candidate against Go baseline, live\n", reportURL)
	fmt.Fprintf(w, `
Seam demo: a Go pricing service moving its hot paths to Rust, both sides on one schema.

  orchestrator (Go)  %[1]s   POST /quote · POST /admin/routes?quote=rust · POST /admin/faults?panic=0.2
  pricing (Rust)     http://%[2]s   called over HTTP; the same Rust code also runs in-process over FFI
  receipts queue     %[5]s   NATS JetStream in the orchestrator; pricing-worker (Rust) audits a receipt per basket
  collector          %[3]s   Prometheus exposition of everything, schema-enforced
  logs               %[4]s/pricing-*.log   canonical JSON lines only, from both languages, one correlation id per request
                     (what else each process prints is in its .stderr file; the collector logs to collector.log)

First PromQL for a migration lead (point a Prometheus at the collector endpoint above):
`, st.OrchestratorURL, st.Service.Addr, st.MetricsURL, filepath.Join(runDir, "logs"), st.NATSURL)
	for i, q := range stack.MigrationQueries {
		fmt.Fprintf(w, "  %d. %s\n", i+1, q)
	}
	fmt.Fprintf(w, `
The judge (the report above, or seam judge --metrics %[2]s) compares each operation's arms:
pricing.fingerprint is CPU work that Rust does faster; in pricing.quote the work is small and Rust
is not faster. No pass or fail comes before 500 calls per arm, and a pass on an operation without
errors needs about 2,400 (about a minute at the default rate).

Turn a fault on and watch panics, fallbacks and the kill switch: curl -X POST '%[1]s/admin/faults?panic=0.2'
Slow the Rust side down and watch the judge fail it: curl -X POST '%[1]s/admin/faults?slow=0.2'
Shadow pricing.quote (both run, Go answers): curl -X POST '%[1]s/admin/routes?quote=shadow'
  then make Rust answer wrong and watch the mismatches: curl -X POST '%[1]s/admin/faults?wrong=0.1'
Switch them off again: curl -X POST '%[1]s/admin/faults?panic=0&slow=0&wrong=0'
Setting a route again re-enables an operation the kill switch tripped.
Ctrl-C stops everything; the verdicts over the whole run are printed last.
Where Docker runs, the full stack (Grafana, Prometheus with the alerts, Alertmanager, Jaeger):
  docker compose up --build

`, st.OrchestratorURL, st.MetricsURL)
}
