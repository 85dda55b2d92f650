package seam

import (
	"log/slog"

	"github.com/seamtel/seam/sdk-go/internal/loglevel"
)

// LevelTrace is the schema's TRACE level (-8), below slog.LevelDebug. slog
// levels map to OpenTelemetry severity numbers by adding 9, so TRACE is 1,
// DEBUG 5, INFO 9, WARN 13 and ERROR 17, as the schema lists them.
const LevelTrace = loglevel.Trace

// ParseLevel returns the slog.Level of a schema level name, in any case.
func ParseLevel(name string) (slog.Level, error) { return loglevel.Parse(name) }
