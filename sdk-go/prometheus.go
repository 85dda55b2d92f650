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
// instruments to Prometheus, and its /metrics handler. Names are not
// translated: a scraper that negotiates UTF-8 names sees exactly the OTLP
// names (seam.operation.duration), and the units and buckets are the same
// because the same views apply.
func newPrometheusReader(producer sdkmetric.Producer) (sdkmetric.Reader, http.Handler, error) {
	reg := prometheus.NewRegistry()
	opts := []otelprom.Option{
		otelprom.WithRegisterer(reg),
		otelprom.WithTranslationStrategy(otlptranslator.NoTranslation),
	}
	if producer != nil {
		opts = append(opts, otelprom.WithProducer(producer))
	}
	reader, err := otelprom.New(opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("seam: Config.Prometheus: %w", err)
	}
	return reader, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
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
