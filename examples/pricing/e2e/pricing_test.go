package e2e

import (
	"github.com/seamtel/seam/sdk-go/seamtest/cgotest"

	"github.com/seamtel/seam/sdk-go/seamtest"

	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/examples/pricing/internal/rustbuild"
)

// shadowCalls is how many requests the shadow subtest sends.
const shadowCalls = 10

const (
	basket      = `{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1299}]}`
	total       = 3144.0
	fingerprint = "6980b2d8cf5f7622"
)

// binaries builds pricing-service and the orchestrator.
func binaries(t *testing.T) (service, orchestrator string) {
	t.Helper()
	rustbuild.Build(t)
	root := rustbuild.Root(t)
	orchestrator = filepath.Join(t.TempDir(), "pricing-orchestrator")
	cgotest.Run(t, filepath.Join(root, "examples"), rustbuild.LinkEnv(t), cgotest.GoTool(), "build", "-o", orchestrator, "./pricing/orchestrator")
	return rustbuild.ServiceBinary(t), orchestrator
}

// otelEnv points a process's telemetry at r.
func otelEnv(r *seamtest.Receiver) []string {
	return []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + r.URL(),
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_SERVICE_NAME=",
		"OTEL_RESOURCE_ATTRIBUTES=",
		"PRICING_NONCONFORMANT=",
	}
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

func post(t *testing.T, url string, headers map[string]string, body string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("POST %s: %s: not JSON: %s", url, resp.Status, raw)
	}
	return r
}

// served checks a 200 /quote reply and returns its impl and fallbacks.
func served(t *testing.T, r reply) (quoteImpl, fingerprintImpl string, fallbacks []string) {
	t.Helper()
	if r.status != http.StatusOK || r.body["total_cents"] != total || r.body["fingerprint"] != fingerprint {
		t.Fatalf("reply %d %v, want 200 with total %v and fingerprint %s", r.status, r.body, total, fingerprint)
	}
	impl, _ := r.body["impl"].(map[string]any)
	for _, f := range asSlice(r.body["fallbacks"]) {
		fallbacks = append(fallbacks, fmt.Sprint(f))
	}
	return fmt.Sprint(impl["quote"]), fmt.Sprint(impl["fingerprint"]), fallbacks
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func TestPricingExample(t *testing.T) {
	serviceBin, orchestratorBin := binaries(t)
	otlp := seamtest.NewReceiver(t)
	svc := start(t, "pricing-service", serviceBin, otelEnv(otlp), "--listen", "127.0.0.1:0")
	orch := start(t, "pricing-orchestrator", orchestratorBin, otelEnv(otlp),
		"--listen", "127.0.0.1:0", "--pricing-service", "http://"+svc.address,
		"--route", "quote=go", "--route", "fingerprint=go", "--rust-timeout", "200ms")
	base := "http://" + orch.address
	quote := base + "/quote"

	t.Run("go by default", func(t *testing.T) {
		r := post(t, quote, nil, basket)
		q, f, fb := served(t, r)
		if q != "go" || f != "go" || fb != nil {
			t.Errorf("served by %s/%s, fallbacks %v; want go/go", q, f, fb)
		}
		if r.header.Get("X-Correlation-ID") == "" {
			t.Error("no X-Correlation-ID minted")
		}
	})

	t.Run("rust over ffi continues the trace and correlation", func(t *testing.T) {
		const traceID, id = "4bf92f3577b34da6a3ce929d0e0e4736", "e2e-ffi-1"
		r := post(t, quote, map[string]string{
			"X-Seam-Route": "quote=rust,fingerprint=rust",
			"traceparent":  "00-" + traceID + "-00f067aa0ba902b7-01",
			"baggage":      "seam.correlation_id=" + id,
		}, basket)
		if q, f, fb := served(t, r); q != "rust" || f != "rust-ffi" || fb != nil {
			t.Errorf("served by %s/%s, fallbacks %v; want rust/rust-ffi", q, f, fb)
		}
		if got := r.header.Get("X-Correlation-ID"); got != id {
			t.Errorf("X-Correlation-ID %q, want the caller's %q", got, id)
		}
		for _, op := range []string{"pricing.quote", "pricing.fingerprint"} {
			n := orch.waitLines(map[string]string{"msg": op + " done", "seam.impl": "rust", "seam.correlation_id": id, "trace_id": traceID}, 1)
			if n != 1 {
				t.Errorf("%d Rust log lines for %s with the caller's trace and correlation id, want 1\n%s", n, op, orch.output())
			}
		}
	})

	t.Run("rust over http continues the trace and correlation", func(t *testing.T) {
		const traceID, id = "0af7651916cd43dd8448eb211c80319c", "e2e-http-1"
		r := post(t, quote, map[string]string{
			"X-Seam-Route": "fingerprint=http",
			"traceparent":  "00-" + traceID + "-b7ad6b7169203331-01",
			"baggage":      "seam.correlation_id=" + id,
		}, basket)
		if q, f, fb := served(t, r); q != "go" || f != "rust-http" || fb != nil {
			t.Errorf("served by %s/%s, fallbacks %v; want go/rust-http", q, f, fb)
		}
		n := svc.waitLines(map[string]string{"msg": "pricing.fingerprint done", "seam.impl": "rust", "seam.correlation_id": id, "trace_id": traceID}, 1)
		if n != 1 {
			t.Errorf("%d pricing-service log lines with the caller's trace and correlation id, want 1\n%s", n, svc.output())
		}
		if n := orch.waitLines(map[string]string{"msg": "quote served", "seam.impl": "go", "seam.correlation_id": id, "trace_id": traceID}, 1); n != 1 {
			t.Errorf("%d orchestrator lines for the request, want 1", n)
		}
	})

	admin := func(t *testing.T, path string) reply {
		t.Helper()
		r := post(t, base+path, nil, "")
		if r.status != http.StatusOK {
			t.Fatalf("POST %s: %d %v", path, r.status, r.body)
		}
		return r
	}

	t.Run("a panic falls back to go", func(t *testing.T) {
		admin(t, "/admin/faults?panic=1")
		defer admin(t, "/admin/faults?panic=0")
		r := post(t, quote, map[string]string{"X-Seam-Route": "quote=rust,fingerprint=rust", "baggage": "seam.correlation_id=e2e-panic"}, basket)
		if q, f, fb := served(t, r); q != "go" || f != "go" || !slices.Equal(fb, []string{"quote", "fingerprint"}) {
			t.Errorf("served by %s/%s, fallbacks %v; want go/go after both fell back", q, f, fb)
		}
		if n := orch.waitLines(map[string]string{"msg": "pricing.quote panicked", "seam.impl": "rust", "seam.correlation_id": "e2e-panic"}, 1); n != 1 {
			t.Errorf("%d Rust panic lines, want 1", n)
		}
		// The panic record says what the panic said and where.
		for _, rec := range orch.logLines(map[string]string{"msg": "pricing.quote panicked", "seam.correlation_id": "e2e-panic"}) {
			msg, _ := rec["panic.message"].(string)
			file, _ := rec["code.file.path"].(string)
			if !strings.Contains(msg, "pricing.quote panicked (panic=") || !strings.HasSuffix(file, "faults.rs") || rec["code.line.number"] == nil {
				t.Errorf("panic record without its message and location: %v", rec)
			}
		}
		if n := orch.waitLines(map[string]string{"msg": "pricing.quote done", "seam.impl": "go", "seam.correlation_id": "e2e-panic"}, 1); n != 1 {
			t.Errorf("%d lines from the Go fallback, want 1", n)
		}
		r = post(t, quote, map[string]string{"X-Seam-Route": "fingerprint=http", "baggage": "seam.correlation_id=e2e-panic-http"}, basket)
		if _, f, fb := served(t, r); f != "go" || !slices.Equal(fb, []string{"fingerprint"}) {
			t.Errorf("fingerprint served by %s, fallbacks %v; want go after the service panicked", f, fb)
		}
		if n := svc.waitLines(map[string]string{"msg": "pricing.fingerprint panicked", "seam.correlation_id": "e2e-panic-http"}, 1); n != 1 {
			t.Errorf("%d pricing-service panic lines, want 1", n)
		}
	})

	t.Run("a slow path past the budget falls back, within it does not", func(t *testing.T) {
		admin(t, "/admin/faults?slow=1&slow_ms=3000")
		defer admin(t, "/admin/faults?slow=0&slow_ms=50")
		for _, route := range []string{"quote=rust,fingerprint=rust", "quote=go,fingerprint=http"} {
			started := time.Now()
			r := post(t, quote, map[string]string{"X-Seam-Route": route}, basket)
			if _, f, fb := served(t, r); f != "go" || !slices.Contains(fb, "fingerprint") {
				t.Errorf("%s: fingerprint served by %s, fallbacks %v; want the go fallback", route, f, fb)
			}
			if elapsed := time.Since(started); elapsed >= 3*time.Second {
				t.Errorf("%s: took %v, so the 200ms budget did not cut the 3s slow path", route, elapsed)
			}
		}
		admin(t, "/admin/faults?slow_ms=10")
		r := post(t, quote, map[string]string{"X-Seam-Route": "quote=rust,fingerprint=http"}, basket)
		if q, f, fb := served(t, r); q != "rust" || f != "rust-http" || fb != nil {
			t.Errorf("served by %s/%s, fallbacks %v; want rust/rust-http within the budget", q, f, fb)
		}
	})

	t.Run("percentage routes split the traffic", func(t *testing.T) {
		r := admin(t, "/admin/routes?quote=50&fingerprint=http:50")
		routes, _ := r.body["routes"].(map[string]any)
		if routes["quote"] != "50" || routes["fingerprint"] != "http:50" {
			t.Errorf("admin routes reply %v", r.body)
		}
		defer admin(t, "/admin/routes?quote=go&fingerprint=go")
		seen := map[string]int{}
		for range 40 {
			q, f, _ := served(t, post(t, quote, nil, basket))
			seen["quote="+q]++
			seen["fingerprint="+f]++
		}
		for _, want := range []string{"quote=go", "quote=rust", "fingerprint=go", "fingerprint=rust-http"} {
			if seen[want] == 0 {
				t.Errorf("no request went %s in 40 at 50%%: %v", want, seen)
			}
		}
	})

	t.Run("shadow answers with go and counts rust's wrong answers", func(t *testing.T) {
		r := admin(t, "/admin/routes?quote=shadow&fingerprint=http:shadow")
		if routes, _ := r.body["routes"].(map[string]any); routes["quote"] != "shadow" || routes["fingerprint"] != "http:shadow" {
			t.Errorf("admin routes reply %v", r.body)
		}
		defer admin(t, "/admin/routes?quote=go&fingerprint=go")
		admin(t, "/admin/faults?wrong=1")
		defer admin(t, "/admin/faults?wrong=0")
		for i := range shadowCalls {
			r := post(t, quote, map[string]string{"baggage": fmt.Sprintf("seam.correlation_id=e2e-shadow-%d", i)}, basket)
			q, f, fb := served(t, r)
			if q != "go" || f != "go" || fb != nil || r.body["total_cents"] != total || r.body["fingerprint"] != fingerprint {
				t.Fatalf("shadowed request %d: %v; want Go's right answer", i, r.body)
			}
		}
		for _, op := range []string{"pricing.quote", "pricing.fingerprint"} {
			if n := orch.waitLines(map[string]string{"msg": "seam: shadow mismatch", "seam.operation": op}, 1); n == 0 {
				t.Errorf("no shadow mismatch logged for %s\n%s", op, orch.output())
			}
		}
	})

	t.Run("bad input is refused with what was wrong", func(t *testing.T) {
		for _, c := range []struct {
			path, header, body, want string
		}{
			{"/quote", "", `{"region":"eu","items":[{"sku":"A1","qty":0,"unit_cents":1}]}`, "items[0].qty: 0 (want 1 to 10000)"},
			{"/quote", "quote=fast", basket, `X-Seam-Route: route quote="fast": want go, rust, a percentage 0-100, shadow, shadow:PCT or canary:PCT, each optionally after grpc:, or grpc`},
			{"/admin/routes?fingerprint=200", "", "", `route fingerprint="200": want go, rust, a percentage 0-100, shadow, shadow:PCT or canary:PCT, each optionally after http:, or http`},
			{"/admin/faults?slow=-1", "", "", `fault slow="-1": want a probability from 0 to 1`},
		} {
			r := post(t, base+c.path, map[string]string{"X-Seam-Route": c.header}, c.body)
			if r.status != http.StatusBadRequest || r.body["error"] != c.want {
				t.Errorf("POST %s: %d %v, want 400 %q", c.path, r.status, r.body, c.want)
			}
		}
	})

	// Both stop on SIGTERM, flushing telemetry to the receiver.
	if err := orch.stop(t, 20*time.Second); err != nil {
		t.Errorf("orchestrator exit: %v\n%s", err, orch.output())
	}
	if err := svc.stop(t, 20*time.Second); err != nil {
		t.Errorf("pricing-service exit: %v\n%s", err, svc.output())
	}
	// Standard output is the JSON log and nothing else, start to stop.
	for _, p := range []*proc{orch, svc} {
		if bad := p.nonJSON(); len(bad) > 0 {
			t.Errorf("%s wrote %d non-JSON lines to its JSON log, first %q", p.name, len(bad), bad[0])
		}
	}

	t.Run("telemetry from both languages arrived", func(t *testing.T) {
		byImpl := map[string][]float64{}
		for _, h := range histograms(otlp, "seam.operation.duration") {
			if h.unit != "s" {
				t.Errorf("%s/%s seam.operation.duration in %q, want s", h.service, h.impl, h.unit)
			}
			key := h.service + "/" + h.attrs["seam.impl"] + "/" + h.attrs["seam.role"]
			if prev, ok := byImpl[key]; ok && !slices.Equal(prev, h.bounds) {
				t.Errorf("%s: two bucket layouts", key)
			}
			byImpl[key] = h.bounds
		}
		for _, want := range []string{"pricing/go/baseline", "pricing/rust/candidate", "pricing-service/rust/candidate"} {
			if _, ok := byImpl[want]; !ok {
				t.Errorf("no seam.operation.duration from %s; got %v", want, keys(byImpl))
			}
		}
		if !slices.Equal(byImpl["pricing/go/baseline"], byImpl["pricing/rust/candidate"]) {
			t.Errorf("Go and Rust bucket layouts differ:\n go   %v\n rust %v", byImpl["pricing/go/baseline"], byImpl["pricing/rust/candidate"])
		}
		kinds := map[string]bool{}
		for _, h := range histograms(otlp, "seam.boundary.call.duration") {
			kinds[h.attrs["seam.boundary.kind"]] = true
		}
		if !kinds["ffi"] || !kinds["http"] {
			t.Errorf("seam.boundary.call.duration kinds %v, want ffi and http", kinds)
		}
		fallbacks := map[string]int64{}
		for _, s := range sums(otlp, "seam.boundary.fallbacks") {
			fallbacks[s.attrs["seam.boundary.kind"]+"/"+s.attrs["error.type"]] += s.value
		}
		for _, want := range []string{"ffi/panic", "ffi/timeout", "http/panic", "http/timeout"} {
			if fallbacks[want] == 0 {
				t.Errorf("no seam.boundary.fallbacks for %s: %v", want, fallbacks)
			}
		}
		panics := map[string]int64{}
		for _, s := range sums(otlp, "seam.boundary.panics") {
			panics[s.service+"/"+s.attrs["seam.boundary.kind"]] += s.value
		}
		if panics["pricing/ffi"] == 0 || panics["pricing-service/http"] == 0 {
			t.Errorf("seam.boundary.panics %v, want the FFI and the HTTP panics", panics)
		}
		// The runtime side of the comparison: Go's calls into Rust, and the
		// Rust allocator, in process and in the service.
		counted := map[string]int64{}
		for _, name := range []string{"seam.go.cgo.calls", "seam.rust.memory.allocated"} {
			for _, s := range sums(otlp, name) {
				counted[name+" "+s.service+"/"+s.impl] += s.value
			}
		}
		for _, want := range []string{"seam.go.cgo.calls pricing/go", "seam.rust.memory.allocated pricing/rust", "seam.rust.memory.allocated pricing-service/rust"} {
			if counted[want] <= 0 {
				t.Errorf("no %s: %v", want, counted)
			}
		}
	})

	t.Run("shadow runs and fallbacks keep their roles on both sides", func(t *testing.T) {
		// Each export repeats the cumulative points: the largest is the total.
		mismatches := map[string]int64{}
		for _, s := range sums(otlp, "seam.rollout.shadow.comparisons") {
			if op := s.attrs["seam.operation"]; s.attrs["seam.shadow.outcome"] == "mismatch" {
				mismatches[op] = max(mismatches[op], s.value)
			}
		}
		if mismatches["pricing.quote"] != shadowCalls || mismatches["pricing.fingerprint"] != shadowCalls {
			t.Errorf("shadow mismatches %v, want %d for each operation", mismatches, shadowCalls)
		}
		roles := map[string]uint64{}
		for _, h := range histograms(otlp, "seam.operation.duration") {
			if h.attrs["error.type"] == "" {
				key := h.service + "/" + h.attrs["seam.impl"] + "/" + h.attrs["seam.role"] + "/" + h.attrs["seam.operation"]
				roles[key] = max(roles[key], h.count)
			}
		}
		// The role crossed the FFI (SeamContext) and HTTP (baggage); the
		// panic and slow subtests' fallbacks are apart from the baseline.
		for _, want := range []string{"pricing/rust/shadow/pricing.quote", "pricing-service/rust/shadow/pricing.fingerprint"} {
			if roles[want] != shadowCalls {
				t.Errorf("%s: %d shadow runs, want %d: %v", want, roles[want], shadowCalls, roles)
			}
		}
		if roles["pricing/go/fallback/pricing.quote"] == 0 || roles["pricing/go/fallback/pricing.fingerprint"] == 0 {
			t.Errorf("no Go runs recorded as seam.role=fallback: %v", roles)
		}
	})

	t.Run("the ffi span is a child of the go span", func(t *testing.T) {
		spans := spansByService(otlp)
		goSpans := map[string]bool{}
		for _, s := range spans["pricing/go"] {
			goSpans[fmt.Sprintf("%x/%x", s.TraceId, s.SpanId)] = true
		}
		found := false
		for _, s := range spans["pricing/rust"] {
			if s.Name != "pricing.quote" || len(s.ParentSpanId) == 0 {
				continue
			}
			if goSpans[fmt.Sprintf("%x/%x", s.TraceId, s.ParentSpanId)] {
				found = true
			}
		}
		if !found {
			t.Errorf("no Rust pricing.quote span whose parent is a Go span (%d Go, %d Rust spans)", len(spans["pricing/go"]), len(spans["pricing/rust"]))
		}
	})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
