//go:generate mdatagen metadata.yaml

// Package schemaprocessor makes telemetry conform to the Seam schema: it
// validates metrics, spans and log records against the embedded resolved
// registry, renames deprecated and foreign spellings, stamps the schema URL,
// redacts sensitive values and guards metric cardinality.
package schemaprocessor // import "github.com/seamtel/seam/collector/processor/schemaprocessor"
