package pipeline

import "time"

// Signal indexes per-signal settings and drop counts.
type Signal uint8

// The signals, in the order the per-signal arrays hold them.
const (
	Traces Signal = iota
	Metrics
	Logs
	NumSignals
)

// Batching configures one bounded export queue.
type Batching struct {
	QueueSize int
	BatchSize int
	Delay     time.Duration
}
