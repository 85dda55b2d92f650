package seamtest

import (
	"bytes"
	"context"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	seam "github.com/seamtel/seam/sdk-go"
)

// Start starts Seam until the test ends, exporting to a collector that is
// down and writing no log lines, and returns the reader its metrics can be
// collected from.
func Start(t testing.TB) (*seam.Telemetry, *sdkmetric.ManualReader) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	reader := sdkmetric.NewManualReader()
	tel, err := seam.Start(context.Background(), seam.Config{
		ServiceName: "seamtest", Endpoint: dead, ExportTimeout: 100 * time.Millisecond,
		LogWriter: io.Discard, MetricReaders: []sdkmetric.Reader{reader},
		RuntimeMetrics: seam.RuntimeMetricsConfig{Disabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_ = tel.Shutdown(ctx)
	})
	return tel, reader
}

// Histogram returns the data points of the histogram name.
func Histogram(t testing.TB, r *sdkmetric.ManualReader, name string) []metricdata.HistogramDataPoint[float64] {
	t.Helper()
	h, _ := find(t, r, name).(metricdata.Histogram[float64])
	return h.DataPoints
}

// Sum returns the data points of the int64 sum (counter) name.
func Sum(t testing.TB, r *sdkmetric.ManualReader, name string) []metricdata.DataPoint[int64] {
	t.Helper()
	s, _ := find(t, r, name).(metricdata.Sum[int64])
	return s.DataPoints
}

// Gauge returns the data points of the float64 gauge name.
func Gauge(t testing.TB, r *sdkmetric.ManualReader, name string) []metricdata.DataPoint[float64] {
	t.Helper()
	g, _ := find(t, r, name).(metricdata.Gauge[float64])
	return g.DataPoints
}

// SyncBuffer is a bytes.Buffer that loggers on several goroutines can
// share: what a test reads while the code under test still writes.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// find collects r and returns the data of the metric name, or nil.
func find(t testing.TB, r *sdkmetric.ManualReader, name string) metricdata.Aggregation {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m.Data
			}
		}
	}
	return nil
}

// CheckPoint fails the test unless dp has exactly the bounds and the
// attribute values want, and at least one measurement.
func CheckPoint(t testing.TB, dp metricdata.HistogramDataPoint[float64], bounds []float64, want map[string]string) {
	t.Helper()
	if !slices.Equal(dp.Bounds, bounds) {
		t.Errorf("bounds %v, want %v", dp.Bounds, bounds)
	}
	got := map[string]string{}
	for _, kv := range dp.Attributes.ToSlice() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	if len(got) != len(want) {
		t.Errorf("attributes %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("attribute %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if dp.Count == 0 {
		t.Error("no measurement")
	}
}
