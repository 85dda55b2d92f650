package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// The checks, in the order they are reported.
const (
	CheckCrossLanguage = "cross_language" // the same metric has one shape from Go and Rust
	CheckRegistry      = "registry"       // every Seam metric follows the registry
	CheckTraces        = "traces"         // crossings continue one trace with correct parents
	CheckLogs          = "logs"           // both sides log the same fields and ids
	CheckCorrelation   = "correlation"    // one correlation id on every line of a request
)

var checkOrder = []string{CheckCrossLanguage, CheckRegistry, CheckTraces, CheckLogs, CheckCorrelation}

var checkDescriptions = map[string]string{
	CheckCrossLanguage: "metrics from Go and Rust: same name, unit, instrument, buckets, attribute keys",
	CheckRegistry:      "metrics conform to the schema registry",
	CheckTraces:        "Go->Rust calls (FFI, HTTP, gRPC) are one trace with correct parent/child links; a queued job's consumer span links to its producer span",
	CheckLogs:          "log records from both sides carry the same fields and ids",
	CheckCorrelation:   "the correlation id is on every log line of a request, on both sides",
}

// Finding is one way the telemetry breaks the contract. Rule ids follow
// Weaver live-check's where they overlap.
type Finding struct {
	Check   string `json:"check"`
	Rule    string `json:"rule"`
	Subject string `json:"subject"`
	Message string `json:"message"`
}

// CheckResult is one check's outcome.
type CheckResult struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Checked     int       `json:"checked"` // items the check looked at
	Findings    []Finding `json:"findings"`
}

// Passed reports whether the check found nothing wrong and looked at something.
func (c CheckResult) Passed() bool { return len(c.Findings) == 0 && c.Checked > 0 }

// Report is the outcome of every check.
type Report struct {
	Checks []CheckResult `json:"checks"`
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if !c.Passed() {
			return false
		}
	}
	return true
}

// Findings lists every finding of every check.
func (r *Report) Findings() []Finding {
	var out []Finding
	for _, c := range r.Checks {
		out = append(out, c.Findings...)
	}
	return out
}

type collector struct {
	results map[string]*CheckResult
}

func newCollector() *collector {
	c := &collector{results: map[string]*CheckResult{}}
	for _, name := range checkOrder {
		c.results[name] = &CheckResult{Name: name, Description: checkDescriptions[name], Findings: []Finding{}}
	}
	return c
}

func (c *collector) checked(check string, n int) { c.results[check].Checked += n }

func (c *collector) add(check, rule, subject, format string, args ...any) {
	r := c.results[check]
	r.Findings = append(r.Findings, Finding{Check: check, Rule: rule, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

func (c *collector) report() *Report {
	rep := &Report{}
	for _, name := range checkOrder {
		rep.Checks = append(rep.Checks, *c.results[name])
	}
	return rep
}

// WriteTable prints the report for a person.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tRESULT\tCHECKED\tWHAT")
	for _, c := range r.Checks {
		result := "pass"
		switch {
		case len(c.Findings) > 0:
			result = fmt.Sprintf("FAIL (%d)", len(c.Findings))
		case c.Checked == 0:
			result = "FAIL (nothing to check)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", c.Name, result, c.Checked, c.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if fs := r.Findings(); len(fs) > 0 {
		fmt.Fprintln(w, "\nfindings:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, f := range fs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Check, f.Rule, f.Subject, f.Message)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	verdict := "conformant"
	if !r.OK() {
		verdict = "NOT conformant"
	}
	_, err := fmt.Fprintf(w, "\n%s\n", verdict)
	return err
}

// WriteJSON prints the report for machines.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		OK bool `json:"ok"`
		*Report
	}{r.OK(), r})
}

func joinSorted(set map[string]bool) string { return strings.Join(sortedKeys(set), ",") }
