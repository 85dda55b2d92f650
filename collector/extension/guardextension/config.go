package guardextension

import "fmt"

// defaultMaxNestingDepth is far above what OTLP itself needs (about 10
// levels of messages, 20 of JSON) and leaves room for attributes nested a
// few dozen levels, while no decoder's recursion comes near its limits.
const defaultMaxNestingDepth = 128

// Config is the seam_guard extension's configuration.
type Config struct {
	// MaxNestingDepth bounds how deep a request's protobuf messages, or its
	// JSON objects and arrays, may nest. Deeper requests are refused before
	// they are decoded.
	MaxNestingDepth int `mapstructure:"max_nesting_depth"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate reports every invalid setting.
func (c *Config) Validate() error {
	if c.MaxNestingDepth < 8 {
		return fmt.Errorf("max_nesting_depth: must be at least 8 (OTLP itself nests that deep), got %d", c.MaxNestingDepth)
	}
	return nil
}
