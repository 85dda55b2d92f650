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
	// MaxSeries bounds the series exposed at once, target_info included; a
	// point that would make a new series past it is dropped and counted.
	MaxSeries int `mapstructure:"max_series"`
	// MaxSeriesPerService bounds one service's share of MaxSeries, whatever
	// its number of instances (a service is service.namespace/service.name).
	MaxSeriesPerService int `mapstructure:"max_series_per_service"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate reports every invalid setting:
//   - endpoint must be host:port;
//   - metric_expiration must be positive;
//   - promoted_resource_attributes may not name an empty attribute;
//   - max_series (default 100000) must be positive: it bounds every series
//     exposed at once, target_info included;
//   - max_series_per_service (default 20000) must be positive and at most
//     max_series: it bounds one service's share (service.namespace/
//     service.name, whatever its instances), so a noisy service cannot take
//     the others' series.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: %q is not host:port: %w", c.Endpoint, err))
	}
	if c.MetricExpiration <= 0 {
		errs = append(errs, fmt.Errorf("metric_expiration: must be positive, got %s", c.MetricExpiration))
	}
	if c.MaxSeries <= 0 {
		errs = append(errs, fmt.Errorf("max_series: must be positive, got %d", c.MaxSeries))
	}
	if c.MaxSeriesPerService <= 0 || c.MaxSeriesPerService > c.MaxSeries {
		errs = append(errs, fmt.Errorf("max_series_per_service: must be positive and at most max_series (%d), got %d", c.MaxSeries, c.MaxSeriesPerService))
	}
	for _, a := range c.PromotedResourceAttributes {
		if a == "" {
			errs = append(errs, errors.New("promoted_resource_attributes: empty attribute name"))
		}
	}
	return errors.Join(errs...)
}
