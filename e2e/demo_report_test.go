package e2e

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// seam demo prints the report page's URL first and serves the judge's
// verdicts there while it runs; a --duration run ends with the verdict
// table of both operations.
func TestDemoServesTheReportAndEndsWithTheVerdicts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, seamBin, "demo", "--no-build", "--free-ports", "--duration", "20s", "--run-dir", t.TempDir())
	cmd.Dir = root
	cmd.WaitDelay = 30 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	first, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("seam demo printed nothing: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`^judge report\s+(http://127\.0\.0\.1:\d+/)\s`).FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("seam demo's first line is not the report page's URL: %q", first)
	}
	rest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(out)
		rest <- string(b)
	}()

	// The page judges the collector's exposition: both operations, once
	// both arms have calls.
	var page string
	for deadline := time.Now().Add(15 * time.Second); ; {
		var status int
		if status, page = get(ctx, m[1]); status == http.StatusOK &&
			strings.Contains(page, "pricing.fingerprint") && strings.Contains(page, "pricing.quote") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the report page at %s answers %d without both operations:\n%s", m[1], status, page)
		}
		time.Sleep(time.Second)
	}

	text := <-rest
	if err := cmd.Wait(); err != nil {
		t.Fatalf("seam demo --duration 20s: %v\n%s\n%s", err, text, stderr.String())
	}
	_, final, ok := strings.Cut(text, "\nstopping: ")
	if !ok {
		t.Fatalf("seam demo did not say it stopped:\n%s", text)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^OPERATION\s+VERDICT\s+CALLS`),
		regexp.MustCompile(`(?m)^pricing/pricing\.fingerprint\s+(PASS|FAIL|INCONCLUSIVE)\s+\d+/\d+\s`),
		regexp.MustCompile(`(?m)^pricing/pricing\.quote\s+(PASS|FAIL|INCONCLUSIVE)\s+\d+/\d+\s`),
		regexp.MustCompile(`(?m)^\d+ pass, \d+ fail, \d+ inconclusive, \d+ no data \(http://`),
	} {
		if !want.MatchString(final) {
			t.Errorf("the demo's last words lack %s:\n%s", want, final)
		}
	}
}

func get(ctx context.Context, url string) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
