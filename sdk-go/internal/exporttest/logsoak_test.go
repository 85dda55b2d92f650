package exporttest

import (
	"context"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// soakDuration is how long TestLogSoak logs: SEAM_LOG_SOAK (a Go
// duration; `make log-soak` sets 60s), or a few seconds in the suite.
func soakDuration(t *testing.T) time.Duration {
	v := os.Getenv("SEAM_LOG_SOAK")
	if v == "" {
		return 3 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("SEAM_LOG_SOAK=%q: want a positive Go duration such as 60s", v)
	}
	return d
}

// TestLogSoak logs as fast as one goroutine per core can, for
// soakDuration, into the collector's OTLP receiver, and checks that every
// record arrived and none was dropped: with the collector up and keeping
// up, a tight logging loop loses nothing.
func TestLogSoak(t *testing.T) {
	var received atomic.Int64
	counter, err := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error {
		received.Add(int64(ld.LogRecordCount()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := startCollector(t, counter)
	reader := sdkmetric.NewManualReader()
	tel, err := seam.Start(context.Background(), seam.Config{
		ServiceName:    "log-soak",
		Endpoint:       "http://" + c.httpAddr,
		LogWriter:      io.Discard,
		MetricReaders:  []sdkmetric.Reader{reader},
		MetricInterval: time.Hour, // only the manual reader reads
		RuntimeMetrics: seam.RuntimeMetricsConfig{Disabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tel.Shutdown(ctx)
	})

	log := tel.Logger()
	ctx := seam.WithCorrelationID(context.Background(), correlationID)
	d := soakDuration(t)
	deadline := time.Now().Add(d)
	var logged atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			n := int64(0)
			for time.Now().Before(deadline) {
				for range 256 {
					log.InfoContext(ctx, "quote computed",
						"seam.operation", "checkout.price",
						"http.response.status_code", 200,
						"cache.hit", true,
						"discount.ratio", 0.125,
					)
				}
				n += 256
			}
			logged.Add(n)
		})
	}
	wg.Wait()
	flushCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tel.ForceFlush(flushCtx); err != nil {
		t.Fatalf("flush: %v", err)
	}

	n := logged.Load()
	t.Logf("logged %d records in %v (%.0f records/s), received %d", n, d, float64(n)/d.Seconds(), received.Load())
	if got := logDrops(t, reader); got != 0 {
		t.Errorf("seam.telemetry.dropped counts %d log records, want 0", got)
	}
	if got := received.Load(); got != n {
		t.Errorf("the collector received %d of %d records", got, n)
	}
}

// logDrops is seam.telemetry.dropped for logs, whatever the reason.
func logDrops(t *testing.T, r *sdkmetric.ManualReader) int64 {
	t.Helper()
	var n int64
	for _, dp := range seamtest.Sum(t, r, semconv.SeamTelemetryDroppedName) {
		if sig, _ := dp.Attributes.Value(semconv.SeamTelemetrySignalKey); sig == semconv.SeamTelemetrySignalLogs.Value {
			n += dp.Value
		}
	}
	return n
}
