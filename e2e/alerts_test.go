package e2e

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/seamtel/seam/internal/promtest"
)

// ruleFile is the part of a Prometheus rule file the test reads.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Record      string            `yaml:"record"`
			Alert       string            `yaml:"alert"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// webhookPayload is the part of Alertmanager's webhook body the test reads.
type webhookPayload struct {
	Status string `json:"status"`
	Alerts []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"alerts"`
}

// noDemoData lists recording rules that cannot have data in a short demo,
// with the reason. Every recording rule of alerts/*.rules.yaml not listed
// here must answer. None today: the long windows (1d, 3d, 30d) read what a
// fresh Prometheus has kept, a few seconds, and so answer as well.
var noDemoData = map[string]string{}

// The rule files of alerts/, as they are, in Debian's Prometheus scraping
// the collector the way alerts/README.md says: every recording rule answers
// on demo traffic, and a panic across the boundary pages through a real
// Alertmanager to a webhook with the alert's runbook.
func TestAlertRulesOnDemoTraffic(t *testing.T) {
	start := time.Now()
	ruleFiles, err := filepath.Glob(filepath.Join(root, "alerts", "*.rules.yaml"))
	if err != nil || len(ruleFiles) == 0 {
		t.Fatalf("no alerts/*.rules.yaml: %v", err)
	}
	type recording struct {
		file, name string
		labels     map[string]string
	}
	var records []recording
	var panicRunbook string
	for _, f := range ruleFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf ruleFile
		if err := yaml.Unmarshal(data, &rf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					records = append(records, recording{filepath.Base(f), r.Record, r.Labels})
				}
				if r.Alert == "SeamBoundaryPanic" {
					panicRunbook = r.Annotations["runbook_url"]
				}
			}
		}
	}
	if len(records) == 0 {
		t.Fatal("no recording rules in alerts/*.rules.yaml")
	}
	if panicRunbook == "" {
		t.Fatal("SeamBoundaryPanic has no runbook_url in alerts/*.rules.yaml")
	}
	const runbookPath = "docs/runbooks/SeamBoundaryPanic.md"
	if !strings.HasSuffix(panicRunbook, "/"+runbookPath) {
		t.Fatalf("SeamBoundaryPanic runbook_url %q does not point at %s", panicRunbook, runbookPath)
	}
	if _, err := os.Stat(filepath.Join(root, runbookPath)); err != nil {
		t.Fatalf("runbook: %v", err)
	}

	// The webhook receiver: every payload Alertmanager delivers.
	var mu sync.Mutex
	var delivered []webhookPayload
	hook := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p webhookPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		delivered = append(delivered, p)
		mu.Unlock()
	}))
	hook.Start() // listens on 127.0.0.1
	t.Cleanup(hook.Close)

	// The fingerprint in shadow mode, so the rollout panels have
	// comparisons to show; the quote as a canary, so the panic fault below
	// trips its kill switch.
	st := startStack(t, "quote=50", "fingerprint=shadow")
	// docker-compose.yml's very configuration files, pointed at this test's
	// processes through their target files and webhook URL.
	am := promtest.StartAlertmanager(t, promtest.AlertmanagerConfig{
		File:           filepath.Join(root, "deploy", "alertmanager", "alertmanager.yml"),
		FileWebhookURL: "http://alert-webhook:9095/alerts",
		WebhookURL:     hook.URL + "/alerts",
	})
	prom := promtest.Start(t, promtest.Config{
		File: filepath.Join(root, "deploy", "prometheus", "prometheus.yml"),
		FileSD: map[string][]string{
			"targets/seam.json":         {strings.TrimSuffix(strings.TrimPrefix(st.MetricsURL, "http://"), "/metrics")},
			"targets/collector.json":    {st.CollectorTelemetryAddr()},
			"targets/alertmanager.json": {am.Addr},
		},
	})
	t.Logf("stack, alertmanager and prometheus up after %s", time.Since(start).Round(time.Millisecond))
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\nprometheus log:\n%s\nalertmanager log:\n%s", append(args, prom.Log(), am.Log())...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// Every recording rule, selected by its own static labels (the SLO
	// rules share names and differ by slo and sli), answers with finite
	// values.
	finite := func(s []promtest.Sample) bool {
		if len(s) == 0 {
			return false
		}
		for _, x := range s {
			if math.IsNaN(x.Value) || math.IsInf(x.Value, 0) {
				return false
			}
		}
		return true
	}
	checked := 0
	for _, r := range records {
		if why, ok := noDemoData[r.name]; ok {
			t.Logf("%s %s: not checked: %s", r.file, r.name, why)
			continue
		}
		keys := make([]string, 0, len(r.labels))
		for k := range r.labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		matchers := make([]string, 0, len(keys))
		for _, k := range keys {
			matchers = append(matchers, k+"="+strconv.Quote(r.labels[k]))
		}
		q := r.name
		if len(matchers) > 0 {
			q += "{" + strings.Join(matchers, ", ") + "}"
		}
		if got, err := prom.Eventually(ctx, q, finite); err != nil {
			fail("%s: recording rule %s: %v; last answer %v", r.file, q, err, got)
		}
		checked++
	}
	t.Logf("%d recording rules answered with finite values after %s", checked, time.Since(start).Round(time.Millisecond))

	// honor_labels took: the services' series carry their own job.
	if got, err := prom.Query(ctx, `count by (job) (seam_operation_duration_seconds_count)`); err != nil {
		fail("%v", err)
	} else if len(got) == 0 || got[0].Labels["job"] == "seam" {
		fail("seam_operation_duration_seconds_count jobs %v: want the service's job, not the scrape's", got)
	}

	// Every rule of every file, alerting ones included, evaluates cleanly.
	var rules struct {
		Data struct {
			Groups []struct {
				File  string `json:"file"`
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	rresp, err := http.Get(prom.URL + "/api/v1/rules")
	if err != nil {
		fail("%v", err)
	}
	err = json.NewDecoder(rresp.Body).Decode(&rules)
	rresp.Body.Close()
	if err != nil {
		fail("/api/v1/rules: %v", err)
	}
	loaded := 0
	for _, g := range rules.Data.Groups {
		for _, r := range g.Rules {
			loaded++
			if r.Health != "ok" {
				t.Errorf("%s: rule %s: health %q %s", filepath.Base(g.File), r.Name, r.Health, r.LastError)
			}
		}
	}
	if loaded < len(records) {
		t.Errorf("prometheus loaded %d rules, fewer than the %d recording rules of the files", loaded, len(records))
	}
	t.Logf("%d rules loaded, all healthy", loaded)

	// No panic before the fault, so what follows is the fault's doing.
	if got, err := prom.Query(ctx, `ALERTS{alertname="SeamBoundaryPanic"}`); err != nil {
		fail("%v", err)
	} else if len(got) > 0 {
		fail("SeamBoundaryPanic is active before the panic fault: %v", got)
	}

	resp, err := http.Post(st.OrchestratorURL+"/admin/faults?panic=0.5", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /admin/faults: %s", resp.Status)
	}
	faultAt := time.Now()

	firing, err := prom.Eventually(ctx, `ALERTS{alertname="SeamBoundaryPanic", alertstate="firing"}`, nonEmpty)
	if err != nil {
		fail("SeamBoundaryPanic never fired: %v", err)
	}
	for _, s := range firing {
		if s.Labels["severity"] != "page" || s.Labels["seam_operation"] == "" || s.Labels["seam_boundary_kind"] == "" {
			t.Errorf("SeamBoundaryPanic labels: %v", s.Labels)
		}
	}
	t.Logf("SeamBoundaryPanic firing in prometheus %s after the fault", time.Since(faultAt).Round(time.Millisecond))

	// Delivered through Alertmanager to the webhook, with the runbook.
	for {
		mu.Lock()
		var found map[string]string
		for _, p := range delivered {
			for _, a := range p.Alerts {
				if a.Labels["alertname"] == "SeamBoundaryPanic" && a.Status == "firing" {
					found = a.Annotations
				}
			}
		}
		mu.Unlock()
		if found != nil {
			if found["runbook_url"] != panicRunbook {
				t.Errorf("delivered runbook_url %q, want %q", found["runbook_url"], panicRunbook)
			}
			if found["summary"] == "" {
				t.Errorf("delivered SeamBoundaryPanic without a summary: %v", found)
			}
			break
		}
		select {
		case <-ctx.Done():
			mu.Lock()
			got := delivered
			mu.Unlock()
			fail("SeamBoundaryPanic not delivered to the webhook: %v; payloads %+v", ctx.Err(), got)
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Logf("SeamBoundaryPanic delivered to the webhook %s after the fault (%s in all)", time.Since(faultAt).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	// Every dashboard panel's query answers on this traffic, with its
	// variables as Grafana substitutes them for "All".
	checkDashboardQueries(ctx, t, prom)
}

// noPanelData lists dashboard queries that cannot have data in this test,
// by panel title, with the reason; every other query must answer.
var noPanelData = map[string]string{
	"Operations recorded under the overflow name": "the demo's operation names are all within the grammar and the limit",
	"Schema findings by rule":                     "the demo's telemetry conforms: nothing to find",
	"Schema findings by service and signal":       "the demo's telemetry conforms: nothing to find",
	"Dropped by the SDKs":                         "nothing is dropped while the collector is up",
	"Send failures":                               "the demo's one exporter, seam_prometheus, never fails a send (collector/pipelinetest checks these series on a failing exporter)",
	"Enqueue failures":                            "the demo's exporter has no sending queue (collector/pipelinetest checks these series)",
	"Sending queue":                               "the demo's exporter has no sending queue (collector/pipelinetest checks these series)",
}

// checkDashboardQueries runs every target of every dashboards/*.json panel
// as an instant query and fails on an empty or non-finite answer.
func checkDashboardQueries(ctx context.Context, t *testing.T, prom *promtest.Server) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "dashboards", "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("dashboards: %v %v", files, err)
	}
	vars := strings.NewReplacer("$__rate_interval", "20s", "${service}", ".*", "$service", ".*", "${operation}", ".*", "$operation", ".*")
	checked, skipped, quiet := 0, 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var board struct {
			Panels []dashboardPanel `json:"panels"`
		}
		if err := json.Unmarshal(raw, &board); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range flatten(board.Panels) {
			for _, target := range p.Targets {
				if _, ok := noPanelData[p.Title]; ok {
					skipped++
					continue
				}
				q := vars.Replace(target.Expr)
				got, err := prom.Query(ctx, q)
				if err == nil && len(got) == 0 {
					// Series the fault starts (fallbacks, trips) need two
					// scrapes before a rate answers: ask again for a while.
					qctx, cancel := context.WithTimeout(ctx, 15*time.Second)
					got, _ = prom.Eventually(qctx, q, nonEmpty)
					cancel()
				}
				switch {
				case err != nil:
					t.Errorf("%s: %q: %v", filepath.Base(f), p.Title, err)
				case len(got) == 0:
					t.Errorf("%s: %q: no data for %s", filepath.Base(f), p.Title, q)
				default:
					for _, smp := range got {
						// A quantile of a window without one observation (no
						// GC pause in the last 20 s) is NaN: a gap in the
						// panel, over series that exist.
						if math.IsNaN(smp.Value) && strings.HasPrefix(q, "histogram_quantile(") {
							quiet++
							continue
						}
						if math.IsNaN(smp.Value) || math.IsInf(smp.Value, 0) {
							t.Errorf("%s: %q: %v for %v from %s", filepath.Base(f), p.Title, smp.Value, smp.Labels, q)
							break
						}
					}
				}
				checked++
			}
		}
	}
	t.Logf("%d dashboard queries answered (%d quantile series with no observation in the window), %d without data by design", checked, quiet, skipped)
}

type dashboardPanel struct {
	Title   string           `json:"title"`
	Panels  []dashboardPanel `json:"panels"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// flatten lists the panels with those of collapsed rows.
func flatten(ps []dashboardPanel) []dashboardPanel {
	var out []dashboardPanel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}
