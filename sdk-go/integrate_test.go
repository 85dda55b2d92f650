package seam

import (
	"bytes"
	"encoding/json"
	"log"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// lockedBuffer is a LogWriter a test can read while the SDK writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// With SlogDefault, slog.Info and log.Printf anywhere in the service write
// canonical, redacted lines, and Shutdown puts the old default back.
func TestSlogDefault(t *testing.T) {
	before := slog.Default()
	var out lockedBuffer
	tel := startForTest(t, Config{ServiceName: "pricing", LogWriter: &out, SlogDefault: true})
	slog.Info("charged card 4111 1111 1111 1111", "password", "hunter2")
	log.Printf("legacy line with Bearer abc.def.ghi")
	lines := out.lines(t)
	if len(lines) != 2 {
		t.Fatalf("want 2 canonical lines, got %d: %v", len(lines), lines)
	}
	for _, l := range lines {
		if l["service.name"] != "pricing" || l["seam.impl"] != "go" {
			t.Errorf("not a canonical line: %v", l)
		}
	}
	all, _ := json.Marshal(lines)
	for _, secret := range []string{"4111 1111", "hunter2", "abc.def.ghi"} {
		if strings.Contains(string(all), secret) {
			t.Errorf("%q reached the log in the clear: %s", secret, all)
		}
	}
	if err := tel.Shutdown(t.Context()); err != nil && !strings.Contains(err.Error(), "lost") {
		t.Fatal(err)
	}
	if slog.Default() != before {
		t.Error("Shutdown did not restore the previous slog default")
	}
}

// With OTelLogger, the OpenTelemetry SDK's own diagnostics are canonical
// lines too.
func TestOTelLogger(t *testing.T) {
	var out lockedBuffer
	startForTest(t, Config{ServiceName: "pricing", LogWriter: &out, OTelLogger: true, LogLevel: LevelTrace})
	t.Cleanup(func() { otel.SetLogger(logr.Discard()) })
	_ = sdktrace.NewTracerProvider() // the SDK logs its creation at debug verbosity
	for _, l := range out.lines(t) {
		if l["msg"] == "TracerProvider created" {
			if l["service.name"] != "pricing" || l["level"] != "DEBUG" {
				t.Errorf("not a canonical DEBUG line: %v", l)
			}
			return
		}
	}
	t.Fatalf("the SDK's diagnostic is missing: %v", out.lines(t))
}
