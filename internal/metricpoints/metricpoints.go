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
