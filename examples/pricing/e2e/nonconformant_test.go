package e2e

import (
	"github.com/seamtel/seam/sdk-go/seamtest"

	"testing"
	"time"
)

// TestNonConformantMode: PRICING_NONCONFORMANT=1 makes the Rust side emit
// the two bugs seam conformance must catch, and only those: the duration in
// milliseconds from a raw SDK pipeline, and the correlation id logged as
// correlation_id.
func TestNonConformantMode(t *testing.T) {
	_, orchestratorBin := binaries(t)
	otlp := seamtest.NewReceiver(t)
	env := append(otelEnv(otlp), "PRICING_NONCONFORMANT=1")
	orch := start(t, "pricing-orchestrator", orchestratorBin, env, "--listen", "127.0.0.1:0")
	const id = "e2e-nonconformant"
	r := post(t, "http://"+orch.address+"/quote", map[string]string{
		"X-Seam-Route": "quote=rust,fingerprint=rust",
		"baggage":      "seam.correlation_id=" + id,
	}, basket)
	if q, f, _ := served(t, r); q != "rust" || f != "rust-ffi" {
		t.Fatalf("served by %s/%s, want rust/rust-ffi", q, f)
	}
	if n := orch.waitLines(map[string]string{"msg": "pricing.quote done", "seam.impl": "rust", "correlation_id": id}, 1); n != 1 {
		t.Errorf("%d Rust lines with correlation_id=%s, want 1\n%s", n, id, orch.output())
	}
	for _, line := range orch.logLines(map[string]string{"msg": "pricing.quote done", "seam.impl": "rust"}) {
		if _, ok := line["seam.correlation_id"]; ok {
			t.Errorf("the non-conformant Rust line still carries seam.correlation_id: %v", line)
		}
	}
	// The Go side stays conformant.
	if n := orch.waitLines(map[string]string{"msg": "quote served", "seam.impl": "go", "seam.correlation_id": id}, 1); n != 1 {
		t.Errorf("%d Go lines with seam.correlation_id=%s, want 1", n, id)
	}

	if err := orch.stop(t, 20*time.Second); err != nil {
		t.Errorf("orchestrator exit: %v\n%s", err, orch.output())
	}
	units := map[string]string{}
	for _, h := range histograms(otlp, "seam.operation.duration") {
		units[h.attrs["seam.impl"]+"/"+h.attrs["seam.operation"]] = h.unit
	}
	for _, key := range []string{"rust/pricing.quote", "rust/pricing.fingerprint"} {
		if units[key] != "ms" {
			t.Errorf("seam.operation.duration %s in %q, want the bug: ms (all: %v)", key, units[key], units)
		}
	}
	if len(units) != 2 {
		t.Errorf("seam.operation.duration series %v, want only the two Rust ones (Go timed none: both went to Rust)", units)
	}
}
