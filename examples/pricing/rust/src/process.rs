//! What the example's Rust processes (pricing-service, pricing-worker) share: telemetry that
//! cannot stop them, a runtime, and the signals that stop them.

use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

/// How long shutdown waits for the last exports.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts Seam for `service` as the Rust candidate. Telemetry that cannot start must not stop
/// the process: the failure is printed and it runs without.
pub fn start_telemetry(service: &str) -> Option<seam::Guard> {
    seam::init(seam::Config::new(service).with_role(seam::Role::Candidate))
        .map_err(|err| eprintln!("{service}: telemetry disabled: {err}"))
        .ok()
}

/// Flushes and stops what [`start_telemetry`] started, printing a failure.
pub fn stop_telemetry(service: &str, guard: Option<seam::Guard>) {
    if let Some(guard) = guard {
        if let Err(err) = guard.shutdown(FLUSH_TIMEOUT) {
            eprintln!("{service}: {err}");
        }
    }
}

/// A single-threaded runtime with I/O and time (tonic's server times calls out, async-nats
/// keeps its connection alive on timers).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
}

/// Yields the name of the first SIGTERM or SIGINT. Called inside the runtime, before the
/// process announces itself, so a signal right after the announcement is not missed.
pub fn stop_signals() -> Result<mpsc::Receiver<&'static str>, String> {
    let (stop, stopped) = mpsc::channel(2);
    for (kind, name) in [
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::interrupt(), "SIGINT"),
    ] {
        let mut received = signal(kind).map_err(|e| format!("{name} handler: {e}"))?;
        let stop = stop.clone();
        tokio::spawn(async move {
            received.recv().await;
            let _ = stop.send(name).await;
        });
    }
    Ok(stopped)
}
