//! A rollout's metrics, with every attribute set built once, when the rollout is: the
//! decisions, shadow comparisons and trips as counters bound on first use (so a series
//! appears only once it counts something), and the state and candidate-share gauges.

use std::sync::{Arc, OnceLock};

use opentelemetry::metrics::{BoundCounter, Counter, Gauge, Meter};
use opentelemetry::KeyValue;

use super::guard::TripReason;
use super::mode::{Mode, Route};
use super::shadow::Outcome;
use crate::semconv::{attribute, enums, instruments};

/// A counter series, its attributes built up front and its binding made on first use.
#[derive(Debug)]
struct Series {
    attributes: Vec<KeyValue>,
    bound: OnceLock<BoundCounter<u64>>,
}

impl Series {
    fn new(attributes: Vec<KeyValue>) -> Self {
        Series {
            attributes,
            bound: OnceLock::new(),
        }
    }

    fn add(&self, counter: &Counter<u64>) {
        self.bound
            .get_or_init(|| counter.bind(&self.attributes))
            .add(1);
    }
}

/// Which implementation serves a call (`seam.impl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Serves {
    /// The baseline (Go): baseline and shadow modes, canary's baseline arm.
    Baseline,
    /// The candidate (Rust), with the baseline as its fallback.
    Candidate,
}

/// The instruments of one rollout.
#[derive(Debug)]
pub(crate) struct Telemetry {
    decisions: Counter<u64>,
    /// By mode, then baseline and candidate.
    decision_series: [[Series; 2]; Mode::ALL.len()],
    comparisons: Counter<u64>,
    comparison_series: [Series; Outcome::ALL.len()],
    trips: Counter<u64>,
    trip_series: [Series; TripReason::ALL.len()],
    state: Gauge<f64>,
    state_attributes: [[KeyValue; 2]; Mode::ALL.len()],
    share: Gauge<f64>,
    share_attributes: [KeyValue; 1],
}

impl Telemetry {
    pub(crate) fn new(meter: &Meter, operation: &Arc<str>) -> Self {
        let op = || KeyValue::new(attribute::SEAM_OPERATION, operation.clone());
        let mode = |m: Mode| KeyValue::new(attribute::SEAM_ROLLOUT_MODE, m.as_str());
        let decision = |m: Mode| {
            [enums::seam_impl::GO, enums::seam_impl::RUST]
                .map(|i| Series::new(vec![op(), mode(m), KeyValue::new(attribute::SEAM_IMPL, i)]))
        };
        Telemetry {
            decisions: instruments::seam_rollout_decisions(meter),
            decision_series: Mode::ALL.map(decision),
            comparisons: instruments::seam_rollout_shadow_comparisons(meter),
            comparison_series: Outcome::ALL.map(|o| {
                Series::new(vec![
                    op(),
                    KeyValue::new(attribute::SEAM_SHADOW_OUTCOME, o.as_str()),
                ])
            }),
            trips: instruments::seam_rollout_trips(meter),
            trip_series: TripReason::ALL.map(|r| {
                Series::new(vec![
                    op(),
                    KeyValue::new(attribute::SEAM_ROLLOUT_TRIP_REASON, r.as_str()),
                ])
            }),
            state: instruments::seam_rollout_state(meter),
            state_attributes: Mode::ALL.map(|m| [op(), mode(m)]),
            share: instruments::seam_rollout_candidate_share(meter),
            share_attributes: [op()],
        }
    }

    /// One routing decision: `mode` (after the kill switch) and who serves.
    pub(crate) fn decided(&self, mode: Mode, serves: Serves) {
        let column = match serves {
            Serves::Baseline => 0,
            Serves::Candidate => 1,
        };
        self.decision_series[mode.index()][column].add(&self.decisions);
    }

    pub(crate) fn compared(&self, outcome: Outcome) {
        self.comparison_series[outcome.index()].add(&self.comparisons);
    }

    pub(crate) fn tripped(&self, reason: TripReason) {
        self.trip_series[reason.index()].add(&self.trips);
    }

    /// The route calls are served by now: 1 for its mode and 0 for the others, and the
    /// candidate's share.
    pub(crate) fn route(&self, route: Route) {
        for mode in Mode::ALL {
            let on = if mode == route.mode() { 1.0 } else { 0.0 };
            self.state.record(on, &self.state_attributes[mode.index()]);
        }
        self.share
            .record(route.candidate_share(), &self.share_attributes);
    }
}
