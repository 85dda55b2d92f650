//! The shared conformance vectors (schema/testdata/conformance/logs.json):
//! every record must render to exactly its `line`, byte for byte. A unit test,
//! since the line's parts are the crate's own.

use std::path::PathBuf;

use opentelemetry::{SpanId, TraceId};
use serde_json::Value as Json;

use super::line::{write_line, Attributes, Header, Value};

fn vectors() -> Json {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/testdata/conformance/logs.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("logs.json is JSON")
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .expect("base64 character") as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn double(value: &Json) -> f64 {
    match value {
        Json::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            other => panic!("unexpected double string {other:?}"),
        },
        other => other.as_f64().expect("double"),
    }
}

fn render(record: &Json) -> String {
    let str_field = |name: &str| record.get(name).and_then(Json::as_str);
    let header = Header {
        time_unix_nano: i128::from(record["time_unix_nano"].as_i64().expect("time_unix_nano")),
        level: str_field("level").expect("level"),
        service_name: str_field("service_name").expect("service_name"),
        seam_impl: str_field("impl").expect("impl"),
        trace_id: str_field("trace_id").map(|t| TraceId::from_hex(t).expect("trace_id")),
        span_id: str_field("span_id").map(|s| SpanId::from_hex(s).expect("span_id")),
        correlation_id: str_field("correlation_id"),
    };
    let mut attributes = Attributes::default();
    for attribute in record["attributes"].as_array().expect("attributes") {
        let key = attribute["key"].as_str().expect("key");
        let value = &attribute["value"];
        let bytes;
        let v = match attribute["type"].as_str().expect("type") {
            "string" => match attribute.get("value_b64") {
                Some(b64) => {
                    bytes = base64_decode(b64.as_str().expect("value_b64"));
                    Value::Bytes(&bytes)
                }
                None => Value::Str(value.as_str().expect("string value")),
            },
            "int" => Value::I64(value.as_i64().expect("int64 value")),
            "bool" => Value::Bool(value.as_bool().expect("bool value")),
            "double" => Value::F64(double(value)),
            other => panic!("unknown attribute type {other:?}"),
        };
        attributes.push(key, v);
    }
    let mut out = Vec::new();
    write_line(
        &mut out,
        &header,
        str_field("msg").expect("msg").as_bytes(),
        &attributes,
    );
    String::from_utf8(out).expect("the line is UTF-8")
}

#[test]
fn every_vector_renders_byte_identical() {
    let vectors = vectors();
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(!cases.is_empty(), "no conformance cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let want = format!("{}\n", case["line"].as_str().expect("line"));
        let got = render(&case["record"]);
        if got != want {
            failures.push(format!("{name}:\n  want {want}  got  {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
