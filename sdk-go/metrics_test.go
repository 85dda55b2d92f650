package seam

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

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
	reader := sdkmetric.NewManualReader(sdkmetric.WithProducer(newRuntimeHistograms(time.Millisecond)))
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
		if want := d.Instrument == "counter"; data.IsMonotonic != want || (d.Instrument != "counter" && d.Instrument != "updowncounter") {
			t.Errorf("%s: monotonic=%v, the schema says %s", m.Name, data.IsMonotonic, d.Instrument)
		}
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

// The Prometheus handler serves the same instruments, units and buckets,
// under the names the Seam collector's exporter gives them.
func TestPrometheus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	tel := startForTest(t, Config{ServiceName: "pricing", LogWriter: io.Discard, Prometheus: &PrometheusConfig{Addr: addr}})
	if tel.MetricsHandler() == nil {
		t.Fatal("no metrics handler")
	}
	StartOperation(context.Background(), "checkout.price")(nil)

	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	// What Prometheus 2.42 asks for.
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	for _, want := range []string{
		`# HELP seam_operation_duration_seconds ` + semconv.SeamOperationDurationDescription,
		`# TYPE seam_operation_duration_seconds histogram`,
		`seam_operation="checkout.price"`,
		`le="0.0005"`, `le="30"`,
		`# TYPE go_memory_gc_pause_duration_seconds histogram`,
		`le="1e-06"`,
		`# TYPE seam_go_cgo_calls_total counter`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "otel_scope_") {
		t.Error("/metrics carries otel_scope_* labels, which the collector's exporter does not")
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("/metrics:\n%s", text)
	}
}

// The pull endpoint has the collector's label set on every series,
// negotiates OpenMetrics for exemplars, and keeps each exemplar within
// OpenMetrics' 128 runes however many attributes the schema's view drops.
func TestPrometheusLabelsAndExemplars(t *testing.T) {
	var lines bytes.Buffer
	tel := startForTest(t, Config{ServiceName: "pricing", LogWriter: &lines, Prometheus: &PrometheusConfig{}})
	ctx, span := otel.Tracer("t").Start(context.Background(), "request")
	h, err := otel.Meter("app").Float64Histogram(semconv.SeamOperationDurationName, metric.WithUnit(semconv.SeamOperationDurationUnit))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 60)
	h.Record(ctx, 0.002, metric.WithAttributes(
		attribute.String(string(semconv.SeamOperationKey), "checkout.price"),
		attribute.String("http.route", long), attribute.String("user.id", long), attribute.String("password", "hunter2"),
	))
	span.End()

	scrape := func(accept string) string {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		tel.MetricsHandler().ServeHTTP(w, req)
		return w.Body.String()
	}
	om := scrape("application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5")
	var exemplar string
	for _, l := range strings.Split(om, "\n") {
		if strings.HasPrefix(l, "seam_operation_duration_seconds_bucket{") && strings.Contains(l, " # {") {
			exemplar = l[strings.Index(l, " # {")+3:]
			exemplar = exemplar[:strings.Index(exemplar, "}")+1]
		}
	}
	if exemplar == "" {
		t.Fatalf("no exemplar in the OpenMetrics exposition:\n%s", om)
	}
	if want := span.SpanContext().TraceID().String(); !strings.Contains(exemplar, want) {
		t.Errorf("exemplar %s does not point at trace %s", exemplar, want)
	}
	if n := utf8.RuneCountInString(exemplar) - 2; n > 128 {
		t.Errorf("exemplar labels have %d runes: %s", n, exemplar)
	}
	if strings.Contains(om, "hunter2") || strings.Contains(lines.String(), "exemplar") {
		t.Errorf("a dropped attribute or an exemplar error leaked:\n%s\n%s", om, lines.String())
	}

	text := scrape("text/plain;version=0.0.4")
	for _, name := range []string{"seam_operation_duration_seconds_bucket", "go_goroutine_count"} {
		found := false
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, name+"{") {
				found = true
				if !strings.Contains(l, `service_name="pricing"`) || !strings.Contains(l, `seam_impl="go"`) {
					t.Errorf("series lacks the collector's promoted labels: %s", l)
				}
			}
		}
		if !found {
			t.Errorf("no %s series:\n%s", name, text)
		}
	}
}
