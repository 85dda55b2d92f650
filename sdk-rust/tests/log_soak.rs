//! Logs under sustained load: one thread per core logs as fast as it can
//! into a real OTLP/HTTP receiver (tests/support) that keeps up, and every
//! record arrives, none dropped. `SEAM_LOG_SOAK` sets how long, in seconds
//! (`make log-soak` runs 60 s); the suite runs a few.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use seam::semconv::enums::seam_telemetry_signal;
use seam::Config;
use support::dropped::dropped;
use support::logs::{log_records, quote_computed};

fn soak_duration() -> Duration {
    match std::env::var("SEAM_LOG_SOAK") {
        Err(_) => Duration::from_secs(3),
        Ok(v) => {
            let secs = v.trim_end_matches('s').parse::<u64>();
            Duration::from_secs(
                secs.unwrap_or_else(|_| {
                    panic!("SEAM_LOG_SOAK={v:?}: want whole seconds, such as 60s")
                }),
            )
        }
    }
}

#[test]
fn a_tight_logging_loop_loses_nothing() {
    let receiver = support::Receiver::start();
    let guard = seam::init(
        Config::new("log-soak")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");

    let deadline = Instant::now() + soak_duration();
    let logged = Arc::new(AtomicU64::new(0));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let loggers: Vec<_> = (0..threads)
        .map(|_| {
            let logged = Arc::clone(&logged);
            std::thread::spawn(move || {
                let mut n = 0;
                while Instant::now() < deadline {
                    for _ in 0..256 {
                        quote_computed();
                    }
                    n += 256;
                }
                logged.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    // Counted and let go as they arrive, so a long run holds little.
    let mut received = 0;
    let mut metrics = Vec::new();
    while loggers.iter().any(|t| !t.is_finished()) {
        let got = receiver.take();
        received += log_records(&got);
        metrics.extend(got.metrics);
        std::thread::sleep(Duration::from_millis(100));
    }
    for t in loggers {
        t.join().expect("logger thread");
    }
    guard.shutdown(Duration::from_secs(30)).expect("shutdown");
    let got = receiver.take();
    received += log_records(&got);
    metrics.extend(got.metrics);

    let logged = logged.load(Ordering::Relaxed);
    println!("logged {logged} records, received {received}");
    let log_drops: u64 = dropped(&metrics)
        .unwrap_or_default()
        .iter()
        .filter(|(signal, _, _)| signal == seam_telemetry_signal::LOGS)
        .map(|p| p.2)
        .sum();
    assert_eq!(log_drops, 0, "seam.telemetry.dropped counts log records");
    assert_eq!(received, logged, "the receiver got {received} of {logged}");
}
