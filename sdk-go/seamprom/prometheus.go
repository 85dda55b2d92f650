// Package seamprom serves a Go service's metrics to Prometheus, as a Seam
// extension: the same instruments as the OTLP path, with the same units and
// buckets, under the names and labels the Seam collector's exporter gives
// them, so one set of dashboards and rules fits pull and push alike.
//
//	prom := seamprom.New(seamprom.Config{Addr: ":9464"})
//	tel, err := seam.Start(ctx, seam.Config{ServiceName: "pricing", Extensions: []seam.Extension{prom}})
//	http.Handle("/metrics", prom.Handler()) // or let Addr serve it
package seamprom

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	seam "github.com/seamtel/seam/sdk-go"
)

// Config configures the Prometheus extension.
type Config struct {
	// Addr, when set, serves /metrics on this address (e.g. ":9464") from
	// Start to Shutdown. Either way Handler serves it too.
	Addr string
}

// Prometheus is the extension: pass it in seam.Config.Extensions.
type Prometheus struct {
	cfg      Config
	registry *prometheus.Registry
	gatherer *promotingGatherer
	handler  http.Handler

	mu     sync.Mutex
	server *http.Server
	served chan error
}

// New returns the extension; nothing runs before seam.Start.
func New(cfg Config) *Prometheus {
	reg := prometheus.NewRegistry()
	g := &promotingGatherer{next: reg}
	return &Prometheus{
		cfg: cfg, registry: reg, gatherer: g,
		// OpenMetrics when the scraper asks for it, as Prometheus does:
		// only that format carries exemplars.
		handler: promhttp.HandlerFor(g, promhttp.HandlerOpts{EnableOpenMetrics: true}),
	}
}

// Handler serves the exposition; empty until seam.Start has run.
func (p *Prometheus) Handler() http.Handler { return p.handler }

// Validate reports a bad Config, for seam.Start to name with the others.
func (p *Prometheus) Validate() error {
	if p.cfg.Addr == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(p.cfg.Addr); err != nil {
		return fmt.Errorf("seamprom: Config.Addr: %v", err)
	}
	return nil
}

// MetricReader is called by seam.Start. Names follow the OTel to Prometheus
// translation the Seam collector's exporter uses (classic characters, unit
// and _total suffixes: seam_operation_duration_seconds), because Prometheus
// 2.42 is the floor; every series gets the resource labels the collector's
// exporter promotes (service_name, seam_impl), and no otel_scope_* labels.
func (p *Prometheus) MetricReader(ec seam.ExtensionContext) (sdkmetric.Reader, error) {
	p.gatherer.labels = map[string]string{"service_name": ec.ServiceName, "seam_impl": ec.Impl}
	opts := []otelprom.Option{
		otelprom.WithRegisterer(p.registry),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
		otelprom.WithoutScopeInfo(),
	}
	if ec.RuntimeProducer != nil {
		opts = append(opts, otelprom.WithProducer(ec.RuntimeProducer))
	}
	reader, err := otelprom.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("seamprom: %w", err)
	}
	if p.cfg.Addr != "" {
		if err := p.serve(); err != nil {
			return nil, err
		}
	}
	return reader, nil
}

func (p *Prometheus) serve() error {
	ln, err := net.Listen("tcp", p.cfg.Addr)
	if err != nil {
		return fmt.Errorf("seamprom: Config.Addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", p.handler)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	p.served = make(chan error, 1)
	go func(srv *http.Server, served chan<- error) { served <- srv.Serve(ln) }(p.server, p.served)
	return nil
}

// Shutdown stops the server Addr started, if any.
func (p *Prometheus) Shutdown(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.server == nil {
		return nil
	}
	err := p.server.Close()
	if serveErr := <-p.served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	p.server = nil
	return err
}
