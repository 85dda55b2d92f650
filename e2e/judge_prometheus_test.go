package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/promtest"
)

// seam judge --prometheus reads a real Prometheus's window of demo traffic
// in per-step intervals and gives each operation a verdict.
func TestJudgeReadsPrometheus(t *testing.T) {
	st := startStack(t, "quote=50", "fingerprint=50")
	prom := promtest.Start(t, promtest.Config{Targets: []string{strings.TrimSuffix(strings.TrimPrefix(st.MetricsURL, "http://"), "/metrics")}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := prom.Eventually(ctx, `sum(increase(seam_operation_duration_seconds_count{seam_impl="rust"}[20s]))`,
		func(s []promtest.Sample) bool { return len(s) == 1 && s[0].Value > 0 }); err != nil {
		t.Fatal(err)
	}
	var report struct {
		Source     string `json:"source"`
		Operations []struct {
			Operation string `json:"operation"`
			Verdict   string `json:"verdict"`
			Reason    string `json:"reason"`
			Intervals int    `json:"intervals"`
			Baseline  struct {
				Calls uint64 `json:"calls"`
			} `json:"baseline"`
		} `json:"operations"`
	}
	for {
		cmd := exec.CommandContext(ctx, seamBin, "judge", "--prometheus", prom.URL, "--window", "1m", "--step", "5s", "--json")
		out, err := cmd.Output()
		var ee *exec.ExitError
		switch {
		case err == nil, errors.As(err, &ee) && (ee.ExitCode() == 1 || ee.ExitCode() == 3):
		case errors.As(err, &ee) && ee.ExitCode() == 2 && strings.Contains(string(ee.Stderr), "no seam_operation_duration_seconds histogram") && ctx.Err() == nil:
			time.Sleep(2 * time.Second) // the window has no step's increase yet
			continue
		default:
			t.Fatalf("seam judge --prometheus: %v\n%s%s", err, out, stderrOf(err))
		}
		if err := json.Unmarshal(out, &report); err != nil {
			t.Fatalf("not a JSON report: %v\n%s", err, out)
		}
		if len(report.Operations) == 2 && report.Operations[0].Baseline.Calls > 0 && report.Operations[1].Baseline.Calls > 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no verdict on both operations: %s", out)
		}
		time.Sleep(5 * time.Second)
	}
	for _, o := range report.Operations {
		if o.Verdict == "" || o.Reason == "" || o.Intervals < 10 {
			t.Errorf("%s: verdict %q over %d intervals: %s", o.Operation, o.Verdict, o.Intervals, o.Reason)
		}
	}
	t.Logf("%+v", report.Operations)
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
