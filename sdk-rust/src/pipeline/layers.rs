//! Seam's `tracing` layers: spans to OpenTelemetry, the canonical JSON line,
//! logs over OTLP, and the SDK's own diagnostics. What they let through is
//! decided by `RUST_LOG` when it is set (an `EnvFilter`: per target, as in
//! any `tracing` application), otherwise by the minimum level (the config's,
//! else `SEAM_LOG_LEVEL`, else INFO; SDK diagnostics from WARN). The
//! transport stack's events never reach the exporters either way.

use std::sync::Arc;

use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::filter::{filter_fn, FilterExt};
use tracing_subscriber::layer::{Filter, Layer};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;

use super::Telemetry;
use crate::log::{
    is_sdk_target, is_transport_target, json_accepts, otlp_accepts, JsonLayer,
    SchemaLoggerProvider, SdkDiagnostics,
};

type BoxedFilter<S> = Box<dyn Filter<S> + Send + Sync + 'static>;

/// The filter of one layer: `accepts` always, and `RUST_LOG` if set, else
/// `level` as the most verbose.
fn verbosity<S>(
    rust_log: Option<&str>,
    level: Level,
    accepts: fn(&Metadata<'_>) -> bool,
) -> BoxedFilter<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    match rust_log {
        // Checked when the settings were resolved.
        Some(directives) => Box::new(
            EnvFilter::builder()
                .parse_lossy(directives)
                .and(filter_fn(accepts)),
        ),
        None => Box::new(filter_fn(move |m| *m.level() <= level && accepts(m))),
    }
}

fn not_transport(m: &Metadata<'_>) -> bool {
    !is_transport_target(m.target())
}

fn sdk_diagnostic(m: &Metadata<'_>) -> bool {
    is_sdk_target(m.target()) && !is_transport_target(m.target())
}

/// The canonical JSON line, filtered as every layer is. With the SDK
/// disabled it is the one layer installed: the line is still written, as in
/// the Go SDK.
pub(super) fn json_line<S>(
    service_name: Arc<str>,
    rust_log: Option<&str>,
    level: Level,
) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    JsonLayer::new(service_name).with_filter(verbosity(rust_log, level, json_accepts))
}

pub(super) fn layer<S>(telemetry: &Telemetry) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let rust_log = telemetry.rust_log.as_deref();
    let level = telemetry.max_level;
    let spans = tracing_opentelemetry::layer()
        .with_tracer(telemetry.tracer.clone())
        .with_filter(verbosity(rust_log, level, not_transport));
    let json = telemetry
        .json_logs
        .then(|| json_line(telemetry.service_name.clone(), rust_log, level));
    let diagnostics = telemetry.json_logs.then(|| {
        SdkDiagnostics::new(telemetry.diagnostics.clone()).with_filter(verbosity(
            rust_log,
            Level::WARN,
            sdk_diagnostic,
        ))
    });
    let otlp = telemetry.log_records.as_ref().map(|records| {
        OpenTelemetryTracingBridge::new(&SchemaLoggerProvider::new(
            records.provider.clone(),
            records.queue.clone(),
        ))
        .with_filter(verbosity(rust_log, level, otlp_accepts))
    });
    spans.and_then(json).and_then(diagnostics).and_then(otlp)
}
