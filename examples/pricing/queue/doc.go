// Package queue is the pricing example's message queue: an embedded NATS
// server with JetStream (Server), the receipts stream (EnsureStream), and
// the orchestrator's side of it (Publisher), which publishes one receipt per
// priced basket through sdk-go/seammsg so that the trace context and the
// correlation ID ride in the message headers to pricing-worker, the Rust
// consumer.
package queue
