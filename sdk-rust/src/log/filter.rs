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
pub(crate) fn is_transport_target(target: &str) -> bool {
    TRANSPORT_TARGETS.iter().any(|p| has_prefix(target, p))
}

/// Whether `target` is the OpenTelemetry SDK's or its exporters'.
pub(crate) fn is_sdk_target(target: &str) -> bool {
    has_prefix(target, SDK_TARGET)
}

/// Whether the OTLP log bridge may export this event: no transport events
/// and no SDK diagnostics (exporting those could feed back on itself).
pub(crate) fn otlp_accepts(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    !is_transport_target(target) && !is_sdk_target(target)
}

/// Whether the JSON line layer writes this event: no transport events and
/// no SDK diagnostics, which Seam writes itself, rate-limited, from WARN up
/// (see [`crate::Guard::layer`]).
pub(crate) fn json_accepts(metadata: &Metadata<'_>) -> bool {
    otlp_accepts(metadata)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::filter::filter_fn;
    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer as _;

    use super::*;
    use crate::log::JsonLayer;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl MakeWriter<'_> for Buffer {
        type Writer = Buffer;
        fn make_writer(&self) -> Buffer {
            self.clone()
        }
    }

    #[test]
    fn the_json_line_never_carries_transport_or_sdk_events() {
        let buffer = Buffer::default();
        let json = JsonLayer::new("pricing")
            .with_writer(buffer.clone())
            .with_filter(filter_fn(json_accepts));
        tracing::subscriber::with_default(tracing_subscriber::registry().with(json), || {
            tracing::error!(target: "hyper_util::client::legacy", "transport");
            tracing::warn!(target: "reqwest::connect", "transport");
            tracing::debug!(target: "opentelemetry_sdk", "sdk chatter");
            // Seam writes the SDK's diagnostics itself, rate-limited.
            tracing::warn!(target: "opentelemetry_sdk", name = "BatchSpanProcessor.Export.Error", "export failed");
            tracing::info!(target: "pricing", "application");
        });
        let text = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf8");
        let msgs: Vec<_> = text
            .lines()
            .map(|l| {
                l.split("\"msg\":\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or("")
            })
            .collect();
        assert_eq!(msgs, ["application"]);
    }

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
