// Command pricing-orchestrator is the Go service of Seam's migration
// example: it prices baskets with a Go baseline and a Rust candidate (in
// process through the FFI boundary, or to pricing-service: the fingerprint
// over HTTP, the quote over gRPC),
// routed per operation, with Seam's telemetry on both sides.
//
//	pricing-orchestrator --listen 127.0.0.1:0 \
//	    --pricing-service http://127.0.0.1:8081 --pricing-grpc 127.0.0.1:8082 \
//	    --route quote=grpc:50 --route fingerprint=http --fault panic=0.1,slow=0.05
//
// It prints `listening on HOST:PORT` on stderr once it serves (stdout holds
// the canonical JSON log lines only), and stops cleanly on SIGTERM or
// SIGINT. The standard OTEL_* variables point both languages' telemetry at
// the collector.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	seam "github.com/seamtel/seam/sdk-go"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/ffi"
)

// defaultServiceName is service.name unless OTEL_SERVICE_NAME says otherwise.
const defaultServiceName = "pricing"

// shutdownTimeout bounds each stage of shutdown.
const shutdownTimeout = 5 * time.Second

type options struct {
	listen         string
	pricingService string
	pricingGRPC    string
	nats           string // NATS server to publish receipts to
	natsListen     string // address of the NATS server to embed and publish to
	routes         routes
	routesSet      bool // --route given: its routes override SEAM_ROLLOUT's
	faults         faults.Faults
	rustTimeout    time.Duration
	requestTimeout time.Duration
	pprof          string // loopback address to serve Go's profiles on
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{faults: faults.None}
	fs := flag.NewFlagSet("pricing-orchestrator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to serve on")
	fs.StringVar(&o.pricingService, "pricing-service", "", "base URL of pricing-service, for fingerprint over http")
	fs.StringVar(&o.pricingGRPC, "pricing-grpc", "", "HOST:PORT of pricing-service's gRPC server, for quote over grpc")
	fs.Var(routeFlag{&o.routes}, "route", "op=ROUTE, repeatable: quote=go|rust|PCT|shadow[:PCT]|canary:PCT, or grpc or grpc:ROUTE, fingerprint=the same, or http or http:ROUTE (PCT: percent to Rust); overrides SEAM_ROLLOUT")
	fs.Func("fault", "Rust faults: panic=P,slow=P,slow_ms=N (probabilities 0-1)", func(v string) (err error) {
		o.faults, err = faults.Parse(v, o.faults)
		return err
	})
	fs.StringVar(&o.nats, "nats", "", "NATS server URL to publish a receipt per priced basket to (pricing-worker consumes them)")
	fs.StringVar(&o.natsListen, "nats-listen", "", "HOST:PORT of a NATS server (JetStream) to embed, and publish receipts to")
	fs.DurationVar(&o.rustTimeout, "rust-timeout", 100*time.Millisecond, "budget of each Rust call; past it the Go fallback serves")
	fs.DurationVar(&o.requestTimeout, "request-timeout", 5*time.Second, "budget of each request")
	fs.StringVar(&o.pprof, "pprof", "", "loopback HOST:PORT to serve Go's profiles (/debug/pprof/) on; off by default")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.routes.usesHTTP() && o.pricingService == "" {
		return o, errors.New("--route fingerprint over http needs --pricing-service")
	}
	if o.routes.usesGRPC() && o.pricingGRPC == "" {
		return o, errors.New("--route quote over grpc needs --pricing-grpc")
	}
	fs.Visit(func(f *flag.Flag) { o.routesSet = o.routesSet || f.Name == "route" })
	if o.nats != "" && o.natsListen != "" {
		return o, errors.New("--nats and --nats-listen exclude each other: embed a server or use one")
	}
	if o.rustTimeout < 0 || o.requestTimeout <= 0 {
		return o, errors.New("--rust-timeout must not be negative and --request-timeout must be positive")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pricing-orchestrator: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "pricing-orchestrator: %v\n", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down: the HTTP server, then the
// Rust side's telemetry (os.Exit would skip it), then Go's. Telemetry that
// fails to flush (a collector that is down) is reported on stderr but does
// not fail the run.
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	serviceName := os.Getenv("OTEL_SERVICE_NAME")
	if serviceName == "" {
		serviceName = defaultServiceName
	}
	if o.pprof != "" {
		stopPprof, err := startPprof(o.pprof, stderr)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	tel, err := seam.Start(ctx, seam.Config{ServiceName: serviceName})
	if err != nil {
		return err
	}
	log := tel.Logger()
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := tel.Shutdown(shutdownCtx); err != nil {
			fmt.Fprintf(stderr, "pricing-orchestrator: go telemetry shutdown: %v\n", err)
		}
	}()

	// Telemetry that cannot start must not stop the service; the Rust side
	// then runs without its own.
	if err := ffi.Start(serviceName); err != nil {
		log.WarnContext(ctx, "rust telemetry disabled", "error", err.Error())
	}
	g := baseline{log: log}
	// No fallbacks in the library: the rollouts serve them, as
	// seam.role=fallback, and count them at the boundary.
	lib, err := ffi.Open(ffi.Options{Timeout: o.rustTimeout})
	if err != nil {
		return err
	}
	defer func() {
		if err := lib.Close(shutdownTimeout); err != nil {
			fmt.Fprintf(stderr, "pricing-orchestrator: rust telemetry shutdown: %v\n", err)
		}
	}()

	s := &server{log: log, baseline: g, rust: lib, requestTimeout: o.requestTimeout}
	if s.faults, err = lib.SetFaults(ctx, o.faults); err != nil {
		return fmt.Errorf("--fault: %w", err)
	}
	if o.pricingService != "" {
		if s.service, err = newServiceClient(o.pricingService, o.rustTimeout); err != nil {
			return err
		}
	}
	if o.pricingGRPC != "" {
		if s.grpc, err = newGRPCClient(o.pricingGRPC, o.rustTimeout); err != nil {
			return err
		}
		defer s.grpc.conn.Close()
	}
	receipts, stopReceipts, err := startReceipts(ctx, o, stderr)
	if err != nil {
		return err
	}
	defer stopReceipts()
	s.receipts = receipts
	closeRollouts, err := s.startRollouts(o, log)
	if err != nil {
		return err
	}
	defer closeRollouts()

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", o.listen, err)
	}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// On stderr: stdout carries the canonical JSON log lines and nothing else.
	fmt.Fprintf(stderr, "listening on %s\n", ln.Addr())
	state := s.state()
	log.InfoContext(ctx, "pricing-orchestrator listening", "address", ln.Addr().String(),
		"routes", rsString(state.Routes), "faults", state.Faults, "pricing_service", o.pricingService, "pricing_grpc", o.pricingGRPC)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("pricing-orchestrator shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// A client that keeps a connection open past the grace period
		// (a new one counts as busy for 5 s) is cut off: the stop is still
		// clean, and the telemetry below still flushes.
		log.Warn("pricing-orchestrator: connections still open at the shutdown deadline; closing them", "error", err.Error())
		return srv.Close()
	}
	return nil
}
