//! `seam.boundary.panics`: the panics the Rust side catches instead of letting them
//! cross the Go/Rust boundary, whichever way the call came in. Shared by the C ABI
//! (`ffi`) and the HTTP ingress ([`crate::tower`]).

use opentelemetry::{global, KeyValue};

use crate::semconv::{attribute, instruments};

/// Adds one to `seam.boundary.panics` for `operation` crossing by `kind` (a
/// `seam_boundary_kind` value).
pub(crate) fn count_panic(operation: &'static str, kind: &'static str) {
    // Panics are rare, so the instrument is looked up each time: that always reaches the
    // meter provider installed now, even one installed after the first call.
    instruments::seam_boundary_panics(&global::meter_with_scope(crate::scope())).add(
        1,
        &[
            KeyValue::new(attribute::SEAM_OPERATION, operation),
            KeyValue::new(attribute::SEAM_BOUNDARY_KIND, kind),
        ],
    );
}
