package stack

// MigrationQueries are the first questions a migration lead asks of the
// demo's metrics: tail latency, error ratio and what the boundary costs,
// per operation and implementation.
var MigrationQueries = []string{
	`histogram_quantile(0.99, sum by (seam_operation, seam_impl, le) (rate(seam_operation_duration_seconds_bucket[1m])))`,
	`sum by (seam_operation, seam_impl) (rate(seam_operation_duration_seconds_count{error_type!=""}[1m])) / sum by (seam_operation, seam_impl) (rate(seam_operation_duration_seconds_count[1m]))`,
	`sum by (seam_operation) (rate(seam_boundary_panics_total[5m])) + sum by (seam_operation) (rate(seam_boundary_fallbacks_total[5m]))`,
}
