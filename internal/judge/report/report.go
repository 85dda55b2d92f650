package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"

	"github.com/seamtel/seam/internal/judge"
)

var (
	//go:embed assets/uPlot.iife.min.js
	uplotJS string
	//go:embed assets/uPlot.min.css
	uplotCSS string
	//go:embed page.js
	pageJS string
	//go:embed page.css
	pageCSS string
	//go:embed page.html.tmpl
	pageHTML string
)

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// Options are how a page is rendered.
type Options struct {
	// Refresh, when positive, makes the page reload itself that often (a
	// page served live, judged afresh on each load).
	Refresh time.Duration
}

// Render writes rep as a page. Nothing is written when rendering fails.
func Render(w io.Writer, rep judge.Report, opts Options) error {
	data, ops, err := views(rep)
	if err != nil {
		return err
	}
	p := newPage(opts)
	p.Title = "seam judge: " + summaryLine(rep)
	p.Data = template.JS(data)
	p.Summary = newSummary(rep)
	p.Operations = ops
	return execute(w, p)
}

// RenderError writes a page saying the report could not be built, and why
// (a served page whose source is down); it reloads like a report would.
func RenderError(w io.Writer, reportErr error, opts Options) error {
	p := newPage(opts)
	p.Title = "seam judge: no report"
	p.Error = reportErr.Error()
	p.Data = template.JS(`{"operations":[]}`)
	p.Generated = time.Now().UTC().Format(time.RFC3339)
	return execute(w, p)
}

func execute(w io.Writer, p page) error {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// page is what the template reads.
type page struct {
	Title       string
	Refresh     string // seconds, "" for none
	RefreshText string
	UplotCSS    template.CSS
	PageCSS     template.CSS
	UplotJS     template.JS
	PageJS      template.JS
	// Data is the plots' JSON; json.Marshal escapes <, > and &, so it
	// cannot close its script element.
	Data       template.JS
	Summary    summary
	Operations []opView
	Error      string
	Generated  string
}

func newPage(opts Options) page {
	p := page{
		UplotCSS: template.CSS(uplotCSS),
		PageCSS:  template.CSS(pageCSS),
		UplotJS:  template.JS(uplotJS),
		PageJS:   template.JS(pageJS),
	}
	if opts.Refresh > 0 {
		secs := int(math.Ceil(opts.Refresh.Seconds()))
		p.Refresh = fmt.Sprint(secs)
		p.RefreshText = opts.Refresh.String()
	}
	return p
}

type summary struct {
	Source, Generated string
	Counts            []countView
	Margin, Alpha     string
	MinCalls          uint64
	Skipped           []string
}

type countView struct {
	Class, Label string
	N            int
}

var verdicts = []judge.Verdict{judge.Pass, judge.Fail, judge.Inconclusive, judge.NoData}

func verdictClass(v judge.Verdict) string {
	switch v {
	case judge.Pass, judge.Fail, judge.Inconclusive:
		return string(v)
	case judge.NoData:
		return "nodata"
	}
	return "unknown"
}

func verdictLabel(v judge.Verdict) string {
	if v == judge.NoData {
		return "NO DATA"
	}
	return strings.ToUpper(string(v))
}

func summaryLine(rep judge.Report) string {
	c := rep.Counts()
	return fmt.Sprintf("%d pass, %d fail, %d inconclusive, %d no data", c[judge.Pass], c[judge.Fail], c[judge.Inconclusive], c[judge.NoData])
}

func newSummary(rep judge.Report) summary {
	cfg, d := rep.Config, judge.DefaultConfig()
	if cfg.Margin <= 0 {
		cfg.Margin = d.Margin
	}
	if cfg.Alpha <= 0 {
		cfg.Alpha = d.Alpha
	}
	if cfg.MinCalls == 0 {
		cfg.MinCalls = d.MinCalls
	}
	s := summary{
		Source:    rep.Source,
		Generated: rep.Generated.UTC().Format(time.RFC3339),
		Margin:    fmt.Sprintf("%g%%", 100*cfg.Margin),
		Alpha:     fmt.Sprintf("%g", cfg.Alpha),
		MinCalls:  cfg.MinCalls,
		Skipped:   rep.Skipped,
	}
	counts := rep.Counts()
	for _, v := range verdicts {
		s.Counts = append(s.Counts, countView{Class: verdictClass(v), Label: verdictLabel(v), N: counts[v]})
	}
	return s
}

// opView is one operation's section.
type opView struct {
	ID                    string
	Operation, Service    string
	VerdictClass, Verdict string
	Reason                string
	Standard              string
	// Traffic says what the rollout sent the candidate, and whether its
	// arm is its shadow runs.
	Traffic string
	Arms    []armView
	// QuantileLabels head the arms' quantile columns; an arm without
	// latencies has a dash in each.
	QuantileLabels []string
	Ratios         []ratioView
	Tests          []testView
	// HasLatency is false when neither arm has a latency to draw.
	HasLatency bool
	HasRatios  bool
}

type armView struct {
	Name                                   string
	Calls, Errors, Panics, Fallbacks, Miss uint64
	ErrorRatio                             string
	Quantiles                              []quantileView
	// PanicAlarm and MissAlarm mark the candidate's counts that fail it on
	// their own, FallbackNote the calls the fallback served.
	PanicAlarm, MissAlarm, FallbackNote bool
}

type quantileView struct{ Label, Bucket, CI string }

type ratioView struct{ Label, Range string }

type testView struct {
	Name, Effect, CI, Margin, PRegression, PWithin string
	Outcome, OutcomeClass                          string
}

func views(rep judge.Report) (string, []opView, error) {
	var data struct {
		Operations []plotSet `json:"operations"`
	}
	data.Operations = []plotSet{}
	var ops []opView
	for i, o := range rep.Operations {
		id := fmt.Sprintf("op-%d", i)
		ps := plots(id, o)
		data.Operations = append(data.Operations, ps)
		candidate := "candidate"
		if o.CandidateFrom == "shadow" {
			candidate = "candidate (shadow runs)"
		}
		arms := []armView{armOf("baseline", o.Baseline, false), armOf(candidate, o.Candidate, true)}
		var labels []string
		for _, a := range arms {
			if len(a.Quantiles) > len(labels) {
				labels = labels[:0]
				for _, q := range a.Quantiles {
					labels = append(labels, q.Label)
				}
			}
		}
		for i := range arms {
			for len(arms[i].Quantiles) < len(labels) {
				arms[i].Quantiles = append(arms[i].Quantiles, quantileView{Label: labels[len(arms[i].Quantiles)], Bucket: "–"})
			}
		}
		ops = append(ops, opView{
			ID:             id,
			Operation:      o.Operation,
			Service:        o.Service,
			VerdictClass:   verdictClass(o.Verdict),
			Verdict:        verdictLabel(o.Verdict),
			Reason:         o.Reason,
			Standard:       standardErrors(o.Result),
			Traffic:        traffic(o.Result),
			Arms:           arms,
			QuantileLabels: labels,
			Ratios:         ratioViews(o.Ratios),
			Tests:          testViews(o.Tests),
			HasLatency:     ps.Dist != nil,
			HasRatios:      ps.Ratios != nil,
		})
	}
	b, err := json.Marshal(data)
	if err != nil {
		return "", nil, fmt.Errorf("report: %w", err)
	}
	return string(b), ops, nil
}

func standardErrors(r judge.Result) string {
	if r.Robust {
		return fmt.Sprintf("standard errors from a delete-one-interval jackknife over %d intervals", r.Intervals)
	}
	if r.Intervals > 0 {
		return fmt.Sprintf("standard errors assume independent calls (%d intervals, too few for the jackknife)", r.Intervals)
	}
	return "standard errors assume independent calls (no per-interval data)"
}

func traffic(r judge.Result) string {
	var parts []string
	if r.CandidateShare != nil && !math.IsNaN(float64(*r.CandidateShare)) {
		parts = append(parts, "the rollout sent the candidate "+percent(float64(*r.CandidateShare))+" of the calls")
	}
	if r.CandidateFrom == "shadow" {
		parts = append(parts, "the candidate served none: its arm is its shadow runs beside the baseline, on the same calls")
	}
	return strings.Join(parts, "; ")
}

func armOf(name string, a judge.ArmResult, candidate bool) armView {
	v := armView{
		Name: name, Calls: a.Calls, Errors: a.Errors, Panics: a.Panics, Fallbacks: a.Fallbacks, Miss: a.Mismatches,
		ErrorRatio:   percent(a.ErrorRatio),
		PanicAlarm:   candidate && a.Panics > 0,
		MissAlarm:    candidate && a.Mismatches > 0,
		FallbackNote: candidate && a.Fallbacks > 0,
	}
	for _, q := range a.Quantiles {
		v.Quantiles = append(v.Quantiles, quantileView{
			Label:  quantileLabel(q.Q),
			Bucket: bucketText(q.Bucket, false),
			CI:     bucketText(q.CI, true),
		})
	}
	return v
}

func ratioViews(rs []judge.QuantileRatio) []ratioView {
	var out []ratioView
	for _, r := range rs {
		out = append(out, ratioView{Label: quantileLabel(r.Q), Range: ratioText(float64(r.Lo)) + " – " + ratioText(float64(r.Hi))})
	}
	return out
}

func testViews(ts []judge.Test) []testView {
	var out []testView
	for _, t := range ts {
		v := testView{Name: t.Name}
		switch {
		case t.Skipped != "":
			v.Outcome, v.OutcomeClass = "skipped: "+t.Skipped, "skipped"
			out = append(out, v)
			continue
		case t.Regressed:
			v.Outcome, v.OutcomeClass = "regression beyond the margin", "regressed"
		case t.Within:
			v.Outcome, v.OutcomeClass = "within the margin", "within"
		default:
			v.Outcome, v.OutcomeClass = "a regression beyond the margin is not ruled out", "open"
		}
		f := effectFormat(t.Name)
		v.Effect = f(float64(t.Effect))
		v.CI = "[" + f(float64(t.Lo)) + ", " + f(float64(t.Hi)) + "]"
		v.Margin = f(t.Margin)
		v.PRegression = pValue(t.PRegression)
		v.PWithin = pValue(t.PWithin)
		out = append(out, v)
	}
	return out
}

// effectFormat prints a test's effect on the scale it is read on: θ as a
// probability, a tail's log share ratio as a ratio, the error rise in
// percentage points.
func effectFormat(name string) func(float64) string {
	switch {
	case name == "stochastic order":
		return func(x float64) string { return fmt.Sprintf("%.3f", x) }
	case strings.HasSuffix(name, " tail"):
		return func(x float64) string { return ratioText(math.Exp(x)) }
	case name == "errors":
		return func(x float64) string { return fmt.Sprintf("%+.2f pts", 100*x) }
	}
	return func(x float64) string { return fmt.Sprintf("%.4g", x) }
}

func pValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 1e-4:
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}

func quantileLabel(q float64) string { return fmt.Sprintf("p%g", 100*q) }

func percent(x float64) string {
	if x == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.3g%%", 100*x)
}

func ratioText(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "∞"
	case math.IsNaN(x):
		return "–"
	case x == 0:
		return "0×"
	case x < 0.1:
		return fmt.Sprintf("%.2g×", x)
	case x < 10:
		return fmt.Sprintf("%.2f×", x)
	}
	return fmt.Sprintf("%.3g×", x)
}

// bucketText prints a bucket (lo, hi] or, for an interval, the range it spans.
func bucketText(b judge.Bucket, interval bool) string {
	lo, hi := float64(b.Lo), float64(b.Hi)
	switch {
	case math.IsInf(hi, 1) && (math.IsInf(lo, -1) || lo <= 0):
		return "any"
	case math.IsInf(hi, 1):
		return "> " + seconds(lo)
	case math.IsInf(lo, -1) || lo <= 0:
		return "≤ " + seconds(hi)
	case interval:
		return seconds(lo) + " – " + seconds(hi)
	}
	return "(" + seconds(lo) + ", " + seconds(hi) + "]"
}

// seconds prints a latency readably.
func seconds(s float64) string {
	switch {
	case math.IsInf(s, 1):
		return "+Inf"
	case s == 0:
		return "0"
	case s < 1e-6:
		return trim(s*1e9) + " ns"
	case s < 1e-3:
		return trim(s*1e6) + " µs"
	case s < 1:
		return trim(s*1e3) + " ms"
	}
	return trim(s) + " s"
}

func trim(x float64) string { return fmt.Sprintf("%.4g", x) }
