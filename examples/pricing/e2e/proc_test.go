package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/sdk-go/seamtest/process"
)

// proc is a process the test started, through the SDK's process runner:
// stdout (the canonical JSON log) and stderr go to files of their own, and
// the test stops it even on failure.
type proc struct {
	name    string
	address string // from its listening line
	p       *process.Process
	spec    process.Spec
}

// start runs bin with args and env added to the test's, and waits for its
// `listening on HOST:PORT` line.
func start(t *testing.T, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	dir := t.TempDir()
	spec := process.Spec{
		Name: name, Path: bin, Args: args, Env: env, WaitListening: true,
		LogPath: filepath.Join(dir, name+".log"), StderrPath: filepath.Join(dir, name+".stderr"),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := process.Launch(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	pr := &proc{name: name, address: p.Addr, p: p, spec: spec}
	t.Cleanup(func() {
		_ = p.Stop(5 * time.Second)
		if t.Failed() {
			t.Logf("%s output:\n%s", name, pr.output())
		}
	})
	t.Logf("%s listening on %s", name, p.Addr)
	return pr
}

// stop sends SIGTERM and returns how the process ended.
func (p *proc) stop(t *testing.T, within time.Duration) error {
	t.Helper()
	return p.p.Stop(within)
}

func (p *proc) output() string {
	return process.Tail(p.spec.LogPath) + "\n--- stderr ---\n" + process.Tail(p.spec.StderrPath)
}

// stdout returns the lines written to stdout so far.
func (p *proc) stdout() []string {
	data, err := os.ReadFile(p.spec.LogPath)
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// waitLines waits up to 10s for n log lines matching want (the log is
// written asynchronously, so a reply can arrive before the lines logged for
// it), then returns how many there are.
func (p *proc) waitLines(want map[string]string, n int) int {
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := len(p.logLines(want))
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logLines returns the canonical JSON log lines on stdout that have every
// field of want with that value.
func (p *proc) logLines(want map[string]string) []map[string]any {
	var out []map[string]any
	for _, line := range p.stdout() {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		match := true
		for k, v := range want {
			if fmt.Sprint(rec[k]) != v {
				match = false
				break
			}
		}
		if match {
			out = append(out, rec)
		}
	}
	return out
}

// nonJSON returns the stdout lines that are not JSON objects.
func (p *proc) nonJSON() []string {
	var bad []string
	for _, line := range p.stdout() {
		var rec map[string]any
		if line != "" && json.Unmarshal([]byte(line), &rec) != nil {
			bad = append(bad, line)
		}
	}
	return bad
}
