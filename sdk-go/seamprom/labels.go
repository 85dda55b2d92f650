package seamprom

import (
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// promotingGatherer adds labels to every series that lacks them, except
// target_info, which carries the whole resource already. A point's own
// attribute of the same name wins, as in the collector's exporter.
type promotingGatherer struct {
	next   prometheus.Gatherer
	labels map[string]string
}

func (g promotingGatherer) Gather() ([]*dto.MetricFamily, error) {
	families, err := g.next.Gather()
	for _, f := range families {
		if f.GetName() == "target_info" {
			continue
		}
		for _, m := range f.Metric {
			m.Label = promote(m.Label, g.labels)
		}
	}
	return families, err
}

func promote(labels []*dto.LabelPair, promoted map[string]string) []*dto.LabelPair {
	added := false
	for name, value := range promoted {
		if slices.ContainsFunc(labels, func(l *dto.LabelPair) bool { return l.GetName() == name }) {
			continue
		}
		labels = append(labels, &dto.LabelPair{Name: &name, Value: &value})
		added = true
	}
	if added {
		slices.SortFunc(labels, func(a, b *dto.LabelPair) int { return strings.Compare(a.GetName(), b.GetName()) })
	}
	return labels
}
