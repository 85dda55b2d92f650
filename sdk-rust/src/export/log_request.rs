//! An OTLP `ExportLogsServiceRequest` encoded straight from a batch of
//! queued records: the request the SDK's OTLP/HTTP exporter sends for the
//! same batch (the tests decode both and compare them), without building
//! the `opentelemetry-proto` structs first and freeing them after, which
//! was most of the export thread's time.

use std::ops::Range;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::logs::AnyValue;
use opentelemetry::{Array, InstrumentationScope, KeyValue, Value};
use opentelemetry_sdk::logs::{LogBatch, SdkLogRecord};
use opentelemetry_sdk::Resource;

use super::proto::{
    bytes_field, fixed32_field, fixed64_field, len_field_size, message_header, string_field, tag,
    varint, varint_field, wrap, WireType,
};

/// Encodes the requests of one resource, reusing its buffers from one
/// batch to the next.
#[derive(Debug, Default)]
pub(crate) struct LogRequest {
    /// ResourceLogs' `resource` field, encoded once.
    resource: Vec<u8>,
    /// ResourceLogs' `schema_url` field.
    schema_url: Vec<u8>,
    /// The batch's records, encoded, and what each one's group and range is.
    records: Vec<u8>,
    spans: Vec<(usize, Range<usize>)>,
    /// Each group's InstrumentationScope message.
    scopes: Vec<u8>,
}

/// The records of one exported scope: a scope whose name the records'
/// target replaces, as the SDK's exporter groups them.
struct Group<'a> {
    name: &'a str,
    scope: &'a InstrumentationScope,
    encoded: Range<usize>,
    len: usize,
}

impl LogRequest {
    /// Encodes `resource` for every request from now on.
    pub(crate) fn set_resource(&mut self, resource: &Resource) {
        let mut message = Vec::new();
        for (key, value) in resource.iter() {
            key_value(&mut message, 1, key.as_str(), |b| value_into(b, value));
        }
        self.resource.clear();
        bytes_field(&mut self.resource, 1, &message);
        self.schema_url.clear();
        string_field(
            &mut self.schema_url,
            3,
            resource.schema_url().unwrap_or_default(),
        );
    }

    /// Writes the request for `batch` to `out`, replacing what it held.
    pub(crate) fn encode(&mut self, batch: &LogBatch<'_>, out: &mut Vec<u8>) {
        self.records.clear();
        self.spans.clear();
        self.scopes.clear();
        let mut groups: Vec<Group<'_>> = Vec::new();
        for (record, scope) in batch.iter() {
            let name = record.target().map_or(scope.name(), |t| t.as_ref());
            let g = match groups
                .iter()
                .position(|g| g.name == name && same_scope(g.scope, scope))
            {
                Some(g) => g,
                None => {
                    let start = self.scopes.len();
                    encode_scope(&mut self.scopes, name, scope);
                    groups.push(Group {
                        name,
                        scope,
                        encoded: start..self.scopes.len(),
                        len: 0,
                    });
                    groups.len() - 1
                }
            };
            let start = self.records.len();
            encode_record(&mut self.records, record);
            self.spans.push((g, start..self.records.len()));
        }
        for (g, span) in &self.spans {
            groups[*g].len += len_field_size(2, span.len());
        }
        for g in &mut groups {
            g.len += len_field_size(1, g.encoded.len());
            g.len += string_field_size(3, g.scope.schema_url().unwrap_or_default());
        }
        let resource_logs: usize = self.resource.len()
            + groups
                .iter()
                .map(|g| len_field_size(2, g.len))
                .sum::<usize>()
            + self.schema_url.len();

        out.clear();
        out.reserve(len_field_size(1, resource_logs));
        message_header(out, 1, resource_logs);
        out.extend_from_slice(&self.resource);
        for (i, g) in groups.iter().enumerate() {
            message_header(out, 2, g.len);
            bytes_field(out, 1, &self.scopes[g.encoded.clone()]);
            for (_, span) in self.spans.iter().filter(|(of, _)| *of == i) {
                bytes_field(out, 2, &self.records[span.clone()]);
            }
            string_field(out, 3, g.scope.schema_url().unwrap_or_default());
        }
        out.extend_from_slice(&self.schema_url);
    }
}

fn same_scope(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    std::ptr::eq(a, b)
        || (a.version() == b.version()
            && a.schema_url() == b.schema_url()
            && a.attributes().eq(b.attributes()))
}

fn string_field_size(field: u32, s: &str) -> usize {
    if s.is_empty() {
        0
    } else {
        len_field_size(field, s.len())
    }
}

/// An InstrumentationScope message under `name`.
fn encode_scope(b: &mut Vec<u8>, name: &str, scope: &InstrumentationScope) {
    string_field(b, 1, name);
    string_field(b, 2, scope.version().unwrap_or_default());
    for kv in scope.attributes() {
        attribute(b, 3, kv);
    }
}

fn attribute(b: &mut Vec<u8>, field: u32, kv: &KeyValue) {
    key_value(b, field, kv.key.as_str(), |b| value_into(b, &kv.value));
}

/// A LogRecord message, its fields in the order prost writes them.
fn encode_record(b: &mut Vec<u8>, record: &SdkLogRecord) {
    fixed64_field(b, 1, record.timestamp().map_or(0, nanos));
    varint_field(b, 2, record.severity_number().map_or(0, |s| s as u64));
    string_field(b, 3, record.severity_text().unwrap_or_default());
    if let Some(body) = record.body() {
        any_value_field(b, 5, body);
    }
    for (key, value) in record.attributes_iter() {
        key_value(b, 6, key.as_str(), |b| any_value_into(b, value));
    }
    let trace = record.trace_context();
    let flags = trace.and_then(|t| t.trace_flags).map_or(0, |f| f.to_u8());
    fixed32_field(b, 8, u32::from(flags));
    if let Some(t) = trace {
        bytes_field(b, 9, &t.trace_id.to_bytes());
        bytes_field(b, 10, &t.span_id.to_bytes());
    }
    fixed64_field(b, 11, record.observed_timestamp().map_or(0, nanos));
    string_field(b, 12, record.event_name().unwrap_or_default());
}

fn nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// A KeyValue message as field `field`; `value` writes its AnyValue's
/// fields.
fn key_value(b: &mut Vec<u8>, field: u32, key: &str, value: impl FnOnce(&mut Vec<u8>)) {
    let start = b.len();
    string_field(b, 1, key);
    let value_start = b.len();
    value(b);
    wrap(b, value_start, 2);
    wrap(b, start, field);
}

fn any_value_field(b: &mut Vec<u8>, field: u32, value: &AnyValue) {
    let start = b.len();
    any_value_into(b, value);
    wrap(b, start, field);
}

/// The fields of the AnyValue message for `value`.
fn any_value_into(b: &mut Vec<u8>, value: &AnyValue) {
    match value {
        AnyValue::String(s) => bytes_field(b, 1, s.as_str().as_bytes()),
        AnyValue::Boolean(v) => oneof_varint(b, 2, u64::from(*v)),
        AnyValue::Int(i) => oneof_varint(b, 3, *i as u64),
        AnyValue::Double(d) => oneof_double(b, *d),
        AnyValue::Bytes(bytes) => bytes_field(b, 7, bytes),
        AnyValue::ListAny(list) => {
            let start = b.len();
            for v in list.iter() {
                any_value_field(b, 1, v);
            }
            wrap(b, start, 5);
        }
        AnyValue::Map(map) => {
            let start = b.len();
            for (k, v) in map.iter() {
                key_value(b, 1, k.as_str(), |b| any_value_into(b, v));
            }
            wrap(b, start, 6);
        }
        // A kind this encoder does not know: an empty AnyValue.
        _ => {}
    }
}

/// The fields of the AnyValue message for a resource or scope `value`.
fn value_into(b: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Bool(v) => oneof_varint(b, 2, u64::from(*v)),
        Value::I64(i) => oneof_varint(b, 3, *i as u64),
        Value::F64(d) => oneof_double(b, *d),
        Value::String(s) => bytes_field(b, 1, s.as_str().as_bytes()),
        Value::Array(array) => {
            let start = b.len();
            match array {
                Array::Bool(vs) => vs.iter().for_each(|v| element(b, &Value::Bool(*v))),
                Array::I64(vs) => vs.iter().for_each(|v| element(b, &Value::I64(*v))),
                Array::F64(vs) => vs.iter().for_each(|v| element(b, &Value::F64(*v))),
                Array::String(vs) => vs
                    .iter()
                    .for_each(|v| element(b, &Value::String(v.clone()))),
                _ => {}
            }
            wrap(b, start, 5);
        }
        _ => {}
    }
}

/// One element of an ArrayValue.
fn element(b: &mut Vec<u8>, value: &Value) {
    let start = b.len();
    value_into(b, value);
    wrap(b, start, 1);
}

/// A oneof member's varint: written even when zero.
fn oneof_varint(b: &mut Vec<u8>, field: u32, v: u64) {
    tag(b, field, WireType::Varint);
    varint(b, v);
}

/// AnyValue's double_value.
fn oneof_double(b: &mut Vec<u8>, d: f64) {
    tag(b, 4, WireType::Fixed64);
    b.extend_from_slice(&d.to_le_bytes());
}

#[cfg(test)]
mod tests;
