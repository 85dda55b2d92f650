package promsource

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seamtel/seam/internal/judge"
)

// Window reads the last window of a Prometheus server's history as
// per-step intervals: each step's increase of every bucket, call and error
// count, per service, operation and implementation. increase() extrapolates
// to the step's edges, so counts are rounded; the jackknife over the steps
// then carries the standard errors.
// As with Comparisons, a group with no series for one of the arms is named
// in skipped instead.
func Window(ctx context.Context, server string, window, step time.Duration, arms Arms) (comps []judge.Comparison, skipped []string, err error) {
	if step <= 0 || window < step {
		return nil, nil, fmt.Errorf("--window %v must be at least one --step %v", window, step)
	}
	end := time.Now().Truncate(step)
	start := end.Add(-window + step)
	rng := fmt.Sprintf("[%ds]", int(step.Seconds()))
	q := func(promql string) ([]series, error) { return queryRange(ctx, server, promql, start, end, step) }
	// Fallback runs are neither arm's traffic; shadow runs are kept apart
	// by seam_role, and stand for the candidate only where it served none.
	sel := `seam_role!="fallback",seam_impl=~"` + arms.Baseline + "|" + arms.Candidate + `"`
	by := "service_name, seam_operation, seam_impl, seam_role"
	buckets, err := q(`sum by (` + by + `, le) (increase(` + durationMetric + `_bucket{error_type="",` + sel + `}` + rng + `))`)
	if err != nil {
		return nil, nil, err
	}
	if len(buckets) == 0 {
		return nil, nil, ErrNoHistogram
	}
	calls, err := q(`sum by (` + by + `) (increase(` + durationMetric + `_count{` + sel + `}` + rng + `))`)
	if err != nil {
		return nil, nil, err
	}
	errs, err := q(`sum by (` + by + `) (increase(` + durationMetric + `_count{error_type!="",` + sel + `}` + rng + `))`)
	if err != nil {
		return nil, nil, err
	}
	panics, err := q(`sum by (service_name, seam_operation) (increase(` + panicsMetric + rng + `))`)
	if err != nil {
		return nil, nil, err
	}
	mismatches, err := q(`sum by (service_name, seam_operation) (increase(` + comparisonsMetric + `{seam_shadow_outcome="mismatch"}` + rng + `))`)
	if err != nil {
		return nil, nil, err
	}
	decisions, err := q(`sum by (service_name, seam_operation, seam_impl) (increase(` + decisionsMetric + rng + `))`)
	if err != nil {
		return nil, nil, err
	}

	steps := int(window/step) + 1
	type armKey struct {
		group
		impl string
		cls  roleClass
	}
	// anyRole matches every role class in counts.
	const anyRole = roleClass(255)
	// cum[arm][step][le] is the cumulative bucket count.
	cum := map[armKey][]map[float64]float64{}
	stepOf := func(t float64) int { return int(math.Round((t - float64(start.Unix())) / step.Seconds())) }
	for _, s := range buckets {
		le, err := strconv.ParseFloat(s.metric["le"], 64)
		if err != nil {
			continue
		}
		k := armKey{group{s.metric["service_name"], s.metric["seam_operation"]}, s.metric["seam_impl"], roleClassOf(s.metric["seam_role"])}
		if k.cls == roleShadow && k.impl != arms.Candidate {
			continue
		}
		if cum[k] == nil {
			cum[k] = make([]map[float64]float64, steps)
		}
		for _, v := range s.values {
			if i := stepOf(v.t); i >= 0 && i < steps {
				if cum[k][i] == nil {
					cum[k][i] = map[float64]float64{}
				}
				cum[k][i][le] = v.v
			}
		}
	}
	counts := func(ss []series, k armKey) []float64 {
		out := make([]float64, steps)
		for _, s := range ss {
			if s.metric["service_name"] == k.service && s.metric["seam_operation"] == k.operation && (s.metric["seam_impl"] == k.impl || k.impl == "") &&
				(k.cls == anyRole || roleClassOf(s.metric["seam_role"]) == k.cls) {
				for _, v := range s.values {
					if i := stepOf(v.t); i >= 0 && i < steps {
						out[i] += v.v
					}
				}
			}
		}
		return out
	}

	byGroup := map[group]*judge.Comparison{}
	seen := map[group]map[string]bool{}
	// served says a group's candidate served calls in the window: its
	// shadow runs then stay out.
	served := map[group]bool{}
	for k := range cum {
		if k.impl == arms.Candidate && k.cls == roleServed {
			for _, n := range counts(calls, k) {
				served[k.group] = served[k.group] || n > 0
			}
		}
	}
	for k, perStep := range cum {
		if k.cls == roleShadow && served[k.group] {
			continue
		}
		c := byGroup[k.group]
		if c == nil {
			c = &judge.Comparison{Operation: k.operation, Service: k.service, Intervals: make([]judge.Interval, steps)}
			byGroup[k.group] = c
			seen[k.group] = map[string]bool{}
		}
		seen[k.group][k.impl] = true
		c.FromShadow = c.FromShadow || k.cls == roleShadow
		callsPerStep, errsPerStep := counts(calls, k), counts(errs, k)
		for i, les := range perStep {
			h, err := fromCumulative(les)
			if err != nil {
				return nil, nil, fmt.Errorf("%s %s (seam_impl=%s): %w", k.service, k.operation, k.impl, err)
			}
			arm := judge.Arm{Latency: h, Calls: round(callsPerStep[i]), Errors: round(errsPerStep[i])}
			iv := &c.Intervals[i]
			if k.impl == arms.Candidate {
				iv.Candidate = arm
			} else {
				iv.Baseline = arm
			}
		}
	}
	for g, c := range byGroup {
		if !seen[g][arms.Baseline] || !seen[g][arms.Candidate] {
			for _, impl := range []string{arms.Baseline, arms.Candidate} {
				if !seen[g][impl] {
					skipped = append(skipped, fmt.Sprintf("%s/%s: no seam_impl=%s series", g.service, g.operation, impl))
				}
			}
			continue
		}
		for _, iv := range c.Intervals {
			var err error
			if c.Baseline, err = addArm(c.Baseline, iv.Baseline); err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", g.service, g.operation, err)
			}
			if c.Candidate, err = addArm(c.Candidate, iv.Candidate); err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", g.service, g.operation, err)
			}
		}
		for _, p := range counts(panics, armKey{g, "", anyRole}) {
			c.Candidate.Panics += round(p)
		}
		for _, m := range counts(mismatches, armKey{g, "", anyRole}) {
			c.Candidate.Mismatches += round(m)
		}
		for _, impl := range []string{arms.Baseline, arms.Candidate} {
			var n uint64
			for _, d := range counts(decisions, armKey{g, impl, anyRole}) {
				n += round(d)
			}
			if n == 0 {
				continue
			}
			if c.Decisions == nil {
				c.Decisions = &judge.Decisions{}
			}
			if impl == arms.Candidate {
				c.Decisions.Candidate = n
			} else {
				c.Decisions.Baseline = n
			}
		}
		comps = append(comps, *c)
	}
	sortComparisons(comps)
	sort.Strings(skipped)
	return comps, skipped, nil
}

func round(v float64) uint64 {
	if v <= 0 || math.IsNaN(v) {
		return 0
	}
	return uint64(math.Round(v))
}

func addArm(total, part judge.Arm) (judge.Arm, error) {
	h, err := total.Latency.Add(part.Latency)
	if err != nil {
		return total, err
	}
	total.Latency = h
	total.Calls += part.Calls
	total.Errors += part.Errors
	return total, nil
}

// fromCumulative turns one step's cumulative bucket increases into
// per-bucket counts (rounded; a bucket below the one under it is clamped).
func fromCumulative(les map[float64]float64) (judge.Histogram, error) {
	if len(les) == 0 {
		return judge.Histogram{}, nil
	}
	bounds := make([]float64, 0, len(les))
	for le := range les {
		if !math.IsInf(le, 1) {
			bounds = append(bounds, le)
		}
	}
	sort.Float64s(bounds)
	if _, ok := les[math.Inf(1)]; !ok {
		return judge.Histogram{}, fmt.Errorf("no le=\"+Inf\" bucket")
	}
	h := judge.Histogram{Bounds: bounds, Counts: make([]uint64, len(bounds)+1)}
	var prev uint64
	for i, b := range append(append([]float64{}, bounds...), math.Inf(1)) {
		c := max(round(les[b]), prev)
		h.Counts[i] = c - prev
		prev = c
	}
	return h, nil
}

type point struct{ t, v float64 }

type series struct {
	metric map[string]string
	values []point
}

// queryRange runs one range query against the Prometheus HTTP API.
func queryRange(ctx context.Context, server, promql string, start, end time.Time, step time.Duration) ([]series, error) {
	form := url.Values{
		"query": {promql},
		"start": {strconv.FormatInt(start.Unix(), 10)},
		"end":   {strconv.FormatInt(end.Unix(), 10)},
		"step":  {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)},
	}
	endpoint := strings.TrimSuffix(server, "/") + "/api/v1/query_range"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", server, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", server, err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Values [][2]any          `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("%s: not a Prometheus API answer (%s): %w", server, resp.Status, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("%s: query %s: %s", server, promql, body.Error)
	}
	var out []series
	for _, r := range body.Data.Result {
		s := series{metric: r.Metric}
		for _, v := range r.Values {
			t, _ := v[0].(float64)
			str, _ := v[1].(string)
			f, err := strconv.ParseFloat(str, 64)
			if err != nil {
				continue
			}
			s.values = append(s.values, point{t, f})
		}
		out = append(out, s)
	}
	return out, nil
}
