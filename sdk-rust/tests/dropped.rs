//! Telemetry dropped instead of blocking is counted in
//! `seam.telemetry.dropped`, exported like any metric: spans past the queue's
//! bound while the collector stalls their export (`queue_full`), and log
//! records the collector refuses (`export_failed`). A real OTLP/HTTP endpoint
//! (tests/support) stalls `/v1/traces`, refuses `/v1/logs` and accepts metrics.

mod support;

use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value;
use seam::semconv::enums::{seam_telemetry_reason, seam_telemetry_signal};
use seam::semconv::{attribute, metric};
use seam::Config;

const SPANS: u64 = 200;
const LOGS: u64 = 3;
const QUEUE: u64 = 16;

/// `seam.telemetry.dropped` by (signal, reason) in the newest metrics
/// export that has it, checking its unit, monotonicity and attribute keys.
fn dropped(requests: &[ExportMetricsServiceRequest]) -> Option<Vec<(String, String, u64)>> {
    let m = requests
        .iter()
        .rev()
        .flat_map(|r| &r.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .find(|m| m.name == metric::SEAM_TELEMETRY_DROPPED)?;
    assert_eq!(m.unit, "{item}");
    let Some(Data::Sum(sum)) = &m.data else {
        panic!("{} is not a sum: {:?}", m.name, m.data)
    };
    assert!(sum.is_monotonic);
    let text = |key: &str, p: &[opentelemetry_proto::tonic::common::v1::KeyValue]| {
        p.iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref()?.value.as_ref())
            .map(|v| match v {
                AnyValue::StringValue(s) => s.clone(),
                other => panic!("{key} = {other:?}"),
            })
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    Some(
        sum.data_points
            .iter()
            .map(|p| {
                assert_eq!(p.attributes.len(), 2, "{:?}", p.attributes);
                let Some(Value::AsInt(n)) = p.value else {
                    panic!("value {:?}", p.value)
                };
                (
                    text(attribute::SEAM_TELEMETRY_SIGNAL, &p.attributes),
                    text(attribute::SEAM_TELEMETRY_REASON, &p.attributes),
                    u64::try_from(n).expect("a count"),
                )
            })
            .collect(),
    )
}

fn count(points: &[(String, String, u64)], signal: &str, reason: &str) -> u64 {
    points
        .iter()
        .find(|(s, r, _)| s == signal && r == reason)
        .map_or(0, |p| p.2)
}

#[test]
fn drops_are_counted_and_exported() {
    // The only test in this binary: it owns the process's environment.
    std::env::set_var("OTEL_BSP_MAX_QUEUE_SIZE", QUEUE.to_string());
    std::env::set_var("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4");
    std::env::set_var("OTEL_BLRP_SCHEDULE_DELAY", "10");
    let receiver = support::Receiver::start_with(support::Faults {
        refuse: vec!["/v1/logs"],
        stall: vec!["/v1/traces"],
        ..Default::default()
    });
    let guard = seam::init(
        Config::new("dropped-test")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");
    let meters = guard.meter_provider().expect("meter provider");

    // The first full batch's export stalls; the queue fills behind it and
    // the rest is dropped, without blocking here.
    for _ in 0..SPANS {
        drop(seam::operation("dropped.op"));
    }
    for i in 0..LOGS {
        tracing::info!(attempt = i, "refused by the collector");
    }

    // Counted while the collector still stalls: polled through real metric
    // exports until the refused logs' export has come back.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut metrics = Vec::new();
    let points = loop {
        meters.force_flush().expect("metrics flush");
        metrics.extend(receiver.take().metrics);
        if let Some(points) = dropped(&metrics) {
            if count(
                &points,
                seam_telemetry_signal::LOGS,
                seam_telemetry_reason::EXPORT_FAILED,
            ) == LOGS
            {
                break points;
            }
        }
        assert!(
            Instant::now() < deadline,
            "drops never exported: {:?}",
            dropped(&metrics)
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let full = count(
        &points,
        seam_telemetry_signal::TRACES,
        seam_telemetry_reason::QUEUE_FULL,
    );
    // At most QUEUE spans wait and QUEUE more are in the stalled export.
    assert!(
        full >= SPANS - 2 * QUEUE,
        "traces queue_full = {full}, {points:?}"
    );
    assert_eq!(
        count(
            &points,
            seam_telemetry_signal::LOGS,
            seam_telemetry_reason::QUEUE_FULL
        ),
        0
    );
    assert!(
        points
            .iter()
            .all(|(s, _, _)| s != seam_telemetry_signal::METRICS),
        "metrics dropped nothing: {points:?}"
    );

    // The collector recovers: what the queue held is exported, and every
    // span is either exported or counted.
    receiver.release();
    guard.shutdown(Duration::from_secs(20)).expect("shutdown");
    let got = receiver.take();
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);
    assert!(got.logs.is_empty(), "the refused logs were recorded");
    let exported = got
        .traces
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .filter(|s| s.name == "dropped.op")
        .count() as u64;
    metrics.extend(got.metrics);
    let last = dropped(&metrics).expect("the final metrics export");
    let full = count(
        &last,
        seam_telemetry_signal::TRACES,
        seam_telemetry_reason::QUEUE_FULL,
    );
    let failed = count(
        &last,
        seam_telemetry_signal::TRACES,
        seam_telemetry_reason::EXPORT_FAILED,
    );
    assert!(
        exported > 0,
        "no span exported after the collector recovered"
    );
    assert_eq!(
        exported + full + failed,
        SPANS,
        "exported {exported}, dropped {last:?}"
    );
    assert_eq!(failed, 0, "{last:?}");
}
