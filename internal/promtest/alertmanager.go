package promtest

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// AlertmanagerConfig says where the Alertmanager under test delivers.
type AlertmanagerConfig struct {
	// WebhookURL receives every alert (one route, one webhook receiver),
	// grouped by alertname and sent after a 1s group wait.
	WebhookURL string
	// File, when set, is a committed configuration used instead, with its
	// one occurrence of FileWebhookURL replaced by WebhookURL and nothing
	// else changed.
	File, FileWebhookURL string
}

// Alertmanager is a running Alertmanager (Debian's prometheus-alertmanager).
type Alertmanager struct {
	// URL is its HTTP address; Addr is the same as host:port, the form
	// Config.Alertmanagers takes.
	URL, Addr string
	cmd       *exec.Cmd
	log       *os.File
}

// AlertmanagerBinary finds the Alertmanager executable, or says how to
// install it.
func AlertmanagerBinary() (string, error) {
	for _, name := range []string{"prometheus-alertmanager", "alertmanager"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("alertmanager is not installed: `make deps` installs Debian's prometheus-alertmanager package")
}

// StartAlertmanager launches Alertmanager on a free loopback port, without
// clustering, and waits until it is ready. It is stopped when the test ends.
func StartAlertmanager(t testing.TB, cfg AlertmanagerConfig) *Alertmanager {
	t.Helper()
	bin, err := AlertmanagerBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	configPath := filepath.Join(dir, "alertmanager.yml")
	config := renderAlertmanager(cfg)
	if cfg.File != "" {
		raw, err := os.ReadFile(cfg.File)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(raw), cfg.FileWebhookURL); cfg.FileWebhookURL == "" || n != 1 {
			t.Fatalf("%s: %d occurrences of the webhook URL %q, want exactly one to replace", cfg.File, n, cfg.FileWebhookURL)
		}
		config = strings.Replace(string(raw), cfg.FileWebhookURL, cfg.WebhookURL, 1)
	}
	if err := os.WriteFile(configPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	logFile, err := os.Create(filepath.Join(dir, "alertmanager.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin,
		"--config.file="+configPath,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
		"--log.level=warn",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start alertmanager: %v", err)
	}
	a := &Alertmanager{URL: "http://" + addr, Addr: addr, cmd: cmd, log: logFile}
	t.Cleanup(a.stop)
	if err := a.waitReady(30 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, a.Log())
	}
	return a
}

func renderAlertmanager(cfg AlertmanagerConfig) string {
	var b strings.Builder
	b.WriteString("route:\n  receiver: webhook\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n")
	b.WriteString("receivers:\n  - name: webhook\n    webhook_configs:\n")
	fmt.Fprintf(&b, "      - url: %q\n        send_resolved: false\n", cfg.WebhookURL)
	return b.String()
}

func (a *Alertmanager) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		resp, err := http.Get(a.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if a.cmd.ProcessState != nil {
			return fmt.Errorf("alertmanager exited: %v", a.cmd.ProcessState)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("alertmanager not ready after %s", timeout)
}

func (a *Alertmanager) stop() {
	if a.cmd.Process != nil {
		_ = a.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = a.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = a.cmd.Process.Kill()
			<-done
		}
	}
	a.log.Close()
}

// Log returns what Alertmanager printed, for failure messages.
func (a *Alertmanager) Log() string {
	data, _ := os.ReadFile(a.log.Name())
	return string(data)
}
