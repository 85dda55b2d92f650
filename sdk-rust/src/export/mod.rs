//! Seam's own export path for spans and log records: a bounded queue per
//! signal that never blocks the caller, one export thread each, and a count
//! of everything dropped on the way (`seam.telemetry.dropped`), as in the Go
//! SDK. The upstream batch processors only log their drops.

mod dropped;
pub(crate) mod http;
mod logs;
mod queue;
mod spans;

use std::time::Duration;

pub(crate) use dropped::Dropped;
pub(crate) use logs::BoundedLogProcessor;
pub(crate) use spans::BoundedSpanProcessor;

/// How long a `force_flush` waits for its export (the SDK's own default).
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);
