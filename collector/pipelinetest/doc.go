// Package pipelinetest builds the seam-collector distribution and tests it
// as a process: real OTLP from the otel-go SDK in, /metrics scraped out, and
// bad input that must be refused or bounded while the collector stays up.
package pipelinetest
