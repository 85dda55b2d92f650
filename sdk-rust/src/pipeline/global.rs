//! The process-wide pipeline: [`init`] builds it once and keeps it in a
//! `OnceLock` for the rest of the process; [`shutdown`] and the [`Guard`]
//! flush and stop it.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use opentelemetry::global;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use super::exporters::check_transport;
use super::layers;
use super::providers::Telemetry;
use crate::config::Config;
use crate::error::Error;
use crate::log::Attributes;
use crate::metrics_redact::RedactingMeterProvider;
use crate::propagation;
use crate::settings::Settings;

/// How long dropping a [`Guard`] waits for the last exports, at most.
const DROP_TIMEOUT: Duration = Duration::from_secs(5);

static TELEMETRY: OnceLock<Telemetry> = OnceLock::new();
/// Set when [`init`] ran with `OTEL_SDK_DISABLED=true`: nothing is exported,
/// the canonical JSON line is still written (as in the Go SDK), and a second
/// `init` is still refused.
static DISABLED: OnceLock<LineOnly> = OnceLock::new();

/// What the JSON line needs when the SDK is disabled.
struct LineOnly {
    /// `None` when the line is off too ([`Config::with_json_logs`]).
    service_name: Option<Arc<str>>,
    rust_log: Option<String>,
    max_level: Level,
}

impl LineOnly {
    fn layer<S>(&self) -> Option<impl Layer<S> + Send + Sync + 'static>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let service_name = self.service_name.clone()?;
        Some(layers::json_line(
            service_name,
            self.rust_log.as_deref(),
            self.max_level,
        ))
    }
}

/// The pipeline, once [`init`] succeeded.
pub(crate) fn telemetry() -> Option<&'static Telemetry> {
    TELEMETRY.get()
}

/// Sets up OTLP traces, metrics and logs, the global providers and
/// propagator, and (unless disabled) the global `tracing` subscriber.
///
/// The [`Config`] wins over the `OTEL_*` variables, which win over the
/// defaults; a bad value anywhere is [`Error::InvalidConfig`] naming every
/// problem. Call it once per process and keep the [`Guard`]: a second call
/// returns [`Error::AlreadyInitialized`]. No async runtime is needed: with
/// HTTP, batching and export run on Seam's threads; with gRPC, on a Tokio
/// runtime of Seam's own.
pub fn init(config: Config) -> Result<Guard, Error> {
    static INIT: Mutex<()> = Mutex::new(());
    let _serial = INIT.lock().unwrap_or_else(|e| e.into_inner());
    if TELEMETRY.get().is_some() || DISABLED.get().is_some() {
        return Err(Error::AlreadyInitialized);
    }
    let settings = Settings::resolve(&config, &|name| std::env::var(name).ok())?;
    if settings.disabled {
        let line = LineOnly {
            service_name: config
                .json_logs
                .then(|| settings.service_name.as_str().into()),
            rust_log: settings.rust_log.clone(),
            max_level: settings.log_level,
        };
        if config.subscriber {
            let subscriber = tracing_subscriber::registry().with(line.layer());
            if tracing::subscriber::set_global_default(subscriber).is_err() {
                return Err(Error::SubscriberAlreadySet);
            }
        }
        // Cannot fail: the INIT lock is held and DISABLED was empty.
        let _ = DISABLED.set(line);
        return Ok(Guard { _private: () });
    }
    check_transport(&settings)?;
    let telemetry = Telemetry::start(&config, settings)?;
    if config.subscriber {
        let subscriber = tracing_subscriber::registry().with(layers::layer(&telemetry));
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            let _ = telemetry.shutdown(Duration::from_secs(1));
            return Err(Error::SubscriberAlreadySet);
        }
    }
    global::set_tracer_provider(telemetry.tracer_provider.clone());
    // Others' instruments get the attributes they record redacted; Seam's
    // own, whose attributes the schema fixes, use the SDK's provider.
    global::set_meter_provider(RedactingMeterProvider::new(
        telemetry.meter_provider.clone(),
    ));
    global::set_text_map_propagator(propagation::new_propagator());
    // Cannot fail: the INIT lock is held and TELEMETRY was empty.
    let _ = TELEMETRY.set(telemetry);
    Ok(Guard { _private: () })
}

/// Flushes and shuts down every signal, waiting at most `timeout` and at
/// most the export timeout in all. Idempotent: later calls (and dropping
/// the [`Guard`]) do nothing. Without [`init`] it does nothing. When
/// something could not be delivered, [`Error::Shutdown`] says how many
/// spans, log records and metric points were lost, and why.
pub fn shutdown(timeout: Duration) -> Result<(), Error> {
    match TELEMETRY.get() {
        Some(telemetry) => telemetry.shutdown(timeout),
        None => Ok(()),
    }
}

/// Keeps the pipelines alive. Dropping it flushes and shuts them down, as
/// [`Guard::shutdown`] does with a 5 s timeout; what that loses is written
/// as a WARN line, since there is no caller to return it to.
#[must_use = "dropping the guard shuts telemetry down"]
#[derive(Debug)]
pub struct Guard {
    _private: (),
}

impl Guard {
    /// See [`shutdown`].
    pub fn shutdown(&self, timeout: Duration) -> Result<(), Error> {
        shutdown(timeout)
    }

    /// The tracer provider behind the global one, for code that needs the
    /// SDK type (for example a `tracing-opentelemetry` layer of its own).
    pub fn tracer_provider(&self) -> Option<SdkTracerProvider> {
        telemetry().map(|t| t.tracer_provider.clone())
    }

    /// The meter provider behind the global one. Instruments made from it
    /// directly record their attributes as given: the global one redacts
    /// them.
    pub fn meter_provider(&self) -> Option<SdkMeterProvider> {
        telemetry().map(|t| t.meter_provider.clone())
    }

    /// Seam's `tracing` layers, for a subscriber you build yourself (with
    /// [`Config::with_subscriber`]`(false)`): spans to OpenTelemetry, the
    /// canonical JSON line, logs over OTLP and the SDK's diagnostics
    /// (rate-limited), without the exporters' own transport events. With
    /// the SDK disabled, the JSON line alone.
    pub fn layer<S>(&self) -> impl Layer<S> + Send + Sync + 'static
    where
        S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
    {
        // `Option`'s own `and_then` would hide the layers' one.
        Layer::and_then(
            telemetry().map(layers::layer),
            DISABLED.get().and_then(LineOnly::layer),
        )
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let (Err(e), Some(t)) = (shutdown(DROP_TIMEOUT), telemetry()) {
            t.diagnostics
                .write_now(Level::WARN, &e.to_string(), &Attributes::default());
        }
    }
}
