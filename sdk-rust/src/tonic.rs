//! Trace context, baggage and correlation id in gRPC metadata (feature
//! `grpc-tonic`).

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::Context;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};

use crate::propagation::{extract, inject};

/// Writes `cx`'s trace context and baggage into outgoing metadata.
pub fn inject_metadata(cx: &Context, metadata: &mut MetadataMap) {
    inject(cx, &mut MetadataInjector(metadata));
}

/// Reads a trace context and baggage from incoming metadata.
pub fn extract_metadata(metadata: &MetadataMap) -> Context {
    extract(&MetadataExtractor(metadata))
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        // Propagator keys and values are ASCII; anything else is skipped
        // rather than failing the call.
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

struct MetadataExtractor<'a>(&'a MetadataMap);

impl Extractor for MetadataExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .filter_map(|k| match k {
                tonic::metadata::KeyRef::Ascii(k) => Some(k.as_str()),
                tonic::metadata::KeyRef::Binary(_) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::{correlation_id, with_correlation_id};

    #[test]
    fn metadata_round_trip() {
        let cx = with_correlation_id(&Context::new(), "01JD4X7K2M9QZ8R6T5W3V1N0PA");
        let mut metadata = MetadataMap::new();
        inject_metadata(&cx, &mut metadata);
        assert!(metadata.get("baggage").is_some());
        let back = extract_metadata(&metadata);
        assert_eq!(
            correlation_id(&back).as_deref(),
            Some("01JD4X7K2M9QZ8R6T5W3V1N0PA")
        );
    }
}
