package schemaprocessor

import (
	"errors"
	"fmt"
	"time"
)

// Mode says whether the processor changes data or only reports on it.
type Mode string

const (
	// ModeEnforce fixes what is fixable and drops only what must go.
	ModeEnforce Mode = "enforce"
	// ModeReport passes data through unchanged and only records findings.
	ModeReport Mode = "report"
)

// Config is the seam_schema processor's configuration.
type Config struct {
	// Mode is "enforce" (default) or "report".
	Mode Mode `mapstructure:"mode"`
	// Findings says how findings are reported besides the counter.
	Findings FindingsConfig `mapstructure:"findings"`
	// SeriesTTL is how long a metric series counts against its metric's
	// series limit after it was last seen.
	SeriesTTL time.Duration `mapstructure:"series_ttl"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// FindingsConfig controls findings emitted as log records.
type FindingsConfig struct {
	// Log writes each distinct finding (rule, signal, service, subject) to
	// the collector's log, at most once per LogInterval.
	Log         bool          `mapstructure:"log"`
	LogInterval time.Duration `mapstructure:"log_interval"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate reports every invalid setting.
func (c *Config) Validate() error {
	var errs []error
	switch c.Mode {
	case ModeEnforce, ModeReport:
	default:
		errs = append(errs, fmt.Errorf("mode: %q is not one of %q, %q", c.Mode, ModeEnforce, ModeReport))
	}
	if c.SeriesTTL <= 0 {
		errs = append(errs, fmt.Errorf("series_ttl: must be positive, got %s", c.SeriesTTL))
	}
	if c.Findings.Log && c.Findings.LogInterval <= 0 {
		errs = append(errs, fmt.Errorf("findings.log_interval: must be positive when findings.log is on, got %s", c.Findings.LogInterval))
	}
	return errors.Join(errs...)
}
