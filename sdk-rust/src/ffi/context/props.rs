//! Property tests of context decoding: any field values a C caller can put
//! in a [`SeamContext`] (within the memory contract: a non-null pointer has
//! its length readable) decode to a valid context or to the one error that
//! names what was wrong, and never panic.

use opentelemetry::trace::{SpanId, TraceId};
use proptest::prelude::*;

use super::{InvalidContext, SeamContext};

/// A pointer field: `None` is null with the given length, `Some` real bytes.
fn field() -> impl Strategy<Value = (Option<Vec<u8>>, usize)> {
    prop_oneof![
        (
            Just(None),
            prop_oneof![Just(0usize), 1usize..64, Just(usize::MAX)]
        ),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| {
            let n = b.len();
            (Some(b), n)
        }),
        "[a-z0-9=,@*_/-]{0,40}".prop_map(|s| {
            let n = s.len();
            (Some(s.into_bytes()), n)
        }),
    ]
}

fn pointer(f: &(Option<Vec<u8>>, usize)) -> *const u8 {
    f.0.as_ref().map_or(std::ptr::null(), |b| b.as_ptr())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_context_decodes_or_names_its_defect(
        trace_id in prop_oneof![Just([0u8; 16]), any::<[u8; 16]>()],
        span_id in prop_oneof![Just([0u8; 8]), any::<[u8; 8]>()],
        flags in any::<u8>(),
        tracestate in field(),
        correlation in field(),
        deadline in any::<i64>(),
        role in any::<u8>(),
        context_id in any::<u64>(),
    ) {
        let ctx = SeamContext {
            trace_id,
            span_id,
            trace_flags: flags,
            tracestate: pointer(&tracestate),
            tracestate_len: tracestate.1,
            correlation_id: pointer(&correlation),
            correlation_id_len: correlation.1,
            deadline_unix_nano: deadline,
            role,
            context_id,
        };
        let null_with_length = |f: &(Option<Vec<u8>>, usize)| f.0.is_none() && f.1 != 0;
        let ids_zero = (trace_id == [0; 16], span_id == [0; 8]);
        match ctx.inbound() {
            Err(InvalidContext::NullWithLength(name)) => {
                let expected = if null_with_length(&tracestate) { "tracestate" } else { "correlation_id" };
                prop_assert_eq!(name, expected);
                prop_assert!(null_with_length(&tracestate) || null_with_length(&correlation));
                prop_assert!(InvalidContext::NullWithLength(name).to_string().contains(name));
            }
            Err(InvalidContext::PartialTraceContext) => {
                prop_assert!(!null_with_length(&tracestate) && !null_with_length(&correlation));
                prop_assert!(ids_zero.0 != ids_zero.1);
            }
            Ok(inbound) => {
                prop_assert!(!null_with_length(&tracestate) && !null_with_length(&correlation));
                prop_assert!(ids_zero.0 == ids_zero.1);
                match inbound.parent() {
                    None => prop_assert!(ids_zero.0),
                    Some(parent) => {
                        prop_assert_eq!(parent.trace_id(), TraceId::from_bytes(trace_id));
                        prop_assert_eq!(parent.span_id(), SpanId::from_bytes(span_id));
                        prop_assert!(parent.is_remote());
                        prop_assert_eq!(parent.is_sampled(), flags & 1 == 1);
                    }
                }
                let bytes = correlation.0.as_deref().unwrap_or_default();
                let want = if bytes.is_empty() { None } else { std::str::from_utf8(bytes).ok() };
                prop_assert_eq!(inbound.correlation_id, want);
                prop_assert_eq!(inbound.deadline().is_none(), deadline == 0);
                let _ = inbound.overdue();
                prop_assert_eq!(inbound.role.is_some(), (1..=4).contains(&role));
                prop_assert_eq!(inbound.context_id, context_id);
            }
        }
    }
}
