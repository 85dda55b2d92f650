//! A log export the collector turns away for a moment (503) is retried, as
//! the SDK's exporters retry spans and metrics: the records arrive once the
//! collector takes them again, with no later export to carry them, and
//! nothing is counted as dropped.

mod support;

use std::time::{Duration, Instant};

use seam::Config;
use support::dropped::dropped;

#[test]
fn a_refused_log_export_is_retried() {
    // The only test in this binary: it owns the process's environment.
    std::env::set_var("OTEL_BLRP_SCHEDULE_DELAY", "10");
    let receiver = support::Receiver::start_with(support::Faults {
        refuse_until_release: vec!["/v1/logs"],
        ..Default::default()
    });
    let guard = seam::init(
        Config::new("log-retry-test")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");
    tracing::info!(attempt = 1, "turned away once");

    let mut got = support::Received::default();
    let deadline = Instant::now() + Duration::from_secs(10);
    while got.refused.is_empty() {
        assert!(Instant::now() < deadline, "no log export was attempted");
        std::thread::sleep(Duration::from_millis(2));
        got.refused.extend(receiver.take().refused);
    }
    // The retry is due 100 ms after the refusal, at the earliest.
    receiver.release();
    while got.logs.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the refused records never arrived"
        );
        std::thread::sleep(Duration::from_millis(5));
        got.logs.extend(receiver.take().logs);
    }
    let bodies: Vec<_> = got
        .logs
        .iter()
        .flat_map(|r| &r.resource_logs)
        .flat_map(|r| &r.scope_logs)
        .flat_map(|s| &s.log_records)
        .filter_map(|r| r.body.as_ref())
        .collect();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(
        got.refused[0].0, "/v1/logs",
        "the refused request was the log export"
    );

    let meters = guard.meter_provider().expect("meter provider");
    meters.force_flush().expect("metrics flush");
    let metrics = receiver.take().metrics;
    assert_eq!(dropped(&metrics), None, "a retried record is not dropped");
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}
