package exporthealthextension

import (
	"fmt"
	"io"
	"sort"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// failurePrefixes are the collector's own counters of what an exporter
// could not send (after its retries) or could not queue.
var failurePrefixes = []string{"otelcol_exporter_send_failed_", "otelcol_exporter_enqueue_failed_"}

// failure is one exporter's count on one failure counter.
type failure struct {
	Exporter string  `json:"exporter"`
	Metric   string  `json:"metric"`
	Count    float64 `json:"count"`
}

// key names a failure counter's series.
func (f failure) key() string { return f.Exporter + "\x00" + f.Metric }

// readFailures reads the failure counters from a text exposition.
func readFailures(r io.Reader) ([]failure, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("reading the collector's telemetry: %w", err)
	}
	var out []failure
	for name, mf := range families {
		if !isFailure(name) {
			continue
		}
		for _, m := range mf.GetMetric() {
			out = append(out, failure{Exporter: label(m, "exporter"), Metric: name, Count: value(m)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, nil
}

func isFailure(name string) bool {
	for _, p := range failurePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func value(m *dto.Metric) float64 {
	if c := m.GetCounter(); c != nil {
		return c.GetValue()
	}
	return m.GetUntyped().GetValue()
}
