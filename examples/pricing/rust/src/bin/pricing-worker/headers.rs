//! The message headers as the propagator reads them.

use opentelemetry::propagation::Extractor;

/// A NATS message's headers, read by exact name: the Go producer writes `traceparent` and
/// `baggage` as they are spelled (`seammsg.HeaderCarrier`), and NATS header names are
/// case-sensitive.
pub struct NatsHeaders<'a>(pub Option<&'a async_nats::HeaderMap>);

impl Extractor for NatsHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0?.get(key).map(|v| v.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .map(|h| h.iter().map(|(k, _)| k.as_ref()).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_trace_context_and_the_correlation_id() {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        );
        headers.insert("baggage", "seam.correlation_id=01JD4X7K2M9QZ8R6T5W3V1N0PA");
        let carrier = NatsHeaders(Some(&headers));
        let cx = seam::propagation::extract(&carrier);
        assert_eq!(
            seam::propagation::correlation_id(&cx).as_deref(),
            Some("01JD4X7K2M9QZ8R6T5W3V1N0PA")
        );
        use opentelemetry::trace::TraceContextExt as _;
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        let mut keys = carrier.keys();
        keys.sort_unstable();
        assert_eq!(keys, ["baggage", "traceparent"]);
        assert!(NatsHeaders(None).get("traceparent").is_none());
    }
}
