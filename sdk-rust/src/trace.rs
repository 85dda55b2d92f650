//! Span redaction: a span processor that applies the schema's redaction
//! rules to the span's name, attributes, event names and attributes, link
//! attributes and the status message before the spans reach the exporting
//! processor.

use std::borrow::Cow;
use std::time::Duration;

use opentelemetry::trace::Status;
use opentelemetry::{Context, KeyValue, StringValue, Value};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};
use opentelemetry_sdk::Resource;

use crate::redact::Redactor;
use crate::semconv::redaction;

/// Redacts each ended span, then hands it to `inner`.
#[derive(Debug)]
pub(crate) struct RedactingSpanProcessor<P> {
    inner: P,
    redactor: &'static Redactor,
}

impl<P: SpanProcessor> RedactingSpanProcessor<P> {
    /// Redacts with the schema's rules before `inner`.
    pub(crate) fn new(inner: P) -> Self {
        RedactingSpanProcessor {
            inner,
            redactor: Redactor::schema(),
        }
    }
}

/// Redacts attribute values in place.
pub(crate) fn redact_attributes(redactor: &Redactor, attributes: &mut [KeyValue]) {
    for kv in attributes {
        if redactor.is_sensitive_key(kv.key.as_str()) {
            kv.value = Value::from(redaction::REPLACEMENT);
        } else if let Value::String(s) = &kv.value {
            if let Cow::Owned(redacted) = redactor.value(s.as_str()) {
                kv.value = Value::String(StringValue::from(redacted));
            }
        }
    }
}

/// Redacts a span's or an event's name in place: a name built from a
/// request or an error can hold a secret too.
fn redact_name(redactor: &Redactor, name: &mut Cow<'static, str>) {
    if let Cow::Owned(redacted) = redactor.value(name) {
        *name = Cow::Owned(redacted);
    }
}

impl<P: SpanProcessor> SpanProcessor for RedactingSpanProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        redact_name(self.redactor, &mut span.name);
        redact_attributes(self.redactor, &mut span.attributes);
        for event in span.events.events.iter_mut() {
            redact_name(self.redactor, &mut event.name);
            redact_attributes(self.redactor, &mut event.attributes);
        }
        for link in span.links.links.iter_mut() {
            redact_attributes(self.redactor, &mut link.attributes);
        }
        if let Status::Error { description } = &span.status {
            if let Cow::Owned(redacted) = self.redactor.value(description) {
                span.status = Status::error(redacted);
            }
        }
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
