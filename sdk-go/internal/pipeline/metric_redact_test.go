package pipeline

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/redact"
)

// capturingExporter keeps what it was asked to export.
type capturingExporter struct {
	sdkmetric.Exporter
	got *metricdata.ResourceMetrics
}

func (e *capturingExporter) Export(_ context.Context, rm *metricdata.ResourceMetrics) error {
	e.got = rm
	return nil
}

// Exemplars carry the attributes a view filtered out of their point: those
// are redacted too, and what the SDK handed over is not written into.
func TestRedactMetricsExemplarsAndPoints(t *testing.T) {
	filtered := []attribute.KeyValue{attribute.String("db.password", "hunter2"), attribute.String("path", "/a")}
	clean := attribute.NewSet(attribute.String("http.route", "/quote"))
	rm := &metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "sum", Data: metricdata.Sum[int64]{DataPoints: []metricdata.DataPoint[int64]{
			{Attributes: clean, Exemplars: []metricdata.Exemplar[int64]{{FilteredAttributes: filtered, Value: 1}}},
			{Attributes: attribute.NewSet(attribute.String("note", "mail bob@example.com"), attribute.Int("n", 1))},
		}}},
		{Name: "hist", Data: metricdata.Histogram[float64]{DataPoints: []metricdata.HistogramDataPoint[float64]{
			{Attributes: attribute.NewSet(attribute.String("user.email", "a@b.io"))},
		}}},
	}}}}
	exp := &capturingExporter{}
	if err := RedactMetrics(exp, redact.Default()).Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	sum := exp.got.ScopeMetrics[0].Metrics[0].Data.(metricdata.Sum[int64]).DataPoints
	if got := sum[0].Exemplars[0].FilteredAttributes[0].Value.AsString(); got != "[REDACTED]" {
		t.Errorf("exemplar's db.password = %q", got)
	}
	if filtered[0].Value.AsString() != "hunter2" {
		t.Error("the SDK's exemplar attributes were written into")
	}
	if !sum[0].Attributes.Equals(&clean) {
		t.Errorf("a clean point changed: %v", sum[0].Attributes)
	}
	if v, _ := sum[1].Attributes.Value("note"); v.AsString() != "mail [REDACTED:email]" {
		t.Errorf("note = %q", v.AsString())
	}
	if v, _ := sum[1].Attributes.Value("n"); v.AsInt64() != 1 {
		t.Errorf("n = %v", v)
	}
	hist := exp.got.ScopeMetrics[0].Metrics[1].Data.(metricdata.Histogram[float64]).DataPoints
	if v, _ := hist[0].Attributes.Value("user.email"); v.AsString() != "[REDACTED]" {
		t.Errorf("user.email = %q", v.AsString())
	}
}

// A collection with nothing to hide costs no allocation.
func TestRedactMetricsCleanAllocatesNothing(t *testing.T) {
	rm := &metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "sum", Data: metricdata.Sum[int64]{DataPoints: []metricdata.DataPoint[int64]{
			{Attributes: attribute.NewSet(attribute.String("http.route", "/quote"), attribute.Int("code", 200))},
		}}},
	}}}}
	exp := RedactMetrics(&capturingExporter{}, redact.Default())
	if n := testing.AllocsPerRun(100, func() { _ = exp.Export(context.Background(), rm) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
