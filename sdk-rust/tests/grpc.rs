//! OTLP/gRPC (feature `grpc-tonic`) to a real in-process gRPC receiver
//! (tests/support/grpc.rs), from code with no Tokio runtime, inside a
//! current-thread runtime (whose thread shutdown blocks) and inside a
//! multi-threaded one. Each case owns a child process: init runs once per
//! process.
#![cfg(feature = "grpc-tonic")]

mod support;

use std::time::{Duration, Instant};

use seam::{Config, Protocol};
use support::{child, grpc::GrpcReceiver, Received};

/// Records one operation, one log line and its metrics, then shuts down,
/// which must take well under the 5 s it is given.
fn record_and_shut_down(receiver: &GrpcReceiver) -> Received {
    let guard = seam::init(
        Config::new("grpc-test")
            .with_endpoint(receiver.endpoint())
            .with_protocol(Protocol::Grpc)
            .with_headers([("x-seam-test", "grpc")])
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");
    {
        let _op = seam::operation("grpc.op");
        tracing::info!("over grpc");
    }
    let start = Instant::now();
    guard.shutdown(Duration::from_secs(5)).expect("shutdown");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
    receiver.take()
}

fn assert_all_signals(got: &Received) {
    let spans = got
        .traces
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .filter(|s| s.name == "grpc.op")
        .count();
    assert_eq!(spans, 1, "spans");
    let logs = got
        .logs
        .iter()
        .flat_map(|r| &r.resource_logs)
        .flat_map(|rl| &rl.scope_logs)
        .flat_map(|sl| &sl.log_records)
        .count();
    assert!(logs >= 1, "no log record arrived");
    let metrics = got
        .metrics
        .iter()
        .flat_map(|r| &r.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .any(|m| m.name == "seam.operation.duration");
    assert!(metrics, "no seam.operation.duration arrived");
    for (_, headers) in &got.requests {
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "x-seam-test" && v == "grpc"),
            "metadata {headers:?}"
        );
    }
}

#[test]
fn grpc_from_code_without_a_runtime() {
    if !child::is_child("grpc_from_code_without_a_runtime") {
        child::run("grpc_from_code_without_a_runtime", &[]);
        return;
    }
    assert!(tokio::runtime::Handle::try_current().is_err());
    let receiver = GrpcReceiver::start();
    let got = record_and_shut_down(&receiver);
    assert_all_signals(&got);
}

#[test]
fn grpc_inside_a_current_thread_runtime() {
    if !child::is_child("grpc_inside_a_current_thread_runtime") {
        child::run("grpc_inside_a_current_thread_runtime", &[]);
        return;
    }
    let receiver = GrpcReceiver::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // As under #[tokio::main(flavor = "current_thread")]: init, telemetry
    // and the blocking shutdown all on the runtime's only thread.
    let got = runtime.block_on(async { record_and_shut_down(&receiver) });
    assert_all_signals(&got);
}

#[test]
fn grpc_inside_a_multi_thread_runtime() {
    if !child::is_child("grpc_inside_a_multi_thread_runtime") {
        child::run("grpc_inside_a_multi_thread_runtime", &[]);
        return;
    }
    let receiver = GrpcReceiver::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let got = runtime.block_on(async { record_and_shut_down(&receiver) });
    assert_all_signals(&got);
}
