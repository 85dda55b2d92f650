// Package process starts the processes of a test or a demo (a collector,
// the services under test), captures their output to files, waits for a
// process to announce its address, and makes sure none of them outlives its
// parent: each runs in its own process group, tied to the parent's life.
package process

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is one child process with its output captured to a log file.
type Process struct {
	Name    string
	Addr    string // what it printed after "listening on ", when it prints that
	LogPath string

	cmd  *exec.Cmd
	spec Spec
	done chan struct{}
	err  error
}

// Spec says how to start a process.
type Spec struct {
	Name string
	Path string
	Args []string
	Env  []string // added to the environment of this process
	// LogPath receives standard output, and standard error too unless
	// StderrPath is set.
	LogPath string
	// StderrPath, when set, receives standard error apart, so that a
	// process whose stdout is its JSON log keeps that file pure JSON.
	StderrPath string
	// WaitListening waits for a line "listening on ADDR" on either stream.
	WaitListening bool
	// Echo, when set, also receives every output line, prefixed with the name.
	Echo io.Writer
}

// listeningPrefix is how every Seam example process announces its address.
const listeningPrefix = "listening on "

// Launch starts a process in its own process group, so that stopping it
// stops whatever it started too, and ties its life to ours (Pdeathsig).
func Launch(ctx context.Context, spec Spec) (*Process, error) {
	logFile, err := os.Create(spec.LogPath)
	if err != nil {
		return nil, err
	}
	errFile := logFile
	if spec.StderrPath != "" {
		if errFile, err = os.Create(spec.StderrPath); err != nil {
			logFile.Close()
			return nil, err
		}
	}
	closeFiles := func() {
		logFile.Close()
		if errFile != logFile {
			errFile.Close()
		}
	}
	cmd := exec.Command(spec.Path, spec.Args...)
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		closeFiles()
		return nil, err
	}
	var stderr io.ReadCloser
	if errFile == logFile {
		cmd.Stderr = cmd.Stdout // one ordered stream per process
	} else if stderr, err = cmd.StderrPipe(); err != nil {
		closeFiles()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		closeFiles()
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	p := &Process{Name: spec.Name, LogPath: spec.LogPath, cmd: cmd, spec: spec, done: make(chan struct{})}
	addr := make(chan string, 1)
	var copying sync.WaitGroup
	copyLines := func(r io.Reader, to io.Writer) {
		defer copying.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(to, line)
			if spec.Echo != nil {
				fmt.Fprintf(spec.Echo, "%-12s %s\n", spec.Name, line)
			}
			if rest, ok := strings.CutPrefix(line, listeningPrefix); ok {
				select {
				case addr <- strings.TrimSpace(rest):
				default:
				}
			}
		}
	}
	copying.Add(1)
	go copyLines(stdout, logFile)
	if stderr != nil {
		copying.Add(1)
		go copyLines(stderr, errFile)
	}
	go func() {
		copying.Wait()
		p.err = cmd.Wait()
		closeFiles()
		close(p.done)
	}()
	if !spec.WaitListening {
		return p, nil
	}
	select {
	case a := <-addr:
		p.Addr = a
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before listening (%v); its log:\n%s", spec.Name, p.err, spec.tails())
	case <-ctx.Done():
		p.Stop(5 * time.Second)
		return nil, fmt.Errorf("%s did not start listening: %w; its log:\n%s", spec.Name, ctx.Err(), spec.tails())
	}
}

// Stop asks the process group to terminate, so telemetry is flushed, and
// kills it if it has not gone within grace.
func (p *Process) Stop(grace time.Duration) error {
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return p.exitErr()
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("%s did not stop within %s and was killed", p.Name, grace)
	}
	return p.exitErr()
}

// Pid is the process ID, for reading /proc/PID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited reports whether the process has ended on its own.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *Process) exitErr() error {
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		// Ending on the SIGTERM we sent is a clean stop.
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			return nil
		}
		// What it said last is why, most of the time.
		return fmt.Errorf("%s: %v; the end of its output:\n%s", p.Name, p.err, p.spec.tails())
	}
	return p.err
}

// tails is the end of what the process wrote, on both streams.
func (spec Spec) tails() string {
	if spec.StderrPath == "" {
		return Tail(spec.LogPath)
	}
	return Tail(spec.LogPath) + "\n--- stderr ---\n" + Tail(spec.StderrPath)
}

// Tail returns the end of a log file, for error messages.
func Tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	const max = 4000
	if len(data) > max {
		data = data[len(data)-max:]
	}
	return string(data)
}
