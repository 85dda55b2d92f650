//! The metric view every meter provider gets: the schema's unit,
//! description, buckets and series limit for each instrument it names,
//! whoever created the instrument.

use opentelemetry_sdk::metrics::{Aggregation, Instrument, Stream};

use crate::semconv::{self, Instrument as Kind};

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
