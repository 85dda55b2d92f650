//! The `seam.rust.memory.*` instruments, registered when the counting
//! allocator ([`crate::alloc::Counting`]) is installed.

use opentelemetry::metrics::{Meter, ObservableCounter, ObservableUpDownCounter};

use crate::alloc;
use crate::semconv::observable;

/// The `seam.rust.memory.*` instruments, read from [`alloc::stats`] at
/// each collection.
pub(super) struct AllocatorInstruments {
    _allocated: ObservableCounter<u64>,
    _allocations: ObservableCounter<u64>,
    _used: ObservableUpDownCounter<i64>,
}

impl AllocatorInstruments {
    pub(super) fn register(meter: &Meter) -> Self {
        let allocated = observable::seam_rust_memory_allocated(meter)
            .with_callback(|o| o.observe(alloc::stats().allocated_bytes, &[]))
            .build();
        let allocations = observable::seam_rust_memory_allocations(meter)
            .with_callback(|o| o.observe(alloc::stats().allocations, &[]))
            .build();
        let used = observable::seam_rust_memory_used(meter)
            .with_callback(|o| o.observe(alloc::stats().used_bytes, &[]))
            .build();
        AllocatorInstruments {
            _allocated: allocated,
            _allocations: allocations,
            _used: used,
        }
    }
}
