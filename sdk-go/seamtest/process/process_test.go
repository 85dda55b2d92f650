package process

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Stop takes down the whole process group: nothing a stopped process
// started outlives it.
func TestStopEndsTheProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := `sleep 300 & echo $! > ` + pidFile + `; echo "listening on 127.0.0.1:4242"; wait`
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := Launch(ctx, Spec{Name: "sh", Path: "/bin/sh", Args: []string{"-c", script}, LogPath: filepath.Join(dir, "sh.log"), WaitListening: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Addr != "127.0.0.1:4242" {
		t.Errorf("addr %q", p.Addr)
	}
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err := p.Stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(child, 0) == nil {
		if time.Now().After(deadline) {
			_ = syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("child %d outlived its stopped parent", child)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLaunchReportsAnEarlyExitWithItsLog(t *testing.T) {
	dir := t.TempDir()
	_, err := Launch(context.Background(), Spec{Name: "broken", Path: "/bin/sh", Args: []string{"-c", "echo cannot bind; exit 3"},
		LogPath: filepath.Join(dir, "broken.log"), WaitListening: true})
	if err == nil || !strings.Contains(err.Error(), "broken exited before listening") || !strings.Contains(err.Error(), "cannot bind") {
		t.Fatalf("error %v", err)
	}
}

// With StderrPath, stdout's file holds only what the process wrote there
// (its JSON log), and the listening line is found on stderr.
func TestLaunchKeepsStdoutApart(t *testing.T) {
	dir := t.TempDir()
	spec := Spec{Name: "json", Path: "/bin/sh",
		Args:    []string{"-c", `echo '{"msg":"started"}'; echo "listening on 127.0.0.1:4243" >&2; echo '{"msg":"done"}'`},
		LogPath: filepath.Join(dir, "json.log"), StderrPath: filepath.Join(dir, "json.stderr.log"), WaitListening: true}
	p, err := Launch(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if p.Addr != "127.0.0.1:4243" {
		t.Errorf("address %q", p.Addr)
	}
	for deadline := time.Now().Add(5 * time.Second); !p.Exited() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.Stop(time.Second); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(spec.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); got != "{\"msg\":\"started\"}\n{\"msg\":\"done\"}\n" {
		t.Errorf("stdout's file: %q", got)
	}
	errOut, _ := os.ReadFile(spec.StderrPath)
	if !strings.Contains(string(errOut), "listening on") {
		t.Errorf("stderr's file: %q", errOut)
	}
}
