//! Running one arm: under its role, with its panic caught, and the candidate serving with
//! the baseline as its fallback.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::Context;
use pin_project_lite::pin_project;

use super::core::Core;
use super::error::{CandidateError, RolloutError};
use super::guard::Event;
use crate::error_class::Classify;
use crate::role::{with_role, Role};

pin_project! {
    /// A future whose panic, in any poll, is returned instead of unwinding.
    pub(crate) struct CatchUnwind<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        let inner = self.project().inner;
        match panic::catch_unwind(AssertUnwindSafe(move || inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// `arm(input)` as `role`: the role is in the context while the arm builds its future
/// and whenever that future is polled, so its operations record it and its outgoing
/// calls carry it in baggage.
pub(crate) fn in_role<I, F, Fut>(cx: &Context, role: Role, arm: F, input: I) -> WithContext<Fut>
where
    F: FnOnce(I) -> Fut,
    Fut: Future,
{
    let cx = with_role(cx, role);
    let future = {
        let _current = cx.clone().attach();
        arm(input)
    };
    future.with_context(cx)
}

/// Runs the candidate with its panic caught and, if it has one, its timeout.
pub(crate) async fn run_candidate<T, E, Fut>(
    future: Fut,
    timeout: Option<Duration>,
) -> Result<T, CandidateError<E>>
where
    Fut: Future<Output = Result<T, E>>,
{
    let caught = CatchUnwind { inner: future };
    let ran = match timeout {
        Some(limit) => match tokio::time::timeout(limit, caught).await {
            Ok(ran) => ran,
            Err(_) => return Err(CandidateError::Timeout(limit)),
        },
        None => caught.await,
    };
    match ran {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(CandidateError::Failed(err)),
        Err(payload) => Err(CandidateError::Panic(panic_text(payload.as_ref()))),
    }
}

/// What a caught panic said, with where it happened when Seam's hook noted it.
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> String {
    match crate::panic::take_caught() {
        Some(report) => report.to_string(),
        None => crate::panic::payload_message(payload).to_owned(),
    }
}

/// The class an arm's result counts as in the window.
pub(crate) fn class_of<T, E: Classify>(result: &Result<T, E>) -> Option<crate::ErrorClass> {
    result.as_ref().err().map(Classify::error_class)
}

/// The candidate serves `input`; if it fails (unless the caller's deadline has passed)
/// the baseline serves it as the fallback.
pub(crate) async fn serve<I, T, E, B, BF, C, CF>(
    core: &Core,
    cx: &Context,
    deadline: Option<Instant>,
    input: I,
    baseline: B,
    candidate: C,
) -> Result<T, RolloutError<E>>
where
    I: Clone,
    B: FnOnce(I) -> BF,
    BF: Future<Output = Result<T, E>>,
    C: FnOnce(I) -> CF,
    CF: Future<Output = Result<T, E>>,
    E: Classify,
{
    let fallback_input = input.clone();
    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    let timeout = match (core.candidate_timeout, left) {
        (Some(own), Some(left)) => Some(own.min(left)),
        (own, left) => own.or(left),
    };
    let started = Instant::now();
    let served = run_candidate(in_role(cx, Role::Candidate, candidate, input), timeout).await;
    let failed = match served {
        Ok(value) => {
            core.record(Event::Candidate(started.elapsed(), None));
            return Ok(value);
        }
        Err(err) => err,
    };
    core.record(Event::Candidate(started.elapsed(), Some(failed.class())));
    if deadline.is_some_and(|d| Instant::now() >= d) {
        return Err(RolloutError::Candidate(failed));
    }
    let fallback = in_role(cx, Role::Fallback, baseline, fallback_input).await;
    core.record(Event::Baseline(class_of(&fallback)));
    fallback.map_err(|err| RolloutError::Both {
        candidate: failed,
        fallback: err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn panics() -> Result<u64, String> {
        panic!("injected")
    }

    #[tokio::test]
    async fn a_panic_in_any_poll_is_returned() {
        let got = run_candidate(panics(), Some(Duration::from_secs(1))).await;
        assert!(
            matches!(got, Err(CandidateError::Panic(ref m)) if m.starts_with("injected")),
            "{got:?}"
        );
        let got = run_candidate(panics(), None).await;
        assert!(matches!(got, Err(CandidateError::Panic(_))), "{got:?}");
    }
}
