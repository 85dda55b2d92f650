// Package seam instruments a Go service with the Seam schema: one call to
// Start installs OpenTelemetry traces, metrics and logs that match the
// schema exactly, and the package's helpers time operations, carry the
// correlation ID across boundaries and write the canonical log line.
//
//	tel, err := seam.Start(ctx, seam.Config{ServiceName: "pricing"})
//	if err != nil {
//		return err
//	}
//	defer tel.Shutdown(context.Background())
//	log := tel.Logger()
//
//	end := seam.StartOperation(ctx, "checkout.price")
//	price, err := quote(ctx)
//	end(err)
//
// Telemetry never blocks or crashes the service: export queues are bounded,
// what they drop is counted in seam.telemetry.dropped, and no function of
// this package panics into its caller.
//
// This package holds the public surface only: Start and Config, Telemetry,
// extensions, operations and roles, error classes, correlation and levels.
// Start assembles machinery from internal packages: internal/settings
// resolves Config and the environment, internal/pipeline is the export
// pipeline (bounded queues, exporters, span redaction, drop counts),
// internal/loghandler the logger's handler chain, internal/otlplog the
// logger's records encoded as OTLP, internal/runtimemetrics
// the runtime metrics and internal/schemaview the schema's metric view.
package seam
