//! With the collector down (a port nothing listens on): shutdown returns
//! within the export timeout and says plainly what was lost and why; export
//! failures are one WARN line per distinct problem per interval; no JSON
//! line has an empty message; and nothing reaches standard error. Each case
//! owns a child process, whose standard streams the parent reads.

mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use seam::{Config, Error};
use serde_json::Value;
use support::child;

/// A local URL nothing listens on.
fn dead_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

fn record(operations: usize, logs: usize) {
    for i in 0..operations {
        let _op = seam::operation("down.op");
        if i < logs {
            tracing::info!(i, "quote computed");
        }
    }
}

fn assert_quiet_and_never_empty(output: &std::process::Output) -> Vec<Value> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.trim().is_empty(), "written to stderr: {stderr}");
    let lines = child::json_lines(output);
    for line in &lines {
        let msg = line["msg"].as_str().unwrap_or("");
        assert!(!msg.is_empty(), "a line without a message: {line}");
    }
    lines
}

#[test]
fn shutdown_is_bounded_and_names_the_loss() {
    const TEST: &str = "shutdown_is_bounded_and_names_the_loss";
    if !child::is_child(TEST) {
        // Nothing is exported before shutdown: all of it is shutdown's loss.
        let output = child::run(
            TEST,
            &[
                ("OTEL_BSP_SCHEDULE_DELAY", "600000"),
                ("OTEL_BLRP_SCHEDULE_DELAY", "600000"),
            ],
        );
        let lines = assert_quiet_and_never_empty(&output);
        let reported = lines
            .iter()
            .filter_map(|l| l["msg"].as_str())
            .find(|m| m.starts_with("shutdown reported: "))
            .unwrap_or_else(|| panic!("no report in {lines:?}"));
        assert!(
            reported.contains("dropped 12 spans, 3 log records, "),
            "{reported}"
        );
        return;
    }
    let endpoint = dead_endpoint();
    let guard = seam::init(
        Config::new("down-test")
            .with_endpoint(&endpoint)
            .with_export_timeout(Duration::from_millis(500))
            .with_metric_interval(Duration::from_secs(3600)),
    )
    .expect("init with the collector down");
    record(12, 3);
    let start = Instant::now();
    let result = guard.shutdown(Duration::from_secs(10));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    let Err(Error::Shutdown(report)) = &result else {
        panic!("shutdown with the collector down: {result:?}")
    };
    let message = report.to_string();
    assert!(
        message.starts_with(&format!(
            "telemetry shutdown: collector unreachable at {endpoint}/v1/"
        )),
        "{message}"
    );
    assert_eq!((report.spans(), report.log_records()), (12, 3), "{message}");
    assert!(report.metric_points() > 0, "{message}");
    tracing::warn!("shutdown reported: {message}");
}

#[test]
fn export_failures_are_rate_limited() {
    const TEST: &str = "export_failures_are_rate_limited";
    if !child::is_child(TEST) {
        let output = child::run(
            TEST,
            &[
                ("OTEL_BSP_SCHEDULE_DELAY", "20"),
                ("OTEL_BLRP_SCHEDULE_DELAY", "20"),
                ("OTEL_METRIC_EXPORT_INTERVAL", "50"),
                ("OTEL_EXPORTER_OTLP_TIMEOUT", "100"),
            ],
        );
        let lines = assert_quiet_and_never_empty(&output);
        let warnings: Vec<&Value> = lines.iter().filter(|l| l["level"] == "WARN").collect();
        let failures: Vec<&str> = warnings
            .iter()
            .filter_map(|l| l["msg"].as_str())
            .filter(|m| m.starts_with("telemetry export failed: "))
            .collect();
        // Three signals failing for seconds: one line each, not one per export.
        let mut signals: Vec<&str> = warnings
            .iter()
            .filter(|l| {
                l["msg"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("telemetry export failed: "))
            })
            .filter_map(|l| l["seam.telemetry.signal"].as_str())
            .collect();
        signals.sort_unstable();
        assert_eq!(signals, ["logs", "metrics", "traces"], "{failures:#?}");
        for line in &warnings {
            assert_eq!(line["seam.errors_suppressed"], 0, "{line}");
        }
        assert!(
            failures
                .iter()
                .all(|m| m.contains("collector unreachable at http://127.0.0.1:")),
            "{failures:#?}"
        );
        return;
    }
    let guard = seam::init(Config::new("down-test").with_endpoint(dead_endpoint()))
        .expect("init with the collector down");
    let until = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < until {
        record(20, 5);
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = guard.shutdown(Duration::from_secs(5));
}
