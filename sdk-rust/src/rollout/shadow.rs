//! Shadow runs: the candidate on a task of its own beside the baseline, compared with it
//! when both are done, never changing what the call returns.

use std::fmt::{self, Debug};
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::Context;
use tokio::sync::oneshot;

use super::core::Core;
use super::error::CandidateError;
use super::guard::Event;
use super::serve::{in_role, run_candidate};
use crate::error_class::{Classify, ErrorClass};
use crate::redact::Redactor;
use crate::role::Role;
use crate::semconv::enums::seam_shadow_outcome;

/// What comparing one shadow run with its baseline found (`seam.shadow.outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The candidate's result equals the baseline's (or both failed with one class).
    Match,
    /// The results differ.
    Mismatch,
    /// The candidate failed where the baseline did not.
    CandidateError,
    /// The candidate did not finish within its shadow deadline.
    Timeout,
    /// The candidate panicked.
    Panic,
    /// The shadow did not run: the concurrency cap was reached.
    Skipped,
}

impl Outcome {
    /// Every outcome, in declaration order.
    pub const ALL: [Outcome; 6] = [
        Outcome::Match,
        Outcome::Mismatch,
        Outcome::CandidateError,
        Outcome::Timeout,
        Outcome::Panic,
        Outcome::Skipped,
    ];

    /// The schema's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Match => seam_shadow_outcome::MATCH,
            Outcome::Mismatch => seam_shadow_outcome::MISMATCH,
            Outcome::CandidateError => seam_shadow_outcome::CANDIDATE_ERROR,
            Outcome::Timeout => seam_shadow_outcome::TIMEOUT,
            Outcome::Panic => seam_shadow_outcome::PANIC,
            Outcome::Skipped => seam_shadow_outcome::SKIPPED,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decides whether two results are the same.
pub(crate) type CompareFn<T> = Box<dyn Fn(&T, &T) -> bool + Send + Sync>;
/// Maps a result before it is compared and logged (drops timestamps, request ids…).
pub(crate) type CleanFn<T> = Box<dyn Fn(&T) -> T + Send + Sync>;

/// How a rollout compares its shadows' results.
pub(crate) struct Comparison<T> {
    pub(crate) compare: CompareFn<T>,
    pub(crate) clean: Option<CleanFn<T>>,
}

impl<T> Debug for Comparison<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Comparison")
            .field("clean", &self.clean.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Clone> Comparison<T> {
    /// The value as compared: cleaned, or a copy.
    fn prepare(&self, value: &T) -> T {
        match &self.clean {
            Some(clean) => clean(value),
            None => value.clone(),
        }
    }
}

/// One side of a comparison.
enum Side<T> {
    Value(T),
    Error { class: ErrorClass, debug: String },
    Timeout,
    Panic(String),
}

impl<T> Side<T> {
    fn of<E: Classify + Debug>(result: Result<&T, &E>, comparison: &Comparison<T>) -> Self
    where
        T: Clone,
    {
        match result {
            Ok(value) => Side::Value(comparison.prepare(value)),
            Err(err) => Side::Error {
                class: err.error_class(),
                debug: format!("{err:?}"),
            },
        }
    }

    /// The class the candidate's run counts as in the window.
    fn class(&self) -> Option<ErrorClass> {
        match self {
            Side::Value(_) => None,
            Side::Error { class, .. } => Some(*class),
            Side::Timeout => Some(ErrorClass::Timeout),
            Side::Panic(_) => Some(ErrorClass::Panic),
        }
    }
}

/// A shadow on its way: it waits for the baseline's result to compare with.
pub(crate) struct Pending<T> {
    baseline: oneshot::Sender<Side<T>>,
    done: oneshot::Receiver<()>,
}

/// Holds a place under the concurrency cap until the shadow task ends, however it ends.
struct Slot(Arc<Core>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Starts `candidate(input)` as a shadow of the call under `cx`, or counts it `skipped`
/// at the concurrency cap.
pub(crate) fn start<I, T, E, C, CF>(
    core: &Arc<Core>,
    comparison: &Arc<Comparison<T>>,
    cx: &Context,
    input: I,
    candidate: C,
) -> Option<Pending<T>>
where
    T: Clone + Debug + Send + Sync + 'static,
    E: Classify + Debug + Send + 'static,
    C: FnOnce(I) -> CF,
    CF: Future<Output = Result<T, E>> + Send + 'static,
{
    let max = core.shadow.max_in_flight;
    let claimed = core
        .in_flight
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < max).then_some(n + 1)
        })
        .is_ok();
    if !claimed {
        core.telemetry.compared(Outcome::Skipped);
        return None;
    }
    let slot = Slot(core.clone());
    let future = in_role(cx, Role::Shadow, candidate, input);
    let (baseline_tx, baseline_rx) = oneshot::channel();
    let (done_tx, done_rx) = oneshot::channel();
    let comparison = comparison.clone();
    let deadline = core.shadow.deadline;
    core.runtime.spawn(async move {
        let started = Instant::now();
        let side = match run_candidate(future, Some(deadline)).await {
            Ok(value) => Side::Value(comparison.prepare(&value)),
            Err(CandidateError::Failed(err)) => Side::of::<E>(Err(&err), &comparison),
            Err(CandidateError::Timeout(_)) => Side::Timeout,
            Err(CandidateError::Panic(message)) => Side::Panic(message),
        };
        let took = started.elapsed();
        // The call was dropped before its baseline returned: nothing to compare with.
        let Ok(baseline) = baseline_rx.await else {
            return;
        };
        finish(&slot.0, &comparison, &baseline, &side, took);
        let _ = done_tx.send(());
    });
    Some(Pending {
        baseline: baseline_tx,
        done: done_rx,
    })
}

impl<T: Clone> Pending<T> {
    /// Hands the baseline's result over and waits at most `wait` for the comparison.
    pub(crate) async fn finish<E: Classify + Debug>(
        self,
        result: &Result<T, E>,
        comparison: &Comparison<T>,
        wait: Duration,
    ) {
        if self
            .baseline
            .send(Side::of(result.as_ref(), comparison))
            .is_err()
        {
            return;
        }
        if !wait.is_zero() {
            let _ = tokio::time::timeout(wait, self.done).await;
        }
    }
}

/// Compares, counts and (for a sample of mismatches) logs one shadow run.
fn finish<T: Debug>(
    core: &Core,
    comparison: &Comparison<T>,
    baseline: &Side<T>,
    candidate: &Side<T>,
    took: Duration,
) {
    let outcome = match (baseline, candidate) {
        (_, Side::Timeout) => Outcome::Timeout,
        (_, Side::Panic(_)) => Outcome::Panic,
        (Side::Value(b), Side::Value(c)) if (comparison.compare)(b, c) => Outcome::Match,
        (Side::Error { class: b, .. }, Side::Error { class: c, .. }) if b == c => Outcome::Match,
        (Side::Value(_), Side::Error { .. }) => Outcome::CandidateError,
        _ => Outcome::Mismatch,
    };
    core.telemetry.compared(outcome);
    core.record(Event::Candidate(took, candidate.class()));
    if let Some(equal) = match outcome {
        Outcome::Match => Some(true),
        Outcome::Mismatch => Some(false),
        _ => None,
    } {
        core.record(Event::Compared(equal));
    }
    if outcome != Outcome::Match && core.may_log_mismatch() {
        tracing::warn!(
            target: "seam",
            operation = %core.operation,
            outcome = outcome.as_str(),
            baseline = %shown(baseline),
            candidate = %shown(candidate),
            "seam: shadow {outcome}"
        );
    }
}

/// The most of a result a mismatch log shows.
const SHOWN_BYTES: usize = 512;

/// A result as a mismatch log shows it: its `Debug` form, redacted, then truncated.
fn shown<T: Debug>(side: &Side<T>) -> String {
    let text = match side {
        Side::Value(value) => format!("Ok({value:?})"),
        Side::Error { debug, .. } => format!("Err({debug})"),
        Side::Timeout => "timeout".to_owned(),
        Side::Panic(message) => format!("panic: {message}"),
    };
    // Redacted whole first: a cut could leave a secret the patterns no longer match.
    let redacted = Redactor::schema().value(&text).into_owned();
    if redacted.len() <= SHOWN_BYTES {
        return redacted;
    }
    let mut end = SHOWN_BYTES;
    while !redacted.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...[truncated]", &redacted[..end])
}
