// Package prometheustest scrapes a /metrics endpoint for tests, in the
// protobuf format, which is the one that carries exemplars, and picks
// series out of the result.
package prometheustest

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Families are scraped metric families by name.
type Families map[string]*dto.MetricFamily

// Scrape fetches http://addr/metrics.
func Scrape(addr string) (Families, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", string(expfmt.NewFormat(expfmt.TypeProtoDelim)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: status %d", addr, resp.StatusCode)
	}
	dec := expfmt.NewDecoder(resp.Body, expfmt.ResponseFormat(resp.Header))
	out := Families{}
	for {
		mf := &dto.MetricFamily{}
		if err := dec.Decode(mf); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("scrape %s: %w", addr, err)
		}
		out[mf.GetName()] = mf
	}
}

// Labels returns a metric's labels as a map.
func Labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, lp := range m.GetLabel() {
		out[lp.GetName()] = lp.GetValue()
	}
	return out
}

// Series returns the metrics of a family whose labels include want.
func Series(mf *dto.MetricFamily, want map[string]string) []*dto.Metric {
	if mf == nil {
		return nil
	}
	var out []*dto.Metric
	for _, m := range mf.GetMetric() {
		l := Labels(m)
		match := true
		for k, v := range want {
			if l[k] != v {
				match = false
				break
			}
		}
		if match {
			out = append(out, m)
		}
	}
	return out
}

// CounterSum adds up a counter family's values over series matching want.
func CounterSum(mf *dto.MetricFamily, want map[string]string) float64 {
	var sum float64
	for _, m := range Series(mf, want) {
		sum += m.GetCounter().GetValue()
	}
	return sum
}

// WithPrefix returns the first family whose name starts with prefix.
func (f Families) WithPrefix(prefix string) *dto.MetricFamily {
	for name, mf := range f {
		if strings.HasPrefix(name, prefix) {
			return mf
		}
	}
	return nil
}

// UpperBounds returns a histogram's bucket bounds, +Inf excluded.
func UpperBounds(m *dto.Metric) []float64 {
	var out []float64
	for _, b := range m.GetHistogram().GetBucket() {
		out = append(out, b.GetUpperBound())
	}
	return out
}
