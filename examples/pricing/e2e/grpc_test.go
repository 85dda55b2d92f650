package e2e

import (
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/seamtel/seam/sdk-go/seamtest"
)

// freeAddr is a loopback address with a port no one listens on now, for a
// process that is told its address rather than announcing it.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// pricing.quote over gRPC: the orchestrator's seamgrpc.Crossing against
// pricing-service's tonic server behind seam::tower's gRPC ingress, both
// real processes, their telemetry at one OTLP receiver.
func TestQuoteOverGRPC(t *testing.T) {
	serviceBin, orchestratorBin := binaries(t)
	otlp := seamtest.NewReceiver(t)
	grpcAddr := freeAddr(t)
	svc := start(t, "pricing-service", serviceBin, otelEnv(otlp), "--listen", "127.0.0.1:0", "--grpc-listen", grpcAddr)
	orch := start(t, "pricing-orchestrator", orchestratorBin, otelEnv(otlp),
		"--listen", "127.0.0.1:0", "--pricing-grpc", grpcAddr, "--pricing-service", "http://"+svc.address,
		"--route", "quote=grpc", "--route", "fingerprint=go", "--rust-timeout", "200ms")
	base := "http://" + orch.address
	quote := base + "/quote"
	admin := func(t *testing.T, path string) {
		t.Helper()
		if r := post(t, base+path, nil, ""); r.status != 200 {
			t.Fatalf("POST %s: %d %v", path, r.status, r.body)
		}
	}

	const traceID, id = "5bf92f3577b34da6a3ce929d0e0e4736", "e2e-grpc-1"
	t.Run("rust over grpc continues the trace and correlation", func(t *testing.T) {
		r := post(t, quote, map[string]string{
			"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01",
			"baggage":     "seam.correlation_id=" + id,
		}, basket)
		if q, f, fb := served(t, r); q != "rust-grpc" || f != "go" || fb != nil || r.body["total_cents"] != total {
			t.Errorf("served by %s/%s, fallbacks %v, body %v; want rust-grpc/go and Go's total", q, f, fb, r.body)
		}
		n := svc.waitLines(map[string]string{"msg": "pricing.quote done", "seam.impl": "rust", "seam.correlation_id": id, "trace_id": traceID}, 1)
		if n != 1 {
			t.Errorf("%d pricing-service log lines with the caller's trace and correlation id, want 1\n%s", n, svc.output())
		}
	})

	t.Run("a rust panic over grpc is a go error with a counted fallback", func(t *testing.T) {
		admin(t, "/admin/faults?panic=1")
		defer admin(t, "/admin/faults?panic=0")
		r := post(t, quote, map[string]string{"baggage": "seam.correlation_id=e2e-grpc-panic"}, basket)
		if q, _, fb := served(t, r); q != "go" || !slices.Equal(fb, []string{"quote"}) || r.body["total_cents"] != total {
			t.Errorf("quote served by %s, fallbacks %v, body %v; want the go fallback's total", q, fb, r.body)
		}
		if n := svc.waitLines(map[string]string{"msg": "pricing.quote panicked", "seam.correlation_id": "e2e-grpc-panic"}, 1); n != 1 {
			t.Errorf("%d pricing-service panic lines, want 1", n)
		}
	})

	t.Run("an over-budget call falls back within its budget", func(t *testing.T) {
		admin(t, "/admin/faults?slow=1&slow_ms=3000")
		defer admin(t, "/admin/faults?slow=0&slow_ms=50")
		started := time.Now()
		r := post(t, quote, nil, basket)
		elapsed := time.Since(started)
		if q, _, fb := served(t, r); q != "go" || !slices.Equal(fb, []string{"quote"}) {
			t.Errorf("quote served by %s, fallbacks %v; want the go fallback", q, fb)
		}
		// The 200ms budget, plus the fallback and the request's own work,
		// far below the 3s slow path.
		if elapsed >= time.Second {
			t.Errorf("took %v: the 200ms budget did not cut the 3s slow path", elapsed)
		}
	})

	if err := orch.stop(t, 20*time.Second); err != nil {
		t.Errorf("orchestrator exit: %v\n%s", err, orch.output())
	}
	if err := svc.stop(t, 20*time.Second); err != nil {
		t.Errorf("pricing-service exit: %v\n%s", err, svc.output())
	}

	t.Run("the grpc boundary's metrics arrived", func(t *testing.T) {
		calls := map[string]uint64{}
		for _, h := range histograms(otlp, "seam.boundary.call.duration") {
			if h.attrs["seam.boundary.kind"] == "grpc" && h.attrs["seam.operation"] == "pricing.quote" {
				key := h.service + "/" + h.attrs["error.type"]
				calls[key] = max(calls[key], h.count)
			}
		}
		for _, want := range []string{"pricing/", "pricing/panic", "pricing/timeout"} {
			if calls[want] == 0 {
				t.Errorf("no seam.boundary.call.duration{kind=grpc} for %s: %v", want, calls)
			}
		}
		// Counted at the gRPC crossing alone, though the orchestrator has
		// an HTTP one too.
		fallbacks := map[string]int64{}
		for _, s := range sums(otlp, "seam.boundary.fallbacks") {
			key := s.attrs["seam.boundary.kind"] + "/" + s.attrs["seam.operation"] + "/" + s.attrs["error.type"]
			fallbacks[key] = max(fallbacks[key], s.value)
		}
		want := map[string]int64{"grpc/pricing.quote/panic": 1, "grpc/pricing.quote/timeout": 1}
		if fmt.Sprint(fallbacks) != fmt.Sprint(want) {
			t.Errorf("seam.boundary.fallbacks %v, want %v", fallbacks, want)
		}
		panics := map[string]int64{}
		for _, s := range sums(otlp, "seam.boundary.panics") {
			key := s.service + "/" + s.attrs["seam.boundary.kind"] + "/" + s.attrs["seam.operation"]
			panics[key] = max(panics[key], s.value)
		}
		if panics["pricing-service/grpc/pricing.quote"] != 1 {
			t.Errorf("seam.boundary.panics %v, want one for pricing-service/grpc/pricing.quote", panics)
		}
	})

	t.Run("the rust span is a child of the go client span", func(t *testing.T) {
		spans := spansByService(otlp)
		goSpans := map[string]string{}
		for _, s := range spans["pricing/go"] {
			goSpans[fmt.Sprintf("%x/%x", s.TraceId, s.SpanId)] = s.Name
		}
		var parents []string
		for _, s := range spans["pricing-service/rust"] {
			if s.Name == "pricing.quote" && fmt.Sprintf("%x", s.TraceId) == traceID {
				parents = append(parents, goSpans[fmt.Sprintf("%x/%x", s.TraceId, s.ParentSpanId)])
			}
		}
		if !slices.Equal(parents, []string{"seam.pricing.v1.Pricing/Quote"}) {
			t.Errorf("the Rust pricing.quote spans of trace %s have Go parents %q, want the one gRPC client span", traceID, parents)
		}
	})
}
