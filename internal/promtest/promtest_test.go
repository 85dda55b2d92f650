package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The harness starts a real Prometheus that scrapes a real target.
func TestPrometheusScrapesTarget(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "# TYPE promtest_up gauge\npromtest_up{side=\"go\"} 42\n")
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })

	prom := Start(t, Config{Targets: []string{l.Addr().String()}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := prom.Eventually(ctx, `promtest_up{side="go"}`, func(s []Sample) bool { return len(s) == 1 })
	if err != nil {
		t.Fatalf("%v\n%s", err, prom.Log())
	}
	if got[0].Value != 42 || got[0].Labels["job"] != "seam" {
		t.Errorf("got %+v", got)
	}
}

// honor_labels and an Alertmanager land in the configuration.
func TestRenderHonorLabelsAndAlerting(t *testing.T) {
	got, err := render(Config{Targets: []string{"127.0.0.1:1"}, Interval: time.Second, HonorLabels: true, Alertmanagers: []string{"127.0.0.1:2"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:2\"]\n",
		"  - job_name: seam\n    honor_labels: true\n    static_configs:\n      - targets: [\"127.0.0.1:1\"]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}

// The Alertmanager harness delivers an alert it is given to its webhook.
func TestAlertmanagerDeliversToWebhook(t *testing.T) {
	got := make(chan string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if err := json.NewDecoder(r.Body).Decode(&p); err == nil {
			for _, a := range p.Alerts {
				got <- a.Labels["alertname"]
			}
		}
	}))
	t.Cleanup(hook.Close)
	am := StartAlertmanager(t, AlertmanagerConfig{WebhookURL: hook.URL})
	resp, err := http.Post(am.URL+"/api/v2/alerts", "application/json", strings.NewReader(`[{"labels":{"alertname":"PromtestAlert"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v2/alerts: %s\n%s", resp.Status, am.Log())
	}
	select {
	case name := <-got:
		if name != "PromtestAlert" {
			t.Errorf("delivered %q", name)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("nothing delivered\n%s", am.Log())
	}
}
