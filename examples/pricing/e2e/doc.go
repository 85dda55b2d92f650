// Package e2e runs the pricing example as its users do: the real
// pricing-service and pricing-orchestrator processes (the orchestrator with
// the Rust staticlib linked in), on free loopback ports, exporting OTLP to a
// receiver in the test. It checks routing, faults and fallbacks, the
// correlation ID and trace on both sides of each boundary, the
// non-conformant mode, and a clean shutdown on SIGTERM.
package e2e
