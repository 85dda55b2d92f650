//! Which events the exporters may see: none from the HTTP and gRPC stacks
//! the exporters themselves use, so exporting never produces more telemetry
//! to export.

use tracing::Metadata;

/// Target prefixes of the exporters' transport stack.
const TRANSPORT_TARGETS: &[&str] = &[
    "hyper",
    "hyper_util",
    "h2",
    "reqwest",
    "tonic",
    "tower",
    "rustls",
    "want",
    "mio",
];

/// Target prefix of the OpenTelemetry SDK's own diagnostics.
const SDK_TARGET: &str = "opentelemetry";

fn has_prefix(target: &str, prefix: &str) -> bool {
    target.starts_with(prefix)
        && matches!(
            target.as_bytes().get(prefix.len()),
            None | Some(b':') | Some(b'_') | Some(b'-')
        )
}

/// Whether `target` belongs to the exporters' transport stack.
pub fn is_transport_target(target: &str) -> bool {
    TRANSPORT_TARGETS.iter().any(|p| has_prefix(target, p))
}

/// Whether `target` is the OpenTelemetry SDK's or its exporters'.
pub fn is_sdk_target(target: &str) -> bool {
    has_prefix(target, SDK_TARGET)
}

/// Whether the OTLP log bridge may export this event: no transport events
/// and no SDK diagnostics (exporting those could feed back on itself).
pub fn otlp_accepts(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    !is_transport_target(target) && !is_sdk_target(target)
}

/// Whether the JSON line layer writes this event: no transport events and
/// no SDK diagnostics, which Seam writes itself, rate-limited, from WARN up
/// (see [`crate::Guard::layer`]).
pub fn json_accepts(metadata: &Metadata<'_>) -> bool {
    otlp_accepts(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_targets() {
        assert!(is_transport_target("hyper::proto::h1"));
        assert!(is_transport_target("hyper_util::client"));
        assert!(is_transport_target("reqwest::connect"));
        assert!(is_transport_target("h2"));
        assert!(!is_transport_target("h2o_app"));
        assert!(!is_transport_target("pricing::quote"));
        assert!(has_prefix("opentelemetry_sdk", SDK_TARGET));
        assert!(has_prefix("opentelemetry-otlp", SDK_TARGET));
    }
}
