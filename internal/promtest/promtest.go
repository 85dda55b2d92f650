// Package promtest runs a real Prometheus (Debian's package) for tests: on a
// free loopback port, with a generated configuration, stopped when the test
// ends whether it passed or not.
package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Config says what the Prometheus under test scrapes and evaluates.
type Config struct {
	// Targets are host:port pairs scraped at /metrics.
	Targets []string
	// RuleFiles are loaded as rule_files; paths are made absolute.
	RuleFiles []string
	// Interval is the scrape and evaluation interval; 1s when zero.
	Interval time.Duration
	// HonorLabels keeps the job and instance labels the target exposes
	// (honor_labels: true), as seam_prometheus's exposition needs.
	HonorLabels bool
	// Alertmanagers are host:port pairs Prometheus sends its alerts to.
	Alertmanagers []string

	// RemoteWriteReceiver accepts remote write on /api/v1/write
	// (--web.enable-remote-write-receiver).
	RemoteWriteReceiver bool

	// File, when set, is a committed configuration Prometheus runs
	// unchanged instead of one generated from the fields above: see
	// mirror. FileSD fills its file_sd target files, by their paths
	// relative to it.
	File   string
	FileSD map[string][]string
}

// Server is a running Prometheus.
type Server struct {
	URL string
	cmd *exec.Cmd
	log *os.File
}

// Binary finds the prometheus executable, or says how to install it.
func Binary() (string, error) {
	path, err := exec.LookPath("prometheus")
	if err != nil {
		return "", fmt.Errorf("prometheus is not installed: `make deps` installs Debian's prometheus package")
	}
	return path, nil
}

// Start launches Prometheus and waits until it is ready. It fails the test
// if Prometheus cannot be started.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Interval == 0 {
		cfg.Interval = time.Second
	}
	dir := t.TempDir()
	configPath := filepath.Join(dir, "prometheus.yml")
	if cfg.File != "" {
		var err error
		if configPath, err = mirror(filepath.Join(dir, "root"), cfg.File, cfg.FileSD); err != nil {
			t.Fatal(err)
		}
	} else {
		config, err := render(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(configPath, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	logFile, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{
		"--config.file=" + configPath,
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr,
		"--web.enable-lifecycle",
		"--log.level=warn",
	}
	if cfg.RemoteWriteReceiver {
		args = append(args, "--web.enable-remote-write-receiver")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, log: logFile}
	t.Cleanup(s.stop)
	if err := s.waitReady(30 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, s.Log())
	}
	return s
}

// mirror makes a tree under root in which file (a committed configuration)
// is copied byte for byte, beside it the target files of targets, and
// everything else of the repository file lives in is a symbolic link to the
// original: paths the file gives relative to itself (rule files, target
// files) reach what they reach in the repository, except the targets,
// which are the test's. It returns the copy's path.
func mirror(root, file string, targets map[string][]string) (string, error) {
	file, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	repo, err := repoRoot(filepath.Dir(file))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(repo, file)
	if err != nil {
		return "", err
	}
	// Down from the repository to the file's directory, link every entry
	// off the path.
	src, dst := repo, root
	for _, part := range strings.Split(filepath.Dir(rel), string(filepath.Separator)) {
		if err := linkSiblings(src, dst, part); err != nil {
			return "", err
		}
		src, dst = filepath.Join(src, part), filepath.Join(dst, part)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return "", err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	copied := filepath.Join(dst, filepath.Base(file))
	if err := os.WriteFile(copied, raw, 0o644); err != nil {
		return "", err
	}
	for name, addrs := range targets {
		path := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		sd, err := json.Marshal([]map[string][]string{{"targets": addrs}})
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(path, sd, 0o644); err != nil {
			return "", err
		}
	}
	return copied, nil
}

// linkSiblings creates dst and links each entry of src but keep into it.
func linkSiblings(src, dst, keep string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != keep {
			if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// repoRoot is the nearest directory at or above dir holding go.work.
func repoRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside the repository (no go.work above it)", dir)
		}
	}
}

func render(cfg Config) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  evaluation_interval: %s\n", cfg.Interval, cfg.Interval)
	if len(cfg.RuleFiles) > 0 {
		b.WriteString("rule_files:\n")
		for _, f := range cfg.RuleFiles {
			abs, err := filepath.Abs(f)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "  - %q\n", abs)
		}
	}
	if len(cfg.Alertmanagers) > 0 {
		b.WriteString("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ")
		writeList(&b, cfg.Alertmanagers)
	}
	b.WriteString("scrape_configs:\n  - job_name: seam\n")
	if cfg.HonorLabels {
		b.WriteString("    honor_labels: true\n")
	}
	b.WriteString("    static_configs:\n      - targets: ")
	writeList(&b, cfg.Targets)
	return b.String(), nil
}

// writeList writes items as a YAML flow sequence and ends the line.
func writeList(b *strings.Builder, items []string) {
	b.WriteString("[")
	for i, item := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%q", item)
	}
	b.WriteString("]\n")
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if s.cmd.ProcessState != nil {
			return fmt.Errorf("prometheus exited: %v", s.cmd.ProcessState)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("prometheus not ready after %s", timeout)
}

func (s *Server) stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	s.log.Close()
}

// Log returns what Prometheus printed, for failure messages.
func (s *Server) Log() string {
	data, _ := os.ReadFile(s.log.Name())
	return string(data)
}

// Sample is one series of an instant-query result.
type Sample struct {
	Labels map[string]string
	Value  float64
}

// Query runs an instant PromQL query.
func (s *Server) Query(ctx context.Context, promql string) ([]Sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/v1/query?query="+url.QueryEscape(promql), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("query %q: %w", promql, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s", promql, body.Error)
	}
	out := make([]Sample, 0, len(body.Data.Result))
	for _, r := range body.Data.Result {
		str, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return nil, fmt.Errorf("query %q: value %v: %w", promql, r.Value[1], err)
		}
		out = append(out, Sample{Labels: r.Metric, Value: v})
	}
	return out, nil
}

// Eventually polls promql until ok accepts the result or the context ends,
// returning the last result for the failure message.
func (s *Server) Eventually(ctx context.Context, promql string, ok func([]Sample) bool) ([]Sample, error) {
	var last []Sample
	var lastErr error
	for {
		last, lastErr = s.Query(ctx, promql)
		if lastErr == nil && ok(last) {
			return last, nil
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return last, lastErr
			}
			return last, fmt.Errorf("query %q: condition not met before %v: last result %v", promql, ctx.Err(), last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
