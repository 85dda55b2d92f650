//! Setting up and shutting down the three OTLP pipelines, once per process,
//! from the resolved settings. One job per file:
//!
//! - `global.rs`: [`init`], the `OnceLock` it fills, [`shutdown`] and the
//!   [`Guard`];
//! - `providers.rs`: the tracer, meter and logger providers wired to their
//!   queues, exporters and health ([`Telemetry`]);
//! - `exporters.rs`: each signal's OTLP exporter from the settings, and
//!   whether this build can send what they ask for;
//! - `views.rs`: the metric view that applies the schema to every instrument;
//! - `memory.rs`: the `seam.rust.memory.*` instruments;
//! - `layers.rs`: the `tracing` layers of the subscriber;
//! - `shutdown.rs`: shutdown within the export timeout, and its report.

mod exporters;
mod global;
mod layers;
mod memory;
mod providers;
mod shutdown;
mod views;

use opentelemetry::InstrumentationScope;

pub(crate) use self::global::telemetry;
pub use self::global::{init, shutdown, Guard};
pub(crate) use self::providers::Telemetry;
use crate::semconv::SCHEMA_URL;

/// The instrumentation scope of everything this crate emits.
pub(crate) fn scope() -> InstrumentationScope {
    InstrumentationScope::builder("seam")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(SCHEMA_URL)
        .build()
}
