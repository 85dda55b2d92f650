//! Telemetry dropped instead of blocking is counted in
//! `seam.telemetry.dropped`, exported like any metric: spans past the queue's
//! bound while the collector stalls their export (`queue_full`), and log
//! records the collector refuses (`export_failed`). A real OTLP/HTTP endpoint
//! (tests/support) stalls `/v1/traces`, refuses `/v1/logs` and accepts metrics.

mod support;

use std::time::{Duration, Instant};

use seam::semconv::enums::{seam_telemetry_reason, seam_telemetry_signal};
use seam::Config;
use support::dropped::{count, dropped};

const SPANS: u64 = 200;
const LOGS: u64 = 3;
const QUEUE: u64 = 16;

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
