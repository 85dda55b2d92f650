//! Seam's own export path: a bounded queue per signal for spans and log
//! records that never blocks the caller, one export thread each, a count of
//! everything dropped on the way (`seam.telemetry.dropped`) for every
//! signal, the HTTP client and gRPC runtime the exporters use, and each
//! signal's export health, as in the Go SDK. The upstream batch processors
//! only log their drops.

mod dropped;
#[cfg(feature = "grpc-tonic")]
pub(crate) mod grpc;
mod health;
pub(crate) mod http;
mod log_http;
mod log_request;
mod logs;
mod metrics;
mod proto;
mod queue;
mod retry;
mod runner;
mod spans;

use std::sync::Arc;
use std::time::Duration;

pub(crate) use dropped::Dropped;
pub(crate) use health::Health;
pub(crate) use log_http::HttpLogExporter;
pub(crate) use logs::{BoundedLogProcessor, LogRecords};
pub(crate) use metrics::{CountingMetricExporter, MetricLedger};
pub(crate) use queue::{Stop, Stopped};
pub(crate) use runner::Runner;
pub(crate) use spans::BoundedSpanProcessor;

use crate::settings::Batching;

/// How long a `force_flush` waits for its export (the SDK's own default).
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// What a span or log queue needs besides its exporter.
#[derive(Debug)]
pub(crate) struct QueueParts {
    pub(crate) batching: Batching,
    pub(crate) dropped: Arc<Dropped>,
    pub(crate) health: Arc<Health>,
    pub(crate) runner: Runner,
}
