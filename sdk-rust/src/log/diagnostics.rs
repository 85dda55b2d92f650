//! Seam's own WARN and ERROR lines: export failures and the OpenTelemetry
//! SDK's diagnostics, as canonical JSON lines, rate-limited as in the Go SDK:
//! one line per distinct problem per interval, the next one carrying how
//! many were suppressed in between (`seam.errors_suppressed`). They go to
//! the JSON sink only, never through the OTLP log bridge, where an export
//! failure could feed back into the exporter that failed.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context as LayerContext, Layer};

use super::filter::is_sdk_target;
use super::layer::level_name;
use super::line::{write_line, Attributes, Header, Value};
use crate::semconv::enums;

/// The least time between two lines about the same problem.
pub(crate) const INTERVAL: Duration = Duration::from_secs(10);
/// Distinct problems tracked at once; more share one slot.
const MAX_KEYS: usize = 64;
/// The attribute counting the lines suppressed since the last one.
const SUPPRESSED: &str = "seam.errors_suppressed";

/// SDK diagnostics that Seam's own export-failure line replaces: it names
/// the endpoint, the cause and what was dropped, which these do not.
const REPLACED: &[&str] = &[
    "Export.Failed.DeadlineExceeded",
    "Export.Failed.NonRetryable",
    "Export.Failed.Exhausted",
    "PeriodicReader.ExportError",
];

/// Writes Seam's diagnostic lines; shared by the exporters and the layer.
pub(crate) struct Diagnostics {
    service_name: Arc<str>,
    out: Option<Mutex<Box<dyn Write + Send>>>,
    limiter: Mutex<Limiter>,
}

impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostics").finish_non_exhaustive()
    }
}

impl Diagnostics {
    /// Lines for `service_name` to `out`; none at all without one.
    pub(crate) fn new(service_name: Arc<str>, out: Option<Box<dyn Write + Send>>) -> Self {
        Diagnostics {
            service_name,
            out: out.map(Mutex::new),
            limiter: Mutex::new(Limiter::new(INTERVAL)),
        }
    }

    /// Writes one line at `level`, unless a line with the same `key` was
    /// written less than [`INTERVAL`] ago. `msg` empty is replaced by `key`.
    pub(crate) fn report(
        &self,
        level: Level,
        key: &str,
        msg: &str,
        attributes: &dyn Fn(&mut Attributes),
    ) {
        let Some(out) = &self.out else { return };
        let suppressed = {
            let mut limiter = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
            match limiter.admit(key, Instant::now()) {
                Some(n) => n,
                None => return,
            }
        };
        let mut attrs = Attributes::default();
        attributes(&mut attrs);
        attrs.push(SUPPRESSED, Value::U64(suppressed));
        self.write(out, level, if msg.is_empty() { key } else { msg }, &attrs);
    }

    /// Writes one line whatever was written before.
    pub(crate) fn write_now(&self, level: Level, msg: &str, attrs: &Attributes) {
        if let Some(out) = &self.out {
            self.write(out, level, msg, attrs);
        }
    }

    fn write(
        &self,
        out: &Mutex<Box<dyn Write + Send>>,
        level: Level,
        msg: &str,
        attrs: &Attributes,
    ) {
        let time_unix_nano = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        let header = Header {
            time_unix_nano,
            level: level_name(&level),
            service_name: &self.service_name,
            seam_impl: enums::seam_impl::RUST,
            trace_id: None,
            span_id: None,
            correlation_id: None,
        };
        let mut line = Vec::with_capacity(256);
        write_line(&mut line, &header, msg.as_bytes(), attrs);
        if let Ok(mut out) = out.lock() {
            let _ = out.write_all(&line); // a lost diagnostic must not fail anything
        }
    }
}

/// One line per key per interval.
#[derive(Debug)]
struct Limiter {
    interval: Duration,
    slots: HashMap<String, Slot>,
}

#[derive(Debug)]
struct Slot {
    last: Instant,
    suppressed: u64,
}

impl Limiter {
    fn new(interval: Duration) -> Self {
        Limiter {
            interval,
            slots: HashMap::new(),
        }
    }

    /// `Some(suppressed since the last line)` when a line may be written now.
    fn admit(&mut self, key: &str, now: Instant) -> Option<u64> {
        let key = if self.slots.len() >= MAX_KEYS && !self.slots.contains_key(key) {
            "" // the shared slot of every problem past the bound
        } else {
            key
        };
        match self.slots.get_mut(key) {
            Some(slot) if now.saturating_duration_since(slot.last) < self.interval => {
                slot.suppressed += 1;
                None
            }
            Some(slot) => {
                slot.last = now;
                Some(std::mem::take(&mut slot.suppressed))
            }
            None => {
                self.slots.insert(
                    key.to_owned(),
                    Slot {
                        last: now,
                        suppressed: 0,
                    },
                );
                Some(0)
            }
        }
    }
}

/// A `tracing` layer for the OpenTelemetry SDK's own events: WARN and ERROR
/// rate-limited, anything more verbose (which only `RUST_LOG` lets through)
/// written as it comes, none with an empty message.
pub(crate) struct SdkDiagnostics {
    diagnostics: Arc<Diagnostics>,
}

impl SdkDiagnostics {
    pub(crate) fn new(diagnostics: Arc<Diagnostics>) -> Self {
        SdkDiagnostics { diagnostics }
    }
}

impl<S: Subscriber> Layer<S> for SdkDiagnostics {
    fn on_event(&self, event: &Event<'_>, _ctx: LayerContext<'_, S>) {
        let metadata = event.metadata();
        if !is_sdk_target(metadata.target()) || REPLACED.contains(&metadata.name()) {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let name = metadata.name();
        let msg = match (fields.message.is_empty(), name.is_empty()) {
            (false, false) => format!("opentelemetry: {name}: {}", fields.message),
            (false, true) => format!("opentelemetry: {}", fields.message),
            (true, _) => format!("opentelemetry: {}", or(name, metadata.target())),
        };
        let attributes = |attrs: &mut Attributes| {
            for (key, value) in &fields.others {
                attrs.push(key, Value::Str(value));
            }
        };
        let level = *metadata.level();
        if level <= Level::WARN {
            let key = format!("{}:{msg}", metadata.target());
            self.diagnostics.report(level, &key, &msg, &attributes);
        } else {
            let mut attrs = Attributes::default();
            attributes(&mut attrs);
            self.diagnostics.write_now(level, &msg, &attrs);
        }
    }
}

fn or<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() {
        b
    } else {
        a
    }
}

/// An SDK event's message and other fields, as text.
#[derive(Default)]
struct Fields {
    message: String,
    others: Vec<(&'static str, String)>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message.push_str(value),
            "name" => {} // the event's name, already in the message
            key => self.others.push((key, value.to_owned())),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        self.record_str(field, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_key_per_interval_counting_the_rest() {
        let mut limiter = Limiter::new(Duration::from_secs(10));
        let t0 = Instant::now();
        assert_eq!(limiter.admit("a", t0), Some(0));
        assert_eq!(limiter.admit("b", t0), Some(0), "another problem");
        for s in 1..=4 {
            assert_eq!(limiter.admit("a", t0 + Duration::from_secs(s)), None);
        }
        assert_eq!(limiter.admit("a", t0 + Duration::from_secs(10)), Some(4));
        assert_eq!(limiter.admit("a", t0 + Duration::from_secs(11)), None);
        assert_eq!(limiter.admit("a", t0 + Duration::from_secs(21)), Some(1));
        for i in 0..MAX_KEYS * 2 {
            limiter.admit(&format!("k{i}"), t0);
        }
        assert!(limiter.slots.len() <= MAX_KEYS + 1, "the keys are bounded");
    }
}
