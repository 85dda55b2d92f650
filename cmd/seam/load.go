package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seamtel/seam/internal/loadgen"
)

type loadOptions struct {
	url                        *string
	rate, httpShare, grpcShare *float64
	report                     *time.Duration
}

func loadFlags(fs *flag.FlagSet) loadOptions {
	return loadOptions{
		url:       fs.String("url", "", "the pricing orchestrator, e.g. http://127.0.0.1:8080"),
		rate:      fs.Float64("rate", 40, "requests per second"),
		httpShare: fs.Float64("http-share", 0.25, "share of requests whose fingerprint goes to pricing-service over HTTP"),
		grpcShare: fs.Float64("grpc-share", 0, "share of requests whose quote goes to pricing-service over gRPC (the orchestrator needs --pricing-grpc)"),
		report:    fs.Duration("report", 30*time.Second, "how often to print what was sent"),
	}
}

// loadCommand sends the demo's traffic to an orchestrator until it is
// stopped: what docker-compose.yml runs beside the pricing example.
func loadCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("load", stderr)
	o := loadFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	switch {
	case *o.url == "":
		return usageError{"load: --url is required"}
	case *o.rate <= 0 || *o.report <= 0 || !isShare(*o.httpShare) || !isShare(*o.grpcShare):
		return usageError{"load: --rate and --report must be positive, --http-share and --grpc-share from 0 to 1"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var stats loadgen.Stats
	done := make(chan error, 1)
	go func() {
		done <- loadgen.Run(ctx, loadgen.Config{URL: *o.url, Rate: *o.rate, HTTPShare: *o.httpShare, GRPCShare: *o.grpcShare, Seed: uint64(time.Now().UnixNano())}, &stats)
	}()
	tick := time.NewTicker(*o.report)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			fmt.Fprintf(stdout, "load: %s\n", &stats)
			if err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
			return nil
		case <-tick.C:
			fmt.Fprintf(stdout, "load: %s\n", &stats)
		}
	}
}

// isShare reports whether v is a fraction from 0 to 1.
func isShare(v float64) bool { return v >= 0 && v <= 1 }
