package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/overhead"
)

// The short version of `make bench-overhead`: every mode runs the real
// orchestrator under load, answers every request, has its latency, CPU
// and the load generator's lag measured, and its Go CPU profile taken.
func TestOverheadRunsEveryMode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	profiles := t.TempDir()
	rep, err := overhead.Run(ctx, overhead.Config{
		Root: root, RunDir: t.TempDir(), Rate: 50, Warmup: 200 * time.Millisecond, Measure: time.Second, Rounds: 1,
		Routes: []string{"quote=50", "fingerprint=50"}, PprofDir: profiles,
		MaxLag: time.Hour, // a busy CI machine must not set the only round aside
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Summaries) != len(overhead.Modes) {
		t.Fatalf("%d summaries, want one per mode: %+v", len(rep.Summaries), rep.Summaries)
	}
	for i, s := range rep.Summaries {
		if s.Mode != overhead.Modes[i] || s.Rounds != 1 || s.OK == 0 || s.Failed != 0 || s.P99 < s.P50 || s.P50 <= 0 || s.CPUPerRequest <= 0 ||
			s.P99Ratio.N != 1 {
			t.Errorf("%+v", s)
		}
	}
	for _, r := range rep.Runs {
		if r.LagMax <= 0 {
			t.Errorf("%s: no load generator lag measured", r.Mode)
		}
		profile := filepath.Join(profiles, "orchestrator-"+string(r.Mode)+"-1.pprof")
		if fi, err := os.Stat(profile); err != nil || fi.Size() == 0 {
			t.Errorf("%s: no CPU profile: %v", r.Mode, err)
		}
	}
}
