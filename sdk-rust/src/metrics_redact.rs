//! Metric attribute redaction: the meter provider installed globally hands
//! out instruments that redact the attributes of what they record.
//!
//! The Go SDK redacts points at export; here the SDK's exported data is
//! read-only, so redaction happens where attributes enter the SDK: once per
//! bound instrument (at `bind`), once per measurement otherwise, and a
//! measurement with nothing to hide is passed on as it came. Seam's own
//! instruments, whose attributes the schema fixes, use the SDK's provider
//! directly and pay nothing.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use opentelemetry::metrics::{
    AsyncInstrument, AsyncInstrumentBuilder, BoundSyncInstrument, Counter, Gauge, Histogram,
    HistogramBuilder, InstrumentBuilder, InstrumentProvider, Meter, MeterProvider,
    ObservableCounter, ObservableGauge, ObservableUpDownCounter, SyncInstrument, UpDownCounter,
};
use opentelemetry::{Array, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_sdk::metrics::SdkMeterProvider;

use crate::redact::{FxHashMap, Redactor};
use crate::semconv::redaction;

/// A meter provider whose instruments redact what they record, over the
/// SDK's.
#[derive(Debug, Clone)]
pub(crate) struct RedactingMeterProvider {
    inner: SdkMeterProvider,
}

impl RedactingMeterProvider {
    /// Redacts with the schema's rules in front of `inner`.
    pub(crate) fn new(inner: SdkMeterProvider) -> Self {
        RedactingMeterProvider { inner }
    }
}

impl MeterProvider for RedactingMeterProvider {
    fn meter_with_scope(&self, scope: InstrumentationScope) -> Meter {
        Meter::new(Arc::new(RedactingInstruments {
            inner: self.inner.meter_with_scope(scope),
            redactor: Redactor::schema(),
        }))
    }
}

/// `attributes` redacted, borrowed when nothing in them changes.
pub(crate) fn redact_key_values<'a>(
    redactor: &Redactor,
    attributes: &'a [KeyValue],
) -> Cow<'a, [KeyValue]> {
    let mut out: Option<Vec<KeyValue>> = None;
    for (i, kv) in attributes.iter().enumerate() {
        let clean = redact_key_value(redactor, kv);
        match (clean, &mut out) {
            (Some(clean), None) => {
                let mut v = attributes[..i].to_vec();
                v.push(clean);
                out = Some(v);
            }
            (Some(clean), Some(v)) => v.push(clean),
            (None, Some(v)) => v.push(kv.clone()),
            (None, None) => {}
        }
    }
    out.map_or(Cow::Borrowed(attributes), Cow::Owned)
}

/// `kv` redacted, or `None` when it stays as it is.
fn redact_key_value(redactor: &Redactor, kv: &KeyValue) -> Option<KeyValue> {
    if redactor.is_sensitive_key(kv.key.as_str()) {
        return Some(KeyValue::new(kv.key.clone(), redaction::REPLACEMENT));
    }
    let value = match &kv.value {
        Value::String(s) => match redact_string(redactor, s.as_str()) {
            None => return None,
            Some(clean) => Value::from(clean),
        },
        Value::Array(Array::String(items)) => {
            let mut changed = false;
            let clean: Vec<StringValue> = items
                .iter()
                .map(|s| match redactor.value(s.as_str()) {
                    Cow::Borrowed(_) => s.clone(),
                    Cow::Owned(clean) => {
                        changed = true;
                        StringValue::from(clean)
                    }
                })
                .collect();
            if !changed {
                return None;
            }
            Value::Array(Array::String(clean))
        }
        _ => return None,
    };
    Some(KeyValue::new(kv.key.clone(), value))
}

/// How many clean values each thread remembers, and how long one may be.
const CLEAN_VALUES_LIMIT: usize = 1024;
const CLEAN_VALUE_MAX_LEN: usize = 128;

thread_local! {
    /// Values found clean: a metric's attribute values repeat (their
    /// series are bounded), and looking one up costs a fraction of a scan.
    static CLEAN_VALUES: RefCell<FxHashMap<Box<str>, ()>> = RefCell::new(FxHashMap::default());
}

/// `text` redacted, or `None` if it has nothing to hide.
fn redact_string(redactor: &Redactor, text: &str) -> Option<String> {
    let cacheable = text.len() <= CLEAN_VALUE_MAX_LEN;
    if cacheable && CLEAN_VALUES.with(|c| c.borrow().contains_key(text)) {
        return None;
    }
    match redactor.value(text) {
        Cow::Owned(clean) => Some(clean),
        Cow::Borrowed(_) => {
            if cacheable {
                CLEAN_VALUES.with(|c| {
                    let mut c = c.borrow_mut();
                    if c.len() < CLEAN_VALUES_LIMIT {
                        c.insert(text.into(), ());
                    }
                });
            }
            None
        }
    }
}

/// The instruments of one meter, built on the SDK's meter of the scope.
struct RedactingInstruments {
    inner: Meter,
    redactor: &'static Redactor,
}

/// An SDK instrument behind a redacting one.
struct Redacting<I> {
    inner: I,
    redactor: &'static Redactor,
}

/// Records into an instrument of the API, bound or not.
trait Record<T> {
    fn record(&self, value: T, attributes: &[KeyValue]);
    fn bind(&self, attributes: &[KeyValue]) -> Box<dyn BoundSyncInstrument<T> + Send + Sync>;
}

/// A bound instrument of the API as the trait the SDK hands out.
struct Bound<B>(B);

macro_rules! record {
    ($instrument:ident, $bound:ident, $method:ident) => {
        impl<T: 'static> Record<T> for $instrument<T> {
            fn record(&self, value: T, attributes: &[KeyValue]) {
                self.$method(value, attributes);
            }

            fn bind(
                &self,
                attributes: &[KeyValue],
            ) -> Box<dyn BoundSyncInstrument<T> + Send + Sync> {
                Box::new(Bound(self.bind(attributes)))
            }
        }

        impl<T> BoundSyncInstrument<T> for Bound<opentelemetry::metrics::$bound<T>> {
            fn measure(&self, value: T) {
                self.0.$method(value);
            }
        }
    };
}

record!(Counter, BoundCounter, add);
record!(UpDownCounter, BoundUpDownCounter, add);
record!(Gauge, BoundGauge, record);
record!(Histogram, BoundHistogram, record);

impl<T, I: Record<T> + Send + Sync> SyncInstrument<T> for Redacting<I> {
    fn measure(&self, value: T, attributes: &[KeyValue]) {
        self.inner
            .record(value, &redact_key_values(self.redactor, attributes));
    }

    fn bind(&self, attributes: &[KeyValue]) -> Box<dyn BoundSyncInstrument<T> + Send + Sync> {
        // Redacted once here; the bound handle records without attributes.
        self.inner
            .bind(&redact_key_values(self.redactor, attributes))
    }
}

/// Hands a callback's observations on to the SDK, redacted.
struct RedactingObserver<'a, T> {
    inner: &'a dyn AsyncInstrument<T>,
    redactor: &'static Redactor,
}

impl<T> AsyncInstrument<T> for RedactingObserver<'_, T> {
    fn observe(&self, measurement: T, attributes: &[KeyValue]) {
        self.inner
            .observe(measurement, &redact_key_values(self.redactor, attributes));
    }
}

/// A synchronous instrument: the SDK's, of the same name, description and
/// unit (and boundaries, for a histogram), behind a redacting one.
macro_rules! sync_instrument {
    ($method:ident, $builder:ident, $instrument:ident, $t:ty $(, $boundaries:ident)?) => {
        fn $method(&self, builder: $builder<'_, $instrument<$t>>) -> $instrument<$t> {
            let mut inner = self.inner.$method(builder.name);
            if let Some(description) = builder.description {
                inner = inner.with_description(description);
            }
            if let Some(unit) = builder.unit {
                inner = inner.with_unit(unit);
            }
            $(if let Some(boundaries) = builder.$boundaries {
                inner = inner.with_boundaries(boundaries);
            })?
            $instrument::new(Arc::new(Redacting {
                inner: inner.build(),
                redactor: self.redactor,
            }))
        }
    };
}

/// An observable instrument: the SDK's, with each callback observing
/// through a redacting observer.
macro_rules! observable_instrument {
    ($method:ident, $instrument:ident, $t:ty) => {
        fn $method(
            &self,
            builder: AsyncInstrumentBuilder<'_, $instrument<$t>, $t>,
        ) -> $instrument<$t> {
            let mut inner = self.inner.$method(builder.name);
            if let Some(description) = builder.description {
                inner = inner.with_description(description);
            }
            if let Some(unit) = builder.unit {
                inner = inner.with_unit(unit);
            }
            let redactor = self.redactor;
            for callback in builder.callbacks {
                inner = inner.with_callback(move |observer| {
                    callback(&RedactingObserver {
                        inner: observer,
                        redactor,
                    })
                });
            }
            inner.build()
        }
    };
}

impl InstrumentProvider for RedactingInstruments {
    sync_instrument!(u64_counter, InstrumentBuilder, Counter, u64);
    sync_instrument!(f64_counter, InstrumentBuilder, Counter, f64);
    sync_instrument!(i64_up_down_counter, InstrumentBuilder, UpDownCounter, i64);
    sync_instrument!(f64_up_down_counter, InstrumentBuilder, UpDownCounter, f64);
    sync_instrument!(u64_gauge, InstrumentBuilder, Gauge, u64);
    sync_instrument!(f64_gauge, InstrumentBuilder, Gauge, f64);
    sync_instrument!(i64_gauge, InstrumentBuilder, Gauge, i64);
    sync_instrument!(f64_histogram, HistogramBuilder, Histogram, f64, boundaries);
    sync_instrument!(u64_histogram, HistogramBuilder, Histogram, u64, boundaries);
    observable_instrument!(u64_observable_counter, ObservableCounter, u64);
    observable_instrument!(f64_observable_counter, ObservableCounter, f64);
    observable_instrument!(i64_observable_up_down_counter, ObservableUpDownCounter, i64);
    observable_instrument!(f64_observable_up_down_counter, ObservableUpDownCounter, f64);
    observable_instrument!(u64_observable_gauge, ObservableGauge, u64);
    observable_instrument!(i64_observable_gauge, ObservableGauge, i64);
    observable_instrument!(f64_observable_gauge, ObservableGauge, f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_attributes_are_borrowed() {
        let r = Redactor::schema();
        let attrs = [
            KeyValue::new("http.route", "/quote"),
            KeyValue::new("code", 200),
        ];
        assert!(matches!(redact_key_values(r, &attrs), Cow::Borrowed(_)));
    }

    #[test]
    fn attributes_are_redacted_in_place() {
        let r = Redactor::schema();
        let attrs = [
            KeyValue::new("code", 200),
            KeyValue::new("user.email", "a@b.io"),
            KeyValue::new("note", "password=hunter2"),
            KeyValue::new(
                "owners",
                Value::Array(Array::String(vec!["bob@example.com".into()])),
            ),
        ];
        let got = redact_key_values(r, &attrs);
        assert_eq!(
            got.as_ref(),
            [
                KeyValue::new("code", 200),
                KeyValue::new("user.email", "[REDACTED]"),
                KeyValue::new("note", "password=[REDACTED]"),
                KeyValue::new(
                    "owners",
                    Value::Array(Array::String(vec!["[REDACTED:email]".into()]))
                ),
            ]
        );
    }
}
