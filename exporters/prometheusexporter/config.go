package prometheusexporter

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Config is the seam_prometheus exporter's configuration.
type Config struct {
	// Endpoint is the host:port the /metrics endpoint listens on.
	Endpoint string `mapstructure:"endpoint"`
	// MetricExpiration is how long a series stays exposed after its last
	// update.
	MetricExpiration time.Duration `mapstructure:"metric_expiration"`
	// PromotedResourceAttributes are copied from the resource onto every
	// series as labels; all resource attributes also go to target_info.
	PromotedResourceAttributes []string `mapstructure:"promoted_resource_attributes"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate reports every invalid setting.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: %q is not host:port: %w", c.Endpoint, err))
	}
	if c.MetricExpiration <= 0 {
		errs = append(errs, fmt.Errorf("metric_expiration: must be positive, got %s", c.MetricExpiration))
	}
	for _, a := range c.PromotedResourceAttributes {
		if a == "" {
			errs = append(errs, errors.New("promoted_resource_attributes: empty attribute name"))
		}
	}
	return errors.Join(errs...)
}
