// Package loghandler is the Go SDK's slog handler chain behind
// Telemetry.Logger: a root handler that applies the schema's redaction
// rules once, then a fan-out to the canonical JSON line (event.seam.log),
// the bridge that builds each OpenTelemetry log record directly from the
// redacted record and emits it into the log SDK (its severity text the
// schema's level names) and the service's own handlers, given the
// context's trace_id, span_id and seam.correlation_id as attributes. A
// bridge that encodes OTLP itself (NewEncodingBridge) is written in the
// same pass over the attributes as the line. The handler of the
// OpenTelemetry SDK's own errors writes rate-limited WARN lines through
// the same redaction and JSON handler.
//
// The root package seam assembles the chain in Start; this package takes
// plain values, never the root's types.
package loghandler
