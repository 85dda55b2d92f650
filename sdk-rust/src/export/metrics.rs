//! The metric exporter wrapper: a failed export's data points are counted
//! in `seam.telemetry.dropped{signal=metrics, reason=export_failed}`, as in
//! the Go SDK (metrics have no queue to overflow: each collection starts
//! afresh), and what shutdown loses is tallied for its report.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::Temporality;

use super::dropped::{Dropped, Reason};
use super::health::Health;
use super::runner::Runner;
use crate::signal::Signal;

/// Counts what the metric exports lose.
#[derive(Debug)]
pub(crate) struct CountingMetricExporter<E> {
    inner: E,
    runner: Runner,
    dropped: Arc<Dropped>,
    health: Arc<Health>,
    ledger: Arc<MetricLedger>,
}

impl<E: PushMetricExporter> CountingMetricExporter<E> {
    pub(crate) fn new(
        inner: E,
        runner: Runner,
        dropped: Arc<Dropped>,
        health: Arc<Health>,
    ) -> (Self, Arc<MetricLedger>) {
        let ledger = Arc::new(MetricLedger::default());
        let exporter = CountingMetricExporter {
            inner,
            runner,
            dropped,
            health,
            ledger: ledger.clone(),
        };
        (exporter, ledger)
    }
}

impl<E: PushMetricExporter> PushMetricExporter for CountingMetricExporter<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let points = data_points(metrics);
        self.ledger.started(points);
        let result = self.runner.wrap(self.inner.export(metrics)).await;
        self.ledger.finished(points, result.is_err());
        if result.is_err() {
            self.dropped
                .add(Signal::Metrics, Reason::ExportFailed, points);
        }
        self.health.exported(&result, points);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}

/// What metric exports lost once shutdown began.
#[derive(Debug, Default)]
pub(crate) struct MetricLedger {
    state: Mutex<Ledger>,
}

#[derive(Debug, Default)]
struct Ledger {
    shutting_down: bool,
    in_flight: usize,
    lost: usize,
}

impl MetricLedger {
    fn lock(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn started(&self, points: usize) {
        self.lock().in_flight = points;
    }

    fn finished(&self, points: usize, failed: bool) {
        let mut ledger = self.lock();
        ledger.in_flight = 0;
        if failed && ledger.shutting_down {
            ledger.lost += points;
        }
    }

    /// From now on failed exports count as shutdown's loss.
    pub(crate) fn begin_shutdown(&self) {
        self.lock().shutting_down = true;
    }

    /// The points shutdown lost: failed since it began, plus those of an
    /// export still under way when it gave up.
    pub(crate) fn lost(&self, gave_up: bool) -> usize {
        let ledger = self.lock();
        ledger.lost + if gave_up { ledger.in_flight } else { 0 }
    }
}

/// The data points in `metrics`, every kind of metric included.
pub(crate) fn data_points(metrics: &ResourceMetrics) -> usize {
    fn points<T>(data: &MetricData<T>) -> usize {
        match data {
            MetricData::Gauge(g) => g.data_points().count(),
            MetricData::Sum(s) => s.data_points().count(),
            MetricData::Histogram(h) => h.data_points().count(),
            MetricData::ExponentialHistogram(h) => h.data_points().count(),
        }
    }
    metrics
        .scope_metrics()
        .flat_map(|sm| sm.metrics())
        .map(|m| match m.data() {
            AggregatedMetrics::F64(d) => points(d),
            AggregatedMetrics::U64(d) => points(d),
            AggregatedMetrics::I64(d) => points(d),
        })
        .sum()
}
