package stack

// MigrationQueries are the first questions a migration lead asks of the
// demo's metrics: tail latency, error ratio and what the boundary costs,
// per operation and implementation. The README shows them as they are here
// (a test checks it). The error ratio is 0, not absent, for an operation
// without errors; panics and fallbacks are two series, never a sum, since a
// panic the fallback served is in both counters.
var MigrationQueries = []string{
	`histogram_quantile(0.99, sum by (seam_operation, seam_impl, le) (rate(seam_operation_duration_seconds_bucket[1m])))`,
	`(sum by (seam_operation, seam_impl) (rate(seam_operation_duration_seconds_count{error_type!=""}[1m])) or 0 * sum by (seam_operation, seam_impl) (rate(seam_operation_duration_seconds_count[1m]))) / sum by (seam_operation, seam_impl) (rate(seam_operation_duration_seconds_count[1m]))`,
	`label_replace(sum by (seam_operation) (rate(seam_boundary_panics_total[5m])), "cost", "panics", "", "") or label_replace(sum by (seam_operation) (rate(seam_boundary_fallbacks_total[5m])), "cost", "fallbacks", "", "")`,
}
