//! One canonical log line (event.seam.log): the fixed fields in schema
//! order, then the record's attributes in the order given, redacted.

use std::borrow::Cow;

use opentelemetry::{SpanId, TraceId};

use super::encode;
use crate::redact::Redactor;
use crate::semconv::log as fields;

/// The fixed fields of a line, before the message and attributes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header<'a> {
    /// Nanoseconds since the Unix epoch, UTC.
    pub(crate) time_unix_nano: i128,
    /// One of the schema's level names (`semconv::log::LEVELS`).
    pub(crate) level: &'a str,
    /// `service.name` of the resource.
    pub(crate) service_name: &'a str,
    /// `seam.impl`: `rust` for everything this crate emits.
    pub(crate) seam_impl: &'a str,
    /// The current span's trace id; omitted when absent.
    pub(crate) trace_id: Option<TraceId>,
    /// The current span's id; omitted when absent.
    pub(crate) span_id: Option<SpanId>,
    /// `seam.correlation_id` from the context's baggage; omitted when absent.
    pub(crate) correlation_id: Option<&'a str>,
}

/// An attribute value as the line encodes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value<'a> {
    /// A string.
    Str(&'a str),
    /// A string that may hold invalid UTF-8 (each bad byte becomes U+FFFD).
    Bytes(&'a [u8]),
    /// A signed integer.
    I64(i64),
    /// An unsigned integer (above `i64::MAX` only from `u64` fields).
    U64(u64),
    /// A double; non-finite values are written as strings.
    F64(f64),
    /// A boolean.
    Bool(bool),
}

/// The attributes of one line, encoded and redacted as they are pushed so
/// that borrowed values need not outlive the push. Reuse it with
/// [`Attributes::clear`] to keep the hot path free of allocations.
#[derive(Debug)]
pub(crate) struct Attributes {
    encoded: Vec<u8>,
    redactor: &'static Redactor,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes::new(Redactor::schema())
    }
}

impl Attributes {
    /// Empty attributes redacted with `redactor`.
    pub(crate) fn new(redactor: &'static Redactor) -> Self {
        Attributes {
            encoded: Vec::with_capacity(256),
            redactor,
        }
    }

    /// Forgets every attribute, keeping the buffer.
    pub(crate) fn clear(&mut self) {
        self.encoded.clear();
    }

    /// Appends `key: value`, replacing the value of a sensitive key and the
    /// secrets in a string value.
    pub(crate) fn push(&mut self, key: &str, value: Value<'_>) {
        let out = &mut self.encoded;
        out.push(b',');
        encode::write_str(out, key.as_bytes());
        out.push(b':');
        if self.redactor.is_sensitive_key(key) {
            encode::write_str(out, crate::semconv::redaction::REPLACEMENT.as_bytes());
            return;
        }
        match value {
            Value::Str(s) => encode::write_str(out, self.redactor.value(s).as_bytes()),
            Value::Bytes(b) => {
                let text = String::from_utf8_lossy(b);
                encode::write_str(out, self.redactor.value(&text).as_bytes())
            }
            Value::I64(v) => encode::write_i64(out, v),
            Value::U64(v) => encode::write_u64(out, v),
            Value::F64(v) => encode::write_f64(out, v),
            Value::Bool(v) => out.extend_from_slice(if v { b"true" } else { b"false" }),
        }
    }
}

/// Appends one complete line, newline included, to `out`. The message is
/// redacted with the same rules as string attributes.
pub(crate) fn write_line(
    out: &mut Vec<u8>,
    header: &Header<'_>,
    msg: &[u8],
    attributes: &Attributes,
) {
    out.push(b'{');
    key(out, fields::FIELD_TIME, true);
    encode::write_time(out, header.time_unix_nano);
    key(out, fields::FIELD_LEVEL, false);
    encode::write_str(out, header.level.as_bytes());
    key(out, fields::FIELD_MSG, false);
    let msg: Cow<'_, str> = String::from_utf8_lossy(msg);
    encode::write_str(out, attributes.redactor.value(&msg).as_bytes());
    key(out, fields::FIELD_SERVICE_NAME, false);
    encode::write_str(out, header.service_name.as_bytes());
    key(out, fields::FIELD_SEAM_IMPL, false);
    encode::write_str(out, header.seam_impl.as_bytes());
    if let Some(trace_id) = header.trace_id {
        key(out, fields::FIELD_TRACE_ID, false);
        hex(out, &trace_id.to_bytes());
    }
    if let Some(span_id) = header.span_id {
        key(out, fields::FIELD_SPAN_ID, false);
        hex(out, &span_id.to_bytes());
    }
    if let Some(id) = header.correlation_id {
        key(out, fields::FIELD_SEAM_CORRELATION_ID, false);
        encode::write_str(out, id.as_bytes());
    }
    out.extend_from_slice(&attributes.encoded);
    out.extend_from_slice(b"}\n");
}

fn key(out: &mut Vec<u8>, name: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    encode::write_str(out, name.as_bytes());
    out.push(b':');
}

fn hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize]);
        out.push(DIGITS[(b & 0xf) as usize]);
    }
    out.push(b'"');
}
