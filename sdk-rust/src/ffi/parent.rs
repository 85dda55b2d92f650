//! The caller's span and correlation id as an OpenTelemetry parent context, reused while a
//! thread keeps receiving the same ones.
//!
//! Building the parent allocates (the context's span slot is an `Arc`, the correlation id's
//! baggage a map and a string) and dropping it frees: on a call that does no other work that
//! is most of what propagation costs. A caller typically makes several calls in a row from the
//! same span (a Go request calling into Rust in a loop), so each thread keeps the last parent
//! it built and hands out a clone (a reference count) while the next call's trace context and
//! correlation id are the same. A caller that bound its context (a non-zero `context_id`) is
//! recognised by that id alone; any other call compares the fields byte for byte.

use std::cell::RefCell;

use opentelemetry::trace::{SpanId, TraceContextExt, TraceFlags, TraceId};
use opentelemetry::{Context, ContextGuard};

use super::context::Inbound;
use crate::propagation::with_correlation_id;
use crate::role::{with_role, Role};

/// The last parent built on this thread, with what it was built from.
struct Cached {
    /// The caller's id for the fields below, 0 if none of the calls served from them had one.
    context_id: u64,
    span: Option<(TraceId, SpanId, TraceFlags)>,
    tracestate: Box<[u8]>,
    correlation_id: Box<str>,
    role: Option<Role>,
    cx: Context,
}

impl Cached {
    /// Whether the parent serves `inbound`, learning `inbound`'s id when the fields match.
    #[inline]
    fn serves(&mut self, inbound: &Inbound<'_>) -> bool {
        let id = inbound.context_id;
        if id != 0 && id == self.context_id {
            return true;
        }
        if !self.same_fields(inbound) {
            return false;
        }
        if id != 0 {
            self.context_id = id;
        }
        true
    }

    #[inline]
    fn same_fields(&self, inbound: &Inbound<'_>) -> bool {
        // Lengths first: the usual case is both empty, and comparing bytes calls memcmp,
        // which costs more here than everything else in the check.
        let correlation_id = inbound.correlation_id.unwrap_or("").as_bytes();
        self.span == inbound.span
            && self.role == inbound.role
            && self.tracestate.len() == inbound.tracestate.len()
            && self.correlation_id.len() == correlation_id.len()
            && (self.tracestate.is_empty() || *self.tracestate == *inbound.tracestate)
            && (correlation_id.is_empty() || self.correlation_id.as_bytes() == correlation_id)
    }
}

thread_local! {
    static LAST: RefCell<Option<Cached>> = const { RefCell::new(None) };
}

/// The caller's span as a remote parent (keeping its sampled flag and tracestate), with the
/// correlation id in baggage and the caller's role, if it sent one.
#[inline]
pub(crate) fn parent_context(inbound: &Inbound<'_>) -> Context {
    let reused = LAST
        .try_with(|last| {
            let mut last = last.try_borrow_mut().ok()?;
            let cached = last.as_mut()?;
            cached.serves(inbound).then(|| cached.cx.clone())
        })
        .ok()
        .flatten();
    match reused {
        Some(cx) => cx,
        None => build_and_keep(inbound),
    }
}

/// [`parent_context`] made current: the parent moves from where it is kept into
/// OpenTelemetry's context stack without passing through the caller's frame.
#[inline(never)]
pub(crate) fn attach_parent(inbound: &Inbound<'_>) -> ContextGuard {
    parent_context(inbound).attach()
}

/// Builds the parent and keeps it for the calls that follow. Out of line, so that the reuse
/// above inlines into the call.
#[cold]
#[inline(never)]
fn build_and_keep(inbound: &Inbound<'_>) -> Context {
    let cx = build(inbound);
    // Ignored when the thread is exiting or (never, since nothing here calls back) the slot
    // is borrowed: the next call builds again.
    let _ = LAST.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some(Cached {
                context_id: inbound.context_id,
                span: inbound.span,
                tracestate: inbound.tracestate.into(),
                correlation_id: inbound.correlation_id.unwrap_or("").into(),
                role: inbound.role,
                cx: cx.clone(),
            });
        }
    });
    cx
}

/// Builds the parent context from scratch.
fn build(inbound: &Inbound<'_>) -> Context {
    let mut cx = Context::new();
    if let Some(span_context) = inbound.parent() {
        cx = cx.with_remote_span_context(span_context);
    }
    if let Some(id) = inbound.correlation_id {
        cx = with_correlation_id(&cx, id);
    }
    if let Some(role) = inbound.role {
        cx = with_role(&cx, role);
    }
    cx
}

#[cfg(test)]
mod tests {
    use opentelemetry::baggage::BaggageExt;
    use opentelemetry::trace::{SpanId, TraceContextExt, TraceId};

    use super::parent_context;
    use crate::ffi::SeamContext;
    use crate::role::Role;
    use crate::semconv::correlation;

    const TRACE: [u8; 16] = [7; 16];

    /// What the parent says: span id, sampled, tracestate header and correlation id.
    fn seen(ctx: SeamContext) -> (SpanId, bool, String, Option<String>) {
        let inbound = ctx.inbound().expect("valid");
        let cx = parent_context(&inbound);
        let span = cx.span();
        let sc = span.span_context();
        assert_eq!(sc.trace_id(), TraceId::from_bytes(TRACE));
        assert!(sc.is_remote());
        let id = cx
            .baggage()
            .get(correlation::BAGGAGE_KEY)
            .map(|v| v.as_str().to_owned());
        (sc.span_id(), sc.is_sampled(), sc.trace_state().header(), id)
    }

    #[test]
    fn a_reused_parent_never_outlives_a_change_in_what_the_caller_sent() {
        let base = SeamContext::empty().with_parent(TRACE, [1; 8], 1);
        let cases = [
            (base, ([1; 8], true, "", None)),
            (base, ([1; 8], true, "", None)),
            (base.with_parent(TRACE, [2; 8], 1), ([2; 8], true, "", None)),
            (
                base.with_parent(TRACE, [2; 8], 0),
                ([2; 8], false, "", None),
            ),
            (base.with_tracestate("a=1"), ([1; 8], true, "a=1", None)),
            (base.with_tracestate("a=2"), ([1; 8], true, "a=2", None)),
            (
                base.with_correlation_id("c-1"),
                ([1; 8], true, "", Some("c-1")),
            ),
            (
                base.with_correlation_id("c-2"),
                ([1; 8], true, "", Some("c-2")),
            ),
            (
                base.with_correlation_id("c-2"),
                ([1; 8], true, "", Some("c-2")),
            ),
            (base, ([1; 8], true, "", None)),
        ];
        for (ctx, (span, sampled, state, id)) in cases {
            assert_eq!(
                seen(ctx),
                (
                    SpanId::from_bytes(span),
                    sampled,
                    state.to_owned(),
                    id.map(str::to_owned)
                )
            );
        }
    }

    #[test]
    fn the_callers_role_is_the_contexts_and_never_reused_for_another() {
        let base = SeamContext::empty().with_parent(TRACE, [1; 8], 1);
        let role = |ctx: SeamContext| {
            let inbound = ctx.inbound().expect("valid");
            Role::from_context(&parent_context(&inbound))
        };
        assert_eq!(role(base), None);
        assert_eq!(role(base.with_role(Role::Shadow)), Some(Role::Shadow));
        assert_eq!(role(base.with_role(Role::Fallback)), Some(Role::Fallback));
        assert_eq!(role(base), None);
    }

    #[test]
    fn a_bound_context_is_served_by_its_id_and_never_for_another() {
        let a = SeamContext::empty()
            .with_parent(TRACE, [1; 8], 1)
            .with_correlation_id("c-a");
        let b = SeamContext::empty()
            .with_parent(TRACE, [2; 8], 0)
            .with_tracestate("b=1");
        let want_a = (
            SpanId::from_bytes([1; 8]),
            true,
            String::new(),
            Some("c-a".to_owned()),
        );
        let want_b = (SpanId::from_bytes([2; 8]), false, "b=1".to_owned(), None);
        let cases = [
            (a.with_context_id(1), &want_a),
            (a.with_context_id(1), &want_a),
            (b.with_context_id(2), &want_b),
            (a.with_context_id(1), &want_a),
            // Unbound calls compare the fields, whatever id the kept parent has.
            (b, &want_b),
            (b.with_context_id(2), &want_b),
            (a, &want_a),
            // The same fields under a new id (bound twice) are still the same parent.
            (a.with_context_id(3), &want_a),
            (b.with_context_id(2), &want_b),
        ];
        for (i, (ctx, want)) in cases.into_iter().enumerate() {
            assert_eq!(&seen(ctx), want, "call {i}");
        }
    }

    #[test]
    fn a_bound_id_is_not_checked_against_the_fields() {
        // The id is the caller's promise that the fields are unchanged: a repeat is served
        // by the id alone, which is what makes it cheap.
        let bound = SeamContext::empty()
            .with_parent(TRACE, [1; 8], 1)
            .with_context_id(7);
        assert_eq!(seen(bound).0, SpanId::from_bytes([1; 8]));
        let broken = SeamContext::empty()
            .with_parent(TRACE, [9; 8], 1)
            .with_context_id(7);
        assert_eq!(seen(broken).0, SpanId::from_bytes([1; 8]));
        assert_eq!(
            seen(broken.with_context_id(0)).0,
            SpanId::from_bytes([9; 8])
        );
    }

    #[test]
    fn no_parent_span_gives_an_empty_context() {
        let has_span = |ctx: SeamContext| {
            let inbound = ctx.inbound().expect("valid");
            parent_context(&inbound).has_active_span()
        };
        assert!(!has_span(SeamContext::empty()));
        assert!(has_span(SeamContext::empty().with_parent(TRACE, [1; 8], 1)));
        assert!(!has_span(SeamContext::empty()));
    }
}
