//! The metric exporter wrapper: a failed export's data points are counted
//! in `seam.telemetry.dropped{signal=metrics, reason=export_failed}`, as in
//! the Go SDK (metrics have no queue to overflow: each collection starts
//! afresh), and reported.

use std::sync::Arc;
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
}

impl<E: PushMetricExporter> CountingMetricExporter<E> {
    pub(crate) fn new(
        inner: E,
        runner: Runner,
        dropped: Arc<Dropped>,
        health: Arc<Health>,
    ) -> Self {
        CountingMetricExporter {
            inner,
            runner,
            dropped,
            health,
        }
    }
}

impl<E: PushMetricExporter> PushMetricExporter for CountingMetricExporter<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let points = data_points(metrics);
        let result = self.runner.wrap(self.inner.export(metrics)).await;
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
