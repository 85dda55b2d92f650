package e2e

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The README's first command: within 60 s of start, the collector's
// endpoint shows both implementations' operation histograms, and the Go
// side's calls into Rust across each kind of boundary the load takes.
func TestDemoShowsBothImplementationsWithin60s(t *testing.T) {
	started := time.Now()
	cmd := exec.Command(seamBin, "demo", "--no-build", "--free-ports", "--duration", "3m", "--run-dir", t.TempDir())
	cmd.Dir = root
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("seam demo did not stop within 30 s of SIGINT")
		}
	})

	metricsURL := make(chan string, 1)
	var guide strings.Builder
	go func() {
		sc := bufio.NewScanner(stdout)
		collector := regexp.MustCompile(`collector\s+(http://\S+/metrics)`)
		for sc.Scan() {
			guide.WriteString(sc.Text() + "\n")
			if m := collector.FindStringSubmatch(sc.Text()); m != nil {
				metricsURL <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()

	var url string
	select {
	case url = <-metricsURL:
	case err := <-exited:
		t.Fatalf("seam demo exited early: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("seam demo printed no collector endpoint within 60 s\n%s", stderr.String())
	}

	ctx, cancel := context.WithDeadline(context.Background(), started.Add(60*time.Second))
	defer cancel()
	want := []struct{ metric, label string }{
		{"seam_operation_duration_seconds_bucket", `seam_impl="go"`},
		{"seam_operation_duration_seconds_bucket", `seam_impl="rust"`},
		{"seam_boundary_call_duration_seconds_bucket", `seam_boundary_kind="ffi"`},
		{"seam_boundary_call_duration_seconds_bucket", `seam_boundary_kind="http"`},
		{"seam_boundary_call_duration_seconds_bucket", `seam_boundary_kind="grpc"`},
	}
	for {
		body := scrape(ctx, url)
		missing := []string{}
		for _, w := range want {
			if !hasSeries(body, w.metric, w.label) {
				missing = append(missing, w.metric+"{"+w.label+"}")
			}
		}
		if len(missing) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after 60 s the collector shows no %v\nguide:\n%s", missing, guide.String())
		case <-time.After(time.Second):
		}
	}
}

func scrape(ctx context.Context, url string) string {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func hasSeries(exposition, name, label string) bool {
	for _, line := range strings.Split(exposition, "\n") {
		if strings.HasPrefix(line, name+"{") && strings.Contains(line, label) {
			return true
		}
	}
	return false
}
