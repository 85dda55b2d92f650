package promname

import (
	"testing"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// The names the collector's tests and the README's queries scrape, which
// the translation must reproduce.
func TestNamesMatchTheExporter(t *testing.T) {
	want := map[string]string{
		semconv.SeamOperationDurationName:       "seam_operation_duration_seconds",
		semconv.SeamBoundaryCallDurationName:    "seam_boundary_call_duration_seconds",
		semconv.SeamBoundaryPanicsName:          "seam_boundary_panics_total",
		semconv.SeamBoundaryFallbacksName:       "seam_boundary_fallbacks_total",
		semconv.SeamTelemetryDroppedName:        "seam_telemetry_dropped_total",
		semconv.SeamOperationOverflowsName:      "seam_operation_overflows_total",
		semconv.SeamCollectorSchemaFindingsName: "seam_collector_schema_findings_total",
		semconv.SeamRustMemoryUsedName:          "seam_rust_memory_used_bytes",
		semconv.SeamRustMemoryAllocatedName:     "seam_rust_memory_allocated_bytes_total",
		semconv.GoMemoryUsedName:                "go_memory_used_bytes",
		semconv.GoGoroutineCountName:            "go_goroutine_count",
		semconv.GoMemoryGCPauseDurationName:     "go_memory_gc_pause_duration_seconds",
		semconv.ProcessCPUTimeName:              "process_cpu_time_seconds_total",
	}
	for otel, prom := range want {
		if got := Of(otel).Prom; got != prom {
			t.Errorf("%s: got %s, want %s", otel, got, prom)
		}
	}
	h := Of(semconv.SeamOperationDurationName)
	if h.Bucket() != "seam_operation_duration_seconds_bucket" || h.Count() != "seam_operation_duration_seconds_count" || h.Sum() != "seam_operation_duration_seconds_sum" {
		t.Errorf("histogram series: %v", h.Series())
	}
	for key, label := range map[string]string{
		string(semconv.SeamOperationKey): "seam_operation",
		string(semconv.ServiceNameKey):   "service_name",
		string(semconv.ErrorTypeKey):     "error_type",
		string(semconv.SeamImplKey):      "seam_impl",
	} {
		if got := Label(key); got != label {
			t.Errorf("label of %s: got %s, want %s", key, got, label)
		}
	}
}

func TestEveryMetricHasAName(t *testing.T) {
	idx := SeriesIndex()
	for _, m := range semconv.Metrics {
		if _, err := Name(m); err != nil {
			t.Error(err)
		}
	}
	if len(idx) < len(semconv.Metrics) {
		t.Errorf("%d series for %d metrics", len(idx), len(semconv.Metrics))
	}
}

func TestCountOfACounterPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	_ = Of(semconv.SeamBoundaryPanicsName).Count()
}
