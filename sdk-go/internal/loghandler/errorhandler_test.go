package loghandler

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/seamtel/seam/sdk-go/redact"
)

// The SDK's own errors become WARN lines, rate-limited and redacted.
func TestErrorHandler(t *testing.T) {
	var out bytes.Buffer
	h := NewErrorHandler(redact.Default(), NewJSON(&out, slog.LevelInfo, "pricing", "go"))
	h.Handle(errors.New("export to https://u:pw@collector:4318 failed"))
	h.Handle(errors.New("again"))
	h.Handle(nil)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1 (rate-limited): %q", len(lines), out.String())
	}
	var l map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatalf("invalid JSON line %q: %v", lines[0], err)
	}
	if l["level"] != "WARN" || l["msg"] != "opentelemetry: export to https://[REDACTED]@collector:4318 failed" {
		t.Errorf("line %v", l)
	}
}
