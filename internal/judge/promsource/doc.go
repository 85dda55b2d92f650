// Package promsource reads what the judge compares from Prometheus data:
// a text exposition (the collector's /metrics, a Go service's pull
// endpoint, a file), the increase between two of them, or a window of a
// Prometheus server's history in per-interval steps.
package promsource

// The metric names the collector's exporter and the Go pull endpoint give
// the schema's instruments.
const (
	durationMetric  = "seam_operation_duration_seconds"
	panicsMetric    = "seam_boundary_panics_total"
	fallbacksMetric = "seam_boundary_fallbacks_total"
)

// Arms says which seam_impl values the two arms are.
type Arms struct {
	Baseline, Candidate string
}

// DefaultArms are the Go baseline and the Rust candidate.
var DefaultArms = Arms{Baseline: "go", Candidate: "rust"}
