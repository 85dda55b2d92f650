//! CPU per log record exported over OTLP/HTTP: the whole process's CPU
//! time (the logging thread, Seam's export thread, the HTTP client and
//! the receiver's reads, less the receiver's decoding) per record, against
//! `tracing_subscriber::fmt` JSON alone writing to a sink, the same event
//! in the same process. Every record must reach the receiver.
//!
//! Seam's pipelines are global, so one process measures once; run it a
//! few times and take the median ratio. `SEAM_BENCH_RECORDS` sets how many
//! records (default 300,000).

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "support/request_context.rs"]
mod request_context;

use std::io;
use std::time::Duration;

use request_context::request_context;
use seam::log::JsonLayer;
use seam::Config;
use support::cpu_time;
use support::logs::quote_computed;
use tracing_subscriber::layer::SubscriberExt;

fn is_the_event(r: &opentelemetry_proto::tonic::logs::v1::LogRecord) -> bool {
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    matches!(
        r.body.as_ref().and_then(|b| b.value.as_ref()),
        Some(Value::StringValue(s)) if s == "quote computed"
    )
}

/// The process's CPU time per call of f over n calls, with after's.
fn cpu_per_call(n: u64, f: impl Fn(), after: impl FnOnce()) -> f64 {
    let start = cpu_time::process_cpu_time();
    for _ in 0..n {
        f();
    }
    after();
    (cpu_time::process_cpu_time() - start).as_nanos() as f64 / n as f64
}

fn main() {
    let n: u64 = std::env::var("SEAM_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let _current = request_context().attach();

    let fmt = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(io::sink),
    );
    let fmt_ns = tracing::subscriber::with_default(fmt, || cpu_per_call(n, quote_computed, || {}));

    let receiver = support::Receiver::start();
    let guard = seam::init(
        Config::new("bench")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false)
            .with_subscriber(false),
    )
    .expect("init");
    let subscriber = tracing_subscriber::registry()
        .with(JsonLayer::new("bench").with_writer(io::sink))
        .with(guard.layer());
    let gross_ns = tracing::subscriber::with_default(subscriber, || {
        cpu_per_call(n, quote_computed, || {
            guard.shutdown(Duration::from_secs(60)).expect("shutdown");
        })
    });
    let received = receiver.take();
    let records: u64 = received
        .logs
        .iter()
        .flat_map(|r| &r.resource_logs)
        .flat_map(|rl| &rl.scope_logs)
        .flat_map(|sl| &sl.log_records)
        .filter(|r| is_the_event(r))
        .count() as u64;
    let seam_ns = gross_ns - received.record_cpu.as_nanos() as f64 / n as f64;
    println!(
        "log_export records={n} received={records} fmt_json={fmt_ns:.0} cpu-ns/record \
         seam_exported={seam_ns:.0} cpu-ns/record ({gross_ns:.0} with the receiver's decoding) \
         ratio={:.2}",
        seam_ns / fmt_ns
    );
    assert_eq!(records, n, "records lost on the way to the receiver");
}
