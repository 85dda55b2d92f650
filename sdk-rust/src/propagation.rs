//! Correlation across process boundaries: W3C trace context and baggage, and
//! the `seam.correlation_id` baggage member minted at ingress.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::baggage::{Baggage, BaggageExt};
use opentelemetry::propagation::{
    Extractor, Injector, TextMapCompositePropagator, TextMapPropagator,
};
use opentelemetry::Context;
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

use crate::semconv::correlation;

/// The propagator both SDKs use: W3C `traceparent`/`tracestate`, then W3C
/// `baggage`. [`crate::init`] also installs it as the global propagator.
pub fn propagator() -> &'static TextMapCompositePropagator {
    static PROPAGATOR: OnceLock<TextMapCompositePropagator> = OnceLock::new();
    PROPAGATOR.get_or_init(new_propagator)
}

/// A new instance of [`propagator`], for APIs that take ownership.
pub fn new_propagator() -> TextMapCompositePropagator {
    TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ])
}

/// Writes `cx`'s trace context and baggage into any carrier.
pub fn inject(cx: &Context, carrier: &mut dyn Injector) {
    propagator().inject_context(cx, carrier);
}

/// Reads a trace context and baggage from any carrier into a new context.
pub fn extract(carrier: &dyn Extractor) -> Context {
    propagator().extract(carrier)
}

/// Writes `cx`'s trace context and baggage into HTTP headers.
pub fn inject_headers(cx: &Context, headers: &mut http::HeaderMap) {
    inject(cx, &mut HeaderInjector(headers));
}

/// Reads a trace context and baggage from HTTP headers, on top of the
/// current context.
pub fn extract_headers(headers: &http::HeaderMap) -> Context {
    propagator().extract_with_context(&Context::current(), &HeaderExtractor(headers))
}

/// The `seam.correlation_id` in `cx`'s baggage, if any.
pub fn correlation_id(cx: &Context) -> Option<String> {
    cx.baggage()
        .get(correlation::BAGGAGE_KEY)
        .map(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `cx` with `id` as its `seam.correlation_id`, keeping the other baggage.
pub fn with_correlation_id(cx: &Context, id: impl Into<String>) -> Context {
    with_baggage_member(cx, correlation::BAGGAGE_KEY, id.into())
}

/// `cx` with the baggage member `key` set to `value`, keeping the others.
pub(crate) fn with_baggage_member(
    cx: &Context,
    key: &'static str,
    value: impl Into<String>,
) -> Context {
    let mut baggage = copy_baggage(cx);
    baggage.insert(key, value.into());
    cx.with_baggage(baggage)
}

/// A copy of `cx`'s baggage: Baggage is not Clone.
pub(crate) fn copy_baggage(cx: &Context) -> Baggage {
    let mut baggage = Baggage::new();
    for (k, (v, metadata)) in cx.baggage() {
        baggage.insert_with_metadata(k.clone(), v.clone(), metadata.clone());
    }
    baggage
}

/// `cx` unchanged if it carries a correlation id, otherwise with a new one:
/// what an ingress does with every request.
pub fn ensure_correlation_id(cx: &Context) -> Context {
    if correlation_id(cx).is_some() {
        cx.clone()
    } else {
        with_correlation_id(cx, new_correlation_id())
    }
}

/// A new correlation id: a ULID (48-bit millisecond time, 80 random bits, 26
/// Crockford base-32 characters), so ids sort by creation time.
pub fn new_correlation_id() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let random: u128 = rand::random();
    let value = (u128::from(millis & 0xFFFF_FFFF_FFFF) << 80) | (random & ((1u128 << 80) - 1));
    encode_ulid(value)
}

fn encode_ulid(mut value: u128) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = [0u8; 26];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value & 31) as usize];
        value >>= 5;
    }
    out.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
    };

    #[test]
    fn headers_round_trip() {
        let span = SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").expect("trace id"),
            SpanId::from_hex("00f067aa0ba902b7").expect("span id"),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        );
        let cx = with_correlation_id(
            &Context::new().with_remote_span_context(span),
            "01JD4X7K2M9QZ8R6T5W3V1N0PA",
        );
        let mut headers = http::HeaderMap::new();
        inject_headers(&cx, &mut headers);
        assert_eq!(
            headers.get("traceparent").and_then(|v| v.to_str().ok()),
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        );
        assert_eq!(
            headers.get("baggage").and_then(|v| v.to_str().ok()),
            Some("seam.correlation_id=01JD4X7K2M9QZ8R6T5W3V1N0PA")
        );
        let back = extract_headers(&headers);
        assert_eq!(
            back.span().span_context().trace_id(),
            cx.span().span_context().trace_id()
        );
        assert_eq!(
            correlation_id(&back).as_deref(),
            Some("01JD4X7K2M9QZ8R6T5W3V1N0PA")
        );
    }

    #[test]
    fn ulid_shape() {
        let a = new_correlation_id();
        let b = new_correlation_id();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert_eq!(encode_ulid(0), "00000000000000000000000000");
        assert_eq!(encode_ulid(u128::MAX), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
    }

    #[test]
    fn ensure_keeps_existing() {
        let cx = with_correlation_id(&Context::new(), "abc");
        assert_eq!(
            correlation_id(&ensure_correlation_id(&cx)).as_deref(),
            Some("abc")
        );
        assert!(correlation_id(&ensure_correlation_id(&Context::new())).is_some());
    }
}
