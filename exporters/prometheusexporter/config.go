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
	// MaxLabelValueBytes bounds a label value (and a description): a longer
	// one is cut, ending in "...[truncated]". A label whose name is longer,
	// or a metric whose name is, is left out.
	MaxLabelValueBytes int `mapstructure:"max_label_value_bytes"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// minLabelValueBytes leaves room for a useful prefix before the marker.
const minLabelValueBytes = 64

// Validate reports every invalid setting:
//   - endpoint must be host:port;
//   - metric_expiration must be positive;
//   - promoted_resource_attributes may not name an empty attribute;
//   - max_series (default 100000) must be positive: it bounds every series
//     exposed at once, target_info included;
//   - max_series_per_service (default 20000) must be positive and at most
//     max_series: it bounds one service's share (service.namespace/
//     service.name, whatever its instances), so a noisy service cannot take
//     the others' series;
//   - max_label_value_bytes (default 4096) must be at least 64: a label
//     value or description longer than it is cut on a character boundary
//     and ends in "...[truncated]"; a label or metric whose name is longer
//     is left out.
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
	if c.MaxLabelValueBytes < minLabelValueBytes {
		errs = append(errs, fmt.Errorf("max_label_value_bytes: must be at least %d, got %d", minLabelValueBytes, c.MaxLabelValueBytes))
	}
	for _, a := range c.PromotedResourceAttributes {
		if a == "" {
			errs = append(errs, errors.New("promoted_resource_attributes: empty attribute name"))
		}
	}
	return errors.Join(errs...)
}
