// Package promname turns the schema's OpenTelemetry names into the names
// Prometheus stores them under. The rule is the one the collector's
// seam_prometheus exporter applies (exporters/prometheusexporter/naming.go):
// otlptranslator with the classic character set, dots to underscores, the
// unit as a suffix and _total for monotonic counters. Dashboards and the
// lint test take every metric and label name from here, never by hand.
package promname

import (
	"fmt"
	"sort"

	"github.com/prometheus/otlptranslator"
	"github.com/seamtel/seam/sdk-go/semconv"
)

var (
	metricNamer = otlptranslator.NewMetricNamer("", otlptranslator.UnderscoreEscapingWithSuffixes)
	labelNamer  = otlptranslator.LabelNamer{}
)

// Histogram series suffixes of a classic histogram.
const (
	BucketSuffix = "_bucket"
	SumSuffix    = "_sum"
	CountSuffix  = "_count"
)

// BucketLabel is the label of a classic histogram bucket's upper bound.
const BucketLabel = "le"

// translatorType maps the schema's instrument onto the type the exporter
// names it as: counters are monotonic sums, updowncounters non-monotonic
// sums (exposed as gauges), histograms explicit-bucket histograms.
func translatorType(instrument string) (otlptranslator.MetricType, error) {
	switch instrument {
	case "counter":
		return otlptranslator.MetricTypeMonotonicCounter, nil
	case "updowncounter":
		return otlptranslator.MetricTypeNonMonotonicCounter, nil
	case "gauge":
		return otlptranslator.MetricTypeGauge, nil
	case "histogram":
		return otlptranslator.MetricTypeHistogram, nil
	}
	return otlptranslator.MetricTypeUnknown, fmt.Errorf("instrument %q has no Prometheus type", instrument)
}

// Name is the Prometheus name of a schema metric: the family name, which for
// a histogram is the stem of its _bucket, _sum and _count series.
func Name(m semconv.MetricDescriptor) (string, error) {
	t, err := translatorType(m.Instrument)
	if err != nil {
		return "", fmt.Errorf("%s: %w", m.Name, err)
	}
	return metricNamer.Build(otlptranslator.Metric{Name: m.Name, Unit: m.Unit, Type: t})
}

// Label is the Prometheus label name of a schema attribute key.
func Label(key string) string {
	l, err := labelNamer.Build(key)
	if err != nil {
		panic(fmt.Sprintf("attribute key %q has no label name: %v", key, err))
	}
	return l
}

// Metric is a schema metric as Prometheus sees it.
type Metric struct {
	semconv.MetricDescriptor
	Prom string // the family name
}

// IsHistogram says whether the metric is exposed as a classic histogram.
func (m Metric) IsHistogram() bool { return m.Instrument == "histogram" }

// Bucket, Sum and Count are a histogram's series; they panic for other
// instruments, so a dashboard cannot ask for a series that never exists.
func (m Metric) Bucket() string { return m.histogramSeries(BucketSuffix) }
func (m Metric) Sum() string    { return m.histogramSeries(SumSuffix) }
func (m Metric) Count() string  { return m.histogramSeries(CountSuffix) }

func (m Metric) histogramSeries(suffix string) string {
	if !m.IsHistogram() {
		panic(fmt.Sprintf("%s is a %s, not a histogram", m.Name, m.Instrument))
	}
	return m.Prom + suffix
}

// Series lists the names Prometheus stores the metric under.
func (m Metric) Series() []string {
	if m.IsHistogram() {
		return []string{m.Bucket(), m.Sum(), m.Count()}
	}
	return []string{m.Prom}
}

// Labels are the label names of the metric's own attributes.
func (m Metric) Labels() []string {
	out := make([]string, 0, len(m.Attributes)+1)
	for _, a := range m.Attributes {
		out = append(out, Label(a))
	}
	if m.IsHistogram() {
		out = append(out, BucketLabel)
	}
	return out
}

var byName = func() map[string]Metric {
	out := make(map[string]Metric, len(semconv.Metrics))
	for _, d := range semconv.Metrics {
		p, err := Name(d)
		if err != nil {
			panic(err)
		}
		out[d.Name] = Metric{MetricDescriptor: d, Prom: p}
	}
	return out
}()

// Of returns the schema metric with the OpenTelemetry name otelName (one of
// semconv's *Name constants); it panics for a name outside the schema.
func Of(otelName string) Metric {
	m, ok := byName[otelName]
	if !ok {
		panic(fmt.Sprintf("%q is not a metric of the schema", otelName))
	}
	return m
}

// All lists the schema's metrics in the schema's order.
func All() []Metric {
	out := make([]Metric, 0, len(semconv.Metrics))
	for _, d := range semconv.Metrics {
		out = append(out, byName[d.Name])
	}
	return out
}

// SeriesIndex maps every series name the schema produces in Prometheus to
// its metric.
func SeriesIndex() map[string]Metric {
	out := map[string]Metric{}
	for _, m := range All() {
		for _, s := range m.Series() {
			out[s] = m
		}
	}
	return out
}

// AttributeLabels lists the label names of every attribute key any schema
// metric carries, sorted.
func AttributeLabels() []string {
	seen := map[string]bool{}
	for _, m := range All() {
		for _, a := range m.Attributes {
			seen[Label(a)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
