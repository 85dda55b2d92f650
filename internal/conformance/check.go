package conformance

import "github.com/seamtel/seam/schema"

// Expectations say what a conformance run must have exercised.
type Expectations struct {
	// SharedMetrics must be emitted by both Go and Rust.
	SharedMetrics []string
	// Crossings are the seam.boundary.kind values that must each have
	// carried at least one trace from Go into Rust.
	Crossings []string
}

// DefaultExpectations fit the migration example: timed operations on both
// sides, and calls into Rust in-process, over HTTP and over gRPC.
func DefaultExpectations() Expectations {
	return Expectations{
		SharedMetrics: []string{"seam.operation.duration"},
		Crossings:     []string{"ffi", "http", "grpc"},
	}
}

// Check runs every check over a capture.
func Check(c *Capture, reg *schema.Registry, exp Expectations) *Report {
	col := newCollector()
	checkMetrics(col, c, reg, exp)
	crossings := checkTraces(col, c, exp)
	checkLogs(col, c, reg, crossings)
	return col.report()
}
