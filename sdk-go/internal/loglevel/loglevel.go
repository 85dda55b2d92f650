// Package loglevel maps slog levels onto the schema's log levels (TRACE,
// DEBUG, INFO, WARN, ERROR) and their OpenTelemetry severity numbers. The
// root package's LevelTrace and ParseLevel are its public face; the log
// handlers and the settings resolution use it here, as they cannot import
// the root package.
package loglevel

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Trace is the schema's TRACE level, below slog.LevelDebug. slog levels
// map to OpenTelemetry severity numbers by adding 9, so TRACE is 1, DEBUG
// 5, INFO 9, WARN 13 and ERROR 17, as the schema lists them.
const Trace = slog.Level(semconv.SeverityTrace - severityOffset)

// severityOffset is what turns a slog.Level into a severity number; it is
// the offset the otelslog bridge applies too.
const severityOffset = semconv.SeverityInfo - int(slog.LevelInfo)

// Parse returns the slog.Level of a schema level name, in any case.
func Parse(name string) (slog.Level, error) {
	for _, l := range semconv.LogLevels {
		if strings.EqualFold(l.Name, name) {
			return slog.Level(l.SeverityNumber - severityOffset), nil
		}
	}
	names := make([]string, len(semconv.LogLevels))
	for i, l := range semconv.LogLevels {
		names[i] = l.Name
	}
	return 0, fmt.Errorf("unknown level %q (want one of %s)", name, strings.Join(names, ", "))
}

// Name returns the schema name for l: that of the highest schema level at
// or below it (slog.LevelInfo+2 is still INFO), or the lowest.
func Name(l slog.Level) string {
	return SeverityName(Severity(l))
}

// Severity is l's OpenTelemetry severity number.
func Severity(l slog.Level) int { return int(l) + severityOffset }

// SeverityName is Name for an OpenTelemetry severity number.
func SeverityName(severity int) string {
	name := semconv.LogLevels[0].Name
	for _, lv := range semconv.LogLevels {
		if lv.SeverityNumber > severity {
			break
		}
		name = lv.Name
	}
	return name
}
