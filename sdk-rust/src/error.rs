//! The crate's error type.

use std::fmt;

use crate::signal::Signal;

/// What can go wrong setting telemetry up or shutting it down. Telemetry
/// never fails the service after [`crate::init`] returned: export errors are
/// retried, counted and reported in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// [`crate::init`] was already called in this process.
    AlreadyInitialized,
    /// The configuration ([`crate::Config`] and the `OTEL_*` variables) was
    /// refused; every problem found is listed, not only the first.
    InvalidConfig {
        /// Each bad setting with what is wrong with it.
        problems: Vec<ConfigProblem>,
    },
    /// An OTLP exporter could not be built.
    Exporter {
        /// `traces`, `metrics` or `logs`.
        signal: &'static str,
        /// The exporter's error.
        message: String,
    },
    /// Another global `tracing` subscriber is already installed; use
    /// [`crate::Config::with_subscriber`]`(false)` and [`crate::Guard::layer`].
    SubscriberAlreadySet,
    /// Shutdown could not deliver everything: what was lost, and why.
    Shutdown(ShutdownReport),
}

impl Error {
    /// One problem with one setting.
    pub(crate) fn invalid(setting: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidConfig {
            problems: vec![ConfigProblem::new(setting, reason)],
        }
    }
}

/// One refused setting: the `Config` field or environment variable, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    setting: String,
    reason: String,
}

impl ConfigProblem {
    pub(crate) fn new(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigProblem {
            setting: setting.into(),
            reason: reason.into(),
        }
    }

    /// The setting, e.g. `endpoint` or `OTEL_METRIC_EXPORT_INTERVAL`.
    pub fn setting(&self) -> &str {
        &self.setting
    }

    /// Why it was refused, naming the value.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.reason)
    }
}

/// What a shutdown lost: items that were not delivered by its deadline
/// (dropped, or still in an export that had not returned), and the causes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    pub(crate) causes: Vec<String>,
    pub(crate) spans: u64,
    pub(crate) log_records: u64,
    pub(crate) metric_points: u64,
}

impl ShutdownReport {
    /// Why telemetry was lost, e.g. `collector unreachable at http://…/v1/traces`.
    pub fn causes(&self) -> &[String] {
        &self.causes
    }

    /// Spans not delivered.
    pub fn spans(&self) -> u64 {
        self.spans
    }

    /// Log records not delivered.
    pub fn log_records(&self) -> u64 {
        self.log_records
    }

    /// Metric data points not delivered.
    pub fn metric_points(&self) -> u64 {
        self.metric_points
    }
}

impl fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("telemetry shutdown: ")?;
        for cause in &self.causes {
            write!(f, "{cause}; ")?;
        }
        write!(
            f,
            "dropped {}, {}, {}",
            Signal::Traces.count(self.spans),
            Signal::Logs.count(self.log_records),
            Signal::Metrics.count(self.metric_points)
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::AlreadyInitialized => f.write_str(
                "seam::init was already called in this process: call it once and keep its Guard",
            ),
            Error::InvalidConfig { problems } => {
                f.write_str("invalid config: ")?;
                for (i, problem) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{problem}")?;
                }
                Ok(())
            }
            Error::Exporter { signal, message } => {
                write!(f, "cannot build the OTLP {signal} exporter: {message}")
            }
            Error::SubscriberAlreadySet => f.write_str(
                "a global tracing subscriber is already set: pass Config::with_subscriber(false) \
                 and add Guard::layer() to your own subscriber",
            ),
            Error::Shutdown(report) => write!(f, "{report}"),
        }
    }
}

impl std::error::Error for Error {}
