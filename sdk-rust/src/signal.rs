//! The three OTLP signals, which index every per-signal setting and count.

use crate::semconv::enums::seam_telemetry_signal;

/// Traces, metrics or logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Signal {
    Traces = 0,
    Metrics = 1,
    Logs = 2,
}

impl Signal {
    pub(crate) const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// The position of per-signal settings in `[_; 3]` arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The `seam.telemetry.signal` value.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Signal::Traces => seam_telemetry_signal::TRACES,
            Signal::Metrics => seam_telemetry_signal::METRICS,
            Signal::Logs => seam_telemetry_signal::LOGS,
        }
    }

    /// The OTLP/HTTP path appended to a base endpoint.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Signal::Traces => "/v1/traces",
            Signal::Metrics => "/v1/metrics",
            Signal::Logs => "/v1/logs",
        }
    }

    /// The signal's own endpoint variable, used as given.
    pub(crate) fn endpoint_var(self) -> &'static str {
        match self {
            Signal::Traces => "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            Signal::Metrics => "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            Signal::Logs => "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        }
    }

    /// The variable that turns the signal's exporter off (`none`).
    pub(crate) fn exporter_var(self) -> &'static str {
        match self {
            Signal::Traces => "OTEL_TRACES_EXPORTER",
            Signal::Metrics => "OTEL_METRICS_EXPORTER",
            Signal::Logs => "OTEL_LOGS_EXPORTER",
        }
    }

    /// What the signal's items are called in messages.
    pub(crate) fn items(self) -> &'static str {
        match self {
            Signal::Traces => "spans",
            Signal::Metrics => "metric points",
            Signal::Logs => "log records",
        }
    }

    /// `n` of the signal's items, e.g. `1 span`, `3 log records`.
    pub(crate) fn count(self, n: u64) -> String {
        let items = self.items();
        match n {
            1 => format!("1 {}", &items[..items.len() - 1]),
            n => format!("{n} {items}"),
        }
    }
}
