package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/seamtel/seam/internal/conformance"
	"github.com/seamtel/seam/internal/loadgen"
	"github.com/seamtel/seam/internal/stack"
)

// conformanceRoutes exercise every path once per round: each operation on
// both implementations, and the Rust side in-process, over HTTP and over
// gRPC.
var conformanceRoutes = []string{
	"quote=go,fingerprint=go",
	"quote=rust,fingerprint=rust",
	"quote=rust,fingerprint=http",
	"quote=go,fingerprint=http",
	"quote=grpc,fingerprint=go",
}

// conformanceOptions are conformance's flags.
type conformanceOptions struct {
	asJSON, noBuild, keep *bool
	rounds                *int
}

func conformanceFlags(fs *flag.FlagSet) conformanceOptions {
	return conformanceOptions{
		asJSON:  fs.Bool("json", false, "print the report as JSON"),
		noBuild: fs.Bool("no-build", false, "skip building the collector and the example (make collector example)"),
		rounds:  fs.Int("rounds", 3, "requests per route"),
		keep:    fs.Bool("keep", false, "keep the run directory (capture, logs, collector config)"),
	}
}

func conformanceCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("conformance", stderr)
	o := conformanceFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	asJSON, noBuild, rounds, keep := o.asJSON, o.noBuild, o.rounds, o.keep
	root, err := repoRoot()
	if err != nil {
		return err
	}
	reg, err := loadValid(filepath.Join(root, "schema"), stderr)
	if err != nil {
		return err
	}
	if !*noBuild {
		if err := buildStack(root, stderr); err != nil {
			return err
		}
	}
	runDir, err := os.MkdirTemp("", "seam-conformance-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintf(stderr, "run directory: %s\n", runDir)
	} else {
		defer os.RemoveAll(runDir)
	}
	capture, err := captureEmitters(root, runDir, *rounds)
	if err != nil {
		return err
	}
	report := conformance.Check(capture, reg, conformance.DefaultExpectations().WithQueue())
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteTable(stdout)
	}
	if err != nil {
		return err
	}
	if !report.OK() {
		return errFailed
	}
	return nil
}

// captureEmitters runs the Go and Rust emitters through the real collector
// (schema processor in report mode, file exporter) and reads back what arrived.
func captureEmitters(root, runDir string, rounds int) (*conformance.Capture, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := stack.Start(ctx, stack.Config{Root: root, RunDir: runDir, Capture: true})
	if err != nil {
		return nil, err
	}
	defer st.Stop()
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range rounds {
		for j, route := range conformanceRoutes {
			basket := loadgen.NewBasket(newRand(uint64(i*len(conformanceRoutes) + j)))
			if _, err := loadgen.Quote(ctx, client, st.OrchestratorURL, basket, route); err != nil {
				return nil, fmt.Errorf("request with route %s: %w", route, err)
			}
		}
	}
	// Every request queued a receipt: the worker audits each before the stop.
	if err := st.WaitWorkerLogs(ctx, "receipt audited", rounds*len(conformanceRoutes)); err != nil {
		return nil, err
	}
	// Stopping flushes the emitters into the collector, then the collector into the file.
	if err := st.Stop(); err != nil {
		return nil, err
	}
	return conformance.ReadDir(st.CaptureDir)
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0xc0f)) }
