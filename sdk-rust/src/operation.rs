//! Operation timing: `seam.operation.duration` plus a span per logical
//! operation, with `seam.impl=rust` and the role from the context.
//!
//! The hot path does no attribute work: each (operation, role) pair gets its
//! attribute set built once and its histogram series bound once. Names past
//! `seam.operation`'s cardinality limit fold into the overflow value and are
//! counted in `seam.operation.overflows`, as in the Go SDK.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use opentelemetry::metrics::{BoundHistogram, Counter, Histogram, Meter};
use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{Context, ContextGuard, KeyValue};

use crate::cardinality::Bounded;
use crate::pipeline::{self, Telemetry};
use crate::role::Role;
use crate::semconv::{attribute, enums, limits, metric};

/// What `error.type` values past their cardinality limit become. The schema
/// gives no overflow value for `error.type`; this is OpenTelemetry's
/// fallback value for it.
const ERROR_TYPE_OVERFLOW_VALUE: &str = "_OTHER";

/// The instruments and caches behind [`operation`], owned by the pipeline.
#[derive(Debug)]
pub(crate) struct Operations {
    duration: Histogram<f64>,
    overflows: Counter<u64>,
    overflow_attributes: [KeyValue; 1],
    names: Bounded<Arc<Kind>>,
    other: Arc<Kind>,
    error_types: Bounded<&'static str>,
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
            error_types: Bounded::new(limits::ERROR_TYPE_CARDINALITY_LIMIT),
        }
    }

    fn kind(&self, name: &str) -> Arc<Kind> {
        self.names
            .get_or_admit(name, |name| Arc::new(Kind::new(name, false)))
            .unwrap_or_else(|| self.other.clone())
    }

    fn error_type(&self, error_type: &str) -> &'static str {
        self.error_types
            .get_or_admit(error_type, |e| e)
            .unwrap_or(ERROR_TYPE_OVERFLOW_VALUE)
    }
}

/// One `seam.operation` value with its per-role attribute sets.
#[derive(Debug)]
struct Kind {
    name: &'static str,
    overflowed: bool,
    roles: [PerRole; 3],
}

#[derive(Debug)]
struct PerRole {
    attributes: [KeyValue; 3],
    bound: OnceLock<BoundHistogram<f64>>,
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
        };
        Kind {
            name,
            overflowed,
            roles: Role::ALL.map(per_role),
        }
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
        let kind = pipeline::telemetry().map(|t| self.kind.get_or_init(|| t.operations.kind(&self.name)).clone());
        start(&self.name, parent, kind)
    }
}

fn start(name: &str, parent: &Context, kind: Option<Arc<Kind>>) -> Operation {
    let Some(telemetry) = pipeline::telemetry() else {
        return Operation { active: None };
    };
    let kind = kind.unwrap_or_else(|| telemetry.operations.kind(name));
    let role = Role::from_context(parent).unwrap_or(telemetry.role);
    // Spans have no cardinality problem, so an overflowed operation keeps
    // its real name there; only its attributes fold.
    let span_name: Cow<'static, str> = if kind.overflowed {
        Cow::Owned(name.to_owned())
    } else {
        Cow::Borrowed(kind.name)
    };
    let span = telemetry
        .tracer
        .span_builder(span_name)
        .with_kind(SpanKind::Internal)
        .with_attributes(kind.roles[role.index()].attributes.to_vec())
        .start_with_context(&telemetry.tracer, parent);
    let cx = parent.with_span(span);
    let attached = cx.clone().attach();
    Operation {
        active: Some(Active {
            telemetry,
            kind,
            role,
            started: Instant::now(),
            cx,
            _attached: attached,
        }),
    }
}

/// A running operation. Dropping it records a success; [`Operation::end`]
/// and [`Operation::fail`] record the outcome explicitly.
///
/// Before [`crate::init`] (or in a process that never calls it) operations
/// cost almost nothing and record nothing.
#[must_use = "an operation is measured until it is dropped or ended"]
pub struct Operation {
    active: Option<Active>,
}

struct Active {
    telemetry: &'static Telemetry,
    kind: Arc<Kind>,
    role: Role,
    started: Instant,
    cx: Context,
    // Restores the previous current context when the operation ends; it
    // must stay on the thread that started the operation.
    _attached: ContextGuard,
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.active {
            Some(a) => f
                .debug_struct("Operation")
                .field("name", &a.kind.name)
                .field("role", &a.role)
                .finish_non_exhaustive(),
            None => f.write_str("Operation(disabled)"),
        }
    }
}

impl Operation {
    /// The context holding this operation's span (and the parent's baggage),
    /// to hand to work that runs elsewhere.
    pub fn context(&self) -> Context {
        self.active.as_ref().map_or_else(Context::current, |a| a.cx.clone())
    }

    /// Ends the operation with `result`'s outcome and returns `result`. An
    /// `Err` sets `error.type` to the error's type name (semconv's rule for
    /// exceptions) and the span status to its message.
    pub fn end<T, E: fmt::Display>(mut self, result: Result<T, E>) -> Result<T, E> {
        if let Err(e) = &result {
            self.finish(Some((std::any::type_name::<E>(), Cow::Owned(e.to_string()))));
        } else {
            self.finish(None);
        }
        result
    }

    /// Ends the operation as failed with `error_type` (a short, bounded
    /// class such as `timeout`), which is also the span's status message.
    pub fn fail(mut self, error_type: &str) {
        let description = Cow::Owned(error_type.to_owned());
        self.finish(Some((error_type, description)));
    }

    fn finish(&mut self, error: Option<(&str, Cow<'static, str>)>) {
        let Some(active) = self.active.take() else {
            return;
        };
        let elapsed = active.started.elapsed().as_secs_f64();
        let operations = &active.telemetry.operations;
        let per_role = &active.kind.roles[active.role.index()];
        let span = active.cx.span();
        match error {
            None => per_role
                .bound
                .get_or_init(|| operations.duration.bind(&per_role.attributes))
                .record(elapsed),
            Some((error_type, description)) => {
                let error_type = KeyValue::new(attribute::ERROR_TYPE, operations.error_type(error_type));
                let [a, b, c] = &per_role.attributes;
                operations
                    .duration
                    .record(elapsed, &[a.clone(), b.clone(), c.clone(), error_type.clone()]);
                span.set_attribute(error_type);
                span.set_status(Status::error(description));
            }
        }
        if active.kind.overflowed {
            operations.overflows.add(1, &operations.overflow_attributes);
        }
        span.end();
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        self.finish(None);
    }
}
