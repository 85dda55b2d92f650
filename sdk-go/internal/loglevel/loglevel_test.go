package loglevel

import (
	"log/slog"
	"testing"
)

func TestName(t *testing.T) {
	for l, want := range map[slog.Level]string{
		Trace: "TRACE", Trace - 4: "TRACE", slog.LevelDebug: "DEBUG", slog.LevelInfo + 2: "INFO",
		slog.LevelWarn: "WARN", slog.LevelError + 10: "ERROR",
	} {
		if got := Name(l); got != want {
			t.Errorf("Name(%v) = %q, want %q", l, got, want)
		}
	}
}
