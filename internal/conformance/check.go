package conformance

import "github.com/seamtel/seam/schema"

// Expectations say what a conformance run must have exercised.
type Expectations struct {
	// SharedMetrics must be emitted by both Go and Rust.
	SharedMetrics []string
	// Crossings are the seam.boundary.kind values that must each have
	// carried at least one trace from Go into Rust.
	Crossings []string
	// BoundaryKinds must each be a seam.boundary.kind of the Go side's
	// seam.boundary.call.duration: each kind of call is timed where it
	// starts.
	BoundaryKinds []string
	// EmittedMetrics must each be emitted by the implementations named: the
	// two ends of a queue record different metrics.
	EmittedMetrics map[string][]string
}

// DefaultExpectations fit the migration example: timed operations on both
// sides, and calls into Rust in-process, over HTTP and over gRPC.
func DefaultExpectations() Expectations {
	return Expectations{
		SharedMetrics: []string{"seam.operation.duration"},
		Crossings:     []string{"ffi", "http", "grpc"},
		BoundaryKinds: []string{"ffi", "http", "grpc"},
	}
}

// WithQueue adds the queue crossing (a Rust consumer span linked to a Go
// producer span) and the metrics of its two ends: the Go producer's sent
// messages, the Rust consumer's consumed messages, processing time and lag.
func (e Expectations) WithQueue() Expectations {
	e.Crossings = append(append([]string{}, e.Crossings...), "queue")
	emitted := map[string][]string{}
	for k, v := range e.EmittedMetrics {
		emitted[k] = v
	}
	emitted["messaging.client.sent.messages"] = []string{"go"}
	for _, name := range []string{"messaging.client.consumed.messages", "messaging.process.duration", "seam.messaging.lag"} {
		emitted[name] = []string{"rust"}
	}
	e.EmittedMetrics = emitted
	return e
}

// Check runs every check over a capture.
func Check(c *Capture, reg *schema.Registry, exp Expectations) *Report {
	col := newCollector()
	checkMetrics(col, c, reg, exp)
	crossings := checkTraces(col, c, exp)
	checkLogs(col, c, reg, crossings)
	return col.report()
}
