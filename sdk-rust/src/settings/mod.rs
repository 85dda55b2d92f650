//! Everything [`crate::init`] needs, resolved once: the [`Config`] first,
//! then the standard `OTEL_*` variables (and `SEAM_LOG_LEVEL`, `RUST_LOG`),
//! then the defaults, as in the Go SDK. Nothing else in the crate reads the
//! environment, and the exporters are given every value explicitly.
//!
//! Resolving is pure: the environment comes in as a function, so that the
//! shared cases of `schema/testdata/parity/env.json` (see `parity.rs`) run
//! here exactly as in Go.

mod endpoint;
mod env;
mod host;
#[cfg(test)]
mod parity;
mod resource;
mod sampler;

use std::time::Duration;

use opentelemetry_sdk::Resource;
use tracing::Level;
use tracing_subscriber::EnvFilter;

use self::env::{Env, Problems};
pub(crate) use self::sampler::Sampler;
use crate::config::{Config, Protocol};
use crate::error::Error;
use crate::semconv::{self, attribute};
use crate::signal::Signal;

/// One bounded export queue's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Batching {
    /// The most items waiting for export; more are dropped as `queue_full`.
    pub(crate) queue_size: usize,
    /// The most items one export carries (never more than `queue_size`); a
    /// queue holding this many exports at once instead of waiting for `delay`.
    pub(crate) batch_size: usize,
    /// The longest an item waits before its export starts.
    pub(crate) delay: Duration,
}

/// What a signal's `OTEL_*_EXPORTER` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exporter {
    Otlp,
    None,
}

impl Exporter {
    #[cfg(test)]
    pub(crate) fn name(self) -> &'static str {
        match self {
            Exporter::Otlp => "otlp",
            Exporter::None => "none",
        }
    }
}

/// A [`Config`] with the environment and defaults applied, every value checked.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// `OTEL_SDK_DISABLED`: nothing is set up.
    pub(crate) disabled: bool,
    pub(crate) service_name: String,
    pub(crate) resource: Resource,
    pub(crate) protocol: Protocol,
    /// Each signal's exporter URL, by [`Signal::index`].
    pub(crate) endpoints: [String; 3],
    pub(crate) exporters: [Exporter; 3],
    /// Header names lowercase, values as sent.
    pub(crate) headers: Vec<(String, String)>,
    /// One export's bound, retries included; also shutdown's, in all.
    pub(crate) export_timeout: Duration,
    pub(crate) metric_interval: Duration,
    pub(crate) spans: Batching,
    pub(crate) logs: Batching,
    pub(crate) sampler: Sampler,
    /// The most verbose level logged, unless `rust_log` is set.
    pub(crate) log_level: Level,
    /// `RUST_LOG`, checked; when set it decides what is logged.
    pub(crate) rust_log: Option<String>,
}

const HEADERS_VAR: &str = "OTEL_EXPORTER_OTLP_HEADERS";
const RESOURCE_VAR: &str = "OTEL_RESOURCE_ATTRIBUTES";
const SERVICE_NAME_VAR: &str = "OTEL_SERVICE_NAME";

impl Settings {
    /// Resolves `config` against the environment `getenv` gives. Every
    /// problem is collected: the error names each bad setting and its value.
    pub(crate) fn resolve(
        config: &Config,
        getenv: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, Error> {
        let env = Env::new(getenv);
        let mut problems = Problems::default();

        let disabled = env.flag("OTEL_SDK_DISABLED", &mut problems);
        let from_env = env.key_values(RESOURCE_VAR, &mut problems);
        let service_name = Some(config.service_name.trim().to_owned())
            .filter(|n| !n.is_empty())
            .or_else(|| env.text(SERVICE_NAME_VAR))
            .or_else(|| {
                from_env
                    .iter()
                    .find(|(key, _)| key == attribute::SERVICE_NAME)
                    .map(|(_, value)| value.clone())
                    .filter(|v| !v.is_empty())
            })
            .unwrap_or_else(|| {
                problems.add(
                    "service_name",
                    format!("required (or set {SERVICE_NAME_VAR})"),
                );
                String::new()
            });

        let protocol = config.protocol.unwrap_or_else(|| {
            env.choice(
                "OTEL_EXPORTER_OTLP_PROTOCOL",
                &[
                    ("http/protobuf", Protocol::HttpProtobuf),
                    ("grpc", Protocol::Grpc),
                ],
                Protocol::HttpProtobuf,
                &mut problems,
                |raw| format!("unknown protocol {raw:?} (want \"http/protobuf\" or \"grpc\")"),
            )
        });
        let insecure = env.flag("OTEL_EXPORTER_OTLP_INSECURE", &mut problems);
        let endpoints = endpoint::resolve(
            config.endpoint.as_deref(),
            protocol,
            insecure,
            env,
            &mut problems,
        );
        let exporters = Signal::ALL.map(|signal| {
            env.choice(
                signal.exporter_var(),
                &[("otlp", Exporter::Otlp), ("none", Exporter::None)],
                Exporter::Otlp,
                &mut problems,
                |raw| format!("unsupported exporter {raw:?} (want otlp or none)"),
            )
        });
        let headers = if config.headers.is_empty() {
            checked_headers(
                HEADERS_VAR,
                env.key_values(HEADERS_VAR, &mut problems),
                &mut problems,
            )
        } else {
            checked_headers("headers", config.headers.clone(), &mut problems)
        };

        let mut duration = |field: &str, set: Option<Duration>, var: &str, default| match set {
            Some(d) if d.is_zero() => {
                problems.add(field, "must be positive, got 0");
                default
            }
            Some(d) => d,
            None => env.millis(var, default, &mut problems),
        };
        let export_timeout = duration(
            "export_timeout",
            config.export_timeout,
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            Duration::from_secs(10),
        );
        let metric_interval = duration(
            "metric_interval",
            config.metric_interval,
            "OTEL_METRIC_EXPORT_INTERVAL",
            Duration::from_secs(60),
        );
        let spans = batching(env, "OTEL_BSP", Duration::from_secs(5), &mut problems);
        let logs = batching(env, "OTEL_BLRP", Duration::from_secs(1), &mut problems);
        let sampler = Sampler::resolve(env, &mut problems);
        let log_level = config
            .max_level
            .unwrap_or_else(|| log_level(env, &mut problems));
        let rust_log = env.text("RUST_LOG");
        if let Some(Err(e)) = rust_log.as_deref().map(|d| EnvFilter::builder().parse(d)) {
            let raw = rust_log.as_deref().unwrap_or_default();
            problems.add("RUST_LOG", format!("{e}, got {raw:?}"));
        }

        let resource = resource::build(&from_env, config, &service_name);
        problems.into_result(Settings {
            disabled,
            service_name,
            resource,
            protocol,
            endpoints,
            exporters,
            headers,
            export_timeout,
            metric_interval,
            spans,
            logs,
            sampler,
            log_level,
            rust_log,
        })
    }

    /// Where `signal` is exported to.
    pub(crate) fn endpoint(&self, signal: Signal) -> &str {
        &self.endpoints[signal.index()]
    }

    /// Whether `signal` is exported at all.
    pub(crate) fn exports(&self, signal: Signal) -> bool {
        self.exporters[signal.index()] == Exporter::Otlp
    }
}

/// `{prefix}_MAX_QUEUE_SIZE` (2048), `{prefix}_MAX_EXPORT_BATCH_SIZE` (512,
/// capped at the queue size) and `{prefix}_SCHEDULE_DELAY` in milliseconds.
fn batching(env: Env<'_>, prefix: &str, delay: Duration, problems: &mut Problems) -> Batching {
    let queue_size = env.count(&format!("{prefix}_MAX_QUEUE_SIZE"), 2048, problems);
    let batch_size = env.count(&format!("{prefix}_MAX_EXPORT_BATCH_SIZE"), 512, problems);
    Batching {
        queue_size,
        batch_size: batch_size.min(queue_size),
        delay: env.millis(&format!("{prefix}_SCHEDULE_DELAY"), delay, problems),
    }
}

/// `SEAM_LOG_LEVEL`, a schema level name in any case; INFO when unset.
fn log_level(env: Env<'_>, problems: &mut Problems) -> Level {
    const VAR: &str = "SEAM_LOG_LEVEL";
    let Some(raw) = env.text(VAR) else {
        return Level::INFO;
    };
    crate::log::parse_level(&raw).unwrap_or_else(|| {
        let names: Vec<&str> = semconv::log::LEVELS.iter().map(|l| l.name).collect();
        problems.add(
            VAR,
            format!("unknown level {raw:?} (want one of {})", names.join(", ")),
        );
        Level::INFO
    })
}

/// Headers that HTTP and gRPC can carry: names lowercased. A bad value is
/// named by its header only, since header values are often secrets.
fn checked_headers(
    setting: &str,
    headers: Vec<(String, String)>,
    problems: &mut Problems,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let Ok(header) = http::HeaderName::from_bytes(name.trim().as_bytes()) else {
            problems.add(setting, format!("{name:?} is not a valid header name"));
            continue;
        };
        if http::HeaderValue::from_str(&value).is_err() {
            problems.add(
                setting,
                format!("the value of {name:?} is not a valid header value"),
            );
            continue;
        }
        let name = header.as_str().to_owned();
        out.retain(|(n, _)| *n != name);
        out.push((name, value));
    }
    out
}
