//! What a rollout returns when a call fails, and why a rollout could not be built.

use std::fmt;
use std::time::Duration;

use crate::error_class::{Classify, ErrorClass};

/// How the candidate failed a call it served.
#[derive(Debug)]
pub enum CandidateError<E> {
    /// It returned an error.
    Failed(E),
    /// It did not finish within its timeout (or the caller's deadline).
    Timeout(Duration),
    /// It panicked; the panic was caught. The message is the panic's.
    Panic(String),
}

impl<E: Classify> CandidateError<E> {
    /// Its `error.type` class: the error's, `timeout` or `panic`.
    pub fn class(&self) -> ErrorClass {
        match self {
            CandidateError::Failed(err) => err.error_class(),
            CandidateError::Timeout(_) => ErrorClass::Timeout,
            CandidateError::Panic(_) => ErrorClass::Panic,
        }
    }
}

impl<E: fmt::Display> fmt::Display for CandidateError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CandidateError::Failed(err) => write!(f, "candidate failed: {err}"),
            CandidateError::Timeout(after) => write!(f, "candidate timed out after {after:?}"),
            CandidateError::Panic(message) => write!(f, "candidate panicked: {message}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for CandidateError<E> {}

impl<E: Classify> Classify for CandidateError<E> {
    fn error_class(&self) -> ErrorClass {
        self.class()
    }
}

/// A call that no implementation could serve.
#[derive(Debug)]
pub enum RolloutError<E> {
    /// The baseline served the call (baseline, shadow or canary's baseline arm) and
    /// failed; a shadow's result never changes this.
    Baseline(E),
    /// The candidate served and failed after the caller's deadline had passed, so the
    /// baseline was not tried.
    Candidate(CandidateError<E>),
    /// The candidate failed, and so did the baseline serving as its fallback.
    Both {
        /// How the candidate failed.
        candidate: CandidateError<E>,
        /// The fallback's error.
        fallback: E,
    },
}

impl<E> RolloutError<E> {
    /// The error of the implementation that answered last: the baseline's, the
    /// fallback's, or the candidate's when it returned one.
    pub fn into_inner(self) -> Option<E> {
        match self {
            RolloutError::Baseline(err) | RolloutError::Both { fallback: err, .. } => Some(err),
            RolloutError::Candidate(CandidateError::Failed(err)) => Some(err),
            RolloutError::Candidate(_) => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for RolloutError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RolloutError::Baseline(err) => err.fmt(f),
            RolloutError::Candidate(err) => write!(f, "{err}; past the deadline, no fallback"),
            RolloutError::Both {
                candidate,
                fallback,
            } => write!(f, "{candidate}; fallback failed too: {fallback}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for RolloutError<E> {}

/// The class of the error the caller sees: the last implementation's.
impl<E: Classify> Classify for RolloutError<E> {
    fn error_class(&self) -> ErrorClass {
        match self {
            RolloutError::Baseline(err) | RolloutError::Both { fallback: err, .. } => {
                err.error_class()
            }
            RolloutError::Candidate(err) => err.class(),
        }
    }
}

/// Why [`RolloutBuilder::build`](super::RolloutBuilder::build) refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The operation is outside the schema's grammar for `seam.operation`.
    InvalidOperation(String),
    /// Some guardrails make no sense; each is named.
    InvalidGuardrails(Vec<String>),
    /// `build` ran outside a Tokio runtime: the flag poller and the shadows are tasks.
    NoRuntime,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidOperation(name) => write!(
                f,
                "rollout: operation {name:?} is outside the schema's grammar for seam.operation"
            ),
            BuildError::InvalidGuardrails(problems) => {
                write!(f, "rollout guardrails: {}", problems.join("; "))
            }
            BuildError::NoRuntime => f.write_str(
                "rollout: build it inside a Tokio runtime (its poller and shadows are tasks)",
            ),
        }
    }
}

impl std::error::Error for BuildError {}
