//! The deliberately non-conformant mode (`PRICING_NONCONFORMANT=1`): what a team that wires
//! OpenTelemetry by hand instead of through Seam typically ships. `seam.operation.duration`
//! comes from a raw SDK pipeline of its own, in milliseconds with the SDK's default buckets,
//! and logs carry the correlation id as `correlation_id`. `seam conformance` must catch
//! both; its mutation test switches this mode on.

use std::sync::OnceLock;
use std::time::Duration;

use opentelemetry::metrics::{Histogram, MeterProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_otlp::MetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::Resource;
use seam::semconv::{attribute, enums, metric};

/// The environment variable that switches the mode on (`1` or `true`).
pub const ENV: &str = "PRICING_NONCONFORMANT";

/// Whether the mode is on; read once per process.
pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| {
        matches!(
            std::env::var(ENV).as_deref().map(str::trim),
            Ok("1") | Ok("true")
        )
    })
}

/// The hand-wired pipeline: its own meter provider and OTLP/HTTP exporter.
struct Raw {
    provider: SdkMeterProvider,
    duration: Histogram<f64>,
}

static RAW: OnceLock<Option<Raw>> = OnceLock::new();

/// Starts the raw pipeline for `service_name` (`OTEL_SERVICE_NAME` wins) if the mode is on.
/// Later calls do nothing. Without a collector it starts anyway, as Seam does.
pub fn start(service_name: &str) {
    RAW.get_or_init(|| enabled().then(|| build(service_name)).flatten());
}

fn build(service_name: &str) -> Option<Raw> {
    let exporter = match MetricExporter::builder().with_http().build() {
        Ok(exporter) => exporter,
        Err(err) => {
            tracing::error!(error = %err, "non-conformant mode: cannot build the raw metric exporter");
            return None;
        }
    };
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name(service_name.to_owned());
    }
    let resource = resource
        .with_attribute(KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST))
        .build();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter).build())
        .with_resource(resource)
        .build();
    // The bug on purpose: the schema's name, but milliseconds and the SDK's default
    // (millisecond-scale) buckets instead of the schema's seconds and layout.
    let duration = provider
        .meter("pricing")
        .f64_histogram(metric::SEAM_OPERATION_DURATION)
        .with_unit("ms")
        .build();
    Some(Raw { provider, duration })
}

/// Records one operation in milliseconds through the raw pipeline; nothing unless
/// [`start`] built it.
pub fn record(
    operation: &'static str,
    role: &'static str,
    elapsed: Duration,
    error_type: Option<&'static str>,
) {
    let Some(Some(raw)) = RAW.get() else {
        return;
    };
    let mut attributes = vec![
        KeyValue::new(attribute::SEAM_OPERATION, operation),
        KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
        KeyValue::new(attribute::SEAM_ROLE, role),
    ];
    if let Some(error_type) = error_type {
        attributes.push(KeyValue::new(attribute::ERROR_TYPE, error_type));
    }
    raw.duration
        .record(elapsed.as_secs_f64() * 1000.0, &attributes);
}

/// Flushes and stops the raw pipeline, if it runs.
pub fn shutdown(timeout: Duration) -> Result<(), String> {
    match RAW.get() {
        Some(Some(raw)) => raw
            .provider
            .shutdown_with_timeout(timeout)
            .map_err(|err| format!("non-conformant metrics: {err}")),
        _ => Ok(()),
    }
}
