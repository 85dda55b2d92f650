//! A failed metric export counts its data points in
//! `seam.telemetry.dropped{seam.telemetry.signal=metrics,
//! seam.telemetry.reason=export_failed}`, as in Go: a real OTLP/HTTP
//! receiver refuses `/v1/metrics` until released, then records the count.

mod support;

use std::time::Duration;

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value;
use prost::Message;
use seam::Config;

fn points(request: &ExportMetricsServiceRequest) -> usize {
    request
        .resource_metrics
        .iter()
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .map(|m| match &m.data {
            Some(Data::Gauge(g)) => g.data_points.len(),
            Some(Data::Sum(s)) => s.data_points.len(),
            Some(Data::Histogram(h)) => h.data_points.len(),
            Some(Data::ExponentialHistogram(h)) => h.data_points.len(),
            Some(Data::Summary(s)) => s.data_points.len(),
            None => 0,
        })
        .sum()
}

fn metrics_dropped(request: &ExportMetricsServiceRequest) -> Option<i64> {
    let m = request
        .resource_metrics
        .iter()
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .find(|m| m.name == "seam.telemetry.dropped")?;
    let Some(Data::Sum(sum)) = &m.data else {
        panic!("not a sum: {m:?}")
    };
    sum.data_points.iter().find_map(|p| {
        let text = |key: &str| {
            p.attributes.iter().find(|kv| kv.key == key).and_then(|kv| {
                match kv.value.as_ref()?.value.as_ref()? {
                    opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(s) => {
                        Some(s.as_str())
                    }
                    _ => None,
                }
            })
        };
        let ours = text("seam.telemetry.signal") == Some("metrics")
            && text("seam.telemetry.reason") == Some("export_failed");
        match (ours, p.value) {
            (true, Some(Value::AsInt(n))) => Some(n),
            _ => None,
        }
    })
}

#[test]
fn failed_metric_exports_count_their_points() {
    let receiver = support::Receiver::start_with(support::Faults {
        refuse_until_release: vec!["/v1/metrics"],
        ..Default::default()
    });
    let guard = seam::init(
        Config::new("metrics-dropped-test")
            .with_endpoint(receiver.endpoint())
            .with_export_timeout(Duration::from_millis(300))
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");
    let meters = guard.meter_provider().expect("meter provider");
    for name in ["a", "b", "c"] {
        drop(seam::operation(name));
    }
    assert!(meters.force_flush().is_err(), "the refused export failed");
    let refused = receiver.take().refused;
    let (path, body) = refused.last().expect("a refused request");
    assert_eq!(path, "/v1/metrics");
    let failed = points(&ExportMetricsServiceRequest::decode(body.as_slice()).expect("OTLP"));
    assert!(failed >= 3, "{failed} points in the refused export");

    receiver.release();
    meters.force_flush().expect("the collector is back");
    let got = receiver.take();
    let counted = got
        .metrics
        .iter()
        .find_map(metrics_dropped)
        .expect("seam.telemetry.dropped{metrics, export_failed}");
    assert_eq!(counted, failed as i64);
    guard.shutdown(Duration::from_secs(5)).expect("shutdown");
}
