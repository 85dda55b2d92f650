//! [`RolloutBuilder`]: a rollout's flags, limits and comparison, checked once.

use std::fmt::{self, Debug};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::global;
use opentelemetry::metrics::Meter;

use super::core::{spawn_poller, Core, CoreParts, ShadowLimits};
use super::error::BuildError;
use super::flags::FlagReader;
use super::guard::{Guardrails, Window};
use super::rollout::{KeyFn, Rollout};
use super::shadow::{CleanFn, CompareFn, Comparison};
use super::telemetry::Telemetry;
use crate::operation::valid_name;

/// Builds a [`Rollout`]. Every setting has a default:
///
/// | setting | default |
/// | --- | --- |
/// | [`flags`](RolloutBuilder::flags) | a client of OpenFeature's global API |
/// | [`poll_interval`](RolloutBuilder::poll_interval) | 1 s |
/// | [`shadow_deadline`](RolloutBuilder::shadow_deadline) | 100 ms |
/// | [`shadow_concurrency`](RolloutBuilder::shadow_concurrency) | 16 in flight |
/// | [`shadow_wait`](RolloutBuilder::shadow_wait) | 0 |
/// | [`candidate_timeout`](RolloutBuilder::candidate_timeout) | none |
/// | [`guardrails`](RolloutBuilder::guardrails) | [`Guardrails::default`] |
/// | [`mismatch_logs_per_minute`](RolloutBuilder::mismatch_logs_per_minute) | 10 |
/// | [`sticky_key`](RolloutBuilder::sticky_key) | the context's correlation id |
/// | [`meter`](RolloutBuilder::meter) | Seam's (the global provider's) |
#[must_use = "a builder does nothing until built"]
pub struct RolloutBuilder<I, T> {
    operation: String,
    flags: Option<open_feature::Client>,
    meter: Option<Meter>,
    poll_interval: Duration,
    shadow: ShadowLimits,
    candidate_timeout: Option<Duration>,
    guardrails: Guardrails,
    mismatch_logs_per_minute: u32,
    key: Option<KeyFn<I>>,
    compare: CompareFn<T>,
    clean: Option<CleanFn<T>>,
}

impl<I, T> Debug for RolloutBuilder<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RolloutBuilder")
            .field("operation", &self.operation)
            .field("poll_interval", &self.poll_interval)
            .field("shadow", &self.shadow)
            .field("candidate_timeout", &self.candidate_timeout)
            .field("guardrails", &self.guardrails)
            .finish_non_exhaustive()
    }
}

impl<I, T: PartialEq> Rollout<I, T> {
    /// A builder for `operation`'s rollout, comparing shadow results with `==`.
    pub fn builder(operation: &str) -> RolloutBuilder<I, T> {
        RolloutBuilder::with_comparator(operation, |a: &T, b: &T| a == b)
    }
}

impl<I, T> RolloutBuilder<I, T> {
    /// A builder comparing shadow results with `compare` (for results without
    /// `PartialEq`, or whose equality is not the one to compare by).
    pub fn with_comparator(
        operation: &str,
        compare: impl Fn(&T, &T) -> bool + Send + Sync + 'static,
    ) -> Self {
        RolloutBuilder {
            operation: operation.to_owned(),
            flags: None,
            meter: None,
            poll_interval: Duration::from_secs(1),
            shadow: ShadowLimits {
                deadline: Duration::from_millis(100),
                max_in_flight: 16,
                wait: Duration::ZERO,
            },
            candidate_timeout: None,
            guardrails: Guardrails::default(),
            mismatch_logs_per_minute: 10,
            key: None,
            compare: Box::new(compare),
            clean: None,
        }
    }

    /// The OpenFeature client the flags are read from.
    pub fn flags(mut self, client: open_feature::Client) -> Self {
        self.flags = Some(client);
        self
    }

    /// The meter the rollout's metrics are recorded on.
    pub fn meter(mut self, meter: Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    /// How often the flags are read again.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How long a shadow may run before it counts as `timeout` and is dropped.
    pub fn shadow_deadline(mut self, deadline: Duration) -> Self {
        self.shadow.deadline = deadline;
        self
    }

    /// How many shadows may run at once; past it a shadow is `skipped`.
    pub fn shadow_concurrency(mut self, max_in_flight: usize) -> Self {
        self.shadow.max_in_flight = max_in_flight;
        self
    }

    /// How long a call waits for its shadow after the baseline returned; the comparison
    /// is finished in the background past it.
    pub fn shadow_wait(mut self, wait: Duration) -> Self {
        self.shadow.wait = wait;
        self
    }

    /// A timeout for the candidate when it serves; past it the fallback serves.
    pub fn candidate_timeout(mut self, timeout: Duration) -> Self {
        self.candidate_timeout = Some(timeout);
        self
    }

    /// The kill switch's limits.
    pub fn guardrails(mut self, guardrails: Guardrails) -> Self {
        self.guardrails = guardrails;
        self
    }

    /// How many shadow mismatches are logged per minute, at most.
    pub fn mismatch_logs_per_minute(mut self, logs: u32) -> Self {
        self.mismatch_logs_per_minute = logs;
        self
    }

    /// The sticky key of a call, from its input, instead of the context's correlation id.
    /// An empty key routes the call at random.
    pub fn sticky_key(mut self, key: impl Fn(&I) -> String + Send + Sync + 'static) -> Self {
        self.key = Some(Box::new(key));
        self
    }

    /// Maps each shadow result (the baseline's and the candidate's) before it is
    /// compared and logged: to drop what may differ (timestamps, ids) or must not be
    /// logged.
    pub fn cleaner(mut self, clean: impl Fn(&T) -> T + Send + Sync + 'static) -> Self {
        self.clean = Some(Box::new(clean));
        self
    }

    /// Checks the settings, reads the flags once, records the state gauges and starts
    /// the flag poller. Must run inside a Tokio runtime with its time driver, where the
    /// rollout's calls run too.
    pub async fn build(self) -> Result<Rollout<I, T>, BuildError> {
        if !valid_name(&self.operation) {
            return Err(BuildError::InvalidOperation(self.operation));
        }
        let problems = self.guardrails.problems();
        if !problems.is_empty() {
            return Err(BuildError::InvalidGuardrails(problems));
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| BuildError::NoRuntime)?;
        let client = match self.flags {
            Some(client) => client,
            None => open_feature::OpenFeature::singleton().await.create_client(),
        };
        let meter = self
            .meter
            .unwrap_or_else(|| global::meter_with_scope(crate::scope()));
        let operation: Arc<str> = self.operation.into();
        let core = Arc::new(Core::new(CoreParts {
            flags: FlagReader::new(client, operation.clone()),
            window: Window::new(self.guardrails),
            telemetry: Telemetry::new(&meter, &operation),
            operation,
            shadow: self.shadow,
            candidate_timeout: self.candidate_timeout,
            runtime,
            mismatch_logs_per_minute: self.mismatch_logs_per_minute,
        }));
        core.refresh().await;
        core.record_route();
        spawn_poller(&core, self.poll_interval.max(Duration::from_millis(1)));
        Ok(Rollout {
            core,
            comparison: Arc::new(Comparison {
                compare: self.compare,
                clean: self.clean,
            }),
            key: self.key.map(Arc::new),
        })
    }
}
