//! The context a request runs in, as a service has it: a sampled remote
//! parent span and a correlation id.

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;

pub fn request_context() -> Context {
    let span = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").expect("trace id"),
        SpanId::from_hex("00f067aa0ba902b7").expect("span id"),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    seam::propagation::with_correlation_id(
        &Context::new().with_remote_span_context(span),
        "01JD4X7K2M9QZ8R6T5W3V1N0PA",
    )
}
