package slo

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/sdk-go/semconv"
	"gopkg.in/yaml.v3"
)

// RuleFile is a Prometheus rule file.
type RuleFile struct {
	Groups []Group `yaml:"groups"`
}

// Group is a rule group; its rules are evaluated in order, each seeing the
// results of the ones before it at the same timestamp.
type Group struct {
	Name     string `yaml:"name"`
	Interval string `yaml:"interval,omitempty"`
	Rules    []Rule `yaml:"rules"`
}

// Rule is a recording or an alerting rule.
type Rule struct {
	Record      string            `yaml:"record,omitempty"`
	Alert       string            `yaml:"alert,omitempty"`
	Expr        Expr              `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// Expr is a PromQL expression; one of several lines is written as a YAML
// literal block so that it reads as it was written.
type Expr string

// MarshalYAML writes multi-line expressions in the literal style.
func (e Expr) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: string(e)}
	if strings.Contains(string(e), "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n, nil
}

// The series the rules record. Every one carries the labels slo, sli,
// service_name and seam_operation.
const (
	RecordObjective       = "seam_slo:objective:ratio"
	RecordErrorBudget     = "seam_slo:error_budget:ratio"
	RecordBudgetRemaining = "seam_slo:error_budget_remaining:ratio"
)

// RecordBadEvents is the per-second rate of bad events over a window.
func RecordBadEvents(window string) string { return "seam_slo:bad_events:rate" + window }

// RecordTotalEvents is the per-second rate of all events over a window.
func RecordTotalEvents(window string) string { return "seam_slo:total_events:rate" + window }

// RecordErrorRatio is bad over total events over a window.
func RecordErrorRatio(window string) string { return "seam_slo:error_ratio:rate" + window }

// Labels of the recorded series besides service_name and seam_operation.
const (
	LabelSLO      = "slo"
	LabelSLI      = "sli"
	LabelSeverity = "severity"
)

// The alerts the generated rules raise.
const (
	AlertFastBurn = "SeamSLOFastBurn"
	AlertSlowBurn = "SeamSLOSlowBurn"
	AlertNoData   = "SeamSLONoData"
)

// Severities: a page wakes someone, a ticket waits for working hours.
const (
	SeverityPage   = "page"
	SeverityTicket = "ticket"
)

// RunbookBase is where every alert's runbook, docs/runbooks/NAME.md, is read.
const RunbookBase = "https://github.com/seamtel/seam/blob/main/docs/runbooks/"

// RunbookURL is the runbook_url annotation of an alert.
func RunbookURL(alert string) string { return RunbookBase + alert + ".md" }

type window struct {
	name string
	d    model.Duration
}

func win(name string) window {
	d, err := model.ParseDuration(name)
	if err != nil {
		panic(err)
	}
	return window{name, d}
}

// Burn is one pair of windows of a multiwindow alert: both the long and the
// short window's error ratio must exceed Factor times the budget.
type Burn struct {
	Factor      float64
	Long, Short window
}

// Sloth's windows for a 30-day budget: a page spends 2 % of the budget in
// an hour or 5 % in six hours; a ticket 10 % in a day or all of it at the
// rate that would spend it in the period, over three days.
var (
	pageWindows   = []Burn{{14.4, win("1h"), win("5m")}, {6, win("6h"), win("30m")}}
	ticketWindows = []Burn{{3, win("1d"), win("2h")}, {1, win("3d"), win("6h")}}
)

// Windows lists every window the rules record a rate over, shortest first
// (the period's ratio is recorded too, from the hourly rates).
func Windows() []string {
	seen := map[string]model.Duration{}
	for _, b := range append(append([]Burn(nil), pageWindows...), ticketWindows...) {
		seen[b.Long.name], seen[b.Short.name] = b.Long.d, b.Short.d
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sortByDuration(out, seen)
	return out
}

func sortByDuration(names []string, d map[string]model.Duration) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && d[names[j]] < d[names[j-1]]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// PeriodWindow is the window the remaining budget is computed over, from
// the hourly rates.
const PeriodWindow = "1h"

// noDataWindow is how long an operation with an SLO may go without traffic.
const noDataWindow = "10m"

var (
	opDuration = promname.Of(semconv.SeamOperationDurationName)
	lService   = promname.Label(string(semconv.ServiceNameKey))
	lOperation = promname.Label(string(semconv.SeamOperationKey))
	lRole      = promname.Label(string(semconv.SeamRoleKey))
	lError     = promname.Label(string(semconv.ErrorTypeKey))
	shadow     = semconv.SeamRoleShadow.Value.AsString()
	by         = "sum by (" + lService + ", " + lOperation + ")"
)

// selector is the executions an SLO counts: its service's and operation's,
// a shadow's excluded since its result serves no one.
func (s SLO) selector(series string, extra ...string) string {
	m := []string{
		lService + "=" + strconv.Quote(s.Service),
		lOperation + "=" + strconv.Quote(s.Operation),
		lRole + "!=" + strconv.Quote(shadow),
	}
	return series + "{" + strings.Join(append(m, extra...), ", ") + "}"
}

// leMatcher selects the bucket of a bound. Prometheus stores the bound as
// the exposition wrote it: 0.001 is "0.001" in every format, but an integer
// is "1" in the text format and "1.0" in OpenMetrics, protobuf and
// Prometheus 3's normalised form, so integers match both spellings.
func leMatcher(bound float64) string {
	s := strconv.FormatFloat(bound, 'g', -1, 64)
	if strings.ContainsAny(s, ".eE") {
		return promname.BucketLabel + "=" + strconv.Quote(s)
	}
	return promname.BucketLabel + "=~" + strconv.Quote(s+`|`+s+`\.0`)
}

func (o Objective) total(w string) string {
	return by + " (rate(" + o.selector(opDuration.Count()) + "[" + w + "]))"
}

func (o Objective) bad(w string) string {
	switch o.SLI {
	case SLIAvailability:
		errors := by + " (rate(" + o.selector(opDuration.Count(), lError+`!=""`) + "[" + w + "]))"
		// 0, not nothing, while no execution failed.
		return errors + "\nor\n0 * " + o.total(w)
	case SLILatency:
		fast := by + " (rate(" + o.selector(opDuration.Bucket(), leMatcher(o.Threshold)) + "[" + w + "]))"
		return o.total(w) + "\n-\n" + fast
	}
	panic("unknown SLI " + o.SLI)
}

func (o Objective) labels() map[string]string {
	return map[string]string{LabelSLO: o.ID(), LabelSLI: o.SLI, lService: o.Service, lOperation: o.Operation}
}

// Rules generates the rule file of the SLOs.
func (f *File) Rules() RuleFile {
	var rec []Rule
	objectives := f.Objectives()
	for _, o := range objectives {
		rec = append(rec,
			Rule{Record: RecordObjective, Expr: Expr("vector(" + formatFloat(o.Objective) + ")"), Labels: o.labels()},
			Rule{Record: RecordErrorBudget, Expr: Expr("vector(" + formatFloat(o.Budget()) + ")"), Labels: o.labels()},
		)
		for _, w := range Windows() {
			rec = append(rec,
				Rule{Record: RecordBadEvents(w), Expr: Expr(o.bad(w)), Labels: map[string]string{LabelSLO: o.ID(), LabelSLI: o.SLI}},
				Rule{Record: RecordTotalEvents(w), Expr: Expr(o.total(w)), Labels: map[string]string{LabelSLO: o.ID(), LabelSLI: o.SLI}},
			)
		}
	}
	// The ratios are ratios of sums: the bad and total rates are summed over
	// every series (instances, implementations, error types) first, so
	// each execution weighs the same however the traffic is spread.
	for _, w := range Windows() {
		rec = append(rec, Rule{Record: RecordErrorRatio(w), Expr: Expr(RecordBadEvents(w) + "\n/\n" + RecordTotalEvents(w))})
	}
	rec = append(rec,
		Rule{
			Record: RecordErrorRatio(f.Period),
			Expr: Expr("sum_over_time(" + RecordBadEvents(PeriodWindow) + "[" + f.Period + "])\n/\n" +
				"sum_over_time(" + RecordTotalEvents(PeriodWindow) + "[" + f.Period + "])"),
		},
		Rule{Record: RecordBudgetRemaining, Expr: Expr("1 - " + RecordErrorRatio(f.Period) + " / " + RecordErrorBudget)},
	)

	alerts := []Rule{
		burnAlert(AlertFastBurn, SeverityPage, pageWindows,
			"{{ $labels.slo }} is burning its error budget fast",
			"The error ratio of {{ $labels.slo }} is {{ $value | humanizePercentage }} over the long window, "+describe(pageWindows)+". At this rate the budget of "+f.Period+" is gone within days."),
		burnAlert(AlertSlowBurn, SeverityTicket, ticketWindows,
			"{{ $labels.slo }} is burning its error budget",
			"The error ratio of {{ $labels.slo }} is {{ $value | humanizePercentage }} over the long window, "+describe(ticketWindows)+". Left alone, the budget of "+f.Period+" runs out before the period ends."),
	}
	for _, s := range f.SLOs {
		alerts = append(alerts, noDataAlert(s))
	}
	return RuleFile{Groups: []Group{
		{Name: "seam-slo-recording", Rules: rec},
		{Name: "seam-slo-alerts", Rules: alerts},
	}}
}

func describe(burns []Burn) string {
	var parts []string
	for _, b := range burns {
		parts = append(parts, fmt.Sprintf("above %s× the budget over %s and %s", formatFloat(b.Factor), b.Long.name, b.Short.name))
	}
	return strings.Join(parts, ", or ")
}

func burnAlert(name, severity string, burns []Burn, summary, description string) Rule {
	var pairs []string
	for _, b := range burns {
		f := formatFloat(b.Factor)
		pairs = append(pairs, "(\n  "+RecordErrorRatio(b.Long.name)+" > ("+f+" * "+RecordErrorBudget+")\n  and\n  "+
			RecordErrorRatio(b.Short.name)+" > ("+f+" * "+RecordErrorBudget+")\n)")
	}
	return Rule{
		Alert:  name,
		Expr:   Expr(strings.Join(pairs, "\nor\n")),
		Labels: map[string]string{LabelSeverity: severity},
		Annotations: map[string]string{
			"summary":     summary,
			"description": description,
			"runbook_url": RunbookURL(name),
		},
	}
}

func noDataAlert(s SLO) Rule {
	count := s.selector(opDuration.Count())
	return Rule{
		Alert: AlertNoData,
		Expr: Expr("absent(" + count + ")\nor\n" +
			by + " (rate(" + count + "[" + noDataWindow + "])) == 0"),
		For:    noDataWindow,
		Labels: map[string]string{LabelSeverity: SeverityTicket, lService: s.Service, lOperation: s.Operation},
		Annotations: map[string]string{
			"summary": "{{ $labels.service_name }} {{ $labels.seam_operation }} has an SLO and no traffic",
			"description": "No execution of " + s.Operation + " in " + s.Service + " for " + noDataWindow +
				": either the series is gone or its rate is 0, so its SLO alerts cannot fire. Missing data is not a healthy SLO.",
			"runbook_url": RunbookURL(AlertNoData),
		},
	}
}

// Header opens the generated file.
const Header = "# Code generated by `go run ./dashboards/cmd/slorules` from alerts/slos.yaml. DO NOT EDIT.\n" +
	"# The SLI recording rules and the multiwindow multi-burn-rate alerts of every SLO.\n"

// Marshal writes the rule file as YAML.
func (r RuleFile) Marshal() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(Header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Where the SLOs and their generated rules live, from the checkout's root.
const (
	SLOsFile  = "alerts/slos.yaml"
	RulesFile = "alerts/slo.rules.yaml"
)

// Generate reads a slos.yaml and returns its rule file.
func Generate(path string) ([]byte, error) {
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	return f.Rules().Marshal()
}
