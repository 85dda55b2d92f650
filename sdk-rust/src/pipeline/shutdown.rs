//! Shutdown within the export timeout in all (or the caller's timeout if
//! sooner), as in the Go SDK: spans and logs stop side by side within the
//! first two thirds, so that metrics, last, always have a third left to
//! export, drops counted meanwhile included. What was not delivered by then
//! is reported, with why.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

use super::Telemetry;
use crate::error::{Error, ShutdownReport};
use crate::export::Stopped;
use crate::signal::Signal;

impl Telemetry {
    pub(super) fn shutdown(&self, timeout: Duration) -> Result<(), Error> {
        let mut shut_down = self.shut_down.lock().unwrap_or_else(|e| e.into_inner());
        if *shut_down {
            return Ok(());
        }
        *shut_down = true;
        let start = Instant::now();
        let budget = timeout.min(self.export_timeout);
        let deadline = start + budget;
        let first = start + budget * 2 / 3;
        let left = || deadline.saturating_duration_since(Instant::now());
        if let Some(ledger) = &self.metric_ledger {
            ledger.begin_shutdown();
        }

        let queues = [&self.span_queue, &self.log_queue];
        for queue in queues.iter().copied().flatten() {
            queue.begin(first);
        }
        let [spans, logs] = queues.map(|q| q.as_ref().map(|q| q.wait(first)));
        // Their processors have stopped: this only marks the providers.
        let _ = self.tracer_provider.shutdown_with_timeout(left());
        if let Some(provider) = &self.logger_provider {
            let _ = provider.shutdown_with_timeout(left());
        }

        let metrics = self.shutdown_metrics(deadline);
        let gave_up = metrics.is_none();
        let metric_points = self.metric_ledger.as_ref().map_or(0, |l| l.lost(gave_up));

        let lost = |stopped: &Option<Stopped>| stopped.as_ref().map_or(0, |s| s.lost);
        let mut report = ShutdownReport {
            causes: Vec::new(),
            spans: lost(&spans) as u64,
            log_records: lost(&logs) as u64,
            metric_points: metric_points as u64,
        };
        let results = [
            (Signal::Traces, report.spans, spans.map(|s| s.result)),
            (Signal::Logs, report.log_records, logs.map(|s| s.result)),
            (Signal::Metrics, report.metric_points, metrics),
        ];
        for (signal, lost, result) in results {
            let cause = match &result {
                _ if lost > 0 => self.health[signal.index()]
                    .as_ref()
                    .and_then(|h| h.failure())
                    .unwrap_or_else(|| {
                        format!(
                            "{} not sent within {} ms",
                            signal.items(),
                            budget.as_millis()
                        )
                    }),
                // The exporter itself failed to stop: nothing is lost, but
                // it is worth saying.
                Some(Err(e)) if !quiet(e) => {
                    format!("stopping the {} exporter: {e}", signal.name())
                }
                _ => continue,
            };
            if !report.causes.contains(&cause) {
                report.causes.push(cause);
            }
        }
        if report.causes.is_empty() {
            Ok(())
        } else {
            Err(Error::Shutdown(report))
        }
    }

    /// Shuts the meter provider down (its final export included) on a
    /// thread of its own, since the SDK's reader waits up to 5 s whatever
    /// it is told; `None` when `deadline` came first.
    fn shutdown_metrics(&self, deadline: Instant) -> Option<OTelSdkResult> {
        let provider = self.meter_provider.clone();
        let (done, result) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("seam-shutdown".to_owned())
            .spawn(move || {
                let _ = done.send(provider.shutdown());
            });
        if spawned.is_err() {
            return Some(self.meter_provider.shutdown());
        }
        result
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()
    }
}

/// Errors that say nothing new: a timeout (what it lost is counted) or a
/// second shutdown, or the SDK's reader reporting its final export failed
/// (the export's own failure is the cause reported).
fn quiet(e: &OTelSdkError) -> bool {
    match e {
        OTelSdkError::AlreadyShutdown | OTelSdkError::Timeout(_) => true,
        OTelSdkError::InternalFailure(message) => message == "Failed to shutdown",
    }
}
