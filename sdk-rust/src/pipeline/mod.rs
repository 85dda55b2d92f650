//! Setting up and shutting down the three OTLP pipelines, once per process,
//! from the resolved [`Settings`].

mod exporters;
mod layers;
mod shutdown;
mod views;

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use opentelemetry::metrics::{MeterProvider as _, ObservableCounter};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::{global, InstrumentationScope};
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::{Level, Subscriber};
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use self::exporters::Exporters;
use self::views::{schema_view, AllocatorInstruments};
use crate::alloc;
use crate::config::{Config, Protocol};
use crate::error::Error;
use crate::export::{
    BoundedLogProcessor, BoundedSpanProcessor, CountingMetricExporter, Dropped, Health,
    MetricLedger, QueueParts, Stop,
};
use crate::log::{Attributes, Diagnostics};
use crate::operation::Operations;
use crate::propagation;
use crate::role::Role;
use crate::semconv::{self, SCHEMA_URL};
use crate::settings::Settings;
use crate::signal::Signal;
use crate::trace::RedactingSpanProcessor;

/// How long dropping a [`Guard`] waits for the last exports, at most.
const DROP_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything [`init`] set up; lives for the rest of the process.
pub(crate) struct Telemetry {
    pub(crate) tracer: SdkTracer,
    pub(crate) operations: Operations,
    pub(crate) role: Role,
    service_name: Arc<str>,
    max_level: Level,
    rust_log: Option<String>,
    json_logs: bool,
    export_timeout: Duration,
    diagnostics: Arc<Diagnostics>,
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
    /// `None` when logs are not exported.
    logger_provider: Option<SdkLoggerProvider>,
    span_queue: Option<Arc<dyn Stop>>,
    log_queue: Option<Arc<dyn Stop>>,
    metric_ledger: Option<Arc<MetricLedger>>,
    /// Each exported signal's health, by [`Signal::index`].
    health: [Option<Arc<Health>>; 3],
    shut_down: Mutex<bool>,
    _allocator: Option<AllocatorInstruments>,
    _dropped: ObservableCounter<u64>,
}

static TELEMETRY: OnceLock<Telemetry> = OnceLock::new();
/// Set when [`init`] ran with `OTEL_SDK_DISABLED=true`: nothing was set up,
/// but a second `init` is still refused.
static DISABLED: AtomicBool = AtomicBool::new(false);

/// The pipeline, once [`init`] succeeded.
pub(crate) fn telemetry() -> Option<&'static Telemetry> {
    TELEMETRY.get()
}

/// The instrumentation scope of everything this crate emits.
pub fn scope() -> InstrumentationScope {
    InstrumentationScope::builder("seam")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(SCHEMA_URL)
        .build()
}

/// The schema's unit and description for `name` (empty if it is unknown,
/// which the generated-constants test rules out).
pub(crate) fn descriptor(name: &str) -> (&'static str, &'static str) {
    semconv::metric(name).map_or(("", ""), |d| (d.unit, d.description))
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
    if TELEMETRY.get().is_some() || DISABLED.load(Ordering::SeqCst) {
        return Err(Error::AlreadyInitialized);
    }
    let settings = Settings::resolve(&config, &|name| std::env::var(name).ok())?;
    if settings.disabled {
        DISABLED.store(true, Ordering::SeqCst);
        return Ok(Guard { _private: () });
    }
    check_transport(&settings)?;
    let telemetry = start(&config, settings)?;
    if config.subscriber {
        let subscriber = tracing_subscriber::registry().with(layers::layer(&telemetry));
        if tracing::subscriber::set_global_default(subscriber).is_err() {
            let _ = telemetry.shutdown(Duration::from_secs(1));
            return Err(Error::SubscriberAlreadySet);
        }
    }
    global::set_tracer_provider(telemetry.tracer_provider.clone());
    global::set_meter_provider(telemetry.meter_provider.clone());
    global::set_text_map_propagator(propagation::new_propagator());
    // Cannot fail: the INIT lock is held and TELEMETRY was empty.
    let _ = TELEMETRY.set(telemetry);
    Ok(Guard { _private: () })
}

/// What this build can send: gRPC needs its feature, and TLS is not
/// compiled in, so an https endpoint would fail every export.
fn check_transport(settings: &Settings) -> Result<(), Error> {
    if settings.protocol == Protocol::Grpc && !cfg!(feature = "grpc-tonic") {
        return Err(Error::invalid(
            "protocol",
            "grpc needs seam's `grpc-tonic` cargo feature",
        ));
    }
    let problems: Vec<_> = Signal::ALL
        .iter()
        .filter(|s| settings.exports(**s) && settings.endpoint(**s).starts_with("https://"))
        .map(|s| {
            crate::error::ConfigProblem::new(
                format!("{} endpoint", s.name()),
                format!(
                    "{:?}: this build has no TLS; send to a local collector over http://",
                    settings.endpoint(*s)
                ),
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidConfig { problems })
    }
}

/// Builds the providers and everything they export through.
fn start(config: &Config, settings: Settings) -> Result<Telemetry, Error> {
    let service_name: Arc<str> = settings.service_name.as_str().into();
    let out: Option<Box<dyn io::Write + Send>> =
        config.json_logs.then(|| Box::new(io::stdout()) as _);
    let diagnostics = Arc::new(Diagnostics::new(service_name.clone(), out));
    let dropped = Arc::new(Dropped::default());
    let exporters = Exporters::new(&settings)?;
    let resource = &settings.resource;
    let health = Signal::ALL.map(|signal| {
        settings.exports(signal).then(|| {
            Health::new(
                signal,
                settings.endpoint(signal),
                settings.export_timeout,
                diagnostics.clone(),
            )
        })
    });
    let io_error = |signal: Signal| {
        move |e: io::Error| Error::Exporter {
            signal: signal.name(),
            message: format!("cannot start the export thread: {e}"),
        }
    };

    let mut tracer_provider = SdkTracerProvider::builder()
        .with_sampler(settings.sampler.to_sdk())
        .with_resource(resource.clone());
    let mut span_queue = None;
    if let Some(health) = &health[Signal::Traces.index()] {
        let (exporter, runner) = exporters.spans(health)?;
        let parts = QueueParts {
            batching: settings.spans,
            dropped: dropped.clone(),
            health: health.clone(),
            runner,
        };
        let processor = BoundedSpanProcessor::start(exporter, resource, parts)
            .map_err(io_error(Signal::Traces))?;
        span_queue = Some(processor.stopper());
        tracer_provider =
            tracer_provider.with_span_processor(RedactingSpanProcessor::new(processor));
    }
    let tracer_provider = tracer_provider.build();

    let mut meter_provider = SdkMeterProvider::builder()
        .with_view(schema_view)
        .with_resource(resource.clone());
    let mut metric_ledger = None;
    if let Some(health) = &health[Signal::Metrics.index()] {
        let (exporter, runner) = exporters.metrics(health)?;
        let (exporter, ledger) =
            CountingMetricExporter::new(exporter, runner, dropped.clone(), health.clone());
        metric_ledger = Some(ledger);
        meter_provider = meter_provider.with_reader(
            PeriodicReader::builder(exporter)
                .with_interval(settings.metric_interval)
                .build(),
        );
    }
    let meter_provider = meter_provider.build();

    let mut log_queue = None;
    let logger_provider = match &health[Signal::Logs.index()] {
        None => None,
        Some(health) => {
            let (exporter, runner) = exporters.logs(health)?;
            let parts = QueueParts {
                batching: settings.logs,
                dropped: dropped.clone(),
                health: health.clone(),
                runner,
            };
            let processor = BoundedLogProcessor::start(exporter, resource, parts)
                .map_err(io_error(Signal::Logs))?;
            log_queue = Some(processor.stopper());
            Some(
                SdkLoggerProvider::builder()
                    .with_log_processor(processor)
                    .with_resource(resource.clone())
                    .build(),
            )
        }
    };

    let meter = meter_provider.meter_with_scope(scope());
    Ok(Telemetry {
        tracer: tracer_provider.tracer_with_scope(scope()),
        operations: Operations::new(&meter),
        role: config.role,
        service_name,
        max_level: settings.log_level,
        rust_log: settings.rust_log.clone(),
        json_logs: config.json_logs,
        export_timeout: settings.export_timeout,
        diagnostics,
        _allocator: alloc::is_installed().then(|| AllocatorInstruments::register(&meter)),
        _dropped: dropped.register(&meter),
        tracer_provider,
        meter_provider,
        logger_provider,
        span_queue,
        log_queue,
        metric_ledger,
        health,
        shut_down: Mutex::new(false),
    })
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

    /// The meter provider behind the global one.
    pub fn meter_provider(&self) -> Option<SdkMeterProvider> {
        telemetry().map(|t| t.meter_provider.clone())
    }

    /// Seam's `tracing` layers, for a subscriber you build yourself (with
    /// [`Config::with_subscriber`]`(false)`): spans to OpenTelemetry, the
    /// canonical JSON line, logs over OTLP and the SDK's diagnostics
    /// (rate-limited), without the exporters' own transport events.
    pub fn layer<S>(&self) -> impl Layer<S> + Send + Sync + 'static
    where
        S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
    {
        telemetry().map(layers::layer)
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
