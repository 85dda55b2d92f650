//! The trace context a caller passes by value, and its conversion to an OpenTelemetry parent.

use std::fmt;
use std::ptr;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};

use crate::role::Role;

/// What crosses the C ABI with every call: the caller's span as W3C trace context, its
/// correlation id, its deadline and its `seam.role`. It is passed by value, so the callee
/// never holds a pointer into the caller's span.
///
/// `tracestate` and `correlation_id` point to UTF-8 bytes (not NUL-terminated) owned by the
/// caller; they must stay readable for the duration of the call, and the callee copies what
/// it keeps. A null pointer needs a zero length. All-zero ids mean "no parent span".
///
/// `context_id` lets a caller that sends the same context many times say so: two contexts
/// with the same non-zero `context_id` must carry the same trace context, tracestate,
/// correlation id and role (the deadline may differ), and the callee then reuses what it
/// built from the first without reading the rest. 0 means "not bound": the callee compares
/// the fields themselves.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SeamContext {
    trace_id: [u8; 16],
    span_id: [u8; 8],
    trace_flags: u8,
    tracestate: *const u8,
    tracestate_len: usize,
    correlation_id: *const u8,
    correlation_id_len: usize,
    deadline_unix_nano: i64,
    /// The caller's `seam.role` for this call: 0 unset (the callee's default role),
    /// 1 baseline, 2 candidate, 3 shadow, 4 fallback; any other value counts as unset.
    /// Added after the fields above, so that they keep their offsets.
    role: u8,
    /// Non-zero: a process-unique id of this trace context, tracestate, correlation id and
    /// role, the same for every call that sends them; 0: not bound. Last, so that the
    /// fields before it keep their offsets.
    context_id: u64,
}

/// The `role` byte of a [`SeamContext`] for each role, in [`Role::ALL`] order; 0 is unset.
const ROLE_CODES: [(u8, Role); Role::ALL.len()] = [
    (1, Role::Baseline),
    (2, Role::Candidate),
    (3, Role::Shadow),
    (4, Role::Fallback),
];

/// Why a [`SeamContext`] could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidContext {
    /// A null pointer came with a non-zero length.
    NullWithLength(&'static str),
    /// One of trace_id and span_id is zero and the other is not.
    PartialTraceContext,
}

impl fmt::Display for InvalidContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidContext::NullWithLength(field) => {
                write!(
                    f,
                    "seam context: {field} is null but {field}_len is not zero"
                )
            }
            InvalidContext::PartialTraceContext => {
                f.write_str("seam context: trace_id and span_id must both be set or both be zero")
            }
        }
    }
}

impl std::error::Error for InvalidContext {}

/// A [`SeamContext`] after validation: what the boundary helper works with. It borrows the
/// caller's bytes; the OpenTelemetry parent is built from them only when needed ([`parent`]),
/// so a call that reuses the previous call's parent parses nothing.
///
/// [`parent`]: Inbound::parent
#[derive(Debug)]
pub(crate) struct Inbound<'a> {
    /// The caller's span ids and flags; `None` without a parent span.
    pub(crate) span: Option<(TraceId, SpanId, TraceFlags)>,
    /// The W3C tracestate header value, as the caller sent it (possibly empty).
    pub(crate) tracestate: &'a [u8],
    /// The correlation id, when the caller had one and it is UTF-8.
    pub(crate) correlation_id: Option<&'a str>,
    /// Nanoseconds since the Unix epoch; 0 means no deadline.
    pub(crate) deadline_unix_nano: i64,
    /// The caller's role, when it sent a known one.
    pub(crate) role: Option<Role>,
    /// The caller's id for the fields above; 0 when it gave none.
    pub(crate) context_id: u64,
}

impl SeamContext {
    /// A context with no parent span, no correlation id and no deadline.
    pub const fn empty() -> Self {
        SeamContext {
            trace_id: [0; 16],
            span_id: [0; 8],
            trace_flags: 0,
            tracestate: ptr::null(),
            tracestate_len: 0,
            correlation_id: ptr::null(),
            correlation_id_len: 0,
            deadline_unix_nano: 0,
            role: 0,
            context_id: 0,
        }
    }

    /// Sets the parent span, as a C caller would (from Rust this is mostly for tests).
    pub const fn with_parent(mut self, trace_id: [u8; 16], span_id: [u8; 8], flags: u8) -> Self {
        self.trace_id = trace_id;
        self.span_id = span_id;
        self.trace_flags = flags;
        self
    }

    /// Sets the W3C tracestate header value.
    pub const fn with_tracestate(mut self, tracestate: &'static str) -> Self {
        self.tracestate = tracestate.as_ptr();
        self.tracestate_len = tracestate.len();
        self
    }

    /// Sets the correlation id.
    pub const fn with_correlation_id(mut self, id: &'static str) -> Self {
        self.correlation_id = id.as_ptr();
        self.correlation_id_len = id.len();
        self
    }

    /// Sets the deadline; `SystemTime`s before the epoch count as already passed.
    pub fn with_deadline(mut self, deadline: SystemTime) -> Self {
        self.deadline_unix_nano = match deadline.duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_nanos()).unwrap_or(i64::MAX),
            Err(_) => -1,
        };
        self
    }

    /// Sets the caller's role, which operations in the callee record as `seam.role`.
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = ROLE_CODES
            .iter()
            .find(|(_, r)| *r == role)
            .map_or(0, |(code, _)| *code);
        self
    }

    /// Marks the context as bound under `id` (0: not bound): the caller promises that every
    /// context it sends with this id carries the same fields but the deadline.
    pub const fn with_context_id(mut self, id: u64) -> Self {
        self.context_id = id;
        self
    }

    /// The caller's role, if it sent a known one.
    pub fn role(&self) -> Option<Role> {
        ROLE_CODES
            .iter()
            .find(|(code, _)| *code == self.role)
            .map(|(_, role)| *role)
    }

    /// The caller's trace id (all zero without a parent span).
    pub const fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    /// The caller's span id (all zero without a parent span).
    pub const fn span_id(&self) -> [u8; 8] {
        self.span_id
    }

    /// The caller's W3C trace flags (bit 0: sampled).
    pub const fn trace_flags(&self) -> u8 {
        self.trace_flags
    }

    /// The caller's deadline in nanoseconds since the Unix epoch; 0 means none.
    pub const fn deadline_unix_nano(&self) -> i64 {
        self.deadline_unix_nano
    }

    /// The caller's id for this context's fields; 0 when it is not bound.
    pub const fn context_id(&self) -> u64 {
        self.context_id
    }

    /// Validates the context. Malformed telemetry fields (a tracestate or correlation id
    /// that does not parse) are dropped rather than failing the call; only values that
    /// break the memory contract are errors.
    #[inline]
    pub(crate) fn inbound(&self) -> Result<Inbound<'_>, InvalidContext> {
        let tracestate = self.bytes(self.tracestate, self.tracestate_len, "tracestate")?;
        let correlation = self.bytes(
            self.correlation_id,
            self.correlation_id_len,
            "correlation_id",
        )?;

        // Compared as integers: a byte-array comparison may become a call to memcmp.
        let trace_id = TraceId::from_bytes(self.trace_id);
        let span_id = SpanId::from_bytes(self.span_id);
        let span = match (trace_id == TraceId::INVALID, span_id == SpanId::INVALID) {
            (true, true) => None,
            (false, false) => Some((trace_id, span_id, TraceFlags::new(self.trace_flags))),
            _ => return Err(InvalidContext::PartialTraceContext),
        };
        let correlation_id = if correlation.is_empty() {
            None
        } else {
            std::str::from_utf8(correlation).ok()
        };
        Ok(Inbound {
            span,
            tracestate,
            correlation_id,
            deadline_unix_nano: self.deadline_unix_nano,
            role: self.role(),
            context_id: self.context_id,
        })
    }

    /// Borrows `len` bytes at `data` for the lifetime of `self`.
    #[inline]
    fn bytes(
        &self,
        data: *const u8,
        len: usize,
        field: &'static str,
    ) -> Result<&[u8], InvalidContext> {
        if data.is_null() {
            return if len == 0 {
                Ok(&[])
            } else {
                Err(InvalidContext::NullWithLength(field))
            };
        }
        // SAFETY: the fields are private, so a non-null pointer was set either by
        // `with_tracestate`/`with_correlation_id` from a `&'static str`, or by a C caller
        // whose documented contract is `len` readable bytes that outlive the call, and a
        // context only lives for the call it was passed to.
        Ok(unsafe { std::slice::from_raw_parts(data, len) })
    }
}

impl Default for SeamContext {
    fn default() -> Self {
        SeamContext::empty()
    }
}

impl Inbound<'_> {
    /// The caller's span, marked remote, with its sampled flag and tracestate (dropped if it
    /// does not parse).
    pub(crate) fn parent(&self) -> Option<SpanContext> {
        let (trace_id, span_id, flags) = self.span?;
        let state = std::str::from_utf8(self.tracestate)
            .ok()
            .filter(|s| !s.is_empty())
            .and_then(|s| TraceState::from_str(s).ok())
            .unwrap_or_default();
        Some(SpanContext::new(trace_id, span_id, flags, true, state))
    }

    /// The deadline as a `SystemTime`, if there is one.
    #[inline]
    pub(crate) fn deadline(&self) -> Option<SystemTime> {
        match self.deadline_unix_nano {
            0 => None,
            ns if ns < 0 => Some(UNIX_EPOCH),
            ns => Some(UNIX_EPOCH + Duration::from_nanos(ns.unsigned_abs())),
        }
    }

    /// How far past the deadline the clock is, if it is past; without a deadline the
    /// clock is not read.
    #[inline]
    pub(crate) fn overdue(&self) -> Option<Duration> {
        let deadline = self.deadline()?;
        SystemTime::now().duration_since(deadline).ok()
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const SPAN: [u8; 8] = [8, 7, 6, 5, 4, 3, 2, 1];

    #[test]
    fn rebuilds_a_remote_sampled_parent() {
        let ctx = SeamContext::empty()
            .with_parent(TRACE, SPAN, 1)
            .with_tracestate("vendor=abc,other=1")
            .with_correlation_id("corr-1");
        let inbound = ctx.inbound().expect("valid context");
        let parent = inbound.parent().expect("parent");
        assert_eq!(parent.trace_id(), TraceId::from_bytes(TRACE));
        assert_eq!(parent.span_id(), SpanId::from_bytes(SPAN));
        assert!(parent.is_remote());
        assert!(parent.is_sampled());
        assert_eq!(parent.trace_state().get("vendor"), Some("abc"));
        assert_eq!(inbound.correlation_id, Some("corr-1"));
        assert_eq!(inbound.deadline(), None);
    }

    #[test]
    fn keeps_the_unsampled_flag() {
        let inbound = SeamContext::empty().with_parent(TRACE, SPAN, 0);
        let parent = inbound.inbound().expect("valid").parent().expect("parent");
        assert!(!parent.is_sampled());
    }

    #[test]
    fn zero_ids_mean_no_parent_and_partial_ids_are_rejected() {
        assert!(SeamContext::empty()
            .inbound()
            .expect("valid")
            .parent()
            .is_none());
        let partial = SeamContext::empty().with_parent(TRACE, [0; 8], 1);
        assert_eq!(
            partial.inbound().err(),
            Some(InvalidContext::PartialTraceContext)
        );
    }

    #[test]
    fn null_with_length_is_rejected_by_name() {
        let mut ctx = SeamContext::empty();
        ctx.correlation_id_len = 3;
        let err = ctx.inbound().expect_err("null with length");
        assert_eq!(err, InvalidContext::NullWithLength("correlation_id"));
        assert!(err.to_string().contains("correlation_id is null"));
    }

    #[test]
    fn malformed_tracestate_is_dropped_not_fatal() {
        let ctx = SeamContext::empty()
            .with_parent(TRACE, SPAN, 1)
            .with_tracestate("no-equals-sign");
        let parent = ctx.inbound().expect("valid").parent().expect("parent");
        assert_eq!(parent.trace_state().header(), "");
    }

    #[test]
    fn roles_by_code_and_out_of_range_as_unset() {
        assert_eq!(SeamContext::empty().role(), None);
        for (i, role) in Role::ALL.into_iter().enumerate() {
            let ctx = SeamContext::empty().with_role(role);
            assert_eq!(ctx.role, i as u8 + 1);
            assert_eq!(ctx.inbound().expect("valid").role, Some(role));
        }
        for code in [0, 5, 255] {
            let mut ctx = SeamContext::empty();
            ctx.role = code;
            assert_eq!(ctx.inbound().expect("valid").role, None, "code {code}");
        }
    }

    #[test]
    fn deadlines_before_and_after_now() {
        let now = SystemTime::now();
        let past = SeamContext::empty().with_deadline(now - Duration::from_secs(1));
        assert!(past.inbound().expect("valid").overdue().is_some());
        let future = SeamContext::empty().with_deadline(now + Duration::from_secs(60));
        assert!(future.inbound().expect("valid").overdue().is_none());
        let before_epoch = SeamContext::empty().with_deadline(UNIX_EPOCH - Duration::from_secs(1));
        assert!(before_epoch.inbound().expect("valid").overdue().is_some());
    }
}
