//! Operation timing: `seam.operation.duration` plus a span per logical
//! operation, with `seam.impl=rust` and the role from the context.
//!
//! The hot path does no attribute work: each (operation, role) pair gets its
//! attribute set built once and its histogram series bound once. Names past
//! `seam.operation`'s cardinality limit fold into the overflow value and are
//! counted in `seam.operation.overflows`, as in the Go SDK.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use opentelemetry::context::FutureExt as _;
use opentelemetry::metrics::{BoundHistogram, Counter, Histogram, Meter};
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{Context, ContextGuard, KeyValue};

use crate::boundary::PANIC;
use crate::cardinality::Bounded;
use crate::pipeline::{self, Telemetry};
use crate::role::Role;
use crate::semconv::{attribute, enums, limits, metric};

/// The instruments and caches behind [`operation`], owned by the pipeline.
#[derive(Debug)]
pub(crate) struct Operations {
    duration: Histogram<f64>,
    overflows: Counter<u64>,
    overflow_attributes: [KeyValue; 1],
    names: Bounded<Arc<Kind>>,
    other: Arc<Kind>,
}

impl Operations {
    pub(crate) fn new(meter: &Meter) -> Self {
        let (unit, description) = pipeline::descriptor(metric::SEAM_OPERATION_DURATION);
        let duration = meter
            .f64_histogram(metric::SEAM_OPERATION_DURATION)
            .with_unit(unit)
            .with_description(description)
            .build();
        let (unit, description) = pipeline::descriptor(metric::SEAM_OPERATION_OVERFLOWS);
        let overflows = meter
            .u64_counter(metric::SEAM_OPERATION_OVERFLOWS)
            .with_unit(unit)
            .with_description(description)
            .build();
        Operations {
            other: Arc::new(Kind::new(limits::SEAM_OPERATION_OVERFLOW_VALUE, true)),
            duration,
            overflows,
            overflow_attributes: [KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST)],
            names: Bounded::new(limits::SEAM_OPERATION_CARDINALITY_LIMIT),
        }
    }

    /// The entry of `name`: names are admitted up to the schema's limit, the
    /// rest (and the empty name) fold into the overflow value.
    fn kind(&self, name: &str) -> Arc<Kind> {
        if name.is_empty() {
            return self.other.clone();
        }
        self.names
            .get_or_admit(name, |name| {
                // Leaked so that span names and attributes share it without
                // copying; the cardinality limit bounds the leak.
                let name: &'static str = Box::leak(name.into());
                Arc::new(Kind::new(name, false))
            })
            .unwrap_or_else(|| self.other.clone())
    }
}

/// One `seam.operation` value with its per-role attribute sets.
#[derive(Debug)]
struct Kind {
    name: &'static str,
    overflowed: bool,
    roles: [PerRole; 3],
}

/// What one (operation, role) pair records.
#[derive(Debug)]
struct PerRole {
    attributes: [KeyValue; 3],
    bound: OnceLock<BoundHistogram<f64>>,
    /// Up to the limit less one `error.type` series; the last is the
    /// fallback's, as in the Go SDK.
    errors: Bounded<Arc<ErrorSeries>>,
    other_error: OnceLock<Arc<ErrorSeries>>,
}

/// The series of one (operation, role, error.type).
#[derive(Debug)]
struct ErrorSeries {
    attribute: KeyValue,
    bound: BoundHistogram<f64>,
}

impl Kind {
    fn new(name: &'static str, overflowed: bool) -> Self {
        let per_role = |role: Role| PerRole {
            attributes: [
                KeyValue::new(attribute::SEAM_OPERATION, name),
                KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
                KeyValue::new(attribute::SEAM_ROLE, role.as_str()),
            ],
            bound: OnceLock::new(),
            errors: Bounded::new(limits::ERROR_TYPE_CARDINALITY_LIMIT.saturating_sub(1)),
            other_error: OnceLock::new(),
        };
        Kind {
            name,
            overflowed,
            roles: Role::ALL.map(per_role),
        }
    }
}

impl PerRole {
    fn success(&self, duration: &Histogram<f64>) -> &BoundHistogram<f64> {
        self.bound.get_or_init(|| duration.bind(&self.attributes))
    }

    fn error(&self, duration: &Histogram<f64>, error_type: &str) -> Arc<ErrorSeries> {
        let series = |error_type: &str| {
            let attribute = KeyValue::new(attribute::ERROR_TYPE, Arc::<str>::from(error_type));
            let [a, b, c] = &self.attributes;
            let bound = duration.bind(&[a.clone(), b.clone(), c.clone(), attribute.clone()]);
            Arc::new(ErrorSeries { attribute, bound })
        };
        let admitted = if error_type.is_empty() || error_type == limits::ERROR_TYPE_OVERFLOW_VALUE {
            None
        } else {
            self.errors.get_or_admit(error_type, series)
        };
        admitted.unwrap_or_else(|| {
            self.other_error
                .get_or_init(|| series(limits::ERROR_TYPE_OVERFLOW_VALUE))
                .clone()
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

    fn finish(self, error: Option<(&str, Cow<'static, str>)>) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let operations = &self.telemetry.operations;
        let per_role = &self.kind.roles[self.role.index()];
        let span = self.cx.span();
        match error {
            None => per_role.success(&operations.duration).record(elapsed),
            Some((error_type, description)) => {
                let series = per_role.error(&operations.duration, error_type);
                series.bound.record(elapsed);
                span.set_attribute(series.attribute.clone());
                span.set_status(Status::error(description));
            }
        }
        if self.kind.overflowed {
            operations.overflows.add(1, &operations.overflow_attributes);
        }
        span.end();
    }
}

/// The `error.type` and span status message of an `Err`: the error's type
/// name (semconv's rule for exceptions) and its message.
fn outcome<T, E: fmt::Display>(result: &Result<T, E>) -> Option<(&'static str, Cow<'static, str>)> {
    result
        .as_ref()
        .err()
        .map(|e| (std::any::type_name::<E>(), Cow::Owned(e.to_string())))
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
    /// `Err` sets `error.type` to the error's type name (semconv's rule for
    /// exceptions) and the span status to its message.
    pub fn end<T, E: fmt::Display>(mut self, result: Result<T, E>) -> Result<T, E> {
        if let Some(timing) = self.timing.take() {
            timing.finish(outcome(&result));
        }
        result
    }

    /// Ends the operation as failed with `error_type` (a short, bounded
    /// class such as `timeout`), which is also the span's status message.
    pub fn fail(mut self, error_type: &str) {
        if let Some(timing) = self.timing.take() {
            timing.finish(Some((error_type, Cow::Owned(error_type.to_owned()))));
        }
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        if let Some(timing) = self.timing.take() {
            // Dropped while unwinding: the operation did not succeed, whether
            // or not something up the stack catches the panic.
            if std::thread::panicking() {
                timing.finish(Some((PANIC, Cow::Borrowed(PANIC))));
            } else {
                timing.finish(None);
            }
        }
    }
}

/// What `error.type` a [`measure`]d future dropped before it finished
/// records, as the Go SDK names a canceled context.
const CANCELED: &str = "canceled";

/// Runs `future` as the operation `name`: its span (a child of the current
/// context) is current whenever the future is polled, on whatever thread,
/// and the outcome is recorded when it completes, as [`Operation::end`]
/// does. A future dropped before completing is recorded with
/// `error.type=canceled`. The returned future is `Send` when `future` is.
pub async fn measure<F, T, E>(name: &str, future: F) -> Result<T, E>
where
    F: Future<Output = Result<T, E>>,
    E: fmt::Display,
{
    struct Pending(Option<Timing>);
    impl Drop for Pending {
        fn drop(&mut self) {
            if let Some(timing) = self.0.take() {
                timing.finish(Some((CANCELED, Cow::Borrowed(CANCELED))));
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
    fn error_types_fold_past_the_limit_keeping_a_slot_for_the_fallback() {
        let meter = SdkMeterProvider::builder().build().meter("test");
        let duration = meter.f64_histogram("d").build();
        let kind = Kind::new("op", false);
        let per_role = &kind.roles[Role::Candidate.index()];
        let limit = limits::ERROR_TYPE_CARDINALITY_LIMIT;
        for i in 0..limit - 1 {
            let series = per_role.error(&duration, &format!("e{i}"));
            assert_eq!(series.attribute.value.as_str(), format!("e{i}"));
        }
        assert_eq!(
            per_role
                .error(&duration, "one.more")
                .attribute
                .value
                .as_str(),
            limits::ERROR_TYPE_OVERFLOW_VALUE
        );
        assert_eq!(
            per_role.error(&duration, "e0").attribute.value.as_str(),
            "e0"
        );
        assert_eq!(
            per_role.error(&duration, "").attribute.value.as_str(),
            limits::ERROR_TYPE_OVERFLOW_VALUE
        );
        // Cached: the same series, not a new binding.
        assert!(Arc::ptr_eq(
            &per_role.error(&duration, "e1"),
            &per_role.error(&duration, "e1")
        ));
    }
}
