// Package pipeline is the Go SDK's export pipeline, between the
// OpenTelemetry SDK's providers and the OTLP exporters: the bounded queues'
// span and log processors (spans leave redacted), the OTLP exporter
// constructors, the metric exporter that counts the points of failed
// exports, and the drop counter behind seam.telemetry.dropped.
//
// Nothing here blocks the service: a full queue drops, a failed export
// drops, and every drop is one atomic add, reported when metrics are
// collected. The root package seam wires these into the providers Start
// installs; this package takes plain values, never the root's types.
package pipeline
