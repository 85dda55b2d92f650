//! The log processor that queues records for export in a bounded
//! [`Queue`], in place of the SDK's `BatchLogProcessor`.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{self, LogBatch, LogExporter, SdkLogRecord};
use opentelemetry_sdk::Resource;

use super::health::Health;
use super::queue::{Exporter, Queue, Stop};
use super::runner::Runner;
use super::{QueueParts, FLUSH_TIMEOUT};
use crate::signal::Signal;

/// How long a record waits for room in a full log queue while exports
/// succeed. Records come in bursts faster than one export thread sends
/// them (a tight logging loop outruns it); exporting a full queue to a
/// healthy collector takes milliseconds, so a burst loses nothing, and a
/// collector that is down or stuck costs at most one wait before records
/// are dropped (and counted) at once. The Go SDK waits as long.
const LOG_WAIT: Duration = Duration::from_millis(500);

/// A queued record; boxed, so that a full queue holds pointers.
type Record = Box<(SdkLogRecord, InstrumentationScope)>;

/// Queues a copy of each emitted record; see [`Queue`].
#[derive(Debug)]
pub(crate) struct BoundedLogProcessor {
    queue: Arc<Queue<Record>>,
}

impl BoundedLogProcessor {
    /// Starts the export thread. `resource` goes to the exporter here: the
    /// export thread owns it from then on.
    pub(crate) fn start<E: LogExporter + 'static>(
        mut exporter: E,
        resource: &Resource,
        parts: QueueParts,
    ) -> std::io::Result<Self> {
        exporter.set_resource(resource);
        let logs = Logs {
            exporter,
            runner: parts.runner,
            health: parts.health,
        };
        let queue = Queue::start_waiting(
            "seam-logs",
            parts.batching,
            LOG_WAIT,
            Signal::Logs,
            parts.dropped,
            logs,
        )?;
        Ok(BoundedLogProcessor {
            queue: Arc::new(queue),
        })
    }

    /// Stops the queue on shutdown's schedule.
    pub(crate) fn stopper(&self) -> Arc<dyn Stop> {
        self.queue.clone()
    }

    /// The queue's producer side, for a logger that hands its records over
    /// whole.
    pub(crate) fn records(&self) -> LogRecords {
        LogRecords {
            queue: self.queue.clone(),
        }
    }
}

/// Queues records a logger owns, without the copy [`BoundedLogProcessor`]
/// makes of the record the SDK lends it.
#[derive(Debug, Clone)]
pub(crate) struct LogRecords {
    queue: Arc<Queue<Record>>,
}

impl LogRecords {
    /// Queues `record` of `scope`, or drops and counts it as the queue does.
    pub(crate) fn add(&self, record: SdkLogRecord, scope: &InstrumentationScope) {
        self.queue.add(Box::new((record, scope.clone())));
    }
}

struct Logs<E> {
    exporter: E,
    runner: Runner,
    health: Arc<Health>,
}

impl<E: LogExporter + 'static> Exporter<Record> for Logs<E> {
    fn export(&mut self, batch: Vec<Record>) -> OTelSdkResult {
        let records: Vec<(&SdkLogRecord, &InstrumentationScope)> =
            batch.iter().map(|r| (&r.0, &r.1)).collect();
        let result = self
            .runner
            .block_on(self.exporter.export(LogBatch::new(&records)));
        self.health.exported(&result, batch.len());
        result
    }

    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult {
        self.exporter.shutdown_with_timeout(timeout)
    }
}

impl logs::LogProcessor for BoundedLogProcessor {
    fn emit(&self, record: &mut SdkLogRecord, scope: &InstrumentationScope) {
        // The record is the caller's: the queue keeps a copy.
        self.queue.add(Box::new((record.clone(), scope.clone())));
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.queue.flush(FLUSH_TIMEOUT)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.queue.shutdown(timeout)
    }
}
