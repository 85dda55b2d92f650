//! The generated constants agree with the schema's conformance vectors, and
//! the generated constructors build each metric as the schema says.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, MeterProvider as _, UpDownCounter};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use seam::semconv::{self, instruments, observable, Instrument};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/testdata/conformance/metrics.json"
    );
    let raw = std::fs::read_to_string(path).expect("read metrics.json");
    serde_json::from_str(&raw).expect("parse metrics.json")
}

fn instrument_name(i: Instrument) -> &'static str {
    match i {
        Instrument::Counter => "counter",
        Instrument::UpDownCounter => "updowncounter",
        Instrument::Gauge => "gauge",
        Instrument::Histogram => "histogram",
    }
}

#[test]
fn metrics_match_conformance_vectors() {
    let want = vectors();
    assert_eq!(want.len(), semconv::METRICS.len());
    for (w, g) in want.iter().zip(semconv::METRICS) {
        assert_eq!(w["name"], g.name);
        assert_eq!(w["instrument"], instrument_name(g.instrument), "{}", g.name);
        assert_eq!(w["unit"], g.unit, "{}", g.name);
        assert_eq!(w["description"], g.description, "{}", g.name);
        let bounds: Vec<f64> = w["boundaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_f64().unwrap())
            .collect();
        assert_eq!(bounds, g.boundaries, "{}", g.name);
        let attrs: Vec<&str> = w["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(attrs, g.attributes, "{}", g.name);
        assert_eq!(
            w["series_limit"].as_u64().unwrap() as usize,
            g.series_limit,
            "{}",
            g.name
        );
    }
}

#[test]
fn metric_lookup_finds_every_metric() {
    for m in semconv::METRICS {
        assert_eq!(semconv::metric(m.name).map(|d| d.name), Some(m.name));
    }
    assert!(semconv::metric("no.such.metric").is_none());
    let op = semconv::metric(semconv::metric::SEAM_OPERATION_DURATION).unwrap();
    assert_eq!(op.boundaries, semconv::buckets::LATENCY);
    assert_eq!(op.unit, "s");
}

#[test]
fn log_levels_and_fields_follow_the_schema() {
    let names: Vec<&str> = semconv::log::LEVELS.iter().map(|l| l.name).collect();
    assert_eq!(names, ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]);
    assert_eq!(semconv::log::SEVERITY_ERROR, 17);
    assert_eq!(semconv::log::FIELDS[0], "time");
    assert_eq!(
        semconv::log::FIELDS.last(),
        Some(&semconv::attribute::SEAM_CORRELATION_ID)
    );
    assert_eq!(semconv::enums::seam_impl::RUST, "rust");
    assert_eq!(semconv::limits::SEAM_OPERATION_OVERFLOW_VALUE, "_other");
}

/// What an exported metric says about the instrument that recorded it.
#[derive(Debug, PartialEq)]
struct Seen {
    instrument: Instrument,
    unit: String,
    description: String,
    boundaries: Vec<f64>,
}

/// Keeps what it is asked to export, by metric name.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<BTreeMap<String, Seen>>>);

fn seen<T>(data: &MetricData<T>) -> (Instrument, Vec<f64>) {
    match data {
        MetricData::Gauge(_) => (Instrument::Gauge, Vec::new()),
        MetricData::Sum(sum) if sum.is_monotonic() => (Instrument::Counter, Vec::new()),
        MetricData::Sum(_) => (Instrument::UpDownCounter, Vec::new()),
        MetricData::Histogram(h) => (
            Instrument::Histogram,
            h.data_points()
                .next()
                .map(|p| p.bounds().collect())
                .unwrap_or_default(),
        ),
        MetricData::ExponentialHistogram(_) => panic!("no schema metric is exponential"),
    }
}

impl PushMetricExporter for Capture {
    fn export(
        &self,
        metrics: &ResourceMetrics,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        let mut kept = self.0.lock().expect("lock");
        for metric in metrics.scope_metrics().flat_map(|s| s.metrics()) {
            let (instrument, boundaries) = match metric.data() {
                AggregatedMetrics::F64(d) => seen(d),
                AggregatedMetrics::U64(d) => seen(d),
                AggregatedMetrics::I64(d) => seen(d),
            };
            kept.insert(
                metric.name().to_owned(),
                Seen {
                    instrument,
                    unit: metric.unit().to_owned(),
                    description: metric.description().to_owned(),
                    boundaries,
                },
            );
        }
        std::future::ready(Ok(()))
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}

/// Runs `record` against a meter of a provider with no views, so that all
/// the exported metrics know is what the instruments were built with.
fn export(record: impl FnOnce(&Meter)) -> BTreeMap<String, Seen> {
    let capture = Capture::default();
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(capture.clone()).build())
        .build();
    record(&provider.meter("semconv-test"));
    provider.force_flush().expect("flush");
    provider.shutdown().expect("shutdown");
    let seen = std::mem::take(&mut *capture.0.lock().expect("lock"));
    seen
}

/// One measurement on a synchronous instrument, whatever its type.
trait RecordOne {
    fn record_one(&self);
}

impl RecordOne for Counter<u64> {
    fn record_one(&self) {
        self.add(1, &[]);
    }
}

impl RecordOne for Counter<f64> {
    fn record_one(&self) {
        self.add(1.0, &[]);
    }
}

impl RecordOne for UpDownCounter<i64> {
    fn record_one(&self) {
        self.add(1, &[]);
    }
}

impl RecordOne for Gauge<f64> {
    fn record_one(&self) {
        self.record(1.0, &[]);
    }
}

impl RecordOne for Histogram<f64> {
    fn record_one(&self) {
        self.record(0.001, &[]);
    }
}

fn want(m: &semconv::MetricDescriptor) -> Seen {
    Seen {
        instrument: m.instrument,
        unit: m.unit.to_owned(),
        description: m.description.to_owned(),
        boundaries: m.boundaries.to_vec(),
    }
}

#[test]
fn every_constructor_builds_its_metric_as_the_schema_says() {
    macro_rules! record {
        ($meter:expr; $($f:ident),* $(,)?) => {
            $(instruments::$f($meter).record_one();)*
        };
    }
    let got = export(|m| {
        record!(m;
            go_config_gogc, go_goroutine_count, go_memory_allocated, go_memory_allocations,
            go_memory_gc_goal, go_memory_gc_pause_duration, go_memory_limit, go_memory_used,
            go_processor_limit, go_schedule_duration, http_server_request_duration,
            messaging_client_consumed_messages, messaging_client_sent_messages,
            messaging_process_duration, process_cpu_time, process_memory_usage, process_memory_virtual,
            rpc_server_call_duration, seam_boundary_call_duration, seam_boundary_fallbacks,
            seam_boundary_panics, seam_collector_schema_findings, seam_go_cgo_calls,
            seam_messaging_lag, seam_messaging_redeliveries, seam_operation_duration, seam_operation_overflows, seam_rollout_candidate_share,
            seam_rollout_decisions, seam_rollout_shadow_comparisons, seam_rollout_state,
            seam_rollout_trips, seam_rust_memory_allocated, seam_rust_memory_allocations,
            seam_rust_memory_used, seam_telemetry_dropped,
        );
    });
    let want: BTreeMap<String, Seen> = semconv::METRICS
        .iter()
        .map(|m| (m.name.to_owned(), want(m)))
        .collect();
    assert_eq!(
        got, want,
        "a schema metric without its constructor here, or built differently"
    );
}

#[test]
fn every_observable_builder_carries_the_schemas_kind_unit_and_description() {
    macro_rules! observe {
        ($meter:expr; $($f:ident),* $(,)?) => {
            $(observable::$f($meter).with_callback(|o| o.observe(Default::default(), &[])).build();)*
        };
    }
    let got = export(|m| {
        observe!(m;
            go_config_gogc, go_goroutine_count, go_memory_allocated, go_memory_allocations,
            go_memory_gc_goal, go_memory_limit, go_memory_used, go_processor_limit,
            messaging_client_consumed_messages, messaging_client_sent_messages,
            process_cpu_time, process_memory_usage, process_memory_virtual,
            seam_boundary_fallbacks, seam_boundary_panics, seam_collector_schema_findings,
            seam_go_cgo_calls, seam_messaging_redeliveries, seam_operation_overflows,
            seam_rollout_candidate_share, seam_rollout_decisions,
            seam_rollout_shadow_comparisons, seam_rollout_state, seam_rollout_trips,
            seam_rust_memory_allocated, seam_rust_memory_allocations, seam_rust_memory_used,
            seam_telemetry_dropped,
        );
    });
    let want: BTreeMap<String, Seen> = semconv::METRICS
        .iter()
        .filter(|m| m.instrument != Instrument::Histogram)
        .map(|m| (m.name.to_owned(), want(m)))
        .collect();
    assert_eq!(
        got, want,
        "a schema metric without its builder here, or built differently"
    );
}
