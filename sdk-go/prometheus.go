package seam

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// newPrometheusReader returns a reader serving the meter provider's
// instruments to Prometheus, and its /metrics handler. Names follow the OTel
// to Prometheus translation the Seam collector's exporter uses (classic
// characters, unit and _total suffixes: seam_operation_duration_seconds),
// because Prometheus 2.42 is the floor and one set of dashboards and alert
// rules must fit the pull and the push path alike. For the same reason every
// series gets the resource labels the collector's exporter promotes
// (service_name, seam_impl). Units and buckets are
// the OTLP path's because the same views apply.
func newPrometheusReader(producer sdkmetric.Producer, promoted map[string]string) (sdkmetric.Reader, http.Handler, error) {
	reg := prometheus.NewRegistry()
	opts := []otelprom.Option{
		otelprom.WithRegisterer(reg),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
		// No otel_scope_* labels, as the collector's exporter adds none: a
		// series is the same series whichever path it came by.
		otelprom.WithoutScopeInfo(),
	}
	if producer != nil {
		opts = append(opts, otelprom.WithProducer(producer))
	}
	reader, err := otelprom.New(opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("seam: Config.Prometheus: %w", err)
	}
	// OpenMetrics when the scraper asks for it, as Prometheus does: only
	// that format carries exemplars.
	gatherer := promotingGatherer{next: reg, labels: promoted}
	return reader, promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{EnableOpenMetrics: true}), nil
}

// metricsServer serves /metrics on addr until closed.
type metricsServer struct {
	srv  *http.Server
	done chan error
}

func serveMetrics(addr string, h http.Handler) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("seam: Config.Prometheus.Addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	s := &metricsServer{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

func (s *metricsServer) close() error {
	err := s.srv.Close()
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}
