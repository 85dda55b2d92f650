//! How one signal's exports are faring: why the last one failed, for the
//! shutdown report, and a rate-limited WARN line for each failure that says
//! where, why and what was dropped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use tracing::Level;

use crate::log::{Diagnostics, Value};
use crate::semconv::attribute;
use crate::signal::Signal;

/// Why an export failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// No connection could be made.
    Unreachable,
    /// Connected, but no answer within the export timeout.
    NoAnswer,
    /// The collector answered with this HTTP status.
    Status(u16),
    /// Anything else, as the exporter said it.
    Failed(String),
}

impl Cause {
    /// The cause an exporter's error message gives, for transports that do
    /// not say it themselves (gRPC).
    pub(crate) fn from_message(message: &str) -> Cause {
        let lower = message.to_ascii_lowercase();
        if lower.contains("connect") || lower.contains("dns error") {
            Cause::Unreachable
        } else if lower.contains("deadline") || lower.contains("timed out") {
            Cause::NoAnswer
        } else {
            Cause::Failed(message.to_owned())
        }
    }
}

/// One signal's export health.
#[derive(Debug)]
pub(crate) struct Health {
    signal: Signal,
    endpoint: String,
    timeout: Duration,
    diagnostics: Arc<Diagnostics>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// What the transport saw during the export under way.
    transport: Option<Cause>,
    /// Why the last export failed; `None` after a success.
    last: Option<Cause>,
}

impl Health {
    pub(crate) fn new(
        signal: Signal,
        endpoint: &str,
        timeout: Duration,
        diagnostics: Arc<Diagnostics>,
    ) -> Arc<Health> {
        Arc::new(Health {
            signal,
            endpoint: endpoint.to_owned(),
            timeout,
            diagnostics,
            state: Mutex::new(State::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The transport's own account of a failed request (HTTP).
    pub(crate) fn transport_failed(&self, cause: Cause) {
        self.lock().transport = Some(cause);
    }

    /// Records an export of `items` items; a failure is reported.
    pub(crate) fn exported(&self, result: &OTelSdkResult, items: usize) {
        let cause = {
            let mut state = self.lock();
            let transport = state.transport.take();
            match result {
                Ok(()) => {
                    state.last = None;
                    return;
                }
                Err(e) => {
                    let cause = transport.unwrap_or_else(|| Cause::from_message(&e.to_string()));
                    state.last = Some(cause.clone());
                    cause
                }
            }
        };
        let what = self.describe(&cause);
        let msg = format!(
            "telemetry export failed: {what}; dropped {}",
            self.signal.count(items as u64)
        );
        let key = format!("{}: {what}", self.signal.name());
        let signal = self.signal.name();
        self.diagnostics.report(Level::WARN, &key, &msg, &|attrs| {
            attrs.push(attribute::SEAM_TELEMETRY_SIGNAL, Value::Str(signal));
        });
    }

    /// Why the last export failed, or why the one under way is failing
    /// (its last attempt's cause, while it retries), in plain words.
    pub(crate) fn failure(&self) -> Option<String> {
        let cause = {
            let state = self.lock();
            state.transport.clone().or_else(|| state.last.clone())?
        };
        Some(self.describe(&cause))
    }

    fn describe(&self, cause: &Cause) -> String {
        let at = &self.endpoint;
        match cause {
            Cause::Unreachable => format!("collector unreachable at {at}"),
            Cause::NoAnswer => format!(
                "collector at {at} did not answer within {} ms",
                self.timeout.as_millis()
            ),
            Cause::Status(code) => format!("collector at {at} answered HTTP {code}"),
            Cause::Failed(message) => format!("export to {at} failed: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_from_grpc_messages() {
        assert_eq!(
            Cause::from_message(
                "TonicTracesClient export failed with gRPC code: Unavailable: transport error: \
                 tcp connect error: Connection refused (os error 111)"
            ),
            Cause::Unreachable
        );
        assert_eq!(
            Cause::from_message("export failed with gRPC code: DeadlineExceeded"),
            Cause::NoAnswer
        );
        assert!(matches!(
            Cause::from_message("export failed with gRPC code: Unauthenticated"),
            Cause::Failed(_)
        ));
    }
}
