//! The part of a rollout that does not depend on its types: the cached route and the
//! decision made from it, the flag refresh, and the kill switch.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::cell::{RouteCell, Snapshot};
use super::flags::FlagReader;
use super::guard::{Event, Window};
use super::mode::{Mode, Route, BASIS_POINTS};
use super::sticky::{random_bucket, Seed};
use super::telemetry::{Serves, Telemetry};

/// Which implementations a call runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arm {
    /// The baseline alone.
    Baseline,
    /// The baseline serves, the candidate runs beside it as a shadow.
    Shadow,
    /// The candidate serves, with the baseline as its fallback.
    Candidate,
}

/// The routing of one call: the mode in force (after the kill switch) and the arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decision {
    /// `seam.rollout.mode` for the call.
    pub mode: Mode,
    /// What runs.
    pub arm: Arm,
}

impl Decision {
    /// Who serves the call, for `seam.rollout.decisions`' `seam.impl`.
    pub(crate) fn serves(&self) -> Serves {
        match self.arm {
            Arm::Baseline | Arm::Shadow => Serves::Baseline,
            Arm::Candidate => Serves::Candidate,
        }
    }
}

/// Shadow runs: their deadline, how many may run at once, and how long a call waits for
/// its shadow after the baseline returned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShadowLimits {
    pub(crate) deadline: Duration,
    pub(crate) max_in_flight: usize,
    pub(crate) wait: Duration,
}

/// What changes only under the lock: the window and the trip.
#[derive(Debug)]
struct State {
    window: Window,
    /// The flags' route when the kill switch tripped; `None` while it has not.
    tripped_at: Option<Route>,
}

/// Mismatches logged in the current minute, to keep the log to a sample.
#[derive(Debug)]
struct MismatchLog {
    per_minute: u32,
    minute: Mutex<(Instant, u32)>,
}

/// The untyped core of a rollout, shared with its poller and its shadow tasks.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) operation: Arc<str>,
    /// The sticky hash after the operation's part.
    pub(crate) seed: Seed,
    cell: RouteCell,
    flags: FlagReader,
    state: Mutex<State>,
    pub(crate) telemetry: Telemetry,
    pub(crate) shadow: ShadowLimits,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) candidate_timeout: Option<Duration>,
    pub(crate) runtime: tokio::runtime::Handle,
    mismatches: MismatchLog,
}

/// What [`Core::new`] takes.
pub(crate) struct CoreParts {
    pub(crate) operation: Arc<str>,
    pub(crate) flags: FlagReader,
    pub(crate) window: Window,
    pub(crate) telemetry: Telemetry,
    pub(crate) shadow: ShadowLimits,
    pub(crate) candidate_timeout: Option<Duration>,
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) mismatch_logs_per_minute: u32,
}

impl Core {
    pub(crate) fn new(parts: CoreParts) -> Self {
        Core {
            seed: Seed::new(&parts.operation),
            operation: parts.operation,
            cell: RouteCell::new(Route::BASELINE),
            flags: parts.flags,
            state: Mutex::new(State {
                window: parts.window,
                tripped_at: None,
            }),
            telemetry: parts.telemetry,
            shadow: parts.shadow,
            in_flight: AtomicUsize::new(0),
            candidate_timeout: parts.candidate_timeout,
            runtime: parts.runtime,
            mismatches: MismatchLog {
                per_minute: parts.mismatch_logs_per_minute,
                minute: Mutex::new((Instant::now(), 0)),
            },
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The route calls are served by now.
    pub(crate) fn route(&self) -> Route {
        self.cell.load().effective()
    }

    pub(crate) fn is_tripped(&self) -> bool {
        self.cell.load().tripped
    }

    /// The decision for a call whose sticky bucket `bucket` computes (`None`: no key).
    /// Reads one atomic word; the bucket is computed only when the route needs it.
    #[inline]
    pub(crate) fn decide(&self, bucket: impl FnOnce() -> Option<u16>) -> Decision {
        let route = self.cell.load().effective();
        let share = route.basis_points();
        let arm = match route.mode() {
            Mode::Baseline => Arm::Baseline,
            Mode::Candidate => Arm::Candidate,
            mode => {
                let sampled = share >= BASIS_POINTS
                    || (share > 0 && bucket().unwrap_or_else(random_bucket) < share);
                match (mode, sampled) {
                    (_, false) => Arm::Baseline,
                    (Mode::Shadow, true) => Arm::Shadow,
                    (_, true) => Arm::Candidate,
                }
            }
        };
        Decision {
            mode: route.mode(),
            arm,
        }
    }

    /// Reads the flags and applies their route. A tripped rollout stays on its baseline
    /// until the flags differ from what they were at the trip; then it is re-enabled with
    /// an empty window.
    pub(crate) async fn refresh(&self) {
        let route = self.flags.read().await;
        let mut state = self.lock();
        let now = self.cell.load();
        match state.tripped_at {
            Some(at) if at == route => return,
            Some(at) => {
                state.tripped_at = None;
                state.window.clear();
                tracing::info!(
                    target: "seam",
                    operation = %self.operation,
                    "seam: rollout re-enabled: its flags changed from {at} to {route}"
                );
            }
            None if now.route == route => return,
            // A fresh window for a new route: what the old one saw says nothing of it.
            None => state.window.clear(),
        }
        let next = Snapshot {
            route,
            tripped: false,
        };
        self.cell.store(next);
        self.telemetry.route(next.effective());
    }

    /// Records the state gauges as they are (at build).
    pub(crate) fn record_route(&self) {
        self.telemetry.route(self.route());
    }

    /// Counts one run in the window and trips the kill switch if a guardrail is crossed.
    pub(crate) fn record(&self, event: Event) {
        let mut state = self.lock();
        let now = self.cell.load();
        // Runs that end after a trip, or after the flags went back to the baseline
        // (late shadows), change nothing.
        if now.tripped || now.route.mode() == Mode::Baseline {
            return;
        }
        let Some(trip) = state.window.record(event) else {
            return;
        };
        state.tripped_at = Some(now.route);
        self.cell.store(Snapshot {
            route: now.route,
            tripped: true,
        });
        self.telemetry.tripped(trip.reason);
        self.telemetry.route(Route::BASELINE);
        tracing::warn!(
            target: "seam",
            operation = %self.operation,
            reason = trip.reason.as_str(),
            "seam: rollout tripped from {}: {}; serving the baseline until its flags change \
             or reset() is called",
            now.route,
            trip.why
        );
    }

    /// Re-enables a tripped rollout on the flags' route, with an empty window.
    pub(crate) fn reset(&self) {
        let mut state = self.lock();
        state.tripped_at = None;
        state.window.clear();
        let now = self.cell.load();
        if now.tripped {
            let next = Snapshot {
                route: now.route,
                tripped: false,
            };
            self.cell.store(next);
            self.telemetry.route(next.route);
        }
    }

    /// Whether one more mismatch may be logged this minute.
    pub(crate) fn may_log_mismatch(&self) -> bool {
        let mut minute = self
            .mismatches
            .minute
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if minute.0.elapsed() >= Duration::from_secs(60) {
            *minute = (Instant::now(), 0);
        }
        if minute.1 < self.mismatches.per_minute {
            minute.1 += 1;
            true
        } else {
            false
        }
    }
}

/// Refreshes `core`'s route from its flags every `interval`, until the rollout is gone.
pub(crate) fn spawn_poller(core: &Arc<Core>, interval: Duration) {
    let weak = Arc::downgrade(core);
    core.runtime.spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate, and build has just read the flags.
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let Some(core) = weak.upgrade() else {
                return;
            };
            core.refresh().await;
        }
    });
}
