// Package lint checks the PromQL of Seam's dashboards and rule files
// against the schema: every expression parses, every metric it reads is a
// series the schema produces in Prometheus (semconv.Metrics through
// promname, histograms as _bucket, _sum and _count), one of the collector's
// own allowlisted otelcol_* series, or a series a rule in alerts/ records,
// and every label it names is one that metric carries.
package lint

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/dashboards/slo"
)

// Labels every series may carry besides its metric's own attributes: the
// target's job and instance, and the resource attributes seam_prometheus
// promotes to every series.
var commonLabels = []string{"job", "instance", "service_name", "seam_impl"}

// RateIntervalStandIn replaces Grafana's $__rate_interval before parsing;
// no hand-written range uses it, so a range of this length is one the
// dashboard left to Grafana.
const RateIntervalStandIn = 7777 * time.Second

// grafanaVariables are the range variables a dashboard may use, with the
// duration each stands for while parsing.
var grafanaVariables = map[string]string{
	"$__rate_interval": "7777s",
	"$__interval":      "1m",
	"$__range":         "1h",
}

// Catalog is what an expression may read: each series name with the labels
// it carries.
type Catalog map[string]map[string]bool

func (c Catalog) add(name string, ls ...string) {
	set := c[name]
	if set == nil {
		set = map[string]bool{}
		c[name] = set
	}
	for _, l := range ls {
		set[l] = true
	}
}

// Schema is the catalog of the schema's series and the collector's
// allowlist.
func Schema() Catalog {
	c := Catalog{}
	for _, m := range promname.All() {
		own := make([]string, 0, len(m.Attributes))
		for _, a := range m.Attributes {
			own = append(own, promname.Label(a))
		}
		for _, s := range m.Series() {
			c.add(s, commonLabels...)
			c.add(s, own...)
			if strings.HasSuffix(s, promname.BucketSuffix) {
				c.add(s, promname.BucketLabel)
			}
		}
	}
	for name, ls := range promname.Otelcol {
		c.add(name, commonLabels...)
		c.add(name, ls...)
	}
	return c
}

// Parse parses an expression as Grafana would send it, its range variables
// replaced.
func Parse(expr string) (parser.Expr, error) {
	for v, d := range grafanaVariables {
		expr = strings.ReplaceAll(expr, v, d)
	}
	return promql.ParseExpr(expr)
}

// promql is a parser with the default options: no experimental functions
// or syntax, which the Prometheus 2.42 floor would not run.
var promql = parser.NewParser(parser.Options{})

// Recorded adds to the catalog the series the rules record: a recorded
// series carries its rule's static labels and, at most, the labels of the
// series its expression reads. Rules reading other recorded series are
// resolved whatever their order.
func (c Catalog) Recorded(rules []slo.Rule) error {
	for pass := 0; pass <= len(rules); pass++ {
		changed := false
		for _, r := range rules {
			if r.Record == "" {
				continue
			}
			e, err := Parse(string(r.Expr))
			if err != nil {
				return fmt.Errorf("%s: %w", r.Record, err)
			}
			before := len(c[r.Record])
			_, known := c[r.Record]
			c.add(r.Record, slices.Collect(maps.Keys(r.Labels))...)
			for _, s := range selectors(e) {
				if ls, ok := c[metricName(s)]; ok {
					c.add(r.Record, slices.Collect(maps.Keys(ls))...)
				}
			}
			if !known || len(c[r.Record]) != before {
				changed = true
			}
		}
		if !changed {
			return nil
		}
	}
	return nil
}

func selectors(e parser.Node) []*parser.VectorSelector {
	var out []*parser.VectorSelector
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, vs)
		}
		return nil
	})
	return out
}

func metricName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

// Check parses an expression and returns every problem of its names.
func (c Catalog) Check(expr string) []string {
	e, err := Parse(expr)
	if err != nil {
		return []string{fmt.Sprintf("does not parse: %v", err)}
	}
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, vs := range selectors(e) {
		name := metricName(vs)
		ls, ok := c[name]
		if !ok {
			report("%s is neither a series of the schema, an allowlisted otelcol series nor a recorded one", vs)
			continue
		}
		for _, m := range vs.LabelMatchers {
			if m.Name != labels.MetricName && !ls[m.Name] {
				report("%s: %s has no label %s", vs, name, m.Name)
			}
		}
	}
	// Labels an aggregation or a vector match names must be carried by a
	// series below it.
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		var named []string
		switch n := n.(type) {
		case *parser.AggregateExpr:
			named = n.Grouping
		case *parser.BinaryExpr:
			if n.VectorMatching != nil {
				named = append(append(named, n.VectorMatching.MatchingLabels...), n.VectorMatching.Include...)
			}
		default:
			return nil
		}
		avail := map[string]bool{}
		for _, vs := range selectors(n) {
			maps.Copy(avail, c[metricName(vs)])
		}
		for _, l := range named {
			if !avail[l] {
				report("%s names label %s, which none of the series it reads carries", shorten(n.String()), l)
			}
		}
		return nil
	})
	return problems
}

// Ranges returns the range of every range selector and subquery of an
// expression.
func Ranges(expr string) ([]time.Duration, error) {
	e, err := Parse(expr)
	if err != nil {
		return nil, err
	}
	var out []time.Duration
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.MatrixSelector:
			out = append(out, n.Range)
		case *parser.SubqueryExpr:
			out = append(out, n.Range)
		}
		return nil
	})
	return out, nil
}

func shorten(s string) string {
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}

// Names lists a catalog's names, sorted.
func (c Catalog) Names() []string {
	out := slices.Collect(maps.Keys(c))
	sort.Strings(out)
	return out
}
