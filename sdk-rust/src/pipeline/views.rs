//! The metric views and instruments every pipeline gets: the schema's unit,
//! description, buckets and series limit for each instrument it names, and
//! the `seam.rust.memory.*` instruments.

use opentelemetry::metrics::{Meter, ObservableCounter, ObservableUpDownCounter};
use opentelemetry_sdk::metrics::{Aggregation, Instrument, Stream};

use super::descriptor;
use crate::alloc;
use crate::semconv::{self, metric, Instrument as Kind};

/// Applies the schema to every instrument it names, whoever created it:
/// unit, description, bucket boundaries and series limit.
pub(super) fn schema_view(instrument: &Instrument) -> Option<Stream> {
    let d = semconv::metric(instrument.name())?;
    let mut stream = Stream::builder()
        .with_unit(d.unit)
        .with_description(d.description);
    if d.instrument == Kind::Histogram && !d.boundaries.is_empty() {
        stream = stream.with_aggregation(Aggregation::ExplicitBucketHistogram {
            boundaries: d.boundaries.to_vec(),
            record_min_max: true,
        });
    }
    if d.series_limit > 0 {
        stream = stream.with_cardinality_limit(d.series_limit);
    }
    stream.build().ok()
}

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
