//! Rollouts (feature `rollout`): moving one operation's traffic from its Go baseline to
//! its Rust candidate, shadow, then canary, then candidate, with a kill switch, the same
//! way and with the same metrics as Go's `sdk-go/rollout`.
//!
//! ```no_run
//! # async fn quote_go(sku: u64) -> Result<u64, std::io::Error> { Ok(sku) }
//! # async fn quote_rust(sku: u64) -> Result<u64, std::io::Error> { Ok(sku) }
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use seam::rollout::Rollout;
//!
//! // Flags from OpenFeature: seam.rollout.pricing.quote.mode and .percent.
//! let rollout = Rollout::<u64, u64>::builder("pricing.quote").build().await?;
//! let price = rollout.call(42, quote_go, quote_rust).await?;
//! # Ok(()) }
//! ```
//!
//! - Modes ([`Mode`]): `baseline` (only the baseline runs), `shadow` (both run, the
//!   baseline's result is returned and the candidate's compared with it), `canary` (a
//!   sticky share of calls is served by the candidate), `candidate` (the candidate serves,
//!   the baseline is its fallback). A [`Route`] is a mode with the candidate's share.
//! - Flags: per operation, `seam.rollout.<operation>.mode` (string) and
//!   `seam.rollout.<operation>.percent` (number, 0 to 100), from any OpenFeature
//!   provider; [`InMemoryProvider`] and [`EnvProvider`] (`SEAM_ROLLOUT`,
//!   `SEAM_ROLLOUT_FILE`, in the form [`parse_spec`] reads) ship here. A missing flag is
//!   the baseline, an invalid one too (logged once per value). The route is cached and
//!   read again every poll interval; a call reads the cache, never OpenFeature.
//! - Sticky canary: a call's [`bucket`] comes from its correlation id, or a key of the
//!   caller's; the same key always lands on the same arm.
//! - Kill switch ([`Guardrails`]): panics, error ratio against the baseline's, shadow
//!   mismatches and (optionally) latency over a sliding window; a trip serves the baseline
//!   until the operation's flags change or [`Rollout::reset`] is called.
//! - Metrics: `seam.rollout.decisions`, `seam.rollout.shadow.comparisons`,
//!   `seam.rollout.state`, `seam.rollout.candidate.share`, `seam.rollout.trips`.
//!
//! One file per concern: `mode.rs` and `spec.rs` the routes and their text form,
//! `sticky.rs` the bucket, `cell.rs` the cached route, `flags.rs` reading the flags,
//! `memory.rs`, `env.rs` and `provider.rs` the providers, `guard.rs` the kill switch,
//! `core.rs` the decision and the refresh, `serve.rs` and `shadow.rs` running the arms,
//! `telemetry.rs` the metrics, `rollout.rs` and `builder.rs` the API, `error.rs` its
//! errors.

mod builder;
mod cell;
mod core;
mod env;
mod error;
mod flags;
mod guard;
mod memory;
mod mode;
mod provider;
#[allow(clippy::module_inception)] // the type the module is about
mod rollout;
mod serve;
mod shadow;
mod spec;
mod sticky;
mod telemetry;

#[cfg(test)]
mod parity;

pub use self::builder::RolloutBuilder;
pub use self::core::{Arm, Decision};
pub use self::env::{EnvProvider, EnvProviderError, SEAM_ROLLOUT, SEAM_ROLLOUT_FILE};
pub use self::error::{BuildError, CandidateError, RolloutError};
pub use self::flags::{mode_flag, percent_flag};
pub use self::guard::{Guardrails, TripReason};
pub use self::memory::InMemoryProvider;
pub use self::mode::{InvalidRoute, Mode, Route, UnknownMode};
pub use self::rollout::{deadline, with_deadline, Rollout};
pub use self::shadow::Outcome;
pub use self::spec::{parse_spec, SpecError};
pub use self::sticky::bucket;
