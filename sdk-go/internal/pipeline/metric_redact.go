package pipeline

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/sdk-go/redact"
)

// RedactMetrics wraps exp so that every data point's attributes, and the
// attributes its exemplars carry, are redacted before they are exported.
// The SDK offers no hook that changes attribute values where they are
// recorded (a view's filter can only drop them, and then hands them to the
// exemplars), so redaction happens once per collected point, off the
// recording path, and a clean point costs no allocation.
//
// Two series whose values differ only in what is redacted are exported as
// two points with the same attributes.
func RedactMetrics(exp sdkmetric.Exporter, red *redact.Redactor) sdkmetric.Exporter {
	return redactingMetricExporter{Exporter: exp, red: red}
}

type redactingMetricExporter struct {
	sdkmetric.Exporter
	red *redact.Redactor
}

func (e redactingMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	for i := range rm.ScopeMetrics {
		ms := rm.ScopeMetrics[i].Metrics
		for j := range ms {
			ms[j].Data = redactAggregation(e.red, ms[j].Data)
		}
	}
	return e.Exporter.Export(ctx, rm)
}

// redactAggregation redacts the points of data in place: the reader
// fills them afresh at every collection. Attribute sets and exemplar
// attributes that change are replaced, never written into, since the SDK
// may still hold them.
func redactAggregation(red *redact.Redactor, data metricdata.Aggregation) metricdata.Aggregation {
	if redactNumbers[int64](red, data) || redactNumbers[float64](red, data) {
		return data
	}
	if d, ok := data.(metricdata.Summary); ok {
		for i := range d.DataPoints {
			d.DataPoints[i].Attributes = redactSet(red, d.DataPoints[i].Attributes)
		}
	}
	return data
}

// redactNumbers redacts data if it holds points of N, reporting whether it
// did.
func redactNumbers[N int64 | float64](red *redact.Redactor, data metricdata.Aggregation) bool {
	switch d := data.(type) {
	case metricdata.Gauge[N]:
		redactPoints(red, d.DataPoints, numberPoint[N])
	case metricdata.Sum[N]:
		redactPoints(red, d.DataPoints, numberPoint[N])
	case metricdata.Histogram[N]:
		redactPoints(red, d.DataPoints, histogramPoint[N])
	case metricdata.ExponentialHistogram[N]:
		redactPoints(red, d.DataPoints, exponentialPoint[N])
	default:
		return false
	}
	return true
}

// redactPoints redacts the attributes and exemplars fields finds in each
// point.
func redactPoints[P any, N int64 | float64](red *redact.Redactor, dps []P, fields func(*P) (*attribute.Set, *[]metricdata.Exemplar[N])) {
	for i := range dps {
		attrs, exemplars := fields(&dps[i])
		*attrs = redactSet(red, *attrs)
		*exemplars = redactExemplars(red, *exemplars)
	}
}

func numberPoint[N int64 | float64](p *metricdata.DataPoint[N]) (*attribute.Set, *[]metricdata.Exemplar[N]) {
	return &p.Attributes, &p.Exemplars
}

func histogramPoint[N int64 | float64](p *metricdata.HistogramDataPoint[N]) (*attribute.Set, *[]metricdata.Exemplar[N]) {
	return &p.Attributes, &p.Exemplars
}

func exponentialPoint[N int64 | float64](p *metricdata.ExponentialHistogramDataPoint[N]) (*attribute.Set, *[]metricdata.Exemplar[N]) {
	return &p.Attributes, &p.Exemplars
}

// redactExemplars returns exs, or a copy with its filtered attributes
// redacted if any of them changes.
func redactExemplars[N int64 | float64](red *redact.Redactor, exs []metricdata.Exemplar[N]) []metricdata.Exemplar[N] {
	out, _ := redactEach(red, exs, func(red *redact.Redactor, e *metricdata.Exemplar[N]) bool {
		var changed bool
		e.FilteredAttributes, changed = redactKeyValues(red, e.FilteredAttributes)
		return changed
	})
	return out
}

// redactSet returns set itself when nothing in it changes.
func redactSet(red *redact.Redactor, set attribute.Set) attribute.Set {
	var out []attribute.KeyValue
	for i, iter := 0, set.Iter(); iter.Next(); i++ {
		clean, changed := redactKeyValue(red, iter.Attribute())
		if !changed && out == nil {
			continue
		}
		if out == nil {
			out = make([]attribute.KeyValue, i, set.Len())
			for j := range i {
				out[j], _ = set.Get(j)
			}
		}
		out = append(out, clean)
	}
	if out == nil {
		return set
	}
	return attribute.NewSet(out...)
}
