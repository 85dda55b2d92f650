//! Property tests of the canonical line: whatever the message, the
//! attributes and the header hold, the line is one valid JSON object whose
//! strings are the inputs redacted.

use proptest::prelude::*;
use serde_json::Value as Json;

use super::encode;
use super::line::{write_line, Attributes, Header, Value};
use crate::redact::Redactor;
use crate::semconv::log as fields;

/// An attribute value of every kind the line encodes.
#[derive(Debug, Clone)]
enum Arbitrary {
    Str(String),
    Bytes(Vec<u8>),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

impl Arbitrary {
    fn value(&self) -> Value<'_> {
        match self {
            Arbitrary::Str(s) => Value::Str(s),
            Arbitrary::Bytes(b) => Value::Bytes(b),
            Arbitrary::I64(v) => Value::I64(*v),
            Arbitrary::U64(v) => Value::U64(*v),
            Arbitrary::F64(v) => Value::F64(*v),
            Arbitrary::Bool(v) => Value::Bool(*v),
        }
    }
}

/// Strings with secrets in them as often as not.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        (
            "[a-z ]{0,12}",
            prop::sample::select(vec![
                "password=hunter2",
                "Bearer abc.def",
                "4111 1111 1111 1111",
                "postgres://u:pw@h/db",
                "alice@example.com",
                "Cookie: sid=abc",
                "\"token\": \"x\\\"y\"",
            ]),
            "[a-z \"\\\\\n]{0,12}"
        )
            .prop_map(|(a, s, b)| format!("{a}{s}{b}")),
    ]
}

fn arbitrary() -> impl Strategy<Value = Arbitrary> {
    prop_oneof![
        text().prop_map(Arbitrary::Str),
        any::<Vec<u8>>().prop_map(Arbitrary::Bytes),
        any::<i64>().prop_map(Arbitrary::I64),
        any::<u64>().prop_map(Arbitrary::U64),
        any::<f64>().prop_map(Arbitrary::F64),
        any::<bool>().prop_map(Arbitrary::Bool),
    ]
}

/// Keys, sensitive ones among them; the index keeps them unique and apart
/// from the header's fields.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z._-]{1,12}",
        Just("db.password".to_owned()),
        Just("http.request.header.cookie".to_owned())
    ]
}

fn expected(redactor: &Redactor, key: &str, v: &Arbitrary) -> Json {
    if redactor.is_sensitive_key(key) {
        return Json::from(crate::semconv::redaction::REPLACEMENT);
    }
    match v {
        Arbitrary::Str(s) => Json::from(redactor.value(s).into_owned()),
        Arbitrary::Bytes(b) => Json::from(redactor.value(&String::from_utf8_lossy(b)).into_owned()),
        Arbitrary::I64(v) => Json::from(*v),
        Arbitrary::U64(v) => Json::from(*v),
        Arbitrary::F64(v) if v.is_nan() => Json::from("NaN"),
        Arbitrary::F64(v) if v.is_infinite() => Json::from(if *v > 0.0 { "+Inf" } else { "-Inf" }),
        Arbitrary::F64(v) => Json::from(*v),
        Arbitrary::Bool(v) => Json::from(*v),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_line_is_one_redacted_json_object(
        msg in prop_oneof![text().prop_map(String::into_bytes), any::<Vec<u8>>()],
        attrs in prop::collection::vec((key(), arbitrary()), 0..6),
        service in any::<String>(),
        correlation in proptest::option::of(any::<String>()),
        time in 0i128..(1i128 << 62),
        level in prop::sample::select(fields::LEVELS.iter().map(|l| l.name).collect::<Vec<_>>()),
    ) {
        let redactor = Redactor::schema();
        let mut attributes = Attributes::new(redactor);
        let keys: Vec<String> = attrs.iter().enumerate().map(|(i, (k, _))| format!("attr{i}.{k}")).collect();
        for (k, (_, v)) in keys.iter().zip(&attrs) {
            attributes.push(k, v.value());
        }
        let header = Header {
            time_unix_nano: time,
            level,
            service_name: &service,
            seam_impl: "rust",
            trace_id: None,
            span_id: None,
            correlation_id: correlation.as_deref(),
        };
        let mut out = Vec::new();
        write_line(&mut out, &header, &msg, &attributes);

        prop_assert_eq!(out.last(), Some(&b'\n'));
        prop_assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1, "one line");
        let line: Json = serde_json::from_slice(&out).map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&out))))?;
        let obj = line.as_object().ok_or_else(|| TestCaseError::fail("not an object"))?;
        let want_msg = redactor.value(&String::from_utf8_lossy(&msg)).into_owned();
        prop_assert_eq!(obj.get(fields::FIELD_MSG), Some(&Json::from(want_msg)));
        prop_assert_eq!(obj.get(fields::FIELD_SERVICE_NAME), Some(&Json::from(service.clone())));
        for (k, (_, v)) in keys.iter().zip(&attrs) {
            let got = obj.get(k.as_str());
            match v {
                // ECMAScript's shortest form: 1.0 is written 1, which reads
                // back as an integer, and serde_json's float parsing may be
                // one ulp off, so doubles compare as numbers, nearly;
                // doubles_round_trip checks their digits exactly.
                Arbitrary::F64(f) if f.is_finite() && !redactor.is_sensitive_key(k) => {
                    let back = got.and_then(Json::as_f64).ok_or_else(|| TestCaseError::fail(format!("attribute {k}: not a number")))?;
                    prop_assert!((back - f).abs() <= f.abs() * 1e-15, "attribute {}: {} for {}", k, back, f);
                }
                _ => prop_assert_eq!(got, Some(&expected(redactor, k, v)), "attribute {}", k),
            }
        }
    }

    #[test]
    fn doubles_round_trip(v in any::<f64>()) {
        let mut out = Vec::new();
        encode::write_f64(&mut out, v);
        let text = std::str::from_utf8(&out).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if v.is_finite() {
            prop_assert_eq!(text.parse::<f64>().ok(), Some(v), "{} written as {}", v, text);
        } else {
            prop_assert!(serde_json::from_str::<String>(text).is_ok(), "{} written as {}", v, text);
        }
    }
}
