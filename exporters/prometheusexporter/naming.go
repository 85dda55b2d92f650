package prometheusexporter

import (
	"github.com/prometheus/otlptranslator"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Prometheus 2.42 is the floor, so names use the classic character set:
// dots become underscores, units and _total become suffixes, as the OTel
// compatibility spec says.
var (
	metricNamer = otlptranslator.NewMetricNamer("", otlptranslator.UnderscoreEscapingWithSuffixes)
	labelNamer  = otlptranslator.LabelNamer{}
)

// kind is how a series is exposed.
type kind uint8

const (
	kindCounter kind = iota + 1
	kindGauge
	kindHistogram
)

// kindOf maps an OTLP metric onto a Prometheus type; ok is false for types
// this exporter does not expose (exponential histograms, summaries).
func kindOf(m pmetric.Metric) (k kind, t otlptranslator.MetricType, ok bool) {
	switch m.Type() {
	case pmetric.MetricTypeSum:
		if m.Sum().IsMonotonic() {
			return kindCounter, otlptranslator.MetricTypeMonotonicCounter, true
		}
		return kindGauge, otlptranslator.MetricTypeNonMonotonicCounter, true
	case pmetric.MetricTypeGauge:
		return kindGauge, otlptranslator.MetricTypeGauge, true
	case pmetric.MetricTypeHistogram:
		return kindHistogram, otlptranslator.MetricTypeHistogram, true
	}
	return 0, otlptranslator.MetricTypeUnknown, false
}

func metricName(m pmetric.Metric, t otlptranslator.MetricType) (string, error) {
	return metricNamer.Build(otlptranslator.Metric{Name: m.Name(), Unit: m.Unit(), Type: t})
}

func labelName(attr string) (string, error) {
	return labelNamer.Build(attr)
}
