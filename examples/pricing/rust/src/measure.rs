//! Timing and logging one pricing operation, the same way in the staticlib and in
//! pricing-service.

use std::fmt;
use std::time::Instant;

use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;

use crate::basket::InvalidBasket;
use crate::faults::TimedOut;
use crate::nonconformant;

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The basket broke a rule.
    Invalid(InvalidBasket),
    /// The caller's deadline passed first.
    DeadlineExceeded,
}

impl Failure {
    /// The `error.type` class recorded: the same as the Go baseline's.
    pub fn error_class(&self) -> seam::ErrorClass {
        match self {
            Failure::Invalid(_) => seam::ErrorClass::InvalidInput,
            Failure::DeadlineExceeded => seam::ErrorClass::Timeout,
        }
    }

    /// The `error.type` value recorded.
    pub fn error_type(&self) -> &'static str {
        self.error_class().as_str()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invalid(invalid) => invalid.fmt(f),
            Failure::DeadlineExceeded => f.write_str("deadline exceeded"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<InvalidBasket> for Failure {
    fn from(invalid: InvalidBasket) -> Self {
        Failure::Invalid(invalid)
    }
}

impl From<TimedOut> for Failure {
    fn from(_: TimedOut) -> Self {
        Failure::DeadlineExceeded
    }
}

/// Runs `body` as the operation `operation` (`seam.operation.duration` with
/// `seam.impl=rust` and a span, under the current context) and logs its outcome in one
/// line that carries the trace and correlation ids. A panic in `body` is logged and goes on
/// unwinding; the Seam operation it drops records it as `error.type=panic`.
pub fn run<T: fmt::Display>(
    operation: &'static str,
    body: impl FnOnce() -> Result<T, Failure>,
) -> Result<T, Failure> {
    let timer = Timer::start(operation);
    // Dropped before the timer, so a panic is logged inside the operation's span.
    let _unwinding = PanicLog(operation);
    let result = body();
    match &result {
        Ok(value) => log(operation, Outcome::Done(value)),
        Err(failure) => log(operation, Outcome::<T>::Failed(failure)),
    }
    timer.finish(result.as_ref().err().map(Failure::error_class));
    result
}

/// What an operation ended with, for its log line.
enum Outcome<'a, T> {
    Done(&'a T),
    Failed(&'a Failure),
    Panicked,
}

/// Times one operation through Seam, or through the raw pipeline in non-conformant mode.
enum Timer {
    Seam(seam::Operation),
    Raw(Raw),
}

impl Timer {
    fn start(operation: &'static str) -> Timer {
        if nonconformant::enabled() {
            Timer::Raw(Raw {
                operation,
                started: Instant::now(),
                done: false,
            })
        } else {
            Timer::Seam(seam::operation(operation))
        }
    }

    fn finish(self, class: Option<seam::ErrorClass>) {
        match (self, class) {
            (Timer::Seam(op), None) => drop(op), // a dropped operation records success
            (Timer::Seam(op), Some(class)) => op.fail(class),
            (Timer::Raw(mut raw), class) => raw.record(class.map(seam::ErrorClass::as_str)),
        }
    }
}

/// The raw pipeline's timing, which (unlike a Seam operation) knows nothing of panics: it
/// records one itself when dropped unfinished while unwinding.
struct Raw {
    operation: &'static str,
    started: Instant,
    done: bool,
}

impl Raw {
    fn record(&mut self, error_type: Option<&'static str>) {
        self.done = true;
        let role = seam::Role::from_context(&Context::current()).unwrap_or_default();
        nonconformant::record(
            self.operation,
            role.as_str(),
            self.started.elapsed(),
            error_type,
        );
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        if !self.done && std::thread::panicking() {
            self.record(Some("panic"));
        }
    }
}

/// Logs that `operation` panicked when dropped while unwinding.
struct PanicLog(&'static str);

impl Drop for PanicLog {
    fn drop(&mut self) {
        if std::thread::panicking() {
            log::<String>(self.0, Outcome::Panicked);
        }
    }
}

/// Logs the outcome of `operation`. Seam's log layer adds the trace and span ids and
/// `seam.correlation_id` from the current context; the non-conformant mode logs under a
/// context without baggage and adds the id by hand as `correlation_id`.
fn log<T: fmt::Display>(operation: &'static str, outcome: Outcome<'_, T>) {
    let bare = nonconformant::enabled().then(|| {
        let cx = Context::current();
        let id = seam::propagation::correlation_id(&cx).unwrap_or_default();
        let bare = Context::new().with_remote_span_context(cx.span().span_context().clone());
        (id, bare.attach())
    });
    match (outcome, &bare) {
        (Outcome::Done(value), None) => {
            tracing::info!(seam.operation = operation, result = %value, "{operation} done")
        }
        (Outcome::Done(value), Some((id, _))) => {
            tracing::info!(seam.operation = operation, result = %value, correlation_id = %id, "{operation} done")
        }
        (Outcome::Failed(failure), None) => tracing::warn!(
            seam.operation = operation,
            error.type = failure.error_type(),
            error = %failure,
            "{operation} failed"
        ),
        (Outcome::Failed(failure), Some((id, _))) => tracing::warn!(
            seam.operation = operation,
            error.type = failure.error_type(),
            error = %failure,
            correlation_id = %id,
            "{operation} failed"
        ),
        (Outcome::Panicked, None) => {
            let report = seam::panic::current();
            tracing::error!(
                seam.operation = operation,
                error.type = "panic",
                panic.message = report.as_ref().map(|r| r.message.as_str()),
                code.file.path = report.as_ref().map(|r| r.file.as_str()),
                code.line.number = report.as_ref().map(|r| r.line),
                "{operation} panicked"
            )
        }
        (Outcome::Panicked, Some((id, _))) => tracing::error!(
            seam.operation = operation,
            error.type = "panic",
            correlation_id = %id,
            "{operation} panicked"
        ),
    }
}
