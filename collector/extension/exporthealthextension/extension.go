package exporthealthextension

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap"
)

// exportHealth makes a failing export visible as health: it reads the
// exporters' failure counters from the collector's own telemetry and
// answers 503 on its endpoint, and reports a recoverable error as its
// component status, while any of them grew within the recovery window.
// Exporters count a failed export but report no status of their own, so
// health_check alone answers 200 while every export fails.
type exportHealth struct {
	cfg    *Config
	logger *zap.Logger
	client *http.Client

	mu sync.Mutex
	// seen is each failure counter's last value; a counter the collector
	// has not exposed yet is at 0.
	seen        map[string]float64
	failing     []failure // the counters that grew at lastFailure
	lastFailure time.Time
	readErr     error

	server *http.Server
	stop   chan struct{}
	done   sync.WaitGroup
}

func newExportHealth(cfg *Config, set component.TelemetrySettings) *exportHealth {
	return &exportHealth{cfg: cfg, logger: set.Logger, client: &http.Client{Timeout: cfg.Interval}, seen: map[string]float64{}}
}

func (e *exportHealth) Start(_ context.Context, host component.Host) error {
	ln, err := net.Listen("tcp", e.cfg.Endpoint)
	if err != nil {
		return fmt.Errorf("seam_exporthealth: endpoint %s: %w", e.cfg.Endpoint, err)
	}
	e.server = &http.Server{Handler: http.HandlerFunc(e.serveHTTP), ReadHeaderTimeout: 5 * time.Second}
	e.stop = make(chan struct{})
	e.done.Add(2)
	go func() {
		defer e.done.Done()
		if err := e.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.Error("seam_exporthealth: serving", zap.Error(err))
		}
	}()
	go func() {
		defer e.done.Done()
		tick := time.NewTicker(e.cfg.Interval)
		defer tick.Stop()
		var wasFailing bool
		for {
			select {
			case <-e.stop:
				return
			case now := <-tick.C:
				failing, err := e.poll(now)
				if failing != wasFailing || err != nil {
					reportStatus(host, failing, err)
				}
				wasFailing = failing
			}
		}
	}()
	return nil
}

func reportStatus(host component.Host, failing bool, err error) {
	switch {
	case err != nil:
		componentstatus.ReportStatus(host, componentstatus.NewRecoverableErrorEvent(err))
	case failing:
		componentstatus.ReportStatus(host, componentstatus.NewRecoverableErrorEvent(errors.New("an exporter is failing")))
	default:
		componentstatus.ReportStatus(host, componentstatus.NewEvent(componentstatus.StatusOK))
	}
}

func (e *exportHealth) Shutdown(ctx context.Context) error {
	if e.server == nil {
		return nil
	}
	close(e.stop)
	err := e.server.Shutdown(ctx)
	e.done.Wait()
	return err
}

// poll reads the failure counters once and reports whether the export is
// failing at now.
func (e *exportHealth) poll(now time.Time) (bool, error) {
	failures, err := e.read()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.readErr = err
	if err != nil {
		return false, err
	}
	var grew []failure
	for _, f := range failures {
		if f.Count > e.seen[f.key()] {
			grew = append(grew, f)
		}
		e.seen[f.key()] = f.Count
	}
	if len(grew) > 0 {
		e.failing, e.lastFailure = grew, now
		e.logger.Warn("seam_exporthealth: an exporter is failing", zap.Any("failures", grew))
	}
	return e.isFailing(now), nil
}

func (e *exportHealth) isFailing(now time.Time) bool {
	return !e.lastFailure.IsZero() && now.Sub(e.lastFailure) < e.cfg.Recovery
}

func (e *exportHealth) read() ([]failure, error) {
	resp, err := e.client.Get(e.cfg.TelemetryEndpoint)
	if err != nil {
		return nil, fmt.Errorf("reading the collector's telemetry at %s: %w", e.cfg.TelemetryEndpoint, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading the collector's telemetry at %s: status %d", e.cfg.TelemetryEndpoint, resp.StatusCode)
	}
	return readFailures(resp.Body)
}

// answer is the JSON body of the health endpoint.
type answer struct {
	Status      string    `json:"status"`
	Failing     []failure `json:"failing,omitempty"`
	LastFailure string    `json:"last_failure,omitempty"`
	Error       string    `json:"error,omitempty"`
}

func (e *exportHealth) serveHTTP(w http.ResponseWriter, _ *http.Request) {
	e.mu.Lock()
	a, code := answer{Status: "ok"}, http.StatusOK
	switch {
	case e.readErr != nil:
		a, code = answer{Status: "unknown", Error: e.readErr.Error()}, http.StatusServiceUnavailable
	case e.isFailing(time.Now()):
		a = answer{Status: "failing", Failing: e.failing, LastFailure: e.lastFailure.UTC().Format(time.RFC3339)}
		code = http.StatusServiceUnavailable
	}
	e.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(a)
}
