package promsource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/seamtel/seam/internal/judge"
)

// ErrNoHistogram is returned for a source with no Seam operation histogram.
var ErrNoHistogram = errors.New("no " + durationMetric + " histogram in the source")

// Snapshot is one reading of a text exposition.
type Snapshot struct {
	families map[string]*dto.MetricFamily
}

// Read reads a text exposition from a file or an http(s) URL.
func Read(ctx context.Context, src string) (*Snapshot, error) {
	var r io.Reader
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		req.Header.Set("Accept", "text/plain;version=0.0.4")
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %s", src, resp.Status)
		}
		r = resp.Body
	} else {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Prometheus text exposition: %w", src, err)
	}
	return &Snapshot{families: fams}, nil
}

// key names one series: its labels but le, sorted.
func key(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		if l.GetName() != "le" {
			parts = append(parts, l.GetName()+"="+l.GetValue())
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// group is one operation of one service.
type group struct{ service, operation string }

// Comparisons groups the snapshot's operation histograms by service and
// operation into the two arms; with since, each series counts only its
// increase from since (a series that went down restarted, and counts whole).
// A group with no series at all for one of the arms (a service that runs
// one implementation only) is no comparison: it is named in skipped. A
// group whose arm has series but no new calls is kept, to be judged no_data.
func (s *Snapshot) Comparisons(since *Snapshot, arms Arms) (comps []judge.Comparison, skipped []string, err error) {
	fam := s.families[durationMetric]
	if fam == nil || fam.GetType() != dto.MetricType_HISTOGRAM {
		return nil, nil, ErrNoHistogram
	}
	before := map[string]*dto.Metric{}
	if since != nil {
		if f := since.families[durationMetric]; f != nil {
			for _, m := range f.GetMetric() {
				before[key(m)] = m
			}
		}
	}
	byGroup := map[group]*judge.Comparison{}
	shadows := map[group]*judge.Arm{}
	seen := map[group]map[string]bool{}
	var order []group
	for _, m := range fam.GetMetric() {
		impl := label(m, "seam_impl")
		cls := roleClassOf(label(m, "seam_role"))
		if (impl != arms.Baseline && impl != arms.Candidate) || cls == roleFallback || (cls == roleShadow && impl != arms.Candidate) {
			continue
		}
		h, count, err := histogram(m)
		if err != nil {
			return nil, nil, fmt.Errorf("%s{%s}: %w", durationMetric, key(m), err)
		}
		if prev := before[key(m)]; prev != nil {
			ph, pcount, err := histogram(prev)
			if err == nil && pcount <= count {
				if d, err := h.Sub(ph); err == nil {
					h, count = d, count-pcount
				}
			}
		}
		g := group{label(m, "service_name"), label(m, "seam_operation")}
		c := byGroup[g]
		if c == nil {
			c = &judge.Comparison{Operation: g.operation, Service: g.service}
			byGroup[g] = c
			seen[g] = map[string]bool{}
			order = append(order, g)
		}
		seen[g][impl] = true
		arm := &c.Baseline
		switch {
		case cls == roleShadow:
			// Shadow runs never mix with served traffic: they are the
			// candidate's arm only when it served nothing.
			if shadows[g] == nil {
				shadows[g] = &judge.Arm{}
			}
			arm = shadows[g]
		case impl == arms.Candidate:
			arm = &c.Candidate
		}
		arm.Calls += count
		if label(m, "error_type") != "" {
			arm.Errors += count
			continue
		}
		sum, err := arm.Latency.Add(h)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s (seam_impl=%s): %w", g.service, g.operation, impl, err)
		}
		arm.Latency = sum
	}
	for g, sh := range shadows {
		if c := byGroup[g]; c.Candidate.Calls == 0 && sh.Calls > 0 {
			c.Candidate, c.FromShadow = *sh, true
		}
	}
	s.addCounter(since, panicsMetric, byGroup, func(c *judge.Comparison, _ *dto.Metric, v uint64) { c.Candidate.Panics += v })
	s.addCounter(since, fallbacksMetric, byGroup, func(c *judge.Comparison, _ *dto.Metric, v uint64) { c.Candidate.Fallbacks += v })
	s.addCounter(since, comparisonsMetric, byGroup, func(c *judge.Comparison, m *dto.Metric, v uint64) {
		if label(m, "seam_shadow_outcome") == "mismatch" {
			c.Candidate.Mismatches += v
		}
	})
	s.addCounter(since, decisionsMetric, byGroup, func(c *judge.Comparison, m *dto.Metric, v uint64) {
		if c.Decisions == nil {
			c.Decisions = &judge.Decisions{}
		}
		switch label(m, "seam_impl") {
		case arms.Candidate:
			c.Decisions.Candidate += v
		case arms.Baseline:
			c.Decisions.Baseline += v
		}
	})
	for _, g := range order {
		for _, impl := range []string{arms.Baseline, arms.Candidate} {
			if !seen[g][impl] {
				skipped = append(skipped, fmt.Sprintf("%s/%s: no seam_impl=%s series", g.service, g.operation, impl))
			}
		}
		if seen[g][arms.Baseline] && seen[g][arms.Candidate] {
			comps = append(comps, *byGroup[g])
		}
	}
	sortComparisons(comps)
	sort.Strings(skipped)
	return comps, skipped, nil
}

func sortComparisons(cs []judge.Comparison) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Service != cs[j].Service {
			return cs[i].Service < cs[j].Service
		}
		return cs[i].Operation < cs[j].Operation
	})
}

// addCounter adds a per-operation counter to the groups, each series
// through add.
func (s *Snapshot) addCounter(since *Snapshot, name string, groups map[group]*judge.Comparison, add func(*judge.Comparison, *dto.Metric, uint64)) {
	fam := s.families[name]
	if fam == nil {
		return
	}
	before := map[string]float64{}
	if since != nil {
		if f := since.families[name]; f != nil {
			for _, m := range f.GetMetric() {
				before[key(m)] = m.GetCounter().GetValue()
			}
		}
	}
	for _, m := range fam.GetMetric() {
		v := m.GetCounter().GetValue()
		if p, ok := before[key(m)]; ok && p <= v {
			v -= p
		}
		for g, c := range groups {
			if g.operation == label(m, "seam_operation") && (g.service == label(m, "service_name") || label(m, "service_name") == "") {
				add(c, m, uint64(math.Round(v)))
			}
		}
	}
}

// histogram turns one exposed series into per-bucket counts.
func histogram(m *dto.Metric) (judge.Histogram, uint64, error) {
	hist := m.GetHistogram()
	if hist == nil {
		return judge.Histogram{}, 0, errors.New("not a histogram")
	}
	var h judge.Histogram
	var prev uint64
	for _, b := range hist.GetBucket() {
		ub := b.GetUpperBound()
		cum := b.GetCumulativeCount()
		if math.IsInf(ub, 1) {
			continue
		}
		if cum < prev {
			return judge.Histogram{}, 0, fmt.Errorf("bucket le=%s counts %d, fewer than the one below", strconv.FormatFloat(ub, 'g', -1, 64), cum)
		}
		h.Bounds = append(h.Bounds, ub)
		h.Counts = append(h.Counts, cum-prev)
		prev = cum
	}
	total := hist.GetSampleCount()
	if total < prev {
		return judge.Histogram{}, 0, fmt.Errorf("count %d is below the buckets' %d", total, prev)
	}
	h.Counts = append(h.Counts, total-prev)
	return h, total, nil
}
