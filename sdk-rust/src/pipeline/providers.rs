//! What [`super::init`] builds: the tracer, meter and logger providers, each
//! wired to its exporter through Seam's queues (spans, logs) or its periodic
//! reader (metrics), with each signal's health and the drop counts, kept
//! together as [`Telemetry`].

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::metrics::{MeterProvider as _, ObservableCounter};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::Level;

use super::exporters::Exporters;
use super::memory::AllocatorInstruments;
use super::scope;
use super::views::schema_view;
use crate::alloc;
use crate::config::Config;
use crate::error::Error;
use crate::export::{
    BoundedLogProcessor, BoundedSpanProcessor, CountingMetricExporter, Dropped, Health, LogRecords,
    MetricLedger, QueueParts, Stop,
};
use crate::log::Diagnostics;
use crate::operation::Operations;
use crate::role::Role;
use crate::settings::Settings;
use crate::signal::Signal;
use crate::trace::RedactingSpanProcessor;

/// What the OTLP log layer emits through.
pub(super) struct LogPipeline {
    pub(super) provider: SdkLoggerProvider,
    /// The provider's processor's queue, which the layer's records go to.
    pub(super) queue: LogRecords,
}

/// Everything [`super::init`] set up; lives for the rest of the process.
pub(crate) struct Telemetry {
    pub(crate) tracer: SdkTracer,
    pub(crate) operations: Operations,
    pub(crate) role: Role,
    pub(super) service_name: Arc<str>,
    pub(super) max_level: Level,
    pub(super) rust_log: Option<String>,
    pub(super) json_logs: bool,
    pub(super) export_timeout: Duration,
    pub(super) diagnostics: Arc<Diagnostics>,
    pub(super) tracer_provider: SdkTracerProvider,
    pub(super) meter_provider: SdkMeterProvider,
    /// `None` when logs are not exported.
    pub(super) logger_provider: Option<SdkLoggerProvider>,
    /// The logger provider and its queue, for the OTLP log layer; `None`
    /// when logs are not exported.
    pub(super) log_records: Option<LogPipeline>,
    pub(super) span_queue: Option<Arc<dyn Stop>>,
    pub(super) log_queue: Option<Arc<dyn Stop>>,
    pub(super) metric_ledger: Option<Arc<MetricLedger>>,
    /// Each exported signal's health, by [`Signal::index`].
    pub(super) health: [Option<Arc<Health>>; 3],
    pub(super) shut_down: Mutex<bool>,
    _allocator: Option<AllocatorInstruments>,
    _dropped: ObservableCounter<u64>,
}

impl Telemetry {
    /// Builds the providers and everything they export through.
    pub(super) fn start(config: &Config, settings: Settings) -> Result<Telemetry, Error> {
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
        let mut log_records = None;
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
                let queue = processor.records();
                let provider = SdkLoggerProvider::builder()
                    .with_log_processor(processor)
                    .with_resource(resource.clone())
                    .build();
                log_records = Some(LogPipeline {
                    provider: provider.clone(),
                    queue,
                });
                Some(provider)
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
            log_records,
            span_queue,
            log_queue,
            metric_ledger,
            health,
            shut_down: Mutex::new(false),
        })
    }
}
