//! The crate's error type.

use std::fmt;

/// What can go wrong setting telemetry up or shutting it down. Telemetry
/// never fails the service after [`crate::init`] returned: export errors are
/// retried or dropped in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// [`crate::init`] was already called in this process.
    AlreadyInitialized,
    /// A configuration value (from [`crate::Config`] or an `OTEL_*` variable)
    /// is invalid.
    InvalidConfig {
        /// The setting, e.g. `endpoint` or `OTEL_EXPORTER_OTLP_PROTOCOL`.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
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
    /// Flushing or shutting down a signal failed (data may be lost).
    Shutdown {
        /// Each failed signal with its error.
        failures: Vec<(&'static str, String)>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::AlreadyInitialized => f.write_str(
                "seam::init was already called in this process: call it once and keep its Guard",
            ),
            Error::InvalidConfig { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::Exporter { signal, message } => {
                write!(f, "cannot build the OTLP {signal} exporter: {message}")
            }
            Error::SubscriberAlreadySet => f.write_str(
                "a global tracing subscriber is already set: pass Config::with_subscriber(false) \
                 and add Guard::layer() to your own subscriber",
            ),
            Error::Shutdown { failures } => {
                f.write_str("telemetry shutdown failed:")?;
                for (signal, message) in failures {
                    write!(f, " {signal}: {message};")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}
