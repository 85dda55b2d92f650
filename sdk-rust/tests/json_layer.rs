//! The JSON layer under a real `tracing` subscriber: trace context and
//! correlation id from the current OpenTelemetry context, fields in order,
//! redaction, one line per event, through the `MakeWriter` it is given.

use std::io::Write;
use std::sync::{Arc, Mutex};

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::Context;
use seam::log::JsonLayer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// A `MakeWriter` over a shared buffer: every writer it makes appends to it.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for Buffer {
    type Writer = Buffer;
    fn make_writer(&self) -> Buffer {
        self.clone()
    }
}

fn capture(f: impl FnOnce()) -> Vec<String> {
    let buffer = Buffer::default();
    let subscriber =
        tracing_subscriber::registry().with(JsonLayer::new("pricing").with_writer(buffer.clone()));
    tracing::subscriber::with_default(subscriber, f);
    let bytes = buffer.0.lock().expect("lock").clone();
    String::from_utf8(bytes)
        .expect("utf8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The line without its "time" field, which is the only part that varies.
fn without_time(line: &str) -> &str {
    let rest = line.strip_prefix("{\"time\":\"").expect("starts with time");
    assert_eq!(
        rest.as_bytes()[29],
        b'Z',
        "nine fractional digits, UTC: {line}"
    );
    &rest[31..]
}

#[test]
fn writes_the_canonical_line_with_the_current_context() {
    let span = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").expect("trace id"),
        SpanId::from_hex("00f067aa0ba902b7").expect("span id"),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let cx = seam::propagation::with_correlation_id(
        &Context::new().with_remote_span_context(span),
        "01JD4X7K2M9QZ8R6T5W3V1N0PA",
    );
    let lines = capture(|| {
        let _current = cx.attach();
        tracing::warn!(
            http.response.status_code = 200,
            cache.hit = true,
            ratio = 0.125,
            db.password = "hunter2",
            big = u64::MAX,
            "quote {} for {}",
            "computed",
            "Bearer abc.def"
        );
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(
        without_time(&lines[0]),
        ",\"level\":\"WARN\",\"msg\":\"quote computed for Bearer [REDACTED]\",\"service.name\":\"pricing\",\
         \"seam.impl\":\"rust\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\",\
         \"seam.correlation_id\":\"01JD4X7K2M9QZ8R6T5W3V1N0PA\",\"http.response.status_code\":200,\"cache.hit\":true,\
         \"ratio\":0.125,\"db.password\":\"[REDACTED]\",\"big\":18446744073709551615}"
    );
}

#[test]
fn a_message_field_besides_the_text_is_an_attribute() {
    let lines = capture(|| {
        tracing::info!(message = "from a field", entries = 3, "the text");
    });
    assert_eq!(
        without_time(&lines[0]),
        ",\"level\":\"INFO\",\"msg\":\"the text\",\"service.name\":\"pricing\",\"seam.impl\":\"rust\",\
         \"message\":\"from a field\",\"entries\":3}"
    );
}

#[test]
fn omits_absent_ids() {
    let lines = capture(|| {
        tracing::debug!(target: "pricing", entries = -42, "cache warmed");
    });
    assert_eq!(
        without_time(&lines[0]),
        ",\"level\":\"DEBUG\",\"msg\":\"cache warmed\",\"service.name\":\"pricing\",\"seam.impl\":\"rust\",\"entries\":-42}"
    );
}

#[test]
fn tracing_spans_give_their_ids_through_the_opentelemetry_layer() {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")))
        .with(JsonLayer::new("pricing").with_writer(buffer.clone()));
    let ids = tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("quote");
        let _entered = span.enter();
        tracing::info!("inside");
        let cx = span.context();
        let sc = cx.span().span_context().clone();
        (sc.trace_id().to_string(), sc.span_id().to_string())
    });
    let line = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf8");
    assert!(
        line.contains(&format!(
            "\"trace_id\":\"{}\",\"span_id\":\"{}\"",
            ids.0, ids.1
        )),
        "{line}"
    );
}

#[test]
fn an_event_without_a_message_is_named_by_its_place() {
    let lines = capture(|| tracing::info!(target: "pricing", entries = 3));
    assert_eq!(lines.len(), 1);
    let msg = lines[0]
        .split("\"msg\":\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("");
    assert!(
        msg.starts_with("event tests/json_layer.rs:"),
        "{}",
        lines[0]
    );
}

/// A `MakeWriter` that keeps each `write` call apart, to see how the layer
/// cuts its output.
#[derive(Clone, Default)]
struct Writes(Arc<Mutex<Vec<Vec<u8>>>>);

impl Write for Writes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").push(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for Writes {
    type Writer = Writes;
    fn make_writer(&self) -> Writes {
        self.clone()
    }
}

#[test]
fn each_line_is_one_whole_write_even_from_concurrent_threads() {
    const THREADS: usize = 8;
    const EVENTS: usize = 200;
    let writes = Writes::default();
    let dispatch = tracing::Dispatch::new(
        tracing_subscriber::registry().with(JsonLayer::new("pricing").with_writer(writes.clone())),
    );
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let dispatch = dispatch.clone();
            s.spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    for i in 0..EVENTS {
                        tracing::info!(thread = t, event = i, pad = "x".repeat(i), "quote");
                    }
                })
            });
        }
    });
    let writes = writes.0.lock().expect("lock");
    assert_eq!(writes.len(), THREADS * EVENTS, "one write per event");
    let mut seen = vec![0usize; THREADS];
    for write in writes.iter() {
        let line = std::str::from_utf8(write).expect("utf8");
        assert!(
            line.starts_with("{\"time\":")
                && line.ends_with("}\n")
                && line.matches('\n').count() == 1,
            "not one whole line: {line:?}"
        );
        let thread = line
            .split("\"thread\":")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .and_then(|n| n.parse::<usize>().ok())
            .expect("thread field");
        seen[thread] += 1;
    }
    assert_eq!(seen, vec![EVENTS; THREADS]);
}

#[test]
fn the_writer_is_made_for_each_event_with_its_metadata() {
    use tracing_subscriber::fmt::writer::MakeWriterExt as _;

    let warnings = Buffer::default();
    let everything = Buffer::default();
    let make_writer = warnings
        .clone()
        .with_max_level(tracing::Level::WARN)
        .and(everything.clone());
    let subscriber =
        tracing_subscriber::registry().with(JsonLayer::new("pricing").with_writer(make_writer));
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!("routine");
        tracing::warn!("unusual");
    });
    let lines = |b: &Buffer| -> Vec<String> {
        String::from_utf8(b.0.lock().expect("lock").clone())
            .expect("utf8")
            .lines()
            .map(|l| without_time(l).to_owned())
            .collect()
    };
    let line = |level: &str, msg: &str| {
        format!(",\"level\":\"{level}\",\"msg\":\"{msg}\",\"service.name\":\"pricing\",\"seam.impl\":\"rust\"}}")
    };
    assert_eq!(lines(&warnings), [line("WARN", "unusual")]);
    assert_eq!(
        lines(&everything),
        [line("INFO", "routine"), line("WARN", "unusual")]
    );
}
