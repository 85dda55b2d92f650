//! The kill switch: what the candidate did over a sliding window, and the guardrails
//! that drop an operation to its baseline when it did worse than allowed.

use std::fmt;
use std::time::{Duration, Instant};

use crate::error_class::ErrorClass;
use crate::semconv::{buckets, enums::seam_rollout_trip_reason};

/// Slots of a window: it slides by a tenth of its length.
const SLOTS: usize = 10;
/// Candidate calls a window needs before its p99 is judged.
const LATENCY_MIN_CALLS: u64 = 100;
/// Latency buckets: the schema's bounds, plus the one past the last.
const LATENCY_BUCKETS: usize = buckets::LATENCY.len() + 1;

/// Limits on what the candidate may do in a window before the rollout trips. `None`
/// turns a guardrail off.
#[derive(Debug, Clone, PartialEq)]
pub struct Guardrails {
    window: Duration,
    min_calls: u64,
    max_panics: Option<u64>,
    max_error_ratio_increase: Option<f64>,
    max_mismatch_ratio: Option<f64>,
    latency_budget: Option<Duration>,
}

impl Default for Guardrails {
    /// A 60 s window, 20 calls before a ratio is judged, more than 5 panics, an error
    /// ratio 0.05 above the baseline's, a mismatch ratio above 0.01; no latency budget.
    fn default() -> Self {
        Guardrails {
            window: Duration::from_secs(60),
            min_calls: 20,
            max_panics: Some(5),
            max_error_ratio_increase: Some(0.05),
            max_mismatch_ratio: Some(0.01),
            latency_budget: None,
        }
    }
}

impl Guardrails {
    /// Every guardrail off: the rollout never trips.
    pub fn disabled() -> Self {
        Guardrails {
            max_panics: None,
            max_error_ratio_increase: None,
            max_mismatch_ratio: None,
            latency_budget: None,
            ..Guardrails::default()
        }
    }

    /// The sliding window the limits apply to (10 slots of a tenth each).
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Calls (or shadow comparisons) a window needs before a ratio is judged.
    pub fn min_calls(mut self, calls: u64) -> Self {
        self.min_calls = calls;
        self
    }

    /// Trips when the candidate panics more often than this in a window, however few
    /// calls it had.
    pub fn max_panics(mut self, panics: Option<u64>) -> Self {
        self.max_panics = panics;
        self
    }

    /// Trips when the candidate's error ratio exceeds the baseline's by more than this
    /// (the baseline's taken as 0 while it had fewer than `min_calls` calls). Errors of
    /// class `invalid_input` and `canceled` are the caller's, not counted.
    pub fn max_error_ratio_increase(mut self, increase: Option<f64>) -> Self {
        self.max_error_ratio_increase = increase;
        self
    }

    /// Trips when more than this share of shadow comparisons mismatch.
    pub fn max_mismatch_ratio(mut self, ratio: Option<f64>) -> Self {
        self.max_mismatch_ratio = ratio;
        self
    }

    /// Trips when, over at least 100 candidate calls, the schema latency bucket holding
    /// their p99 starts at or above this.
    pub fn latency_budget(mut self, budget: Option<Duration>) -> Self {
        self.latency_budget = budget;
        self
    }

    /// What is wrong with these limits, if anything.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.window < Duration::from_millis(SLOTS as u64) {
            problems.push(format!("window {:?}: want at least 10 ms", self.window));
        }
        for (name, ratio) in [
            ("max_error_ratio_increase", self.max_error_ratio_increase),
            ("max_mismatch_ratio", self.max_mismatch_ratio),
        ] {
            if ratio.is_some_and(|r| r.is_nan() || r < 0.0) {
                problems.push(format!("{name} {ratio:?}: want a number from 0"));
            }
        }
        problems
    }
}

/// Why the kill switch tripped (`seam.rollout.trip.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TripReason {
    /// More candidate panics in the window than allowed.
    Panics,
    /// The candidate's error ratio exceeded the baseline's by more than allowed.
    ErrorRatio,
    /// The shadow mismatch ratio exceeded its limit.
    MismatchRatio,
    /// The candidate's p99 exceeded its budget.
    Latency,
}

impl TripReason {
    /// Every reason, in declaration order.
    pub const ALL: [TripReason; 4] = [
        TripReason::Panics,
        TripReason::ErrorRatio,
        TripReason::MismatchRatio,
        TripReason::Latency,
    ];

    /// The schema's value.
    pub fn as_str(self) -> &'static str {
        match self {
            TripReason::Panics => seam_rollout_trip_reason::PANICS,
            TripReason::ErrorRatio => seam_rollout_trip_reason::ERROR_RATIO,
            TripReason::MismatchRatio => seam_rollout_trip_reason::MISMATCH_RATIO,
            TripReason::Latency => seam_rollout_trip_reason::LATENCY,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for TripReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A trip: its reason and what the window held.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trip {
    pub(crate) reason: TripReason,
    pub(crate) why: String,
}

/// One run of an implementation, as the window counts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// The baseline ran (as the baseline or as the fallback), with its error class.
    Baseline(Option<ErrorClass>),
    /// The candidate ran (serving or as a shadow) for this long, with its error class
    /// (`panic` and `timeout` included).
    Candidate(Duration, Option<ErrorClass>),
    /// A shadow comparison came out equal (`true`) or not.
    Compared(bool),
}

/// Counts of one slot, or of the whole window.
#[derive(Debug, Clone, Copy)]
struct Counts {
    baseline_calls: u64,
    baseline_errors: u64,
    candidate_calls: u64,
    candidate_errors: u64,
    candidate_panics: u64,
    matches: u64,
    mismatches: u64,
    latency: [u64; LATENCY_BUCKETS],
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            baseline_calls: 0,
            baseline_errors: 0,
            candidate_calls: 0,
            candidate_errors: 0,
            candidate_panics: 0,
            matches: 0,
            mismatches: 0,
            latency: [0; LATENCY_BUCKETS],
        }
    }
}

/// An error that counts against an implementation: not the caller's.
fn counts_as_error(class: Option<ErrorClass>) -> bool {
    !matches!(
        class,
        None | Some(ErrorClass::InvalidInput | ErrorClass::Canceled)
    )
}

impl Counts {
    /// Adds (`sign` 1) or removes (-1, a slot leaving the window) `other`.
    fn merge(&mut self, other: &Counts, add: bool) {
        let apply = |total: &mut u64, n: u64| {
            *total = if add {
                total.saturating_add(n)
            } else {
                total.saturating_sub(n)
            }
        };
        apply(&mut self.baseline_calls, other.baseline_calls);
        apply(&mut self.baseline_errors, other.baseline_errors);
        apply(&mut self.candidate_calls, other.candidate_calls);
        apply(&mut self.candidate_errors, other.candidate_errors);
        apply(&mut self.candidate_panics, other.candidate_panics);
        apply(&mut self.matches, other.matches);
        apply(&mut self.mismatches, other.mismatches);
        for (total, n) in self.latency.iter_mut().zip(other.latency) {
            apply(total, n);
        }
    }

    fn record(&mut self, event: Event) {
        match event {
            Event::Baseline(class) => {
                self.baseline_calls += 1;
                self.baseline_errors += u64::from(counts_as_error(class));
            }
            Event::Candidate(took, class) => {
                self.candidate_calls += 1;
                self.candidate_errors += u64::from(counts_as_error(class));
                self.candidate_panics += u64::from(class == Some(ErrorClass::Panic));
                let seconds = took.as_secs_f64();
                let bucket = buckets::LATENCY.partition_point(|&bound| bound < seconds);
                self.latency[bucket] += 1;
            }
            Event::Compared(true) => self.matches += 1,
            Event::Compared(false) => self.mismatches += 1,
        }
    }
}

/// What the candidate and baseline did over the last window, in slots.
#[derive(Debug)]
pub(crate) struct Window {
    limits: Guardrails,
    started: Instant,
    slot_length: Duration,
    slots: [Counts; SLOTS],
    totals: Counts,
    /// The slot number (time since `started` over the slot length) last written.
    current: u64,
}

impl Window {
    pub(crate) fn new(limits: Guardrails) -> Self {
        Window {
            slot_length: limits.window / SLOTS as u32,
            limits,
            started: Instant::now(),
            slots: [Counts::default(); SLOTS],
            totals: Counts::default(),
            current: 0,
        }
    }

    /// Forgets everything: what re-enabling a tripped rollout does, so that failures from
    /// before cannot trip it again.
    pub(crate) fn clear(&mut self) {
        *self = Window::new(self.limits.clone());
    }

    /// Counts `event` and returns the trip it causes, if any.
    pub(crate) fn record(&mut self, event: Event) -> Option<Trip> {
        self.advance(Instant::now());
        let slot = (self.current % SLOTS as u64) as usize;
        let mut one = Counts::default();
        one.record(event);
        self.slots[slot].merge(&one, true);
        self.totals.merge(&one, true);
        self.check(event)
    }

    /// Moves the window on to `now`, emptying the slots it passed.
    fn advance(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.started);
        let slot_nanos = self.slot_length.as_nanos().max(1);
        let now_slot = (elapsed.as_nanos() / slot_nanos) as u64;
        let passed = now_slot.saturating_sub(self.current).min(SLOTS as u64);
        for k in 1..=passed {
            let index = ((self.current + k) % SLOTS as u64) as usize;
            let old = std::mem::take(&mut self.slots[index]);
            self.totals.merge(&old, false);
        }
        self.current = self.current.max(now_slot);
    }

    /// The guardrail `event` may have crossed.
    fn check(&self, event: Event) -> Option<Trip> {
        let t = &self.totals;
        let g = &self.limits;
        match event {
            Event::Candidate(..) | Event::Baseline(_) => {}
            Event::Compared(_) => return self.mismatch_trip(),
        }
        if let Some(max) = g.max_panics {
            if t.candidate_panics > max {
                return Some(Trip {
                    reason: TripReason::Panics,
                    why: format!(
                        "{} candidate panics in {:?}, more than {max}",
                        t.candidate_panics, g.window
                    ),
                });
            }
        }
        if let Some(max) = g.max_error_ratio_increase {
            if t.candidate_calls >= g.min_calls && t.candidate_calls > 0 {
                let candidate = t.candidate_errors as f64 / t.candidate_calls as f64;
                let baseline = if t.baseline_calls >= g.min_calls && t.baseline_calls > 0 {
                    t.baseline_errors as f64 / t.baseline_calls as f64
                } else {
                    0.0
                };
                if candidate - baseline > max {
                    return Some(Trip {
                        reason: TripReason::ErrorRatio,
                        why: format!(
                            "candidate error ratio {candidate:.3} ({} of {}) against the \
                             baseline's {baseline:.3} in {:?}, more than {max} above it",
                            t.candidate_errors, t.candidate_calls, g.window
                        ),
                    });
                }
            }
        }
        self.latency_trip()
    }

    fn mismatch_trip(&self) -> Option<Trip> {
        let t = &self.totals;
        let max = self.limits.max_mismatch_ratio?;
        let compared = t.matches + t.mismatches;
        if compared < self.limits.min_calls || compared == 0 {
            return None;
        }
        let ratio = t.mismatches as f64 / compared as f64;
        (ratio > max).then(|| Trip {
            reason: TripReason::MismatchRatio,
            why: format!(
                "shadow mismatch ratio {ratio:.3} ({} of {compared}) in {:?}, more than {max}",
                t.mismatches, self.limits.window
            ),
        })
    }

    fn latency_trip(&self) -> Option<Trip> {
        let budget = self.limits.latency_budget?.as_secs_f64();
        let t = &self.totals;
        if t.candidate_calls < LATENCY_MIN_CALLS {
            return None;
        }
        // The bucket holding the call of rank ceil(0.99 n).
        let rank = (t.candidate_calls * 99).div_ceil(100);
        let mut seen = 0;
        let bucket = t.latency.iter().position(|&n| {
            seen += n;
            seen >= rank
        })?;
        // A bucket's lower bound is the bound before it; the first starts at 0.
        let lower = bucket
            .checked_sub(1)
            .and_then(|i| buckets::LATENCY.get(i))
            .copied()
            .unwrap_or(0.0);
        (bucket > 0 && lower >= budget).then(|| Trip {
            reason: TripReason::Latency,
            why: format!(
                "candidate p99 at or above {lower} s over {} calls in {:?}, budget {budget} s",
                t.candidate_calls, self.limits.window
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(class: Option<ErrorClass>) -> Event {
        Event::Candidate(Duration::from_micros(50), class)
    }

    #[test]
    fn panics_trip_without_min_calls() {
        let mut w = Window::new(Guardrails::default());
        for _ in 0..5 {
            assert_eq!(w.record(candidate(Some(ErrorClass::Panic))), None);
        }
        let trip = w
            .record(candidate(Some(ErrorClass::Panic)))
            .expect("the sixth");
        assert_eq!(trip.reason, TripReason::Panics);
    }

    #[test]
    fn error_ratio_is_against_the_baselines_and_ignores_the_callers_errors() {
        let mut w = Window::new(Guardrails::default().max_panics(None));
        // Both fail as often: no trip.
        for i in 0..40 {
            let class = (i % 2 == 0).then_some(ErrorClass::Unavailable);
            assert_eq!(w.record(Event::Baseline(class)), None);
            assert_eq!(w.record(candidate(class)), None);
        }
        // Bad input fails the candidate but is not its fault.
        for _ in 0..40 {
            assert_eq!(w.record(candidate(Some(ErrorClass::InvalidInput))), None);
        }
        w.clear();
        // Below min_calls nothing is judged; at 20 the candidate fails alone.
        for _ in 0..19 {
            assert_eq!(w.record(candidate(Some(ErrorClass::Internal))), None);
        }
        let trip = w
            .record(candidate(Some(ErrorClass::Internal)))
            .expect("at 20");
        assert_eq!(trip.reason, TripReason::ErrorRatio);
    }

    #[test]
    fn mismatch_ratio_needs_min_comparisons() {
        let mut w = Window::new(Guardrails::default());
        for _ in 0..19 {
            assert_eq!(w.record(Event::Compared(false)), None);
        }
        let trip = w.record(Event::Compared(false)).expect("at 20");
        assert_eq!(trip.reason, TripReason::MismatchRatio);
    }

    #[test]
    fn latency_judges_the_p99_bucket_over_100_calls() {
        let limits = Guardrails::disabled().latency_budget(Some(Duration::from_millis(10)));
        let mut w = Window::new(limits);
        for _ in 0..98 {
            assert_eq!(
                w.record(Event::Candidate(Duration::from_millis(1), None)),
                None
            );
        }
        // 2 of 100 slow: the p99 is slow.
        assert_eq!(
            w.record(Event::Candidate(Duration::from_millis(20), None)),
            None
        );
        let trip = w
            .record(Event::Candidate(Duration::from_millis(20), None))
            .expect("at 100 calls");
        assert_eq!(trip.reason, TripReason::Latency);
    }

    #[test]
    fn old_slots_leave_the_window() {
        let mut w = Window::new(Guardrails::default().window(Duration::from_millis(100)));
        for _ in 0..5 {
            w.record(candidate(Some(ErrorClass::Panic)));
        }
        std::thread::sleep(Duration::from_millis(120));
        // The five are gone: one more is not a sixth.
        assert_eq!(w.record(candidate(Some(ErrorClass::Panic))), None);
        assert_eq!(w.totals.candidate_panics, 1);
    }
}
