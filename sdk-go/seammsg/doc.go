// Package seammsg instruments both ends of a message queue the way the
// OpenTelemetry messaging conventions describe, for any broker: the
// producer's span (kind producer, messaging.operation.type=send) and
// messaging.client.sent.messages; the consumer's span (kind consumer,
// messaging.operation.type=process), messaging.client.consumed.messages,
// messaging.process.duration, seam.messaging.lag and
// seam.messaging.redeliveries.
//
// The trace context and the baggage, and so seam.correlation_id, ride in
// the message headers. The consumer's span links to the producer's instead
// of continuing its trace, as the conventions recommend for process spans:
// a job processed after a redelivery, or hours later, is not part of the
// request that queued it, and the link keeps the relation anyway. The
// correlation ID is adopted from the message, so both sides log under one.
//
// The package depends on no client library: Publish and Process take the
// message's headers as a propagation.TextMapCarrier (HeaderCarrier for
// NATS's and other case-sensitive multi-value headers) and a function that
// does the broker's part.
package seammsg
