package loghandler

import (
	"log/slog"

	slogmulti "github.com/samber/slog-multi"

	"github.com/seamtel/seam/sdk-go/redact"
)

// New builds the logger's handler chain: records at level or above are
// redacted by red once, then fanned out to json (the canonical line), to
// bridge if not nil (given the correlation ID as an attribute; it reads
// span IDs from the context itself) and to each of extra (given all three
// as attributes). An encoding bridge (NewEncodingBridge) behind a line of
// NewJSON is written in the same pass as the line.
func New(red *redact.Redactor, level slog.Leveler, json, bridge slog.Handler, extra []slog.Handler) *slog.Logger {
	sinks := []slog.Handler{json}
	jh, isLine := json.(*jsonHandler)
	eb, encodes := bridge.(*Bridge)
	switch {
	case isLine && encodes && eb.w != nil:
		sinks[0] = newLineAndRecord(jh, eb)
	case bridge != nil:
		sinks = append(sinks, bridge)
	}
	for _, h := range extra {
		sinks = append(sinks, newContextAttrsHandler(h, true))
	}
	return slog.New(&redactingHandler{red: red, level: level, next: slogmulti.Fanout(sinks...)})
}
