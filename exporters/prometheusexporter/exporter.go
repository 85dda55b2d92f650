package prometheusexporter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"
)

// MetricsPath is where the exporter serves metrics.
const MetricsPath = "/metrics"

// readHeaderTimeout bounds slow clients on the metrics endpoint.
const readHeaderTimeout = 10 * time.Second

type promExporter struct {
	cfg    *Config
	logger *zap.Logger
	acc    *accumulator
	server *http.Server
	done   chan struct{}
	// stopExpiry ends the expiry timer; expiryDone is closed when it has.
	stopExpiry, expiryDone chan struct{}
}

func newPromExporter(cfg *Config, set component.TelemetrySettings) (*promExporter, error) {
	acc, err := newAccumulator(set, cfg)
	if err != nil {
		return nil, fmt.Errorf("seam_prometheus: self-telemetry: %w", err)
	}
	return &promExporter{
		cfg:    cfg,
		logger: set.Logger,
		acc:    acc,
	}, nil
}

func (e *promExporter) start(context.Context, component.Host) error {
	registry := prometheus.NewRegistry()
	if err := registry.Register(e.acc); err != nil {
		return fmt.Errorf("seam_prometheus: register collector: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(MetricsPath, promhttp.HandlerFor(registry, promhttp.HandlerOpts{
		// Exemplars are only in the OpenMetrics format, which the scraper
		// asks for in its Accept header.
		EnableOpenMetrics: true,
		ErrorHandling:     promhttp.ContinueOnError,
		ErrorLog:          zap.NewStdLog(e.logger),
	}))
	ln, err := net.Listen("tcp", e.cfg.Endpoint)
	if err != nil {
		return fmt.Errorf("seam_prometheus: listen on %s: %w", e.cfg.Endpoint, err)
	}
	e.server = &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		if err := e.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.Error("metrics endpoint stopped", zap.Error(err))
		}
	}()
	e.stopExpiry, e.expiryDone = make(chan struct{}), make(chan struct{})
	go e.expireOnTimer(expiryInterval(e.cfg.MetricExpiration))
	return nil
}

// expireOnTimer expires stale series whether or not anyone scrapes.
func (e *promExporter) expireOnTimer(every time.Duration) {
	defer close(e.expiryDone)
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-e.stopExpiry:
			return
		case now := <-ticker.C:
			e.acc.expire(now)
		}
	}
}

func (e *promExporter) shutdown(ctx context.Context) error {
	if e.server == nil {
		return nil
	}
	close(e.stopExpiry)
	<-e.expiryDone
	err := e.server.Shutdown(ctx)
	<-e.done
	return err
}

func (e *promExporter) consumeMetrics(_ context.Context, md pmetric.Metrics) error {
	e.acc.consume(md, time.Now())
	return nil
}
