package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/loadgen"
	"github.com/seamtel/seam/internal/promtest"
)

// Two replicas of one service are two series in Prometheus, told apart by
// instance (service.instance.id), not one series whose count flips between
// them and reads as endless counter resets.
func TestReplicasAreDistinctSeries(t *testing.T) {
	st := startStack(t, "quote=50")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	replica, err := st.StartReplica(ctx)
	if err != nil {
		t.Fatal(err)
	}
	load, stopLoad := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = loadgen.Run(load, loadgen.Config{URL: "http://" + replica.Addr, Rate: 20, Seed: 11}, &loadgen.Stats{})
	}()
	t.Cleanup(func() { stopLoad(); <-done })

	prom := promtest.Start(t, promtest.Config{Targets: []string{strings.TrimSuffix(strings.TrimPrefix(st.MetricsURL, "http://"), "/metrics")}})
	// The collector exposes service.instance.id as instance; Prometheus, whose
	// own instance is the collector's address, keeps it as exported_instance.
	q := `count by (exported_instance) (seam_operation_duration_seconds_count{service_name="pricing", seam_impl="go", seam_operation="pricing.quote"})`
	got, err := prom.Eventually(ctx, q, func(s []promtest.Sample) bool { return len(s) >= 2 })
	if err != nil {
		t.Fatalf("two replicas: %v (last answer %v)\nprometheus log:\n%s", err, got, prom.Log())
	}
	for _, s := range got {
		if s.Labels["exported_instance"] == "" {
			t.Errorf("a replica's series has no instance label: %v", s.Labels)
		}
	}
	// No counter reset: each replica's count only grows.
	resets := `sum(resets(seam_operation_duration_seconds_count{service_name="pricing", seam_impl="go"}[1m]))`
	if r, err := prom.Query(ctx, resets); err != nil || (len(r) > 0 && r[0].Value != 0) {
		t.Errorf("counter resets across replicas: %v %v", r, err)
	}
}
