package exporthealthextension

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
)

// telemetry serves an exposition whose send_failed counter is *failed.
func telemetry(t *testing.T, failed *atomic.Int64) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "# TYPE otelcol_exporter_send_failed_spans counter\notelcol_exporter_send_failed_spans{exporter=\"otlp_grpc\"} %d\n", failed.Load())
		fmt.Fprint(w, "# TYPE otelcol_exporter_sent_spans counter\notelcol_exporter_sent_spans{exporter=\"otlp_grpc\"} 42\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func answerOf(t *testing.T, e *exportHealth) (int, answer) {
	t.Helper()
	w := httptest.NewRecorder()
	e.serveHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	var a answer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatalf("%v: %s", err, w.Body.String())
	}
	return w.Code, a
}

func TestAFailureCounterThatGrowsIsUnhealthyUntilRecovery(t *testing.T) {
	var failed atomic.Int64
	srv := telemetry(t, &failed)
	e := newExportHealth(&Config{TelemetryEndpoint: srv.URL, Interval: time.Second, Recovery: time.Minute}, componenttest.NewNopTelemetrySettings())
	now := time.Now()
	if failing, err := e.poll(now); failing || err != nil {
		t.Fatalf("no failure yet: failing %v, %v", failing, err)
	}
	if code, a := answerOf(t, e); code != http.StatusOK || a.Status != "ok" {
		t.Errorf("healthy: %d %+v", code, a)
	}
	failed.Store(1000)
	if failing, err := e.poll(now.Add(time.Second)); !failing || err != nil {
		t.Fatalf("after 1000 failed spans: failing %v, %v", failing, err)
	}
	code, a := answerOf(t, e)
	if code != http.StatusServiceUnavailable || a.Status != "failing" || len(a.Failing) != 1 ||
		a.Failing[0] != (failure{Exporter: "otlp_grpc", Metric: "otelcol_exporter_send_failed_spans", Count: 1000}) {
		t.Errorf("failing: %d %+v", code, a)
	}
	// The counter stays: still failing within the recovery, healthy after.
	if failing, _ := e.poll(now.Add(30 * time.Second)); !failing {
		t.Error("healthy again within the recovery window")
	}
	if failing, _ := e.poll(now.Add(2 * time.Minute)); failing {
		t.Error("still failing past the recovery window")
	}
}

func TestUnreadableTelemetryIsUnknown(t *testing.T) {
	e := newExportHealth(&Config{TelemetryEndpoint: "http://127.0.0.1:1/metrics", Interval: time.Second, Recovery: time.Minute}, componenttest.NewNopTelemetrySettings())
	if _, err := e.poll(time.Now()); err == nil {
		t.Fatal("no error from an endpoint nothing listens on")
	}
	if code, a := answerOf(t, e); code != http.StatusServiceUnavailable || a.Status != "unknown" || !strings.Contains(a.Error, "127.0.0.1:1") {
		t.Errorf("%d %+v", code, a)
	}
}

func TestStartServesAndShutdownStops(t *testing.T) {
	var failed atomic.Int64
	srv := telemetry(t, &failed)
	cfg := &Config{Endpoint: "127.0.0.1:0", TelemetryEndpoint: srv.URL, Interval: 10 * time.Millisecond, Recovery: time.Minute}
	e := newExportHealth(cfg, componenttest.NewNopTelemetrySettings())
	if err := e.Start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	failed.Store(5)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if code, _ := answerOf(t, e); code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the poller never saw the failure")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := e.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesEachBadSetting(t *testing.T) {
	err := (&Config{Endpoint: "nowhere", TelemetryEndpoint: "ftp://x", Interval: 0, Recovery: -1}).Validate()
	for _, want := range []string{`endpoint: "nowhere"`, `telemetry_endpoint: "ftp://x"`, "interval: must be positive", "recovery: must be at least interval"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}
