//! `seam.telemetry.dropped`: telemetry dropped instead of blocking the
//! service, counted with atomic adds and read when metrics are collected.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use opentelemetry::metrics::{Meter, ObservableCounter};
use opentelemetry::KeyValue;

use crate::semconv::enums::seam_telemetry_reason;
use crate::semconv::{attribute, observable};
use crate::signal::Signal;

/// Why an item was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The queue was at its bound when the item arrived.
    QueueFull = 0,
    /// The exporter failed the item's batch, or shutdown ran out of time
    /// before the batch could be sent.
    ExportFailed = 1,
}

const REASONS: [(Reason, &str); 2] = [
    (Reason::QueueFull, seam_telemetry_reason::QUEUE_FULL),
    (Reason::ExportFailed, seam_telemetry_reason::EXPORT_FAILED),
];

/// Drop counts by signal and reason.
#[derive(Debug, Default)]
pub(crate) struct Dropped {
    counts: [[AtomicU64; REASONS.len()]; Signal::ALL.len()],
}

impl Dropped {
    pub(crate) fn add(&self, signal: Signal, reason: Reason, n: usize) {
        if n > 0 {
            self.counts[signal.index()][reason as usize].fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    #[cfg(test)]
    pub(crate) fn get(&self, signal: Signal, reason: Reason) -> u64 {
        self.counts[signal.index()][reason as usize].load(Ordering::Relaxed)
    }

    /// Reports the counts through `meter`; keep the returned instrument.
    pub(crate) fn register(self: &Arc<Self>, meter: &Meter) -> ObservableCounter<u64> {
        let attributes = Signal::ALL.map(|signal| {
            REASONS.map(|(_, reason)| {
                [
                    KeyValue::new(attribute::SEAM_TELEMETRY_SIGNAL, signal.name()),
                    KeyValue::new(attribute::SEAM_TELEMETRY_REASON, reason),
                ]
            })
        });
        let dropped = Arc::clone(self);
        observable::seam_telemetry_dropped(meter)
            .with_callback(move |observer| {
                for (s, by_reason) in dropped.counts.iter().enumerate() {
                    for (r, count) in by_reason.iter().enumerate() {
                        // Only what happened: a signal that never dropped
                        // anything has no series, as in Go.
                        let n = count.load(Ordering::Relaxed);
                        if n > 0 {
                            observer.observe(n, &attributes[s][r]);
                        }
                    }
                }
            })
            .build()
    }
}
