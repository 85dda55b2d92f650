//! Entry points for the Go tests and benchmarks of `sdk-go/boundary`, linked into the Go test
//! binary as its one Rust staticlib. Each exercises one path of [`seam::ffi::call`].

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use std::sync::OnceLock;

use opentelemetry::global::{self, BoxedTracer};
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, Tracer,
};
use opentelemetry::Context;
use seam::ffi::{call, call_in_parent, Call, SeamContext, SeamError, SeamStatus};

#[cfg(test)]
mod header;

/// The umbrella staticlib is where the global allocator is chosen: Seam's counting wrapper,
/// so the Go tests also see `seam.rust.memory.*` exported from inside a Go process.
#[global_allocator]
static ALLOC: seam::alloc::Counting<std::alloc::System> =
    seam::alloc::Counting::new(std::alloc::System);

/// Input of every test entry point.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TestlibInput {
    /// The number the body works on.
    pub value: i64,
    /// How long `testlib_sleep` sleeps.
    pub sleep_ms: u64,
}

/// Output of every test entry point.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TestlibOutput {
    /// `value * 2`.
    pub value: i64,
    /// Length of the correlation id the body saw: through `seam::ffi::Call` (`testlib_double`)
    /// or in the current context's baggage (`testlib_whoami*`).
    pub correlation_id_len: u64,
    /// The trace id current in the body (`testlib_whoami*` only).
    pub trace_id: [u8; 16],
    /// The span id current in the body (`testlib_whoami*` only).
    pub span_id: [u8; 8],
}

/// How many times a body started; the deadline test proves an expired call never does.
static BODY_RUNS: AtomicU64 = AtomicU64::new(0);

/// The shared body: doubles the input.
fn double(
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
) -> Result<(), &'static str> {
    let (Some(input), Some(output)) = (input, output) else {
        return Err("input and output must not be null");
    };
    output.value = input.value * 2;
    Ok(())
}

/// The ordinary path: doubles `input.value` and echoes what it saw of the correlation id.
#[no_mangle]
pub extern "C" fn testlib_double(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "testlib.double", error, |c| {
        BODY_RUNS.fetch_add(1, Ordering::Relaxed);
        let correlation_len = c.correlation_id().map_or(0, str::len) as u64;
        let output = output.map(|out| {
            out.correlation_id_len = correlation_len;
            out
        });
        double(input, output)
    })
}

/// `testlib_double` without a span of its own: the body runs in the caller's span.
#[no_mangle]
pub extern "C" fn testlib_double_in_parent(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    // No BODY_RUNS count here: the body does exactly what the raw baselines'
    // (`testlib_double_raw`, `testlib_double_otel_parent`) do, so that the benchmarks
    // compare the boundary alone; an atomic add is a measurable part of a call this small.
    call_in_parent(ctx, "testlib.double_in_parent", error, |_| {
        double(input, output)
    })
}

/// The entry point signature with no Seam inside: what the Go side alone costs.
#[no_mangle]
pub extern "C" fn testlib_double_raw(
    _ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    _error: Option<&mut SeamError>,
) -> SeamStatus {
    match double(input, output) {
        Ok(()) => SeamStatus::Ok,
        Err(_) => SeamStatus::InvalidArgument,
    }
}

/// The caller's span rebuilt with the OpenTelemetry API alone, as the benchmarks' "raw
/// upstream" baseline: no deadline, no panic catching, no status or message.
fn raw_parent(ctx: &SeamContext) -> Context {
    Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from_bytes(ctx.trace_id()),
        SpanId::from_bytes(ctx.span_id()),
        TraceFlags::new(ctx.trace_flags()),
        true,
        TraceState::NONE,
    ))
}

/// The status of a baseline written with the OpenTelemetry API alone: no message.
fn raw_status(result: Result<(), &str>) -> SeamStatus {
    match result {
        Ok(()) => SeamStatus::Ok,
        Err(_) => SeamStatus::Error,
    }
}

/// `testlib_double_in_parent` written with the OpenTelemetry API alone (baseline).
#[no_mangle]
pub extern "C" fn testlib_double_otel_parent(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    _error: Option<&mut SeamError>,
) -> SeamStatus {
    let _current = raw_parent(&ctx).attach();
    raw_status(double(input, output))
}

thread_local! {
    /// The last parent `kept_parent` built on this thread, with the ids it was built from.
    static KEPT: RefCell<Option<(TraceId, SpanId, TraceFlags, Context)>> =
        const { RefCell::new(None) };
}

/// `raw_parent`, reused while the caller's ids are unchanged: the OpenTelemetry API alone
/// doing what `seam::ffi`'s parent reuse does, so that the two entry points below price the
/// attach by itself.
fn kept_parent(ctx: &SeamContext) -> Context {
    let ids = (
        TraceId::from_bytes(ctx.trace_id()),
        SpanId::from_bytes(ctx.span_id()),
        TraceFlags::new(ctx.trace_flags()),
    );
    KEPT.with_borrow_mut(|kept| match kept {
        Some((t, s, f, cx)) if (*t, *s, *f) == ids => cx.clone(),
        _ => {
            let cx = raw_parent(ctx);
            *kept = Some((ids.0, ids.1, ids.2, cx.clone()));
            cx
        }
    })
}

/// The reused parent made current around the body: what a call in the caller's span costs
/// with the OpenTelemetry API alone when the parent needs no rebuilding (baseline).
#[no_mangle]
pub extern "C" fn testlib_double_otel_kept_parent(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    _error: Option<&mut SeamError>,
) -> SeamStatus {
    let _current = kept_parent(&ctx).attach();
    raw_status(double(input, output))
}

/// `testlib_double_otel_kept_parent` without making the parent current: the difference
/// between the two is what `Context::attach` and its guard's drop cost, the most that a
/// cheaper or deferred attach could save.
#[no_mangle]
pub extern "C" fn testlib_double_otel_kept_unattached(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    _error: Option<&mut SeamError>,
) -> SeamStatus {
    let parent = std::hint::black_box(kept_parent(&ctx));
    let result = double(input, output);
    drop(parent);
    raw_status(result)
}

/// `testlib_double` written with the OpenTelemetry API alone (baseline): a child span
/// from a tracer fetched once, made current around the body.
#[no_mangle]
pub extern "C" fn testlib_double_otel_span(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    _error: Option<&mut SeamError>,
) -> SeamStatus {
    static TRACER: OnceLock<BoxedTracer> = OnceLock::new();
    let tracer = TRACER.get_or_init(|| global::tracer("seam-ffi-testlib"));
    let parent = raw_parent(&ctx);
    let cx = parent.with_span(tracer.start_with_context("testlib.double_otel_span", &parent));
    let result = {
        let _current = cx.clone().attach();
        double(input, output)
    };
    cx.span().end();
    raw_status(result)
}

/// Writes the trace and span ids current in the body, its own child span's, and the length of
/// the correlation id in its baggage.
#[no_mangle]
pub extern "C" fn testlib_whoami(
    ctx: SeamContext,
    _input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "testlib.whoami", error, |c| whoami(c, output))
}

/// Writes the trace and span ids current in the body, the caller's, and the length of the
/// correlation id in its baggage.
#[no_mangle]
pub extern "C" fn testlib_whoami_in_parent(
    ctx: SeamContext,
    _input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call_in_parent(ctx, "testlib.whoami_in_parent", error, |c| {
        whoami(c, output)
    })
}

/// The shared body of the whoami entry points.
fn whoami(_call: &Call<'_>, output: Option<&mut TestlibOutput>) -> Result<(), &'static str> {
    BODY_RUNS.fetch_add(1, Ordering::Relaxed);
    let output = output.ok_or("output must not be null")?;
    let cx = Context::current();
    let sc = cx.span().span_context().clone();
    output.trace_id = sc.trace_id().to_bytes();
    output.span_id = sc.span_id().to_bytes();
    output.correlation_id_len =
        seam::propagation::correlation_id(&cx).map_or(0, |id| id.len()) as u64;
    Ok(())
}

/// Logs one `tracing` event inside the body, in its child span.
#[no_mangle]
pub extern "C" fn testlib_log(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    _output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "testlib.log", error, |_| -> Result<(), &'static str> {
        BODY_RUNS.fetch_add(1, Ordering::Relaxed);
        tracing::info!(value = input.map_or(0, |i| i.value), "testlib body log");
        Ok(())
    })
}

/// Panics inside the body.
#[no_mangle]
pub extern "C" fn testlib_panic(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    _output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(
        ctx,
        "testlib.panic",
        error,
        |_| -> Result<(), &'static str> {
            BODY_RUNS.fetch_add(1, Ordering::Relaxed);
            panic!("testlib panic with value {}", input.map_or(0, |i| i.value));
        },
    )
}

/// Returns an error from the body, with no panic.
#[no_mangle]
pub extern "C" fn testlib_fail(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    _output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "testlib.fail", error, |_| {
        BODY_RUNS.fetch_add(1, Ordering::Relaxed);
        Err(format!("refused value {}", input.map_or(0, |i| i.value)))
    })
}

/// Sleeps `input.sleep_ms` in steps of a millisecond, stopping early once the deadline
/// has passed, then doubles the input.
#[no_mangle]
pub extern "C" fn testlib_sleep(
    ctx: SeamContext,
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "testlib.sleep", error, |c| {
        BODY_RUNS.fetch_add(1, Ordering::Relaxed);
        for _ in 0..input.map_or(0, |i| i.sleep_ms) {
            c.check_deadline().map_err(|e| e.to_string())?;
            thread::sleep(Duration::from_millis(1));
        }
        double(input, output).map_err(str::to_owned)
    })
}

/// The same work as `testlib_double` with no Seam around it: the benchmarks' baseline.
#[no_mangle]
pub extern "C" fn testlib_bare(
    input: Option<&TestlibInput>,
    output: Option<&mut TestlibOutput>,
) -> i32 {
    match double(input, output) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// How many bodies have started since the process began.
#[no_mangle]
pub extern "C" fn testlib_body_runs() -> u64 {
    BODY_RUNS.load(Ordering::Relaxed)
}
