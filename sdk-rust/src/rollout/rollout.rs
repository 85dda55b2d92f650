//! [`Rollout`]: one operation's routing between its baseline and its candidate.

use std::fmt::{self, Debug};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use opentelemetry::baggage::BaggageExt;
use opentelemetry::Context;

use super::core::{Core, Decision};
use super::error::RolloutError;
use super::guard::Event;
use super::mode::{Mode, Route};
use super::serve::{class_of, in_role, serve};
use super::shadow::{self, Comparison};
use crate::error_class::Classify;
use crate::role::Role;
use crate::semconv::correlation;

/// Gives the sticky key of a call from its input.
pub(crate) type KeyFn<I> = Box<dyn Fn(&I) -> String + Send + Sync>;

/// One operation's rollout: which implementation serves each call, from the route its
/// flags ask for (cached, refreshed on a poll interval), and the kill switch. Clones
/// share everything. Built with [`Rollout::builder`].
pub struct Rollout<I, T> {
    pub(crate) core: Arc<Core>,
    pub(crate) comparison: Arc<Comparison<T>>,
    pub(crate) key: Option<Arc<KeyFn<I>>>,
}

impl<I, T> Clone for Rollout<I, T> {
    fn clone(&self) -> Self {
        Rollout {
            core: self.core.clone(),
            comparison: self.comparison.clone(),
            key: self.key.clone(),
        }
    }
}

impl<I, T> Debug for Rollout<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rollout")
            .field("operation", &self.core.operation)
            .field("route", &self.core.route())
            .field("tripped", &self.core.is_tripped())
            .finish_non_exhaustive()
    }
}

/// The caller's deadline, carried in the context as Go carries it in `ctx`.
#[derive(Debug, Clone, Copy)]
struct Deadline(Instant);

/// `cx` with the caller's deadline: a rollout call under it bounds the candidate by it,
/// and once it has passed a failed candidate is not followed by the fallback.
pub fn with_deadline(cx: &Context, deadline: Instant) -> Context {
    cx.with_value(Deadline(deadline))
}

/// The deadline [`with_deadline`] set on `cx`, if any.
pub fn deadline(cx: &Context) -> Option<Instant> {
    cx.get::<Deadline>().map(|d| d.0)
}

impl<I, T> Rollout<I, T> {
    /// The operation this rollout routes.
    pub fn operation(&self) -> &str {
        &self.core.operation
    }

    /// The route calls are served by now: the flags', or the baseline once tripped.
    pub fn route(&self) -> Route {
        self.core.route()
    }

    /// Whether the kill switch has dropped the operation to its baseline.
    pub fn is_tripped(&self) -> bool {
        self.core.is_tripped()
    }

    /// Re-enables a tripped rollout on its flags' route, with its windows cleared.
    pub fn reset(&self) {
        self.core.reset();
    }

    /// Reads the flags now rather than at the next poll.
    pub async fn refresh(&self) {
        self.core.refresh().await;
    }

    /// The decision for a call with `input` under the current context, without running
    /// anything: one atomic read, and the sticky bucket when the route needs it.
    pub fn decide(&self, input: &I) -> Decision {
        // The context is looked at only when the route needs a key.
        self.core
            .decide(|| Context::map_current(|cx| self.bucket(cx, input)))
    }

    fn decide_in(&self, cx: &Context, input: &I) -> Decision {
        self.core.decide(|| self.bucket(cx, input))
    }

    /// The call's sticky bucket: of the caller's key, else of the correlation id in `cx`;
    /// `None` without either.
    fn bucket(&self, cx: &Context, input: &I) -> Option<u16> {
        let seed = self.core.seed;
        match &self.key {
            Some(key) => Some(key(input))
                .filter(|k| !k.is_empty())
                .map(|k| seed.bucket(&k)),
            None => cx
                .baggage()
                .get(correlation::BAGGAGE_KEY)
                .map(|v| v.as_str())
                .filter(|k| !k.is_empty())
                .map(|k| seed.bucket(k)),
        }
    }
}

impl<I, T> Rollout<I, T>
where
    I: Clone,
    T: Clone + Debug + Send + Sync + 'static,
{
    /// Serves one call under the current context: routes it, runs what the route says,
    /// and counts the decision in `seam.rollout.decisions`. The current context is the
    /// parent of both arms and holds the correlation id (the default sticky key) and the
    /// caller's deadline ([`with_deadline`]); to run under another, wrap the future
    /// (`opentelemetry::context::FutureExt::with_context`).
    ///
    /// - baseline mode: `baseline(input)` serves.
    /// - shadow: `baseline(input)` serves; `candidate` runs on a copy of the input on a
    ///   task of its own as `seam.role=shadow`, under its deadline, and is compared with
    ///   the baseline's result when both are done. The call waits for that at most the
    ///   shadow wait (0 by default); whatever the candidate does (fails, panics, hangs)
    ///   never changes what the call returns.
    /// - canary (the sticky share) and candidate mode: `candidate(input)` serves as
    ///   `seam.role=candidate`, its panic caught; if it fails, times out or panics, the
    ///   baseline serves a copy of the input as `seam.role=fallback`, unless the
    ///   deadline has passed.
    ///
    /// The candidate's future is `Send + 'static` because a shadow is spawned.
    pub async fn call<E, B, BF, C, CF>(
        &self,
        input: I,
        baseline: B,
        candidate: C,
    ) -> Result<T, RolloutError<E>>
    where
        E: Classify + Debug + Send + 'static,
        B: FnOnce(I) -> BF,
        BF: Future<Output = Result<T, E>>,
        C: FnOnce(I) -> CF,
        CF: Future<Output = Result<T, E>> + Send + 'static,
    {
        let cx = Context::current();
        let decision = self.decide_in(&cx, &input);
        self.core
            .telemetry
            .decided(decision.mode, decision.serves());
        match decision.arm {
            super::Arm::Candidate => {
                serve(&self.core, &cx, deadline(&cx), input, baseline, candidate).await
            }
            super::Arm::Shadow => {
                let pending =
                    shadow::start(&self.core, &self.comparison, &cx, input.clone(), candidate);
                let result = in_role(&cx, Role::Baseline, baseline, input).await;
                self.core.record(Event::Baseline(class_of(&result)));
                if let Some(pending) = pending {
                    pending
                        .finish(&result, &self.comparison, self.core.shadow.wait)
                        .await;
                }
                result.map_err(RolloutError::Baseline)
            }
            super::Arm::Baseline => {
                let result = in_role(&cx, Role::Baseline, baseline, input).await;
                // Only a rollout under way compares the baseline with its candidate.
                if decision.mode != Mode::Baseline {
                    self.core.record(Event::Baseline(class_of(&result)));
                }
                result.map_err(RolloutError::Baseline)
            }
        }
    }
}
