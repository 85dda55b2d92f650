//go:generate mdatagen metadata.yaml

// Package prometheusexporter serves metrics for Prometheus to scrape, built
// on prometheus/client_golang: names, units and bucket boundaries as the
// schema defines them (translated to Prometheus' naming rules), exemplars
// linking histogram buckets to traces, resource attributes in target_info
// and stale series expired after a configurable time.
package prometheusexporter // import "github.com/seamtel/seam/exporters/prometheusexporter"
