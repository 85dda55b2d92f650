//! A `tracing-subscriber` layer that writes each event as the canonical JSON
//! line, with the trace context of the current OpenTelemetry context.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context as LayerContext, Layer};

use super::line::{write_line, Attributes, Header, Value};
use crate::semconv::{correlation, enums, log as schema_log};

/// Writes every event it sees as one canonical JSON line, through a
/// [`MakeWriter`] as `tracing_subscriber::fmt` does: standard output unless
/// [`JsonLayer::with_writer`] says otherwise.
///
/// Each line is built whole, then handed to a writer made for its event in a
/// single `write_all` call, so lines from concurrent threads never interleave
/// on a writer that keeps one call together (standard output, a `Mutex<W>`,
/// a file opened for appending).
pub struct JsonLayer<W = fn() -> io::Stdout> {
    service_name: Arc<str>,
    make_writer: W,
}

impl<W> fmt::Debug for JsonLayer<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLayer")
            .field("service_name", &self.service_name)
            .finish_non_exhaustive()
    }
}

impl JsonLayer {
    /// A layer writing to standard output for `service_name`.
    pub fn new(service_name: impl Into<Arc<str>>) -> Self {
        JsonLayer {
            service_name: service_name.into(),
            make_writer: io::stdout,
        }
    }
}

impl<W> JsonLayer<W> {
    /// Writes through `make_writer` instead: for example `std::io::stderr`,
    /// a `Mutex<File>`, or `tracing_subscriber::fmt::writer::MakeWriterExt`
    /// combinations, which are given each event's metadata.
    pub fn with_writer<M>(self, make_writer: M) -> JsonLayer<M>
    where
        M: for<'a> MakeWriter<'a> + 'static,
    {
        JsonLayer {
            service_name: self.service_name,
            make_writer,
        }
    }
}

impl<W: for<'a> MakeWriter<'a>> JsonLayer<W> {
    fn write_event(&self, event: &Event<'_>, scratch: &mut Scratch) {
        let time_unix_nano = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        scratch.msg.clear();
        scratch.attributes.clear();
        scratch.line.clear();
        event.record(&mut Visitor {
            msg: &mut scratch.msg,
            attributes: &mut scratch.attributes,
            text: &mut scratch.text,
        });
        if scratch.msg.is_empty() {
            // A line always says something: an event without a message is
            // named by where it was logged ("event src/quote.rs:42").
            scratch.msg.push_str(event.metadata().name());
        }
        let level = level_name(event.metadata().level());
        let line = &mut scratch.line;
        Context::map_current(|cx| {
            let span = cx.span();
            let span_context = span.span_context();
            let valid = span_context.is_valid();
            let baggage = cx.baggage();
            let correlation_id = baggage
                .get(correlation::BAGGAGE_KEY)
                .map(|v| v.as_str())
                .filter(|s| !s.is_empty());
            let header = Header {
                time_unix_nano,
                level,
                service_name: &self.service_name,
                seam_impl: enums::seam_impl::RUST,
                trace_id: valid.then(|| span_context.trace_id()),
                span_id: valid.then(|| span_context.span_id()),
                correlation_id,
            };
            write_line(line, &header, scratch.msg.as_bytes(), &scratch.attributes);
        });
        // A logging failure must not take the service down: the line is lost.
        let _ = self
            .make_writer
            .make_writer_for(event.metadata())
            .write_all(line);
    }
}

/// Buffers reused by every event on a thread.
#[derive(Default)]
struct Scratch {
    msg: String,
    text: String,
    attributes: Attributes,
    line: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl<S, W> Layer<S> for JsonLayer<W>
where
    S: Subscriber,
    W: for<'a> MakeWriter<'a> + 'static,
{
    fn on_event(&self, event: &Event<'_>, _ctx: LayerContext<'_, S>) {
        let used = SCRATCH.try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                self.write_event(event, &mut scratch);
                true
            }
            Err(_) => false, // an event raised while writing one: use fresh buffers
        });
        if used != Ok(true) {
            self.write_event(event, &mut Scratch::default());
        }
    }
}

/// The `tracing` level of a schema level name, in any case.
pub(crate) fn parse_level(name: &str) -> Option<Level> {
    const BY_INDEX: [Level; 5] = [
        Level::TRACE,
        Level::DEBUG,
        Level::INFO,
        Level::WARN,
        Level::ERROR,
    ];
    let index = schema_log::LEVELS
        .iter()
        .position(|l| l.name.eq_ignore_ascii_case(name))?;
    BY_INDEX.get(index).copied()
}

/// The schema's name for a `tracing` level.
pub(crate) fn level_name(level: &Level) -> &'static str {
    let index = match *level {
        Level::TRACE => 0,
        Level::DEBUG => 1,
        Level::INFO => 2,
        Level::WARN => 3,
        Level::ERROR => 4,
    };
    schema_log::LEVELS.get(index).map_or("INFO", |l| l.name)
}

struct Visitor<'a> {
    msg: &'a mut String,
    attributes: &'a mut Attributes,
    text: &'a mut String,
}

const MESSAGE: &str = "message";

impl Visitor<'_> {
    /// Whether `field` is the event's message. `tracing` records the format
    /// text first, under `message`; a later field of that name, as in
    /// `info!(message = x, "text")`, is an attribute, as slog's `"message", x`
    /// is in Go.
    fn is_message(&self, field: &Field) -> bool {
        field.name() == MESSAGE && self.msg.is_empty()
    }
}

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if self.is_message(field) {
            self.msg.push_str(value);
        } else {
            self.attributes.push(field.name(), Value::Str(value));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.is_message(field) {
            let _ = write!(self.msg, "{value:?}");
        } else {
            self.text.clear();
            let _ = write!(self.text, "{value:?}");
            self.attributes.push(field.name(), Value::Str(self.text));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.text.clear();
        let _ = write!(self.text, "{value}");
        self.attributes.push(field.name(), Value::Str(self.text));
    }

    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        self.attributes.push(field.name(), Value::Bytes(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.attributes.push(field.name(), Value::I64(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.attributes.push(field.name(), Value::U64(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.attributes.push(field.name(), Value::F64(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.attributes.push(field.name(), Value::Bool(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_through_schema_names() {
        for level in [
            Level::TRACE,
            Level::DEBUG,
            Level::INFO,
            Level::WARN,
            Level::ERROR,
        ] {
            assert_eq!(parse_level(level_name(&level)), Some(level));
        }
        assert_eq!(parse_level("warn"), Some(Level::WARN));
        assert_eq!(parse_level("WARNING"), None);
    }
}
