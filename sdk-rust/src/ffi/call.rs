//! The helper every `extern "C"` entry point is written with.
//!
//! Over 400 lines with its unit tests, which exercise the private
//! `Outcome` and the deadline rules beside the code they test.

use std::borrow::Cow;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{global, Context, KeyValue};

use super::context::Inbound;
use super::parent::{attach_parent, parent_context};
use super::{SeamContext, SeamError, SeamStatus};
use crate::boundary_panics::count_panic;
use crate::pipeline::telemetry;
use crate::role::Role;
use crate::semconv::{attribute, enums};

/// What the body of an entry point can see of the call it serves.
#[derive(Debug)]
pub struct Call<'a> {
    operation: &'static str,
    inbound: &'a Inbound<'a>,
}

impl Call<'_> {
    /// The operation name given to [`call`].
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The caller's correlation id, when it had one.
    pub fn correlation_id(&self) -> Option<&str> {
        self.inbound.correlation_id
    }

    /// The caller's `seam.role`, when it sent one; it is also the role of [`Call::context`].
    pub fn role(&self) -> Option<Role> {
        self.inbound.role
    }

    /// The caller's deadline, when it set one.
    pub fn deadline(&self) -> Option<SystemTime> {
        self.inbound.deadline()
    }

    /// `Err` once the caller's deadline has passed, so that long bodies can stop early:
    /// return the error and the caller gets `SEAM_STATUS_DEADLINE_EXCEEDED`.
    pub fn check_deadline(&self) -> Result<(), DeadlineExceeded> {
        match self.inbound.overdue() {
            Some(late) => Err(DeadlineExceeded { late }),
            None => Ok(()),
        }
    }

    /// The OpenTelemetry context of the call, current while the body runs: the child span
    /// with the caller's span as its parent (with [`call_in_parent`], the caller's span
    /// itself), and the correlation id in baggage. Same as `Context::current()` in the body.
    pub fn context(&self) -> Context {
        Context::current()
    }
}

/// The caller's deadline passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineExceeded {
    /// How long ago it passed.
    pub late: Duration,
}

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "deadline exceeded {:?} ago", self.late)
    }
}

impl std::error::Error for DeadlineExceeded {}

/// Runs `body` as the Rust side of one call across the C ABI and returns the status for the
/// caller; on any status but `Ok` it writes a message into `error`.
///
/// It rebuilds the caller's span from `ctx` as a remote parent (keeping its sampled flag),
/// opens a child span named `operation` and makes it current, refuses to start once the
/// deadline has passed, catches a panic instead of letting it unwind into the caller (which
/// would abort the process), counts it in `seam.boundary.panics`, and reports a deadline
/// that passed while the body ran. `operation` is `'static` because it becomes a metric
/// attribute: one name per entry point keeps cardinality bounded.
///
/// ```no_run
/// use seam::ffi::{call, SeamContext, SeamError, SeamStatus};
///
/// #[no_mangle]
/// pub extern "C" fn pricing_quote(
///     ctx: SeamContext,
///     sku: Option<&u64>,
///     price: Option<&mut u64>,
///     error: Option<&mut SeamError>,
/// ) -> SeamStatus {
///     call(ctx, "pricing.quote", error, |_call| {
///         let (Some(sku), Some(price)) = (sku, price) else {
///             return Err("sku and price must not be null");
///         };
///         *price = sku * 3;
///         Ok(())
///     })
/// }
/// ```
pub fn call<F, E>(
    ctx: SeamContext,
    operation: &'static str,
    error: Option<&mut SeamError>,
    body: F,
) -> SeamStatus
where
    F: FnOnce(&Call<'_>) -> Result<(), E>,
    E: fmt::Display,
{
    hand_over(run(&ctx, operation, Spans::Child, body), error)
}

/// [`call`] without the child span: the body runs in the caller's span (rebuilt as the
/// remote parent and made current, so its logs carry the caller's trace and span ids),
/// with the same deadline, panic and error handling.
///
/// For entry points too small and too frequent to be worth a span each: it is what
/// "propagation only" costs in the boundary benchmarks.
pub fn call_in_parent<F, E>(
    ctx: SeamContext,
    operation: &'static str,
    error: Option<&mut SeamError>,
    body: F,
) -> SeamStatus
where
    F: FnOnce(&Call<'_>) -> Result<(), E>,
    E: fmt::Display,
{
    hand_over(run(&ctx, operation, Spans::Parent, body), error)
}

/// Whether a call opens a span of its own.
#[derive(Clone, Copy)]
enum Spans {
    /// A child of the caller's span, named after the operation.
    Child,
    /// None: the caller's span stays current.
    Parent,
}

/// Returns the status, writing its message (if any) into the caller's slot.
#[inline]
fn hand_over(outcome: Outcome, error: Option<&mut SeamError>) -> SeamStatus {
    if let (Some(message), Some(slot)) = (&outcome.message, error) {
        slot.set(message);
    }
    outcome.status
}

/// One call, without the error slot.
fn run<F, E>(ctx: &SeamContext, operation: &'static str, spans: Spans, body: F) -> Outcome
where
    F: FnOnce(&Call<'_>) -> Result<(), E>,
    E: fmt::Display,
{
    let inbound = match ctx.inbound() {
        Ok(inbound) => inbound,
        Err(invalid) => return Outcome::failed(SeamStatus::InvalidArgument, invalid.to_string()),
    };
    // The context made current for the body, and the child span to end after it, if one was
    // opened and records.
    let (_current, recorded) = match spans {
        Spans::Parent => {
            if let Some(late) = inbound.overdue() {
                return late_start(operation, late);
            }
            // The parent goes straight from where it is kept into the current-context stack.
            (attach_parent(&inbound), None)
        }
        Spans::Child => {
            let (cx, recording) = start_span(parent_context(&inbound), &inbound, operation);
            if let Some(late) = inbound.overdue() {
                let outcome = late_start(operation, late);
                if recording {
                    end_span(&cx, &outcome);
                }
                return outcome;
            }
            // The context moves into the current-context stack; only a recording span needs a
            // second handle, to be ended after the body (a clone is two atomic operations).
            if recording {
                (cx.clone().attach(), Some(cx))
            } else {
                (cx.attach(), None)
            }
        }
    };
    let outcome = {
        let call = Call {
            operation,
            inbound: &inbound,
        };
        let result = panic::catch_unwind(AssertUnwindSafe(|| body(&call)));
        match (result, inbound.overdue()) {
            (Err(payload), _) => {
                count_panic(operation, enums::seam_boundary_kind::FFI);
                let message = match crate::panic::take_caught() {
                    Some(report) => format!("{operation} panicked: {report}"),
                    None => format!(
                        "{operation} panicked: {}",
                        crate::panic::payload_message(payload.as_ref())
                    ),
                };
                Outcome::failed(SeamStatus::Panic, message)
            }
            (Ok(_), Some(late)) => Outcome::failed(
                SeamStatus::DeadlineExceeded,
                format!("{operation}: deadline exceeded {late:?} before the call returned"),
            ),
            (Ok(Err(err)), None) => {
                Outcome::failed(SeamStatus::Error, format!("{operation}: {err}"))
            }
            (Ok(Ok(())), None) => Outcome::ok(),
        }
    };
    if let Some(cx) = recorded {
        end_span(&cx, &outcome);
    }
    outcome
}

/// The outcome of a call whose deadline passed before the body started.
#[cold]
fn late_start(operation: &'static str, late: Duration) -> Outcome {
    Outcome::failed(
        SeamStatus::DeadlineExceeded,
        format!(
            "{operation}: deadline exceeded {late:?} before the call started; the body did not run"
        ),
    )
}

/// A status and its message, before they are handed to the caller.
struct Outcome {
    status: SeamStatus,
    message: Option<String>,
}

impl Outcome {
    fn ok() -> Self {
        Outcome {
            status: SeamStatus::Ok,
            message: None,
        }
    }

    fn failed(status: SeamStatus, message: String) -> Self {
        Outcome {
            status,
            message: Some(message),
        }
    }
}

/// Opens the child span under `parent` and returns the context holding it, and whether
/// the span records (the sampler may have decided it does not).
fn start_span(parent: Context, inbound: &Inbound<'_>, operation: &'static str) -> (Context, bool) {
    // Seam's own tracer once `seam::init` ran; otherwise whatever global provider the
    // program installed (the no-op one if none).
    let cx = match telemetry() {
        Some(telemetry) => open_child(&telemetry.tracer, parent, operation),
        None => open_child(
            &global::tracer_with_scope(crate::scope()),
            parent,
            operation,
        ),
    };
    let span = cx.span();
    let recording = span.is_recording();
    // Attributes are set after the sampler ran, so an unsampled call builds none.
    if recording {
        span.set_attributes([
            KeyValue::new(attribute::SEAM_OPERATION, operation),
            KeyValue::new(
                attribute::SEAM_BOUNDARY_KIND,
                enums::seam_boundary_kind::FFI,
            ),
            KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
        ]);
        if let Some(id) = inbound.correlation_id {
            span.set_attribute(KeyValue::new(attribute::SEAM_CORRELATION_ID, id.to_owned()));
        }
    }
    (cx, recording)
}

/// Starts the span on `tracer` and returns `parent` with it.
fn open_child<T>(tracer: &T, parent: Context, operation: &'static str) -> Context
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let span = tracer
        .span_builder(operation)
        .with_kind(SpanKind::Server)
        .start_with_context(tracer, &parent);
    parent.with_span(span)
}

/// Records the outcome on the child span and ends it. Only for a recording span: ending
/// reads the clock, and a span that records nothing has nothing to end.
fn end_span(cx: &Context, outcome: &Outcome) {
    let span = cx.span();
    if let (Some(error_type), Some(message)) = (outcome.status.error_type(), &outcome.message) {
        span.set_attribute(KeyValue::new(attribute::ERROR_TYPE, error_type));
        span.set_status(Status::error(Cow::Owned(message.clone())));
    }
    span.end();
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::{Duration, SystemTime};

    use opentelemetry::trace::{SpanId, TraceContextExt, TraceId};
    use opentelemetry::Context;

    use super::{call, call_in_parent};
    use crate::ffi::{SeamContext, SeamError, SeamStatus};
    use crate::role::Role;

    const TRACE: [u8; 16] = [0xab; 16];
    const SPAN: [u8; 8] = [0xcd; 8];

    #[test]
    fn ok_runs_the_body_under_the_callers_trace() {
        let ctx = SeamContext::empty()
            .with_parent(TRACE, SPAN, 1)
            .with_correlation_id("corr-42");
        let mut error = SeamError::empty();
        let seen = Cell::new(None);
        let status = call(
            ctx,
            "test.ok",
            Some(&mut error),
            |c| -> Result<(), String> {
                assert_eq!(c.operation(), "test.ok");
                assert_eq!(c.correlation_id(), Some("corr-42"));
                assert_eq!(c.deadline(), None);
                seen.set(Some(Context::map_current(|cx| {
                    cx.span().span_context().trace_id()
                })));
                Ok(())
            },
        );
        assert_eq!(status, SeamStatus::Ok);
        assert_eq!(error.message(), None);
        assert_eq!(seen.get(), Some(TraceId::from_bytes(TRACE)));
    }

    #[test]
    fn the_callers_role_is_the_role_of_the_body() {
        for role in Role::ALL {
            let ctx = SeamContext::empty().with_role(role);
            let status = call(ctx, "test.role", None, |c| -> Result<(), String> {
                assert_eq!(c.role(), Some(role));
                assert_eq!(Role::from_context(&Context::current()), Some(role));
                Ok(())
            });
            assert_eq!(status, SeamStatus::Ok);
        }
        call(
            SeamContext::empty(),
            "test.role",
            None,
            |c| -> Result<(), String> {
                assert_eq!(c.role(), None);
                assert_eq!(Role::from_context(&Context::current()), None);
                Ok(())
            },
        );
    }

    #[test]
    fn call_in_parent_keeps_the_callers_span_current() {
        let ctx = SeamContext::empty().with_parent(TRACE, SPAN, 0);
        let seen = Cell::new(None);
        let status = call_in_parent(ctx, "test.parent", None, |_| -> Result<(), String> {
            seen.set(Some(Context::map_current(|cx| {
                let sc = cx.span().span_context().clone();
                (sc.trace_id(), sc.span_id(), sc.is_remote(), sc.is_sampled())
            })));
            Ok(())
        });
        assert_eq!(status, SeamStatus::Ok);
        assert_eq!(
            seen.get(),
            Some((
                TraceId::from_bytes(TRACE),
                SpanId::from_bytes(SPAN),
                true,
                false
            ))
        );
    }

    #[test]
    fn an_error_from_the_body_is_returned_with_its_message() {
        let mut error = SeamError::empty();
        let status = call(SeamContext::empty(), "test.fail", Some(&mut error), |_| {
            Err("no stock")
        });
        assert_eq!(status, SeamStatus::Error);
        assert_eq!(error.message(), Some("test.fail: no stock"));
    }

    #[test]
    fn a_panic_is_caught_and_reported() {
        let mut error = SeamError::empty();
        let status = call(
            SeamContext::empty(),
            "test.panic",
            Some(&mut error),
            |_| -> Result<(), String> { panic!("boom {}", 7) },
        );
        assert_eq!(status, SeamStatus::Panic);
        // With Seam's panic hook installed (by init, or another test of this
        // binary), the message also says where it panicked.
        let message = error.message().unwrap_or_default();
        assert!(
            message.starts_with("test.panic panicked: boom 7"),
            "{message}"
        );
    }

    #[test]
    fn an_expired_deadline_skips_the_body() {
        let ctx = SeamContext::empty().with_deadline(SystemTime::now() - Duration::from_millis(5));
        let mut error = SeamError::empty();
        let ran = Cell::new(false);
        let status = call(
            ctx,
            "test.late",
            Some(&mut error),
            |_| -> Result<(), String> {
                ran.set(true);
                Ok(())
            },
        );
        assert_eq!(status, SeamStatus::DeadlineExceeded);
        assert!(!ran.get());
        let message = error.message().expect("message");
        assert!(
            message.starts_with("test.late: deadline exceeded"),
            "{message}"
        );
        assert!(message.ends_with("the body did not run"), "{message}");
    }

    #[test]
    fn a_deadline_that_passes_during_the_body_is_reported() {
        let ctx = SeamContext::empty().with_deadline(SystemTime::now() + Duration::from_millis(20));
        let mut error = SeamError::empty();
        let status = call(
            ctx,
            "test.slow",
            Some(&mut error),
            |c| -> Result<(), String> {
                assert!(c.check_deadline().is_ok());
                std::thread::sleep(Duration::from_millis(40));
                assert!(c.check_deadline().is_err());
                Ok(())
            },
        );
        assert_eq!(status, SeamStatus::DeadlineExceeded);
        let message = error.message().expect("message");
        assert!(message.ends_with("before the call returned"), "{message}");
    }

    #[test]
    fn a_malformed_context_is_rejected_before_the_body() {
        let ctx = SeamContext::empty().with_parent(TRACE, [0; 8], 1);
        let mut error = SeamError::empty();
        let status = call(
            ctx,
            "test.bad",
            Some(&mut error),
            |_| -> Result<(), String> { unreachable!("the body must not run") },
        );
        assert_eq!(status, SeamStatus::InvalidArgument);
        assert!(error
            .message()
            .expect("message")
            .contains("trace_id and span_id"));
    }

    #[test]
    fn a_null_error_slot_is_accepted() {
        let status = call(SeamContext::empty(), "test.noslot", None, |_| {
            Err("dropped")
        });
        assert_eq!(status, SeamStatus::Error);
    }
}
