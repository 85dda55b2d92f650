// Package pipelinetest builds the seam-collector distribution and tests it
// as a process: real OTLP from the otel-go SDK in, /metrics scraped out, and
// bad input that must be refused or bounded while the collector stays up,
// and the redaction leak rate: a generated corpus of secrets through both
// Seam SDKs and raw OTLP, every sink scanned (leak_test.go).
package pipelinetest
