package exporthealthextension

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"
)

// Config is the seam_exporthealth extension's configuration.
type Config struct {
	// Endpoint is where the export health answers (host:port): 200 while
	// every export goes through, 503 while one fails.
	Endpoint string `mapstructure:"endpoint"`
	// TelemetryEndpoint is the URL of the collector's own Prometheus
	// metrics (service::telemetry::metrics), where exporters count what
	// they failed to send or to queue.
	TelemetryEndpoint string `mapstructure:"telemetry_endpoint"`
	// Interval is how often the failure counters are read.
	Interval time.Duration `mapstructure:"interval"`
	// Recovery is how long after the last failure the export is healthy
	// again.
	Recovery time.Duration `mapstructure:"recovery"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate reports every invalid setting.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: %q is not host:port", c.Endpoint))
	}
	if u, err := url.Parse(c.TelemetryEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("telemetry_endpoint: %q is not an http(s) URL", c.TelemetryEndpoint))
	}
	if c.Interval <= 0 {
		errs = append(errs, fmt.Errorf("interval: must be positive, got %s", c.Interval))
	}
	if c.Recovery < c.Interval {
		errs = append(errs, fmt.Errorf("recovery: must be at least interval (%s), got %s", c.Interval, c.Recovery))
	}
	return errors.Join(errs...)
}
