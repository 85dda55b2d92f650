package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/overhead"
)

// The short version of `make bench-overhead`: every mode runs the real
// orchestrator under load, answers every request, and has its latency and
// CPU measured.
func TestOverheadRunsEveryMode(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results, err := overhead.Run(ctx, overhead.Config{
		Root: root, RunDir: t.TempDir(), Rate: 50, Warmup: 200 * time.Millisecond, Measure: time.Second, Rounds: 1,
		Routes: []string{"quote=50", "fingerprint=50"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(overhead.Modes) {
		t.Fatalf("%d results, want one per mode: %v", len(results), results)
	}
	for i, r := range results {
		if r.Mode != overhead.Modes[i] || r.OK == 0 || r.Failed != 0 || r.P99 < r.P50 || r.P50 <= 0 || r.CPUPerRequest <= 0 {
			t.Errorf("%v", r)
		}
	}
}
