//! Seam's `tracing` layers: spans to OpenTelemetry, the canonical JSON line
//! and logs over OTLP, each down to the minimum level (the config's, else
//! `SEAM_LOG_LEVEL`, else INFO). The transport stack's events never reach
//! the exporters.

use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use tracing::Subscriber;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::Layer;
use tracing_subscriber::registry::LookupSpan;

use super::Telemetry;
use crate::log::{
    is_transport_target, json_accepts, otlp_accepts, JsonLayer, SchemaLoggerProvider,
};

pub(super) fn layer<S>(telemetry: &Telemetry) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let max_level = telemetry.max_level;
    let spans = tracing_opentelemetry::layer()
        .with_tracer(telemetry.tracer.clone())
        .with_filter(filter_fn(move |m| {
            *m.level() <= max_level && !is_transport_target(m.target())
        }));
    let json = telemetry.json_logs.then(|| {
        JsonLayer::new(telemetry.service_name.clone()).with_filter(filter_fn(move |m| {
            *m.level() <= max_level && json_accepts(m)
        }))
    });
    let otlp = telemetry.logger_provider.as_ref().map(|provider| {
        OpenTelemetryTracingBridge::new(&SchemaLoggerProvider::new(provider.clone())).with_filter(
            filter_fn(move |m| *m.level() <= max_level && otlp_accepts(m)),
        )
    });
    spans.and_then(json).and_then(otlp)
}
