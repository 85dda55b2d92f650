// Package metricpoints reads pdata metrics the way the schema describes
// them: by instrument, and point by point whatever the data type.
package metricpoints

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Instrument names a metric's data type as the registry names instruments;
// types the registry has no instrument for keep their OTLP name.
func Instrument(m pmetric.Metric) string {
	switch m.Type() {
	case pmetric.MetricTypeSum:
		if m.Sum().IsMonotonic() {
			return "counter"
		}
		return "updowncounter"
	case pmetric.MetricTypeGauge:
		return "gauge"
	case pmetric.MetricTypeHistogram:
		return "histogram"
	case pmetric.MetricTypeExponentialHistogram:
		return "exponential_histogram"
	case pmetric.MetricTypeSummary:
		return "summary"
	}
	return "empty"
}

// ForEachAttributes calls fn with the attributes of every data point.
func ForEachAttributes(m pmetric.Metric, fn func(pcommon.Map)) {
	switch m.Type() {
	case pmetric.MetricTypeSum:
		each(m.Sum().DataPoints(), fn)
	case pmetric.MetricTypeGauge:
		each(m.Gauge().DataPoints(), fn)
	case pmetric.MetricTypeHistogram:
		each(m.Histogram().DataPoints(), fn)
	case pmetric.MetricTypeExponentialHistogram:
		each(m.ExponentialHistogram().DataPoints(), fn)
	case pmetric.MetricTypeSummary:
		each(m.Summary().DataPoints(), fn)
	}
}

// ForEachExemplarAttributes calls fn with the filtered attributes of every
// exemplar of every data point (summaries have no exemplars).
func ForEachExemplarAttributes(m pmetric.Metric, fn func(pcommon.Map)) {
	switch m.Type() {
	case pmetric.MetricTypeSum:
		eachExemplar(m.Sum().DataPoints(), fn)
	case pmetric.MetricTypeGauge:
		eachExemplar(m.Gauge().DataPoints(), fn)
	case pmetric.MetricTypeHistogram:
		eachExemplar(m.Histogram().DataPoints(), fn)
	case pmetric.MetricTypeExponentialHistogram:
		eachExemplar(m.ExponentialHistogram().DataPoints(), fn)
	}
}

// points is what every pdata data point slice offers.
type points[P interface{ Attributes() pcommon.Map }] interface {
	Len() int
	At(int) P
}

func each[P interface{ Attributes() pcommon.Map }, S points[P]](dps S, fn func(pcommon.Map)) {
	for i := 0; i < dps.Len(); i++ {
		fn(dps.At(i).Attributes())
	}
}

// pointsWithExemplars is what the data point slices of every type but
// summaries offer.
type pointsWithExemplars[P interface{ Exemplars() pmetric.ExemplarSlice }] interface {
	Len() int
	At(int) P
}

func eachExemplar[P interface{ Exemplars() pmetric.ExemplarSlice }, S pointsWithExemplars[P]](dps S, fn func(pcommon.Map)) {
	for i := 0; i < dps.Len(); i++ {
		exs := dps.At(i).Exemplars()
		for j := 0; j < exs.Len(); j++ {
			fn(exs.At(j).FilteredAttributes())
		}
	}
}
