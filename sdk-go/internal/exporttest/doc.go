// Package exporttest proves what the Go SDK exports by running the
// collector's own OTLP receiver in-process and inspecting what reaches it.
//
// It is a module of its own so that the collector stays a test-only
// dependency: the SDK's module graph (GOWORK=off go mod graph in sdk-go)
// contains no go.opentelemetry.io/collector module.
package exporttest
