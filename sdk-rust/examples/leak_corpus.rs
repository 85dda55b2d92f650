//! Sends the redaction leak-rate corpus through the SDK: every case's text
//! as a log body or field, a span name or attribute, an event name, a
//! status message or a metric attribute, as the corpus file says.
//! `collector/pipelinetest`'s leak test generates the file, runs this
//! against the collector and scans what arrives, and the JSON lines this
//! prints.
//!
//! Usage: `leak_corpus CORPUS.json OTLP_HTTP_ENDPOINT`

use std::error::Error;
use std::time::Duration;

use opentelemetry::trace::{Span as _, Status, Tracer as _, TracerProvider as _};
use opentelemetry::KeyValue;
use serde_json::Value;

/// The attribute every record carries its case ID under.
const CASE_KEY: &str = "leak.case";

fn field<'a>(case: &'a Value, name: &str) -> &'a str {
    case.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// A log line with `text` under `key`: tracing's field names are static, so
/// each key the corpus uses is spelled here; another key is logged as a
/// value beside its name, which the leak test reports as not arrived.
fn log_field(id: &str, key: &str, text: &str) {
    macro_rules! under {
        ($($name:literal),*) => {
            match key {
                $($name => tracing::info!(leak.case = id, $name = text, "request failed"),)*
                other => tracing::info!(leak.case = id, unknown_key = other, "request failed"),
            }
        };
    }
    under!(
        "error.message",
        "exception.message",
        "message",
        "db.query.text",
        "url.full",
        "app.note",
        "err",
        "app.order.id",
        "app.request.id",
        "user.email",
        "tls.server.private_key",
        "http.request.header.authorization",
        "http.request.header.x-api-key",
        "http.request.header.api-key",
        "http.request.header.x-auth-token",
        "http.request.header.cookie",
        "http.response.header.set-cookie"
    );
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(endpoint)) = (args.next(), args.next()) else {
        return Err("usage: leak_corpus CORPUS.json OTLP_HTTP_ENDPOINT".into());
    };
    let corpus: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let guard = seam::init(
        seam::Config::new("leak-rust")
            .with_endpoint(endpoint)
            .with_metric_interval(Duration::from_secs(3600)),
    )?;
    let tracer = guard
        .tracer_provider()
        .ok_or("the SDK has no tracer provider")?
        .tracer("leak");
    let counter = opentelemetry::global::meter("leak")
        .u64_counter("app.leak.cases")
        .build();

    let cases = ["secrets", "clean"]
        .iter()
        .filter_map(|part| corpus.get(part).and_then(Value::as_array))
        .flatten();
    for case in cases {
        let (id, key, text) = (field(case, "id"), field(case, "key"), field(case, "text"));
        let tag = KeyValue::new(CASE_KEY, id.to_owned());
        match field(case, "place") {
            "log.body" => tracing::info!(leak.case = id, "{text}"),
            "log.attribute" => log_field(id, key, text),
            "span.name" => {
                let mut span = tracer.start(text.to_owned());
                span.set_attribute(tag);
                span.end();
            }
            "span.attribute" => {
                let mut span = tracer.start("leak.attribute");
                span.set_attributes([tag, KeyValue::new(key.to_owned(), text.to_owned())]);
                span.end();
            }
            "event.name" => {
                let mut span = tracer.start("leak.event");
                span.set_attribute(tag);
                span.add_event(text.to_owned(), Vec::new());
                span.end();
            }
            "status.message" => {
                let mut span = tracer.start("leak.status");
                span.set_attribute(tag);
                span.set_status(Status::error(text.to_owned()));
                span.end();
            }
            "metric.attribute" => {
                counter.add(1, &[tag, KeyValue::new(key.to_owned(), text.to_owned())]);
            }
            other => return Err(format!("case {id}: unknown place {other:?}").into()),
        }
    }
    guard.shutdown(Duration::from_secs(20))?;
    Ok(())
}
