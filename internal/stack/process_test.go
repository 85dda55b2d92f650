package stack

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
