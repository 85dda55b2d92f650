//! pricing-service: the Rust candidate of `pricing.fingerprint` over HTTP, and of
//! `pricing.quote` over gRPC.
//!
//! ```text
//! pricing-service [--listen 127.0.0.1:0] [--grpc-listen 127.0.0.1:PORT]
//! ```
//!
//! Prints `listening on HOST:PORT` (the HTTP address) to standard error once it accepts
//! connections, serves `POST /fingerprint` and `GET /healthz`, with `--grpc-listen` also
//! `seam.pricing.v1.Pricing/Quote` there, and on SIGTERM or SIGINT stops accepting, flushes
//! its telemetry and exits 0. The standard `OTEL_*` variables point it at the collector.

// No unsafe code in the binaries: the C ABI is the library's.
#![forbid(unsafe_code)]

mod grpc;
mod handler;

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use pricing::process;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tower_layer::Layer as _;

/// The service name (it wins over `OTEL_SERVICE_NAME`, as a Config value does): distinct from the
/// orchestrator's `pricing`, whose in-process Rust side records the same operation.
const SERVICE_NAME: &str = "pricing-service";

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("pricing-service: {message}\nusage: pricing-service [--listen 127.0.0.1:0] [--grpc-listen 127.0.0.1:PORT]");
            return ExitCode::from(2);
        }
    };
    let guard = process::start_telemetry(SERVICE_NAME);
    pricing::nonconformant::start(SERVICE_NAME);
    let runtime = match process::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("pricing-service: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(serve(args));
    // In-flight requests get a moment to finish; then the runtime is dropped.
    runtime.shutdown_timeout(Duration::from_secs(1));

    if let Err(err) = pricing::nonconformant::shutdown(process::FLUSH_TIMEOUT) {
        eprintln!("pricing-service: {err}");
    }
    process::stop_telemetry(SERVICE_NAME, guard);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pricing-service: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The command line.
struct Args {
    /// The HTTP address.
    listen: SocketAddr,
    /// The gRPC address, when gRPC is served.
    grpc_listen: Option<SocketAddr>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        grpc_listen: None,
    };
    while let Some(arg) = args.next() {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => {
                let value = args.next().ok_or(format!("{arg} needs an address"))?;
                (arg, value)
            }
        };
        let addr = || {
            value
                .parse::<SocketAddr>()
                .map_err(|err| format!("{name} {value:?}: want HOST:PORT ({err})"))
        };
        match name.as_str() {
            "--listen" => parsed.listen = addr()?,
            "--grpc-listen" => parsed.grpc_listen = Some(addr()?),
            _ => return Err(format!("unknown argument {name:?}")),
        }
    }
    Ok(parsed)
}

/// Accepts connections until SIGTERM or SIGINT.
async fn serve(args: Args) -> Result<(), String> {
    let listen = args.listen;
    // Handlers first, so a signal that comes right after the announcement is not missed.
    let mut stopped = process::stop_signals()?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| format!("listen on {listen}: {e}"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("listen on {listen}: {e}"))?;
    // Bound before the announcement, so a caller may dial it once the line is out.
    let grpc = match args.grpc_listen {
        Some(addr) => {
            Some(TcpIncoming::bind(addr).map_err(|e| format!("--grpc-listen {addr}: {e}"))?)
        }
        None => None,
    };
    announce(local)?;
    tracing::info!(address = %local, "pricing-service listening");

    let accepting = tokio::spawn(accept(listener));
    let serving_grpc = grpc.map(|incoming| {
        if let Ok(addr) = incoming.local_addr() {
            tracing::info!(address = %addr, "pricing-service serving gRPC");
        }
        tokio::spawn(async move {
            let served = tonic::transport::Server::builder()
                .layer(seam::tower::IngressLayer::grpc(grpc::OPERATION))
                .serve_with_incoming(grpc::Pricing, incoming)
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "gRPC server stopped");
            }
        })
    });
    let signal = stopped.recv().await.unwrap_or("signal");
    accepting.abort();
    if let Some(serving) = serving_grpc {
        serving.abort();
    }
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
