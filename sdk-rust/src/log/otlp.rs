//! The OTLP side of logging: a `LoggerProvider` for the
//! `opentelemetry-appender-tracing` bridge that applies the same schema rules
//! as the JSON line (redaction, correlation id) before the SDK sees a record,
//! and hands each finished record to Seam's log queue whole.

use std::borrow::Cow;
use std::time::SystemTime;

use opentelemetry::baggage::BaggageExt;
use opentelemetry::logs::{AnyValue, LogRecord, Logger, LoggerProvider, Severity};
use opentelemetry::trace::TraceContextExt;
use opentelemetry::{Context, InstrumentationScope, Key, SpanId, TraceFlags, TraceId};
use opentelemetry_sdk::logs::{SdkLogRecord, SdkLogger, SdkLoggerProvider};

use crate::export::LogRecords;
use crate::redact::Redactor;
use crate::semconv::{attribute, correlation, redaction};

/// The field `tracing` records an event's format text under.
const MESSAGE_FIELD: &str = "message";

/// Wraps an [`SdkLoggerProvider`] so that every record it hands out is
/// redacted as it is filled in and carries `seam.correlation_id`. Emitted
/// records go to `records`, the queue of the provider's processor, by
/// value: the SDK's emit would lend them to the processor, which must copy
/// each one.
#[derive(Debug, Clone)]
pub(crate) struct SchemaLoggerProvider {
    inner: SdkLoggerProvider,
    records: LogRecords,
}

impl SchemaLoggerProvider {
    /// Wraps `inner`, whose log processor queues into `records`.
    pub(crate) fn new(inner: SdkLoggerProvider, records: LogRecords) -> Self {
        SchemaLoggerProvider { inner, records }
    }
}

impl LoggerProvider for SchemaLoggerProvider {
    type Logger = SchemaLogger;

    fn logger_with_scope(&self, scope: InstrumentationScope) -> SchemaLogger {
        SchemaLogger {
            inner: self.inner.logger_with_scope(scope.clone()),
            redactor: Redactor::schema(),
            scope,
            records: self.records.clone(),
        }
    }
}

/// The logger of a [`SchemaLoggerProvider`].
#[derive(Debug)]
pub(crate) struct SchemaLogger {
    inner: SdkLogger,
    redactor: &'static Redactor,
    scope: InstrumentationScope,
    records: LogRecords,
}

impl Logger for SchemaLogger {
    type LogRecord = SchemaLogRecord;

    fn create_log_record(&self) -> SchemaLogRecord {
        SchemaLogRecord {
            inner: self.inner.create_log_record(),
            redactor: self.redactor,
        }
    }

    /// What the SDK's emit does before its processors see a record (the
    /// current span's context, the observed time), plus the correlation id,
    /// in one look at the context. Records logged while telemetry is
    /// suppressed never get here: `event_enabled` refuses them.
    fn emit(&self, record: SchemaLogRecord) {
        let mut record = record.inner;
        let now = SystemTime::now();
        if record.timestamp().is_none() {
            record.set_timestamp(now);
        }
        if record.observed_timestamp().is_none() {
            record.set_observed_timestamp(now);
        }
        let needs_trace_context = record.trace_context().is_none();
        Context::map_current(|cx| {
            if needs_trace_context && cx.has_active_span() {
                let span = cx.span();
                let span_context = span.span_context();
                record.set_trace_context(
                    span_context.trace_id(),
                    span_context.span_id(),
                    Some(span_context.trace_flags()),
                );
            }
            if let Some(id) = cx
                .baggage()
                .get(correlation::BAGGAGE_KEY)
                .map(|v| v.as_str())
                .filter(|id| !id.is_empty())
            {
                record.add_attribute(
                    Key::from_static_str(attribute::SEAM_CORRELATION_ID),
                    id.to_owned(),
                );
            }
        });
        self.records.add(record, &self.scope);
    }

    fn event_enabled(&self, level: Severity, target: &str, name: Option<&str>) -> bool {
        self.inner.event_enabled(level, target, name)
    }
}

/// A record whose body and attributes are redacted as they are set.
#[derive(Debug)]
pub(crate) struct SchemaLogRecord {
    inner: SdkLogRecord,
    redactor: &'static Redactor,
}

impl SchemaLogRecord {
    fn redact_value(&self, value: AnyValue) -> AnyValue {
        redact_any(self.redactor, value)
    }
}

/// `value` with the value patterns applied to its strings, in lists and maps
/// too; a map's keys are matched as keys, as attribute keys are.
fn redact_any(redactor: &Redactor, value: AnyValue) -> AnyValue {
    match value {
        AnyValue::String(s) => match redactor.value(s.as_str()) {
            Cow::Borrowed(_) => AnyValue::String(s),
            Cow::Owned(redacted) => AnyValue::from(redacted),
        },
        AnyValue::ListAny(list) => AnyValue::ListAny(Box::new(
            list.into_iter().map(|v| redact_any(redactor, v)).collect(),
        )),
        AnyValue::Map(map) => AnyValue::Map(Box::new(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if redactor.is_sensitive_key(k.as_str()) {
                        AnyValue::from(redaction::REPLACEMENT)
                    } else {
                        redact_any(redactor, v)
                    };
                    (k, v)
                })
                .collect(),
        )),
        other => other,
    }
}

impl LogRecord for SchemaLogRecord {
    fn set_event_name(&mut self, name: &'static str) {
        self.inner.set_event_name(name);
    }

    fn set_target<T>(&mut self, target: T)
    where
        T: Into<Cow<'static, str>>,
    {
        self.inner.set_target(target);
    }

    fn set_timestamp(&mut self, timestamp: SystemTime) {
        self.inner.set_timestamp(timestamp);
    }

    fn set_observed_timestamp(&mut self, timestamp: SystemTime) {
        self.inner.set_observed_timestamp(timestamp);
    }

    fn set_severity_text(&mut self, text: &'static str) {
        self.inner.set_severity_text(text);
    }

    fn set_severity_number(&mut self, number: Severity) {
        self.inner.set_severity_number(number);
    }

    fn set_body(&mut self, body: AnyValue) {
        if self.inner.body().is_some() {
            // A second `message` field, as in `info!(message = x, "text")`,
            // is an attribute, as on the JSON line.
            self.add_attribute(MESSAGE_FIELD, body);
            return;
        }
        let body = self.redact_value(body);
        self.inner.set_body(body);
    }

    fn add_attributes<I, K, V>(&mut self, attributes: I)
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<Key>,
        V: Into<AnyValue>,
    {
        for (key, value) in attributes {
            self.add_attribute(key, value);
        }
    }

    fn add_attribute<K, V>(&mut self, key: K, value: V)
    where
        K: Into<Key>,
        V: Into<AnyValue>,
    {
        let key = key.into();
        let value = if self.redactor.is_sensitive_key(key.as_str()) {
            AnyValue::from(redaction::REPLACEMENT)
        } else {
            self.redact_value(value.into())
        };
        self.inner.add_attribute(key, value);
    }

    fn set_trace_context(
        &mut self,
        trace_id: TraceId,
        span_id: SpanId,
        trace_flags: Option<TraceFlags>,
    ) {
        self.inner.set_trace_context(trace_id, span_id, trace_flags);
    }
}
