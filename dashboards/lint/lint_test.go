package lint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/seamtel/seam/dashboards/board"
	"github.com/seamtel/seam/dashboards/internal/repo"
	"github.com/seamtel/seam/dashboards/slo"
	"gopkg.in/yaml.v3"
)

func path(t *testing.T, elem ...string) string {
	t.Helper()
	p, err := repo.Path(elem...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func glob(t *testing.T, pattern ...string) []string {
	t.Helper()
	files, err := filepath.Glob(path(t, pattern...))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("nothing matches %s", filepath.Join(pattern...))
	}
	return files
}

// ruleFile is one alerts/*.rules.yaml.
type ruleFile struct {
	name  string
	rules []slo.Rule
}

func ruleFiles(t *testing.T) []ruleFile {
	t.Helper()
	var out []ruleFile
	for _, p := range glob(t, "alerts", "*.rules.yaml") {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f slo.RuleFile
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		rf := ruleFile{name: filepath.Base(p)}
		for _, g := range f.Groups {
			rf.rules = append(rf.rules, g.Rules...)
		}
		out = append(out, rf)
	}
	return out
}

func allRules(files []ruleFile) []slo.Rule {
	var out []slo.Rule
	for _, f := range files {
		out = append(out, f.rules...)
	}
	return out
}

// catalog is the schema's series, the allowlist and what the rules record.
func catalog(t *testing.T, files []ruleFile) Catalog {
	t.Helper()
	c := Schema()
	if err := c.Recorded(allRules(files)); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRuleExpressions(t *testing.T) {
	files := ruleFiles(t)
	c := catalog(t, files)
	n := 0
	for _, f := range files {
		for _, r := range f.rules {
			n++
			for _, p := range c.Check(string(r.Expr)) {
				t.Errorf("%s: %s%s: %s", f.name, r.Record, r.Alert, p)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d rules", n)
	}
}

// Every alert says what happened, how bad, and where its runbook is; the
// runbook exists.
func TestAlertAnnotationsAndRunbooks(t *testing.T) {
	for _, f := range ruleFiles(t) {
		for _, r := range f.rules {
			if r.Alert == "" {
				continue
			}
			for _, key := range []string{"summary", "description", "runbook_url"} {
				if strings.TrimSpace(r.Annotations[key]) == "" {
					t.Errorf("%s: %s has no %s annotation", f.name, r.Alert, key)
				}
			}
			if got, want := r.Annotations["runbook_url"], slo.RunbookURL(r.Alert); got != want {
				t.Errorf("%s: %s: runbook_url %q, want %q", f.name, r.Alert, got, want)
			}
			if _, err := os.Stat(path(t, "docs", "runbooks", r.Alert+".md")); err != nil {
				t.Errorf("%s: %s: no runbook: %v", f.name, r.Alert, err)
			}
			if s := r.Labels[slo.LabelSeverity]; s != slo.SeverityPage && s != slo.SeverityTicket {
				t.Errorf("%s: %s: severity %q, want %s or %s", f.name, r.Alert, s, slo.SeverityPage, slo.SeverityTicket)
			}
		}
	}
}

// unitTestFile is the part of a promtool test file this test reads.
type unitTestFile struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// Every alert has a unit test case in which it fires and one in which it
// must not, and every rule file is under test.
func TestEveryAlertFiresAndHolds(t *testing.T) {
	fires, holds, tested := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range glob(t, "alerts", "tests", "*.yaml") {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f unitTestFile
		if err := yaml.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, rf := range f.RuleFiles {
			tested[filepath.Base(rf)] = true
		}
		for _, tc := range f.Tests {
			for _, a := range tc.AlertRuleTest {
				if len(a.ExpAlerts) > 0 {
					fires[a.Alertname] = true
				} else {
					holds[a.Alertname] = true
				}
			}
		}
	}
	alerts := 0
	for _, f := range ruleFiles(t) {
		if !tested[f.name] {
			t.Errorf("%s is in no test file's rule_files", f.name)
		}
		for _, r := range f.rules {
			if r.Alert == "" {
				continue
			}
			alerts++
			if !fires[r.Alert] {
				t.Errorf("%s: no unit test case in which %s fires", f.name, r.Alert)
			}
			if !holds[r.Alert] {
				t.Errorf("%s: no unit test case in which %s must not fire", f.name, r.Alert)
			}
		}
	}
	if alerts == 0 {
		t.Error("no alerts")
	}
}

// dashboardJSON is the part of a dashboard the checks read.
type dashboardJSON struct {
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Type       string          `json:"type"`
			Name       string          `json:"name"`
			Query      json.RawMessage `json:"query"`
			Datasource *datasource     `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Datasource  *datasource `json:"datasource"`
	FieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
	Targets []struct {
		Expr       string      `json:"expr"`
		Datasource *datasource `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // a collapsed row's
}

func dashboards(t *testing.T) map[string]dashboardJSON {
	t.Helper()
	out := map[string]dashboardJSON{}
	for _, p := range glob(t, board.Dir, "*.json") {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboardJSON
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = d
	}
	return out
}

func panels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		if p.Type == "row" {
			out = append(out, panels(p.Panels)...)
			continue
		}
		out = append(out, p)
	}
	return out
}

var datasourceRef = "${" + board.VarDatasource + "}"

// Every panel has a unit, reads the datasource variable, and leaves its
// ranges to Grafana's $__rate_interval; every expression names only
// series and labels that exist.
func TestDashboardPanels(t *testing.T) {
	c := catalog(t, ruleFiles(t))
	for file, d := range dashboards(t) {
		ps := panels(d.Panels)
		if len(ps) == 0 {
			t.Errorf("%s: no panels", file)
		}
		for _, p := range ps {
			at := file + ": " + p.Title
			if p.FieldConfig.Defaults.Unit == "" {
				t.Errorf("%s: no unit", at)
			}
			if p.Datasource == nil || p.Datasource.UID != datasourceRef {
				t.Errorf("%s: the panel's data source is not %s", at, datasourceRef)
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: no query", at)
			}
			rateInterval := false
			for _, tg := range p.Targets {
				if tg.Datasource == nil || tg.Datasource.UID != datasourceRef {
					t.Errorf("%s: a query's data source is not %s", at, datasourceRef)
				}
				for _, problem := range c.Check(tg.Expr) {
					t.Errorf("%s: %s", at, problem)
				}
				ranges, err := Ranges(tg.Expr)
				if err != nil {
					continue // reported by Check
				}
				for _, r := range ranges {
					if r != RateIntervalStandIn {
						t.Errorf("%s: a range of %s rather than %s in %s", at, r, board.RateInterval, tg.Expr)
					}
				}
				rateInterval = rateInterval || len(ranges) > 0
			}
			if !rateInterval {
				t.Errorf("%s: no query uses %s", at, board.RateInterval)
			}
		}
	}
}

var labelValues = regexp.MustCompile(`^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)$`)

// Every dashboard has the datasource, service and operation variables; the
// others read the datasource variable, and their label_values queries name
// series and labels that exist.
func TestDashboardVariables(t *testing.T) {
	c := catalog(t, ruleFiles(t))
	anyCarries := func(label string) bool {
		for _, ls := range c {
			if ls[label] {
				return true
			}
		}
		return false
	}
	for file, d := range dashboards(t) {
		var names []string
		for _, v := range d.Templating.List {
			names = append(names, v.Name)
			at := file + ": variable " + v.Name
			var query string
			if err := json.Unmarshal(v.Query, &query); err != nil {
				t.Errorf("%s: query is not a string: %s", at, v.Query)
				continue
			}
			if v.Name == board.VarDatasource {
				if v.Type != "datasource" || query != "prometheus" {
					t.Errorf("%s: a %s variable of %q, want a datasource variable of prometheus", at, v.Type, query)
				}
				continue
			}
			if v.Datasource == nil || v.Datasource.UID != datasourceRef {
				t.Errorf("%s: its data source is not %s", at, datasourceRef)
			}
			if v.Type != "query" {
				continue
			}
			m := labelValues.FindStringSubmatch(query)
			if m == nil {
				t.Errorf("%s: %q is not label_values([series,] label)", at, query)
				continue
			}
			if m[1] == "" {
				if !anyCarries(m[2]) {
					t.Errorf("%s: no series carries label %s", at, m[2])
				}
				continue
			}
			for _, problem := range c.Check(m[1]) {
				t.Errorf("%s: %s", at, problem)
			}
			e, err := Parse(m[1])
			if err != nil {
				continue
			}
			for _, vs := range selectors(e) {
				if !c[metricName(vs)][m[2]] {
					t.Errorf("%s: %s has no label %s", at, metricName(vs), m[2])
				}
			}
		}
		for _, want := range []string{board.VarDatasource, board.VarService, board.VarOperation} {
			if !slices.Contains(names, want) {
				t.Errorf("%s: no %s variable", file, want)
			}
		}
	}
}

// The lint catches what it is for: names outside the schema and labels a
// metric does not carry.
func TestCheckRejects(t *testing.T) {
	c := Schema()
	for expr, want := range map[string]string{
		`rate(seam_operation_duration_seconds[5m])`:                    "neither a series",
		`rate(seam_operation_duration_count[5m])`:                      "neither a series",
		`rate(seam_boundary_panics_total{error_type="x"}[5m])`:         "has no label error_type",
		`sum by (seam_role) (rate(seam_boundary_panics_total[5m]))`:    "names label seam_role",
		`sum(rate(seam_operation_duration_seconds_count{le="1"}[5m]))`: "has no label le",
		`rate(otelcol_receiver_refused_points[5m])`:                    "neither a series",
		`rate(seam_operation_duration_seconds_count[5m]`:               "does not parse",
	} {
		problems := strings.Join(c.Check(expr), "; ")
		if !strings.Contains(problems, want) {
			t.Errorf("%s: %q, want a problem with %q", expr, problems, want)
		}
	}
	for _, expr := range []string{
		`histogram_quantile(0.99, sum by (le, seam_impl) (rate(seam_operation_duration_seconds_bucket{service_name="a", seam_operation="b"}[$__rate_interval])))`,
		`sum by (exporter, data_type) (otelcol_exporter_queue_size)`,
	} {
		if problems := c.Check(expr); len(problems) > 0 {
			t.Errorf("%s: %v", expr, problems)
		}
	}
}
