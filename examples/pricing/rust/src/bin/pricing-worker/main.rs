//! pricing-worker: the Rust consumer of the receipts the orchestrator publishes, one per
//! priced basket, on a NATS JetStream stream; it audits each by pricing the basket again.
//!
//! ```text
//! pricing-worker --nats nats://127.0.0.1:4222 [--stream PRICING] [--subject pricing.receipts]
//!                [--durable pricing-worker] [--ack-wait-ms 2000] [--fault slow=P,slow_ms=N]
//! ```
//!
//! The stream must exist (the orchestrator creates it). The worker binds the durable pull
//! consumer `--durable` (explicit acks), creating it if needed, prints `consuming
//! STREAM/DURABLE` to standard error, and processes one receipt at a time through
//! `seam::messaging`: a consumer span linked to the orchestrator's producer span, the
//! receipt's correlation ID on every log line, the delivery count on the span and the log
//! line. A receipt is acknowledged once audited, and terminated (never redelivered) when it
//! cannot be; one left unacknowledged (the worker stopped, or ran past the ack wait) is
//! redelivered by the broker, with its delivery count above 1. On SIGTERM or SIGINT it stops
//! taking receipts, flushes its telemetry and exits 0.

// No unsafe code in the binaries: the C ABI is the library's.
#![forbid(unsafe_code)]

mod headers;
mod receipt;

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::{self, consumer::pull, consumer::AckPolicy, AckKind};
use futures_util::StreamExt as _;
use pricing::faults::Faults;
use pricing::process;
use seam::messaging::{Consumer, Delivery};

use headers::NatsHeaders;

/// The service name: the worker is a process of its own.
const SERVICE_NAME: &str = "pricing-worker";
const USAGE: &str = "usage: pricing-worker --nats URL [--stream PRICING] [--subject pricing.receipts] [--durable pricing-worker] [--ack-wait-ms 2000] [--fault slow=P,slow_ms=N]";

fn main() -> ExitCode {
    // --help answers 0 and starts nothing: the container's health check runs it.
    if std::env::args()
        .skip(1)
        .any(|arg| arg == "--help" || arg == "-h")
    {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("pricing-worker: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let guard = process::start_telemetry(SERVICE_NAME);
    let runtime = match process::runtime() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("pricing-worker: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let ran = runtime.block_on(run(args));
    runtime.shutdown_timeout(Duration::from_secs(1));
    process::stop_telemetry(SERVICE_NAME, guard);
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pricing-worker: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The command line.
#[derive(Debug)]
struct Args {
    nats: String,
    stream: String,
    subject: String,
    durable: String,
    ack_wait: Duration,
    faults: Faults,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        nats: String::new(),
        stream: "PRICING".into(),
        subject: "pricing.receipts".into(),
        durable: "pricing-worker".into(),
        ack_wait: Duration::from_secs(2),
        faults: Faults::default(),
    };
    while let Some(arg) = args.next() {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_owned(), value.to_owned()),
            _ => {
                let value = args.next().ok_or(format!("{arg} needs a value"))?;
                (arg, value)
            }
        };
        match name.as_str() {
            "--nats" => parsed.nats = value,
            "--stream" => parsed.stream = value,
            "--subject" => parsed.subject = value,
            "--durable" => parsed.durable = value,
            "--ack-wait-ms" => {
                let ms: u64 = value
                    .parse()
                    .map_err(|e| format!("--ack-wait-ms {value:?}: want milliseconds ({e})"))?;
                parsed.ack_wait = Duration::from_millis(ms.max(1));
            }
            "--fault" => {
                let faults: Faults = value
                    .parse()
                    .map_err(|e| format!("--fault {value:?}: {e}"))?;
                faults.validate()?;
                if faults.panic > 0.0 || faults.wrong > 0.0 {
                    return Err(format!(
                        "--fault {value:?}: the worker takes slow and slow_ms only"
                    ));
                }
                parsed.faults = faults;
            }
            _ => return Err(format!("unknown argument {name:?}")),
        }
    }
    for (flag, value) in [
        ("--nats", &parsed.nats),
        ("--stream", &parsed.stream),
        ("--subject", &parsed.subject),
        ("--durable", &parsed.durable),
    ] {
        if value.is_empty() {
            return Err(format!("{flag} is required and must not be empty"));
        }
    }
    Ok(parsed)
}

/// Consumes until SIGTERM or SIGINT.
async fn run(args: Args) -> Result<(), String> {
    // Handlers first, so a signal that comes right after the announcement is not missed.
    let mut stopped = process::stop_signals()?;
    let client = async_nats::connect(&args.nats)
        .await
        .map_err(|e| format!("connect to {}: {e}", args.nats))?;
    let js = jetstream::new(client);
    let stream = js
        .get_stream(&args.stream)
        .await
        .map_err(|e| format!("stream {}: {e}", args.stream))?;
    let consumer: jetstream::consumer::PullConsumer = stream
        .get_or_create_consumer(
            &args.durable,
            pull::Config {
                durable_name: Some(args.durable.clone()),
                ack_policy: AckPolicy::Explicit,
                ack_wait: args.ack_wait,
                filter_subject: args.subject.clone(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| format!("consumer {}/{}: {e}", args.stream, args.durable))?;
    let messages = consumer
        .messages()
        .await
        .map_err(|e| format!("consumer {}/{}: {e}", args.stream, args.durable))?;
    eprintln!("consuming {}/{}", args.stream, args.durable);
    tracing::info!(stream = %args.stream, durable = %args.durable, "pricing-worker consuming");

    let telemetry = Consumer::new("nats", args.subject.clone()).with_group(args.durable.clone());
    let consuming = tokio::spawn(consume(messages, telemetry, args.faults));
    let signal = stopped.recv().await.unwrap_or("signal");
    // A receipt being audited now stays unacknowledged: the broker redelivers it.
    consuming.abort();
    tracing::info!(signal, "pricing-worker shutting down");
    Ok(())
}

async fn consume(mut messages: pull::Stream, telemetry: Consumer, faults: Faults) {
    while let Some(message) = messages.next().await {
        match message {
            Ok(message) => handle(&telemetry, message, faults).await,
            Err(err) => tracing::warn!(error = %err, "receiving from the consumer failed"),
        }
    }
}

/// Audits one receipt and settles it: acknowledged once audited, terminated when it cannot
/// be audited however often it is delivered.
async fn handle(telemetry: &Consumer, message: jetstream::Message, faults: Faults) {
    let delivery = delivery_of(&message);
    let count = delivery.count;
    let headers = NatsHeaders(message.headers.as_ref());
    let audited = telemetry
        .process(&headers, &delivery, async {
            // The slow fault holds the receipt unacknowledged, as a busy worker would,
            // without blocking the runtime (a stop signal still gets through).
            if faults.slow > 0.0 && rand::random::<f64>() < faults.slow {
                tokio::time::sleep(Duration::from_millis(faults.slow_ms)).await;
            }
            match receipt::audit(&message.payload) {
                Ok(audit) if audit.matches() => {
                    tracing::info!(
                        receipt_cents = audit.receipt_cents,
                        seam.messaging.delivery.count = count,
                        "receipt audited"
                    );
                    Ok(audit)
                }
                Ok(audit) => {
                    tracing::warn!(
                        receipt_cents = audit.receipt_cents,
                        audited_cents = audit.audited_cents,
                        seam.messaging.delivery.count = count,
                        "receipt total differs from the audit"
                    );
                    Ok(audit)
                }
                Err(err) => {
                    tracing::error!(error = %err, seam.messaging.delivery.count = count, "receipt rejected");
                    Err(err)
                }
            }
        })
        .await;
    let settled = match audited {
        Ok(_) => message.ack().await,
        Err(_) => message.ack_with(AckKind::Term).await,
    };
    if let Err(err) = settled {
        // Unsettled, the receipt is redelivered after the ack wait.
        tracing::warn!(error = %err, "settling the receipt failed");
    }
}

/// The broker's word on this delivery: the stream sequence as the message ID, how many
/// times it was delivered, when the stream stored it.
fn delivery_of(message: &jetstream::Message) -> Delivery {
    let Ok(info) = message.info() else {
        return Delivery::default();
    };
    let published = u64::try_from(info.published.unix_timestamp_nanos())
        .ok()
        .map(|ns| UNIX_EPOCH + Duration::from_nanos(ns));
    Delivery {
        message_id: Some(info.stream_sequence.to_string()),
        count: u64::try_from(info.delivered).unwrap_or(1),
        published: published.filter(|p| *p <= SystemTime::now() + Duration::from_secs(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let args = parse(&[
            "--nats",
            "nats://127.0.0.1:4222",
            "--ack-wait-ms=500",
            "--fault",
            "slow=1,slow_ms=20",
        ])
        .expect("valid");
        assert_eq!(args.nats, "nats://127.0.0.1:4222");
        assert_eq!(args.ack_wait, Duration::from_millis(500));
        assert_eq!(args.faults.slow_ms, 20);
        assert_eq!(args.durable, "pricing-worker");
    }

    #[test]
    fn bad_flags_are_named() {
        assert_eq!(
            parse(&[]).expect_err("no --nats"),
            "--nats is required and must not be empty"
        );
        assert!(parse(&["--nats", "x", "--fault", "panic=1"])
            .expect_err("panic")
            .contains("slow and slow_ms only"));
        assert!(parse(&["--nats", "x", "--ack-wait-ms", "soon"])
            .expect_err("ms")
            .starts_with("--ack-wait-ms \"soon\""));
        assert_eq!(
            parse(&["--bogus", "1"]).expect_err("unknown"),
            "unknown argument \"--bogus\""
        );
    }
}
