package semconv

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// The generated instrument constructors carry the schema's unit,
// description and buckets through a real SDK pipeline.
func TestInstrumentsCarryUnitAndBuckets(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	meter := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("semconv-test")
	ctx := context.Background()

	hist, err := NewSeamOperationDuration(meter)
	if err != nil {
		t.Fatal(err)
	}
	hist.Record(ctx, 0.0012, nil...)
	panics, err := NewSeamBoundaryPanics(meter)
	if err != nil {
		t.Fatal(err)
	}
	panics.Add(ctx, 1)

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}
	h := got[SeamOperationDurationName]
	if h.Unit != "s" || h.Description != SeamOperationDurationDescription {
		t.Errorf("histogram unit %q description %q", h.Unit, h.Description)
	}
	data, ok := h.Data.(metricdata.Histogram[float64])
	if !ok || len(data.DataPoints) != 1 || !slices.Equal(data.DataPoints[0].Bounds, LatencyBoundaries) {
		t.Errorf("histogram data %#v, want bounds %v", h.Data, LatencyBoundaries)
	}
	if c := got[SeamBoundaryPanicsName]; c.Unit != "{panic}" {
		t.Errorf("counter unit %q", c.Unit)
	}
}

// Metrics and HistogramBoundaries say the same as the conformance vectors.
func TestMetricsMatchConformanceVectors(t *testing.T) {
	raw, err := os.ReadFile("../../schema/testdata/conformance/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []MetricDescriptor
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(Metrics) {
		t.Fatalf("%d metrics, vectors have %d", len(Metrics), len(want))
	}
	for i, w := range want {
		g := Metrics[i]
		if g.Name != w.Name || g.Instrument != w.Instrument || g.Unit != w.Unit || !slices.Equal(g.Boundaries, w.Boundaries) ||
			!slices.Equal(g.Attributes, w.Attributes) || g.SeriesLimit != w.SeriesLimit {
			t.Errorf("%s: got %+v, vectors say %+v", w.Name, g, w)
		}
		if w.Instrument == "histogram" && !slices.Equal(HistogramBoundaries[w.Name], w.Boundaries) {
			t.Errorf("%s: HistogramBoundaries disagree", w.Name)
		}
	}
}
