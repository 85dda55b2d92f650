package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/promtest"
	"github.com/seamtel/seam/internal/stack"
	"github.com/seamtel/seam/sdk-go/seamtest/process"
)

// The scale-out path of docs/scale-out.md, on one machine: the pricing
// orchestrator and pricing-service each send to an agent collector of
// their own (collector/config/agent.yaml, as on two hosts), both agents
// load-balance to one gateway (collector/config/remote-write.yaml), and the
// gateway remote-writes into Prometheus 2.42. The series arrive under the
// schema's names, and seam judge --prometheus judges from them.
func TestScaleOutThroughAgentsAndAGateway(t *testing.T) {
	prom := promtest.Start(t, promtest.Config{RemoteWriteReceiver: true})
	addrs, err := stack.FreeAddrs(9)
	if err != nil {
		t.Fatal(err)
	}
	collector := filepath.Join(root, "bin", "seam-collector")
	launch := func(name, config, health string, env ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p, err := process.Launch(ctx, process.Spec{Name: name, Path: collector, Env: env,
			Args: []string{"--config", filepath.Join(root, "collector", "config", config)}, LogPath: filepath.Join(t.TempDir(), name+".log")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := p.Stop(15 * time.Second); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		})
		waitUntil(t, 30*time.Second, name+" healthy", func() bool {
			resp, err := http.Get("http://" + health + "/")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil && resp.StatusCode == http.StatusOK
		})
	}
	gateway, gatewayHTTP, gatewayHealth := addrs[0], addrs[1], addrs[2]
	launch("gateway", "remote-write.yaml", gatewayHealth,
		"SEAM_OTLP_GRPC="+gateway, "SEAM_OTLP_HTTP="+gatewayHTTP, "SEAM_HEALTH="+gatewayHealth,
		"REMOTE_WRITE_URL="+prom.URL+"/api/v1/write")
	agent := func(name string, grpc, httpAddr, health string) {
		launch(name, "agent.yaml", health, "SEAM_AGENT_OTLP_GRPC="+grpc, "SEAM_AGENT_OTLP_HTTP="+httpAddr, "SEAM_AGENT_HEALTH="+health,
			"SEAM_GATEWAYS=["+gateway+"]", "SEAM_GATEWAY_INSECURE=true")
	}
	agent("agent-a", addrs[3], addrs[4], addrs[5])
	agent("agent-b", addrs[6], addrs[7], addrs[8])

	// The orchestrator (Go and, in process, Rust) on host A, pricing-service
	// (Rust) on host B: the fingerprint's two arms cross different agents.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := stack.Start(ctx, stack.Config{Root: root, RunDir: t.TempDir(), Routes: []string{"quote=50", "fingerprint=http:50"},
		Env:        []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addrs[4]},
		ServiceEnv: []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addrs[7]}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	moreLoad(t, st, 60, 0.5)

	wait, cancelWait := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelWait()
	arms, err := prom.Eventually(wait, `count by (job, seam_impl, seam_operation) (seam_operation_duration_seconds_count)`,
		func(s []promtest.Sample) bool { return len(s) >= 4 })
	if err != nil {
		t.Fatalf("the fingerprint's series did not arrive through agents and gateway: %v\n%s", err, prom.Log())
	}
	seen := map[string]bool{}
	for _, s := range arms {
		seen[s.Labels["seam_operation"]+" "+s.Labels["job"]+"/"+s.Labels["seam_impl"]] = true
	}
	// The quote's Rust runs in the orchestrator (host A); the fingerprint's
	// in pricing-service (host B).
	for _, want := range []string{"pricing.quote pricing/go", "pricing.quote pricing/rust", "pricing.fingerprint pricing/go", "pricing.fingerprint pricing-service/rust"} {
		if !seen[want] {
			t.Errorf("no series for %s: %v", want, seen)
		}
	}
	// The schema's names and buckets, and the resource as target_info.
	for _, q := range []string{
		`seam_operation_duration_seconds_bucket{seam_operation="pricing.fingerprint", le="0.0001"}`,
		`seam_boundary_call_duration_seconds_count{seam_boundary_kind="http"}`,
		`target_info{job="pricing-service"}`,
	} {
		if got, err := prom.Query(wait, q); err != nil || len(got) == 0 {
			t.Errorf("%s: %v %v", q, got, err)
		}
	}

	// The judge reads the remote-written series from Prometheus's API.
	for {
		out, err := exec.CommandContext(wait, seamBin, "judge", "--prometheus", prom.URL, "--window", "1m", "--step", "5s", "--json").Output()
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && (ee.ExitCode() == 1 || ee.ExitCode() == 3)) {
			if wait.Err() == nil && strings.Contains(stderrOf(err), "no seam_operation_duration_seconds histogram") {
				time.Sleep(2 * time.Second)
				continue
			}
			t.Fatalf("seam judge --prometheus: %v\n%s%s", err, out, stderrOf(err))
		}
		var rep judgeReport
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("not a report: %v\n%s", err, out)
		}
		var fp *judgedOperation
		for i, o := range rep.Operations {
			if o.Operation == "pricing.fingerprint" {
				fp = &rep.Operations[i]
			}
		}
		if fp != nil && fp.Baseline.Calls > 0 && fp.Candidate.Calls > 0 {
			t.Logf("pricing.fingerprint through agents and gateway: %s (%d/%d calls): %s", fp.Verdict, fp.Baseline.Calls, fp.Candidate.Calls, fp.Reason)
			return
		}
		if wait.Err() != nil {
			t.Fatalf("the judge has no pricing.fingerprint with both arms: %s", fmt.Sprint(rep.Operations))
		}
		time.Sleep(5 * time.Second)
	}
}
