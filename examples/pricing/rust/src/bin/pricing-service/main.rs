//! pricing-service: the Rust candidate of `pricing.fingerprint` over HTTP.
//!
//! ```text
//! pricing-service [--listen 127.0.0.1:0]
//! ```
//!
//! Prints `listening on HOST:PORT` to standard error once it accepts connections, serves `POST /fingerprint`
//! and `GET /healthz`, and on SIGTERM or SIGINT stops accepting, flushes its telemetry and
//! exits 0. The standard `OTEL_*` variables point it at the collector.

mod handler;

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tower_layer::Layer as _;

/// The service name (it wins over `OTEL_SERVICE_NAME`, as a Config value does): distinct from the
/// orchestrator's `pricing`, whose in-process Rust side records the same operation.
const SERVICE_NAME: &str = "pricing-service";
/// How long shutdown waits for the last exports.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    let listen = match parse_args(std::env::args().skip(1)) {
        Ok(listen) => listen,
        Err(message) => {
            eprintln!("pricing-service: {message}\nusage: pricing-service [--listen 127.0.0.1:0]");
            return ExitCode::from(2);
        }
    };
    // Telemetry that cannot start must not stop the service: it runs without.
    let guard = seam::init(seam::Config::new(SERVICE_NAME).with_role(seam::Role::Candidate))
        .map_err(|err| eprintln!("pricing-service: telemetry disabled: {err}"))
        .ok();
    pricing::nonconformant::start(SERVICE_NAME);

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("pricing-service: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(serve(listen));
    // In-flight requests get a moment to finish; then the runtime is dropped.
    runtime.shutdown_timeout(Duration::from_secs(1));

    if let Err(err) = pricing::nonconformant::shutdown(FLUSH_TIMEOUT) {
        eprintln!("pricing-service: {err}");
    }
    if let Some(guard) = guard {
        if let Err(err) = guard.shutdown(FLUSH_TIMEOUT) {
            eprintln!("pricing-service: {err}");
        }
    }
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pricing-service: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<SocketAddr, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
    while let Some(arg) = args.next() {
        let value = match arg.split_once('=') {
            Some(("--listen", value)) => value.to_owned(),
            None if arg == "--listen" => args.next().ok_or("--listen needs an address")?,
            _ => return Err(format!("unknown argument {arg:?}")),
        };
        listen = value
            .parse()
            .map_err(|err| format!("--listen {value:?}: want HOST:PORT ({err})"))?;
    }
    Ok(listen)
}

/// Accepts connections until SIGTERM or SIGINT.
async fn serve(listen: SocketAddr) -> Result<(), String> {
    // Handlers first, so a signal that comes right after the announcement is not missed.
    let (stop, mut stopped) = tokio::sync::mpsc::channel(2);
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
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("listen on {listen}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("listen on {listen}: {e}"))?;
    announce(local)?;
    tracing::info!(address = %local, "pricing-service listening");

    let accepting = tokio::spawn(accept(listener));
    let signal = stopped.recv().await.unwrap_or("signal");
    accepting.abort();
    tracing::info!(signal, "pricing-service shutting down");
    Ok(())
}

/// Prints the one line a supervisor waits for, flushed, on standard error: standard output
/// carries the canonical JSON log lines and nothing else.
fn announce(local: SocketAddr) -> Result<(), String> {
    let mut stderr = std::io::stderr().lock();
    writeln!(stderr, "listening on {local}")
        .and_then(|()| stderr.flush())
        .map_err(|e| format!("stderr: {e}"))
}

async fn accept(listener: TcpListener) {
    let service = seam::tower::IngressLayer::new(handler::OPERATION).layer(handler::Handler);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                tracing::warn!(error = %err, "accept failed");
                continue;
            }
        };
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            if let Err(err) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
}
