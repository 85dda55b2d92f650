package seam

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/internal/runtimemetrics"
	"github.com/seamtel/seam/sdk-go/semconv"
)

type descriptor struct {
	Name        string    `json:"name"`
	Instrument  string    `json:"instrument"`
	Unit        string    `json:"unit"`
	Description string    `json:"description"`
	Boundaries  []float64 `json:"boundaries"`
	Attributes  []string  `json:"attributes"`
}

func loadDescriptors(t *testing.T) map[string]descriptor {
	t.Helper()
	raw, err := os.ReadFile(conformanceDir + "metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var list []descriptor
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]descriptor{}
	for _, d := range list {
		out[d.Name] = d
	}
	return out
}

// Every metric the SDK produces itself (operations, overflows, drops and
// the runtime) is exactly as the schema's conformance file describes it.
func TestMetricDescriptorsConformance(t *testing.T) {
	descs := loadDescriptors(t)
	reader := sdkmetric.NewManualReader(sdkmetric.WithProducer(runtimemetrics.NewHistograms(time.Millisecond, ownScope)))
	tel := startForTest(t, Config{
		ServiceName: "pricing", LogWriter: io.Discard, QueueSize: 1,
		MetricReaders:  []sdkmetric.Reader{reader},
		RuntimeMetrics: RuntimeMetricsConfig{Interval: time.Millisecond},
	})
	ctx := context.Background()
	for i := range semconv.SeamOperationCardinalityLimit + 2 {
		StartOperation(ctx, fmt.Sprintf("op.%d", i))(nil)
	}
	StartOperation(ctx, "op.0")(codedError{"timeout"})
	for range 100 {
		tel.Logger().Info("fill the queue") // a queue of one drops most
	}
	runtime.GC()

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			seen[m.Name] = true
			d, ok := descs[m.Name]
			if !ok {
				t.Errorf("metric %s is not in the schema", m.Name)
				continue
			}
			if m.Unit != d.Unit || m.Description != d.Description {
				t.Errorf("%s: unit %q description %q, want %q %q", m.Name, m.Unit, m.Description, d.Unit, d.Description)
			}
			checkData(t, m, d)
		}
	}
	for _, name := range []string{
		semconv.SeamOperationDurationName, semconv.SeamOperationOverflowsName, semconv.SeamTelemetryDroppedName,
		semconv.SeamGoCgoCallsName, semconv.GoScheduleDurationName, semconv.GoMemoryGCPauseDurationName,
		semconv.GoMemoryUsedName, semconv.GoGoroutineCountName,
		semconv.ProcessCPUTimeName, semconv.ProcessMemoryUsageName,
	} {
		if !seen[name] {
			t.Errorf("%s was not produced", name)
		}
	}
}

func attrKeys(kvs []attribute.KeyValue) []string {
	keys := make([]string, len(kvs))
	for i, kv := range kvs {
		keys[i] = string(kv.Key)
	}
	return keys
}

// checkSum fails unless a sum's monotonicity is the schema instrument's.
func checkSum(t *testing.T, name string, d descriptor, monotonic bool) {
	t.Helper()
	if want := d.Instrument == "counter"; monotonic != want || (d.Instrument != "counter" && d.Instrument != "updowncounter") {
		t.Errorf("%s: monotonic=%v, the schema says %s", name, monotonic, d.Instrument)
	}
}

func checkData(t *testing.T, m metricdata.Metrics, d descriptor) {
	t.Helper()
	var attrSets [][]string
	switch data := m.Data.(type) {
	case metricdata.Histogram[float64]:
		if d.Instrument != "histogram" {
			t.Errorf("%s is a histogram, the schema says %s", m.Name, d.Instrument)
		}
		for _, dp := range data.DataPoints {
			if !slices.Equal(dp.Bounds, d.Boundaries) {
				t.Errorf("%s: bounds %v, want %v", m.Name, dp.Bounds, d.Boundaries)
			}
			attrSets = append(attrSets, attrKeys(dp.Attributes.ToSlice()))
		}
	case metricdata.Sum[int64]:
		checkSum(t, m.Name, d, data.IsMonotonic)
		for _, dp := range data.DataPoints {
			attrSets = append(attrSets, attrKeys(dp.Attributes.ToSlice()))
		}
	case metricdata.Sum[float64]: // counters in seconds: process.cpu.time
		checkSum(t, m.Name, d, data.IsMonotonic)
		for _, dp := range data.DataPoints {
			attrSets = append(attrSets, attrKeys(dp.Attributes.ToSlice()))
		}
	default:
		t.Errorf("%s: unexpected data %T for a %s", m.Name, m.Data, d.Instrument)
	}
	for _, keys := range attrSets {
		for _, k := range keys {
			if !slices.Contains(d.Attributes, k) {
				t.Errorf("%s: attribute %s is not in the schema's %v", m.Name, k, d.Attributes)
			}
		}
	}
}
