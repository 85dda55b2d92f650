//! Operation timing: `seam.operation.duration` plus a span per logical
//! operation, with `seam.impl=rust` and the role from the context.
//!
//! The hot path does no attribute work: each (operation, role) pair gets its
//! attribute set built once and its histogram series bound once. Names past
//! `seam.operation`'s cardinality limit, and names outside its grammar, fold
//! into the overflow value and are counted in `seam.operation.overflows` by
//! reason, with a warning the first time each happens, as in the Go SDK.
//! `error.type` is always one of the schema's [`ErrorClass`]es.
//!
//! Over 400 lines on purpose: the guard, the async measure and the per-name
//! caches share private types (`Kind`, `Timing`, `Failure`) that a split would
//! have to widen to the whole crate.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use opentelemetry::context::FutureExt as _;
use opentelemetry::metrics::{BoundHistogram, Counter, Histogram, Meter};
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{Context, ContextGuard, KeyValue};

use crate::cardinality::Bounded;
use crate::error_class::{Classify, ErrorClass};
use crate::pipeline::{self, Telemetry};
use crate::role::Role;
use crate::semconv::{attribute, enums, instruments, limits, metric};

/// The instruments and caches behind [`operation`], owned by the pipeline.
#[derive(Debug)]
pub(crate) struct Operations {
    duration: Histogram<f64>,
    overflows: Counter<u64>,
    names: Bounded<Arc<Kind>>,
    /// The overflow value, for names past the limit and for invalid names:
    /// one series, counted by reason.
    past_limit: Arc<Kind>,
    invalid: Arc<Kind>,
    warned_limit: AtomicBool,
    warned_invalid: AtomicBool,
}

impl Operations {
    pub(crate) fn new(meter: &Meter) -> Self {
        let duration = instruments::seam_operation_duration(meter);
        let overflows = instruments::seam_operation_overflows(meter);
        let overflow = |reason| {
            Arc::new(Kind::new(
                limits::SEAM_OPERATION_OVERFLOW_VALUE,
                Some([
                    KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
                    KeyValue::new(attribute::SEAM_OVERFLOW_REASON, reason),
                ]),
            ))
        };
        // So that an operation a panic ends can say what it said and where.
        crate::panic::install_hook();
        Operations {
            past_limit: overflow(enums::seam_overflow_reason::CARDINALITY_LIMIT),
            invalid: overflow(enums::seam_overflow_reason::INVALID_NAME),
            warned_limit: AtomicBool::new(false),
            warned_invalid: AtomicBool::new(false),
            duration,
            overflows,
            names: Bounded::new(limits::SEAM_OPERATION_CARDINALITY_LIMIT),
        }
    }

    /// The entry of `name`: valid names are admitted up to the schema's
    /// limit; the rest, and names outside the grammar, fold into the
    /// overflow value.
    fn kind(&self, name: &str) -> Arc<Kind> {
        // Admitted names were valid when admitted: the grammar is checked
        // only on a miss, off the steady-state path.
        if let Some(kind) = self.names.get(name) {
            return kind;
        }
        if !valid_name(name) {
            if !self.warned_invalid.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    target: "seam",
                    operation = %name.escape_debug().to_string().chars().take(64).collect::<String>(),
                    "seam: operation name outside the schema's grammar ({}, at most {} bytes); \
                     recorded as {} and counted in {}, without another warning",
                    limits::SEAM_OPERATION_VALUE_PATTERN,
                    limits::SEAM_OPERATION_MAX_LENGTH,
                    limits::SEAM_OPERATION_OVERFLOW_VALUE,
                    metric::SEAM_OPERATION_OVERFLOWS,
                );
            }
            return self.invalid.clone();
        }
        self.names
            .get_or_admit(name, |name| {
                // Leaked so that span names and attributes share it without
                // copying; the cardinality limit bounds the leak.
                let name: &'static str = Box::leak(name.into());
                Arc::new(Kind::new(name, None))
            })
            .unwrap_or_else(|| {
                if !self.warned_limit.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        target: "seam",
                        "seam: more than {} distinct operation names; new names are recorded \
                         as {} and counted in {}, without another warning",
                        limits::SEAM_OPERATION_CARDINALITY_LIMIT,
                        limits::SEAM_OPERATION_OVERFLOW_VALUE,
                        metric::SEAM_OPERATION_OVERFLOWS,
                    );
                }
                self.past_limit.clone()
            })
    }
}

/// Whether `name` is within the schema's grammar for `seam.operation`.
pub(crate) fn valid_name(name: &str) -> bool {
    static GRAMMAR: OnceLock<Option<regex::Regex>> = OnceLock::new();
    name.len() <= limits::SEAM_OPERATION_MAX_LENGTH
        && GRAMMAR
            .get_or_init(|| regex::Regex::new(limits::SEAM_OPERATION_VALUE_PATTERN).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(name))
}

/// One `seam.operation` value with its per-role attribute sets.
#[derive(Debug)]
struct Kind {
    name: &'static str,
    /// For the overflow value: what `seam.operation.overflows` counts it by.
    overflow: Option<[KeyValue; 2]>,
    roles: [PerRole; Role::ALL.len()],
}

/// What one (operation, role) pair records.
#[derive(Debug)]
struct PerRole {
    attributes: [KeyValue; 3],
    bound: OnceLock<BoundHistogram<f64>>,
    /// One series per error class, bound on first use.
    errors: [OnceLock<ErrorSeries>; ErrorClass::ALL.len()],
}

/// The series of one (operation, role, error.type).
#[derive(Debug)]
struct ErrorSeries {
    attribute: KeyValue,
    bound: BoundHistogram<f64>,
}

impl Kind {
    fn new(name: &'static str, overflow: Option<[KeyValue; 2]>) -> Self {
        let per_role = |role: Role| PerRole {
            attributes: [
                KeyValue::new(attribute::SEAM_OPERATION, name),
                KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
                KeyValue::new(attribute::SEAM_ROLE, role.as_str()),
            ],
            bound: OnceLock::new(),
            errors: Default::default(),
        };
        Kind {
            name,
            overflow,
            roles: Role::ALL.map(per_role),
        }
    }
}

impl PerRole {
    fn success(&self, duration: &Histogram<f64>) -> &BoundHistogram<f64> {
        self.bound.get_or_init(|| duration.bind(&self.attributes))
    }

    fn error(&self, duration: &Histogram<f64>, class: ErrorClass) -> &ErrorSeries {
        self.errors[class.index()].get_or_init(|| {
            let attribute = KeyValue::new(attribute::ERROR_TYPE, class.as_str());
            let [a, b, c] = &self.attributes;
            let bound = duration.bind(&[a.clone(), b.clone(), c.clone(), attribute.clone()]);
            ErrorSeries { attribute, bound }
        })
    }
}

/// Starts an operation named `name` as a child of the current context and
/// makes its span current until it ends. See [`Operation`].
pub fn operation(name: &str) -> Operation {
    start(name, &Context::current(), None)
}

/// A pre-resolved operation name, for hot loops: [`OperationHandle::start`]
/// skips the name lookup that [`operation`] does.
#[derive(Debug, Clone)]
pub struct OperationHandle {
    name: Arc<str>,
    kind: Arc<OnceLock<Arc<Kind>>>,
}

impl OperationHandle {
    /// A handle for `name`. Cheap; resolution happens on the first start
    /// after [`crate::init`].
    pub fn new(name: &str) -> Self {
        OperationHandle {
            name: Arc::from(name),
            kind: Arc::new(OnceLock::new()),
        }
    }

    /// Starts the operation under the current context.
    pub fn start(&self) -> Operation {
        self.start_with_parent(&Context::current())
    }

    /// Starts the operation as a child of `parent` (for a parent from a
    /// carrier, such as a remote caller's span).
    pub fn start_with_parent(&self, parent: &Context) -> Operation {
        let kind = pipeline::telemetry().map(|t| {
            self.kind
                .get_or_init(|| t.operations.kind(&self.name))
                .clone()
        });
        start(&self.name, parent, kind)
    }
}

fn start(name: &str, parent: &Context, kind: Option<Arc<Kind>>) -> Operation {
    let timing = Timing::begin(name, parent, kind);
    // Made current only after the span started, and restored (by dropping
    // the guard) only after it ended.
    let attached = timing.as_ref().map(|t| t.cx.clone().attach());
    Operation {
        timing,
        _attached: attached,
    }
}

/// What an operation records, separate from making its span current so
/// that an async operation can carry it across threads.
struct Timing {
    telemetry: &'static Telemetry,
    kind: Arc<Kind>,
    role: Role,
    started: Instant,
    cx: Context,
}

impl Timing {
    /// `None` before [`crate::init`].
    fn begin(name: &str, parent: &Context, kind: Option<Arc<Kind>>) -> Option<Timing> {
        let telemetry = pipeline::telemetry()?;
        let kind = kind.unwrap_or_else(|| telemetry.operations.kind(name));
        let role = Role::from_context(parent).unwrap_or(telemetry.role);
        // The span is named like the series: an overflowed name becomes the
        // overflow value there too, as in the Go SDK.
        let span = telemetry
            .tracer
            .span_builder(kind.name)
            .with_kind(SpanKind::Internal)
            .with_attributes(kind.roles[role.index()].attributes.to_vec())
            .start_with_context(&telemetry.tracer, parent);
        Some(Timing {
            telemetry,
            kind,
            role,
            started: Instant::now(),
            cx: parent.with_span(span),
        })
    }

    fn finish(self, error: Option<Failure>) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let operations = &self.telemetry.operations;
        let per_role = &self.kind.roles[self.role.index()];
        let span = self.cx.span();
        match error {
            None => per_role.success(&operations.duration).record(elapsed),
            Some(failure) => {
                let series = per_role.error(&operations.duration, failure.class);
                series.bound.record(elapsed);
                span.set_attribute(series.attribute.clone());
                if let Some(type_name) = failure.type_name {
                    // The class compares across languages; the Rust type helps
                    // whoever reads this one span.
                    span.set_attribute(KeyValue::new("exception.type", type_name));
                }
                span.set_status(Status::error(failure.description));
            }
        }
        if let Some(attributes) = &self.kind.overflow {
            operations.overflows.add(1, attributes);
        }
        span.end();
    }
}

/// How an operation failed.
struct Failure {
    class: ErrorClass,
    /// The span's status message.
    description: Cow<'static, str>,
    /// The Rust type of the error, for the span's `exception.type`.
    type_name: Option<&'static str>,
}

impl Failure {
    fn class(class: ErrorClass) -> Failure {
        Failure {
            class,
            description: Cow::Borrowed(class.as_str()),
            type_name: None,
        }
    }
}

/// How an `Err` failed: its class, message and type name.
fn outcome<T, E: fmt::Display + Classify>(result: &Result<T, E>) -> Option<Failure> {
    result.as_ref().err().map(|e| Failure {
        class: e.error_class(),
        description: Cow::Owned(e.to_string()),
        type_name: Some(std::any::type_name::<E>()),
    })
}

/// A running operation. Dropping it records a success; [`Operation::end`]
/// and [`Operation::fail`] record the outcome explicitly.
///
/// Its span is the current context until it ends, on the thread that
/// started it, so the guard is not `Send`: in async code use [`measure`].
/// Before [`crate::init`] (or in a process that never calls it) operations
/// cost almost nothing and record nothing.
#[must_use = "an operation is measured until it is dropped or ended"]
pub struct Operation {
    timing: Option<Timing>,
    _attached: Option<ContextGuard>,
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.timing {
            Some(t) => f
                .debug_struct("Operation")
                .field("name", &t.kind.name)
                .field("role", &t.role)
                .finish_non_exhaustive(),
            None => f.write_str("Operation(disabled)"),
        }
    }
}

impl Operation {
    /// The context holding this operation's span (and the parent's baggage),
    /// to hand to work that runs elsewhere.
    pub fn context(&self) -> Context {
        self.timing
            .as_ref()
            .map_or_else(Context::current, |t| t.cx.clone())
    }

    /// Ends the operation with `result`'s outcome and returns `result`. An
    /// `Err` sets `error.type` to the error's [`Classify`] class, the span's
    /// `exception.type` to its Rust type and the span status to its message.
    pub fn end<T, E: fmt::Display + Classify>(mut self, result: Result<T, E>) -> Result<T, E> {
        if let Some(timing) = self.timing.take() {
            timing.finish(outcome(&result));
        }
        result
    }

    /// Ends the operation as failed with `class`, which is also the span's
    /// status message.
    pub fn fail(mut self, class: ErrorClass) {
        if let Some(timing) = self.timing.take() {
            timing.finish(Some(Failure::class(class)));
        }
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        if let Some(timing) = self.timing.take() {
            // Dropped while unwinding: the operation did not succeed, whether
            // or not something up the stack catches the panic.
            if std::thread::panicking() {
                let mut failure = Failure::class(ErrorClass::Panic);
                if let Some(report) = crate::panic::current() {
                    failure.description = Cow::Owned(format!("panic: {report}"));
                }
                timing.finish(Some(failure));
            } else {
                timing.finish(None);
            }
        }
    }
}

/// Runs `future` as the operation `name`: its span (a child of the current
/// context) is current whenever the future is polled, on whatever thread,
/// and the outcome is recorded when it completes, as [`Operation::end`]
/// does. A future dropped before completing is recorded with
/// `error.type=canceled`, as Go records a canceled context. The returned
/// future is `Send` when `future` is.
pub async fn measure<F, T, E>(name: &str, future: F) -> Result<T, E>
where
    F: Future<Output = Result<T, E>>,
    E: fmt::Display + Classify,
{
    struct Pending(Option<Timing>);
    impl Drop for Pending {
        fn drop(&mut self) {
            if let Some(timing) = self.0.take() {
                timing.finish(Some(Failure::class(ErrorClass::Canceled)));
            }
        }
    }

    let mut pending = Pending(Timing::begin(name, &Context::current(), None));
    let cx = pending
        .0
        .as_ref()
        .map_or_else(Context::current, |t| t.cx.clone());
    let result = future.with_context(cx).await;
    if let Some(timing) = pending.0.take() {
        timing.finish(outcome(&result));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::SdkMeterProvider;

    #[test]
    fn one_series_per_error_class() {
        let meter = SdkMeterProvider::builder().build().meter("test");
        let duration = meter.f64_histogram("d").build();
        let kind = Kind::new("op", None);
        let per_role = &kind.roles[Role::Candidate.index()];
        for class in ErrorClass::ALL {
            let series = per_role.error(&duration, class);
            assert_eq!(series.attribute.value.as_str(), class.as_str());
            // Cached: the same series, not a new binding.
            assert!(std::ptr::eq(series, per_role.error(&duration, class)));
        }
    }

    /// Every name of the shared case file, which the Go suite checks too.
    #[test]
    fn the_operation_name_grammar() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schema/testdata/parity/operation-names.json"
        );
        let raw = std::fs::read_to_string(path).expect("the case file");
        let cases: serde_json::Value = serde_json::from_str(&raw).expect("JSON");
        let name = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => {
                let times = other["times"].as_u64().expect("times") as usize;
                other["repeat"].as_str().expect("repeat").repeat(times)
            }
        };
        for (group, want) in [("valid", true), ("invalid", false)] {
            let names = cases[group].as_array().expect("a list");
            assert!(!names.is_empty(), "no {group} names");
            for n in names.iter().map(name) {
                assert_eq!(valid_name(&n), want, "{n:?} should be {group}");
            }
        }
    }
}
