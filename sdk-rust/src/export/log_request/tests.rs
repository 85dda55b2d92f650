//! The encoder against the SDK's own: the same batch through
//! opentelemetry-proto's transform (what the SDK's OTLP exporter sends) and
//! through [`LogRequest`] decodes to the same request.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::{
    Array, InstrumentationScope, Key, KeyValue, SpanId, StringValue, TraceFlags, TraceId, Value,
};
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::logs::tonic::group_logs_by_resource_and_scope;
use opentelemetry_sdk::logs::{LogBatch, SdkLogRecord, SdkLoggerProvider};
use opentelemetry_sdk::Resource;
use prost::Message as _;

use super::LogRequest;

fn resource() -> Resource {
    Resource::builder_empty()
        .with_schema_url(
            [
                KeyValue::new("service.name", "pricing"),
                KeyValue::new("host.cores", 2_i64),
                KeyValue::new("load", 0.5),
                KeyValue::new("canary", false),
                KeyValue::new(
                    "tags",
                    Value::Array(Array::String(vec![
                        StringValue::from("a"),
                        StringValue::from(""),
                    ])),
                ),
                KeyValue::new("ports", Value::Array(Array::I64(vec![0, -1, 8080]))),
                KeyValue::new("weights", Value::Array(Array::F64(vec![0.0, 1.5]))),
                KeyValue::new("flags", Value::Array(Array::Bool(vec![true, false]))),
            ],
            "https://opentelemetry.io/schemas/1.37.0",
        )
        .build()
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_nanos(123_456_789)
}

fn record(provider: &SdkLoggerProvider, scope: &InstrumentationScope) -> SdkLogRecord {
    provider
        .logger_with_scope(scope.clone())
        .create_log_record()
}

/// Records of every shape the bridge makes, in two scopes and under a
/// target that renames one.
fn records() -> Vec<(SdkLogRecord, InstrumentationScope)> {
    let provider = SdkLoggerProvider::builder().build();
    let seam = InstrumentationScope::builder("seam")
        .with_version("0.1.0")
        .with_schema_url("https://opentelemetry.io/schemas/1.37.0")
        .with_attributes([KeyValue::new("scope.kind", "bridge")])
        .build();
    let other = InstrumentationScope::builder("other").build();

    let mut full = record(&provider, &seam);
    full.set_timestamp(at(1_700_000_000));
    full.set_observed_timestamp(at(1_700_000_001));
    full.set_severity_number(Severity::Warn);
    full.set_severity_text("WARN");
    full.set_event_name("pricing.quote.done");
    full.set_body(AnyValue::from("quote served"));
    let nested: HashMap<Key, AnyValue> = [
        (Key::from("inner"), AnyValue::from("value")),
        (Key::from("zero"), AnyValue::Int(0)),
    ]
    .into_iter()
    .collect();
    full.add_attributes([
        (Key::from("text"), AnyValue::from("héllo")),
        (Key::from("empty"), AnyValue::from("")),
        (Key::from("negative"), AnyValue::Int(-42)),
        (Key::from("zero"), AnyValue::Int(0)),
        (Key::from("ratio"), AnyValue::Double(-0.25)),
        (Key::from("no"), AnyValue::Boolean(false)),
        (Key::from("yes"), AnyValue::Boolean(true)),
        (Key::from("raw"), AnyValue::Bytes(Box::new(vec![0, 255, 7]))),
        (
            Key::from("list"),
            AnyValue::ListAny(Box::new(vec![
                AnyValue::from("a"),
                AnyValue::Int(1),
                AnyValue::ListAny(Box::default()),
                AnyValue::ListAny(Box::new(vec![AnyValue::Double(2.0)])),
            ])),
        ),
        (Key::from("map"), AnyValue::Map(Box::new(nested.clone()))),
        (Key::from(""), AnyValue::from("empty key")),
    ]);
    full.set_trace_context(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").expect("trace id"),
        SpanId::from_hex("00f067aa0ba902b7").expect("span id"),
        Some(TraceFlags::SAMPLED),
    );

    let mut targeted = record(&provider, &seam);
    targeted.set_target(Cow::Borrowed("pricing::quote"));
    targeted.set_observed_timestamp(at(1_700_000_002));
    targeted.set_body(AnyValue::Map(Box::new(nested)));
    targeted.set_severity_number(Severity::Fatal4);

    let mut bare = record(&provider, &other);
    bare.set_observed_timestamp(at(1_700_000_003));
    bare.set_trace_context(
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").expect("trace id"),
        SpanId::from_hex("b7ad6b7169203331").expect("span id"),
        None,
    );

    let mut again = record(&provider, &seam);
    again.set_observed_timestamp(at(1_700_000_004));
    again.set_body(AnyValue::from("second in its scope"));

    vec![
        (full, seam.clone()),
        (targeted, seam.clone()),
        (bare, other),
        (again, seam),
    ]
}

/// What the SDK's exporter sends for `batch`, its scopes in name order.
fn sdk_request(batch: &LogBatch<'_>, resource: &Resource) -> ExportLogsServiceRequest {
    let mut request = ExportLogsServiceRequest {
        resource_logs: group_logs_by_resource_and_scope(
            batch,
            &ResourceAttributesWithSchema::from(resource),
        ),
    };
    sort_scopes(&mut request);
    request
}

fn sort_scopes(request: &mut ExportLogsServiceRequest) {
    for r in &mut request.resource_logs {
        r.scope_logs.sort_by(|a, b| {
            a.scope
                .as_ref()
                .map(|s| &s.name)
                .cmp(&b.scope.as_ref().map(|s| &s.name))
        });
    }
}

#[test]
fn encodes_what_the_sdk_exporter_sends() {
    let records = records();
    let refs: Vec<_> = records.iter().map(|(r, s)| (r, s)).collect();
    let batch = LogBatch::new(&refs);
    let resource = resource();

    let mut encoder = LogRequest::default();
    encoder.set_resource(&resource);
    let mut body = Vec::new();
    encoder.encode(&batch, &mut body);

    let decoded = ExportLogsServiceRequest::decode(body.as_slice()).expect("a valid request");
    // Nothing prost would leave out, and its field order: prost writes the
    // decoded request back byte for byte.
    assert_eq!(decoded.encode_to_vec(), body);
    let mut ours = decoded;
    sort_scopes(&mut ours);
    assert_eq!(ours, sdk_request(&batch, &resource));
    let scopes: Vec<_> = ours.resource_logs[0]
        .scope_logs
        .iter()
        .map(|s| {
            (
                s.scope.as_ref().map_or("", |s| s.name.as_str()),
                s.log_records.len(),
            )
        })
        .collect();
    assert_eq!(scopes, [("other", 1), ("pricing::quote", 1), ("seam", 2)]);
}

#[test]
fn the_buffers_are_reused_and_each_request_stands_alone() {
    let records = records();
    let refs: Vec<_> = records.iter().map(|(r, s)| (r, s)).collect();
    let resource = resource();
    let mut encoder = LogRequest::default();
    encoder.set_resource(&resource);
    let (mut first, mut second) = (Vec::new(), Vec::new());
    encoder.encode(&LogBatch::new(&refs), &mut first);
    encoder.encode(&LogBatch::new(&refs[2..]), &mut second);
    let second = ExportLogsServiceRequest::decode(second.as_slice()).expect("a valid request");
    assert_eq!(second, sdk_request(&LogBatch::new(&refs[2..]), &resource));
    let empty: Vec<(&SdkLogRecord, &InstrumentationScope)> = Vec::new();
    encoder.encode(&LogBatch::new(&empty), &mut first);
    let empty_request =
        ExportLogsServiceRequest::decode(first.as_slice()).expect("a valid request");
    assert_eq!(
        empty_request,
        sdk_request(&LogBatch::new(&empty), &resource)
    );
}
