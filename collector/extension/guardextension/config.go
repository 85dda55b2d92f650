package guardextension

import "fmt"

// defaultMaxNestingDepth is far above what OTLP itself needs (about 10
// levels of messages, 20 of JSON) and leaves room for attributes nested a
// few dozen levels, while no decoder's recursion comes near its limits.
const defaultMaxNestingDepth = 128

// The in-flight defaults bound what requests hold before memory_limiter
// can see them: decoded pdata is a few times its wire size, so 256 MiB of
// request bodies stays well inside a 2 GiB limit.
const (
	defaultMaxInFlightBytes      = 256 << 20
	defaultMaxConcurrentRequests = 128
)

// Config is the seam_guard extension's configuration.
type Config struct {
	// MaxNestingDepth bounds how deep a request's protobuf messages, or its
	// JSON objects and arrays, may nest. Deeper requests are refused before
	// they are decoded.
	MaxNestingDepth int `mapstructure:"max_nesting_depth"`

	// MaxInFlightBytes bounds the decompressed bytes of the OTLP/HTTP
	// request bodies being read or processed at once; a request that would
	// pass it is refused with 503 while it is read. 0 is no bound.
	MaxInFlightBytes int64 `mapstructure:"max_in_flight_bytes"`

	// MaxConcurrentRequests bounds the requests being processed at once, over
	// HTTP and gRPC together; one more is refused at once (HTTP 503, gRPC
	// Unavailable, both retryable). 0 is no bound.
	MaxConcurrentRequests int64 `mapstructure:"max_concurrent_requests"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate reports every invalid setting.
func (c *Config) Validate() error {
	if c.MaxNestingDepth < 8 {
		return fmt.Errorf("max_nesting_depth: must be at least 8 (OTLP itself nests that deep), got %d", c.MaxNestingDepth)
	}
	if c.MaxInFlightBytes < 0 {
		return fmt.Errorf("max_in_flight_bytes: must be 0 (no bound) or positive, got %d", c.MaxInFlightBytes)
	}
	if c.MaxConcurrentRequests < 0 {
		return fmt.Errorf("max_concurrent_requests: must be 0 (no bound) or positive, got %d", c.MaxConcurrentRequests)
	}
	return nil
}
