package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a process the test started; the test stops it even on failure.
type proc struct {
	name    string
	cmd     *exec.Cmd
	address string // from its listening line

	mu     sync.Mutex
	stdout []string // lines
	stderr bytes.Buffer
	addr   chan string
	done   chan struct{}
	err    error
}

// start runs bin with args and env added to the test's, and waits for its
// `listening on HOST:PORT` line.
func start(t *testing.T, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, addr: make(chan string, 1), done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { p.kill(t) })
	go p.read(stdout, stderr)
	select {
	case p.address = <-p.addr:
		t.Logf("%s listening on %s", name, p.address)
	case <-p.done:
		t.Fatalf("%s exited before listening: %v\n%s", name, p.err, p.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not print its listening line in 30s\n%s", name, p.output())
	}
	return p
}

// read collects stdout's lines (the JSON log) and stderr, where the
// listening line is, until the process ends.
func (p *proc) read(stdout, stderr io.Reader) {
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(stderr)
		announced := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.stderr.WriteString(line + "\n")
			p.mu.Unlock()
			if a, ok := strings.CutPrefix(line, "listening on "); ok && !announced {
				announced = true
				p.addr <- a
			}
		}
	})
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		p.mu.Lock()
		p.stdout = append(p.stdout, sc.Text())
		p.mu.Unlock()
	}
	wg.Wait()
	p.err = p.cmd.Wait()
	close(p.done)
}

// stop sends SIGTERM and returns the exit error once the process ended.
func (p *proc) stop(t *testing.T, within time.Duration) error {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.err
	case <-time.After(within):
		t.Fatalf("%s still running %v after SIGTERM\n%s", p.name, within, p.output())
		return nil
	}
}

// kill stops the process if the test left it running.
func (p *proc) kill(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	if t.Failed() {
		t.Logf("%s output:\n%s", p.name, p.output())
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.stdout, "\n") + "\n--- stderr ---\n" + p.stderr.String()
}

// waitLines waits up to 10s for n log lines matching want (stdout is read
// asynchronously, so a reply can arrive before the lines logged for it are
// read), then returns how many there are.
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
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	for _, line := range p.stdout {
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
	p.mu.Lock()
	defer p.mu.Unlock()
	var bad []string
	for _, line := range p.stdout {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			bad = append(bad, line)
		}
	}
	return bad
}
