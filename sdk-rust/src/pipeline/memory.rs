//! The `seam.rust.memory.*` instruments, registered when the counting
//! allocator ([`crate::alloc::Counting`]) is installed.

use opentelemetry::metrics::{Meter, ObservableCounter, ObservableUpDownCounter};

use super::descriptor;
use crate::alloc;
use crate::semconv::metric;

/// The `seam.rust.memory.*` instruments, read from [`alloc::stats`] at
/// each collection.
pub(super) struct AllocatorInstruments {
    _allocated: ObservableCounter<u64>,
    _allocations: ObservableCounter<u64>,
    _used: ObservableUpDownCounter<i64>,
}

impl AllocatorInstruments {
    pub(super) fn register(meter: &Meter) -> Self {
        let (unit, description) = descriptor(metric::SEAM_RUST_MEMORY_ALLOCATED);
        let allocated = meter
            .u64_observable_counter(metric::SEAM_RUST_MEMORY_ALLOCATED)
            .with_unit(unit)
            .with_description(description)
            .with_callback(|o| o.observe(alloc::stats().allocated_bytes, &[]))
            .build();
        let (unit, description) = descriptor(metric::SEAM_RUST_MEMORY_ALLOCATIONS);
        let allocations = meter
            .u64_observable_counter(metric::SEAM_RUST_MEMORY_ALLOCATIONS)
            .with_unit(unit)
            .with_description(description)
            .with_callback(|o| o.observe(alloc::stats().allocations, &[]))
            .build();
        let (unit, description) = descriptor(metric::SEAM_RUST_MEMORY_USED);
        let used = meter
            .i64_observable_up_down_counter(metric::SEAM_RUST_MEMORY_USED)
            .with_unit(unit)
            .with_description(description)
            .with_callback(|o| o.observe(alloc::stats().used_bytes, &[]))
            .build();
        AllocatorInstruments {
            _allocated: allocated,
            _allocations: allocations,
            _used: used,
        }
    }
}
