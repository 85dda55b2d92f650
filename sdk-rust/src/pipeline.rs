//! Setting up and shutting down the three OTLP pipelines, once per process.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use opentelemetry::metrics::{
    Meter, MeterProvider as _, ObservableCounter, ObservableUpDownCounter,
};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::{global, InstrumentationScope};
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_otlp::{LogExporter, MetricExporter, SpanExporter, WithExportConfig};
use opentelemetry_sdk::error::OTelSdkError;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{
    Aggregation, Instrument, PeriodicReader, SdkMeterProvider, Stream,
};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::{Level, Subscriber};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::config::{Config, Protocol};
use crate::error::Error;
use crate::export::{Batching, BoundedLogProcessor, BoundedSpanProcessor, Dropped};
use crate::log::{
    is_transport_target, json_accepts, otlp_accepts, JsonLayer, SchemaLoggerProvider,
};
use crate::operation::Operations;
use crate::propagation;
use crate::role::Role;
use crate::semconv::{self, metric, Instrument as Kind, SCHEMA_URL};
use crate::trace::RedactingSpanProcessor;
use crate::{alloc, resource};

/// How long dropping a [`Guard`] waits for the last exports.
const DROP_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything [`init`] set up; lives for the rest of the process.
pub(crate) struct Telemetry {
    pub(crate) tracer: SdkTracer,
    pub(crate) operations: Operations,
    pub(crate) role: Role,
    service_name: Arc<str>,
    max_level: Level,
    json_logs: bool,
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
    logger_provider: SdkLoggerProvider,
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
/// Call it once per process and keep the [`Guard`]: a second call returns
/// [`Error::AlreadyInitialized`]. No async runtime is needed with the
/// default HTTP transport: batching and export run on background threads.
pub fn init(config: Config) -> Result<Guard, Error> {
    static INIT: Mutex<()> = Mutex::new(());
    let _serial = INIT.lock().unwrap_or_else(|e| e.into_inner());
    if TELEMETRY.get().is_some() || DISABLED.load(Ordering::SeqCst) {
        return Err(Error::AlreadyInitialized);
    }
    if sdk_disabled()? {
        DISABLED.store(true, Ordering::SeqCst);
        return Ok(Guard { _private: () });
    }
    let service_name = resource::service_name(&config)?;
    let max_level = match config.max_level {
        Some(level) => level,
        None => env_level()?,
    };
    let transport = Transport::resolve(&config)?;
    let span_batching = Batching::spans()?;
    let log_batching = Batching::logs()?;
    let resource = resource::build(&config, &service_name);

    let span_exporter = transport.span_exporter()?;
    let metric_exporter = transport.metric_exporter()?;
    let log_exporter = transport.log_exporter()?;

    // Telemetry dropped instead of blocking is counted, as in Go, which the
    // SDK's batch processors do not do.
    let dropped = Arc::new(Dropped::default());
    let span_processor =
        BoundedSpanProcessor::start(span_exporter, &resource, span_batching, dropped.clone())
            .map_err(|e| exporter_error("traces", e))?;
    let log_processor =
        BoundedLogProcessor::start(log_exporter, &resource, log_batching, dropped.clone())
            .map_err(|e| exporter_error("logs", e))?;

    let tracer_provider = SdkTracerProvider::builder()
        .with_span_processor(RedactingSpanProcessor::new(span_processor))
        .with_resource(resource.clone())
        .build();
    let mut reader = PeriodicReader::builder(metric_exporter);
    if let Some(interval) = config.metric_interval {
        reader = reader.with_interval(interval);
    }
    let meter_provider = SdkMeterProvider::builder()
        .with_reader(reader.build())
        .with_view(schema_view)
        .with_resource(resource.clone())
        .build();
    let logger_provider = SdkLoggerProvider::builder()
        .with_log_processor(log_processor)
        .with_resource(resource.clone())
        .build();

    let meter = meter_provider.meter_with_scope(scope());
    let telemetry = Telemetry {
        tracer: tracer_provider.tracer_with_scope(scope()),
        operations: Operations::new(&meter),
        role: config.role,
        service_name: service_name.into(),
        max_level,
        json_logs: config.json_logs,
        _allocator: alloc::is_installed().then(|| AllocatorInstruments::register(&meter)),
        _dropped: dropped.register(&meter),
        tracer_provider,
        meter_provider,
        logger_provider,
        shut_down: Mutex::new(false),
    };
    if config.subscriber {
        let subscriber = tracing_subscriber::registry().with(layer(&telemetry));
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

/// `OTEL_SDK_DISABLED`: `true` turns every signal off (operations and logs
/// cost almost nothing and go nowhere).
fn sdk_disabled() -> Result<bool, Error> {
    match std::env::var("OTEL_SDK_DISABLED")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        Err(_) | Ok("") | Ok("false") => Ok(false),
        Ok("true") => Ok(true),
        Ok(other) => Err(Error::InvalidConfig {
            field: "OTEL_SDK_DISABLED",
            reason: format!("want true or false, got {other:?}"),
        }),
    }
}

/// `SEAM_LOG_LEVEL` (a schema level name, any case), else INFO.
fn env_level() -> Result<Level, Error> {
    let value = std::env::var("SEAM_LOG_LEVEL").unwrap_or_default();
    let value = value.trim();
    if value.is_empty() {
        return Ok(Level::INFO);
    }
    crate::log::parse_level(value).ok_or_else(|| Error::InvalidConfig {
        field: "SEAM_LOG_LEVEL",
        reason: format!(
            "unknown level {value:?} (want one of {})",
            semconv::log::LEVELS
                .iter()
                .map(|l| l.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// Flushes and shuts down every signal, waiting at most `timeout` in all.
/// Idempotent: later calls (and dropping the [`Guard`]) do nothing. Without
/// [`init`] it does nothing.
pub fn shutdown(timeout: Duration) -> Result<(), Error> {
    match TELEMETRY.get() {
        Some(telemetry) => telemetry.shutdown(timeout),
        None => Ok(()),
    }
}

impl Telemetry {
    fn shutdown(&self, timeout: Duration) -> Result<(), Error> {
        let mut shut_down = self.shut_down.lock().unwrap_or_else(|e| e.into_inner());
        if *shut_down {
            return Ok(());
        }
        *shut_down = true;
        let deadline = Instant::now() + timeout;
        let left = || deadline.saturating_duration_since(Instant::now());
        // Metrics last, as in Go: their final export carries what the
        // other signals' shutdowns dropped.
        let results = [
            ("traces", self.tracer_provider.shutdown_with_timeout(left())),
            ("logs", self.logger_provider.shutdown_with_timeout(left())),
            ("metrics", self.meter_provider.shutdown_with_timeout(left())),
        ];
        let failures: Vec<(&'static str, String)> = results
            .into_iter()
            .filter_map(|(signal, result)| match result {
                Ok(()) | Err(OTelSdkError::AlreadyShutdown) => None,
                Err(e) => Some((signal, e.to_string())),
            })
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::Shutdown { failures })
        }
    }
}

/// Keeps the pipelines alive. Dropping it flushes and shuts them down, as
/// [`Guard::shutdown`] does with a 5 s timeout.
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
    /// canonical JSON line, and logs over OTLP, without the exporters' own
    /// transport events.
    pub fn layer<S>(&self) -> impl Layer<S> + Send + Sync + 'static
    where
        S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
    {
        telemetry().map(layer)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = shutdown(DROP_TIMEOUT);
    }
}

fn layer<S>(telemetry: &Telemetry) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let max_level = telemetry.max_level;
    let spans = tracing_opentelemetry::layer()
        .with_tracer(telemetry.tracer.clone())
        .with_filter(filter_fn(move |m| {
            *m.level() <= max_level && !is_transport_target(m.target())
        }));
    let json = telemetry.json_logs.then(|| {
        JsonLayer::new(telemetry.service_name.clone()).with_filter(filter_fn(move |m| {
            *m.level() <= max_level && json_accepts(m)
        }))
    });
    let otlp = OpenTelemetryTracingBridge::new(&SchemaLoggerProvider::new(
        telemetry.logger_provider.clone(),
    ))
    .with_filter(filter_fn(move |m| {
        *m.level() <= max_level && otlp_accepts(m)
    }));
    spans.and_then(json).and_then(otlp)
}

/// Applies the schema to every instrument it names, whoever created it:
/// unit, description, bucket boundaries and series limit.
fn schema_view(instrument: &Instrument) -> Option<Stream> {
    let d = semconv::metric(instrument.name())?;
    let mut stream = Stream::builder()
        .with_unit(d.unit)
        .with_description(d.description);
    if d.instrument == Kind::Histogram && !d.boundaries.is_empty() {
        stream = stream.with_aggregation(Aggregation::ExplicitBucketHistogram {
            boundaries: d.boundaries.to_vec(),
            record_min_max: true,
        });
    }
    if d.series_limit > 0 {
        stream = stream.with_cardinality_limit(d.series_limit);
    }
    stream.build().ok()
}

/// The `seam.rust.memory.*` instruments, read from [`alloc::stats`] at
/// each collection.
struct AllocatorInstruments {
    _allocated: ObservableCounter<u64>,
    _allocations: ObservableCounter<u64>,
    _used: ObservableUpDownCounter<i64>,
}

impl AllocatorInstruments {
    fn register(meter: &Meter) -> Self {
        let (unit, description) = descriptor(metric::SEAM_RUST_MEMORY_ALLOCATED);
        let allocated = meter
            .u64_observable_counter(metric::SEAM_RUST_MEMORY_ALLOCATED)
            .with_unit(unit)
            .with_description(description)
            .with_callback(|o| o.observe(alloc::stats().allocated_bytes, &[]))
            .build();
        let (unit, description) = descriptor(metric::SEAM_RUST_MEMORY_ALLOCATIONS);
        let allocations = meter
            .u64_observable_counter(metric::SEAM_RUST_MEMORY_ALLOCATIONS)
            .with_unit(unit)
            .with_description(description)
            .with_callback(|o| o.observe(alloc::stats().allocations, &[]))
            .build();
        let (unit, description) = descriptor(metric::SEAM_RUST_MEMORY_USED);
        let used = meter
            .i64_observable_up_down_counter(metric::SEAM_RUST_MEMORY_USED)
            .with_unit(unit)
            .with_description(description)
            .with_callback(|o| o.observe(alloc::stats().used_bytes, &[]))
            .build();
        AllocatorInstruments {
            _allocated: allocated,
            _allocations: allocations,
            _used: used,
        }
    }
}

/// Where and how the exporters send.
struct Transport {
    protocol: Protocol,
    endpoint: Option<String>,
}

impl Transport {
    fn resolve(config: &Config) -> Result<Transport, Error> {
        let protocol = match config.protocol {
            Some(p) => p,
            None => match std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL").ok().as_deref() {
                None | Some("") | Some("http/protobuf") => Protocol::HttpProtobuf,
                Some("grpc") => Protocol::Grpc,
                Some(other) => {
                    return Err(Error::InvalidConfig {
                        field: "OTEL_EXPORTER_OTLP_PROTOCOL",
                        reason: format!(
                            "{other:?} is not supported (use \"http/protobuf\" or \"grpc\")"
                        ),
                    })
                }
            },
        };
        if protocol == Protocol::Grpc && !cfg!(feature = "grpc-tonic") {
            return Err(Error::InvalidConfig {
                field: "protocol",
                reason: "grpc needs seam's `grpc-tonic` cargo feature".to_owned(),
            });
        }
        let endpoint = match &config.endpoint {
            None => None,
            Some(e) if e.starts_with("http://") || e.starts_with("https://") => {
                Some(e.trim_end_matches('/').to_owned())
            }
            Some(e) => {
                return Err(Error::InvalidConfig {
                    field: "endpoint",
                    reason: format!("{e:?} is not an http:// or https:// URL"),
                })
            }
        };
        Ok(Transport { protocol, endpoint })
    }

    /// `builder` pointed at this transport's endpoint: `path` appended for
    /// HTTP, the bare base for gRPC.
    fn configure<B: WithExportConfig>(&self, builder: B, path: &str) -> B {
        let builder = builder.with_protocol(match self.protocol {
            Protocol::HttpProtobuf => opentelemetry_otlp::Protocol::HttpBinary,
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => opentelemetry_otlp::Protocol::Grpc,
            #[cfg(not(feature = "grpc-tonic"))]
            Protocol::Grpc => opentelemetry_otlp::Protocol::HttpBinary, // rejected in resolve
        });
        match (&self.endpoint, self.protocol) {
            (Some(base), Protocol::HttpProtobuf) => builder.with_endpoint(format!("{base}{path}")),
            (Some(base), Protocol::Grpc) => builder.with_endpoint(base.clone()),
            (None, _) => builder,
        }
    }

    fn span_exporter(&self) -> Result<SpanExporter, Error> {
        let built = match self.protocol {
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => self
                .configure(SpanExporter::builder().with_tonic(), "")
                .build(),
            _ => self
                .configure(SpanExporter::builder().with_http(), "/v1/traces")
                .build(),
        };
        built.map_err(|e| exporter_error("traces", e))
    }

    fn metric_exporter(&self) -> Result<MetricExporter, Error> {
        let built = match self.protocol {
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => self
                .configure(MetricExporter::builder().with_tonic(), "")
                .build(),
            _ => self
                .configure(MetricExporter::builder().with_http(), "/v1/metrics")
                .build(),
        };
        built.map_err(|e| exporter_error("metrics", e))
    }

    fn log_exporter(&self) -> Result<LogExporter, Error> {
        let built = match self.protocol {
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => self
                .configure(LogExporter::builder().with_tonic(), "")
                .build(),
            _ => self
                .configure(LogExporter::builder().with_http(), "/v1/logs")
                .build(),
        };
        built.map_err(|e| exporter_error("logs", e))
    }
}

fn exporter_error(signal: &'static str, e: impl std::fmt::Display) -> Error {
    Error::Exporter {
        signal,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The only test in this binary that touches OTEL_EXPORTER_OTLP_PROTOCOL.
    #[test]
    fn transport_names_what_is_wrong() {
        let err = Transport::resolve(&Config::new("t").with_endpoint("localhost:4318")).err();
        assert!(
            matches!(&err, Some(Error::InvalidConfig { field: "endpoint", reason }) if reason.contains("localhost:4318")),
            "{err:?}"
        );

        std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
        let err = Transport::resolve(&Config::new("t")).err();
        std::env::remove_var("OTEL_EXPORTER_OTLP_PROTOCOL");
        assert!(
            matches!(&err, Some(Error::InvalidConfig { field: "OTEL_EXPORTER_OTLP_PROTOCOL", reason }) if reason.contains("http/json")),
            "{err:?}"
        );

        let t = Transport::resolve(&Config::new("t").with_endpoint("http://127.0.0.1:4318/"))
            .expect("valid");
        assert_eq!(t.endpoint.as_deref(), Some("http://127.0.0.1:4318"));
        assert_eq!(t.protocol, Protocol::HttpProtobuf);
        let grpc = Transport::resolve(&Config::new("t").with_protocol(Protocol::Grpc));
        assert_eq!(
            grpc.is_ok(),
            cfg!(feature = "grpc-tonic"),
            "{:?}",
            grpc.err()
        );
    }
}
