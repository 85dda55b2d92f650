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
	// The rollout's: shadow comparisons by outcome, decisions by arm.
	comparisonsMetric = "seam_rollout_shadow_comparisons_total"
	decisionsMetric   = "seam_rollout_decisions_total"
)

// roleClass is what a series' seam.role makes it: served traffic of its
// implementation, a shadow run, or a fallback run (the baseline serving
// for a failed candidate, which is neither arm's own traffic).
type roleClass uint8

const (
	roleServed roleClass = iota
	roleShadow
	roleFallback
)

func roleClassOf(role string) roleClass {
	switch role {
	case "shadow":
		return roleShadow
	case "fallback":
		return roleFallback
	}
	return roleServed
}

// Arms says which seam_impl values the two arms are.
type Arms struct {
	Baseline, Candidate string
}

// DefaultArms are the Go baseline and the Rust candidate.
var DefaultArms = Arms{Baseline: "go", Candidate: "rust"}
