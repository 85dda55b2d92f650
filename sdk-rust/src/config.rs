//! Settings for [`crate::init`].

use std::time::Duration;

use opentelemetry::KeyValue;
use tracing::Level;

use crate::role::Role;

/// How the OTLP exporters talk to the collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP/HTTP with protobuf bodies, on the blocking `reqwest` client:
    /// needs no async runtime. The default.
    HttpProtobuf,
    /// OTLP/gRPC on tonic (feature `grpc-tonic`), on a Tokio runtime of
    /// Seam's own: works with or without a runtime of the caller's.
    Grpc,
}

impl Protocol {
    /// The name `OTEL_EXPORTER_OTLP_PROTOCOL` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::HttpProtobuf => "http/protobuf",
            Protocol::Grpc => "grpc",
        }
    }
}

/// Settings for [`crate::init`]. What is set here wins; the standard
/// `OTEL_*` variables fill in the rest (service name, endpoints, protocol,
/// headers, timeout, sampler, metric interval, batching, exporters,
/// `OTEL_SDK_DISABLED`), then the defaults, as in the Go SDK. Every
/// variable is checked: [`crate::init`] refuses bad values, naming each.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) service_name: String,
    pub(crate) service_version: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) role: Role,
    pub(crate) endpoint: Option<String>,
    pub(crate) protocol: Option<Protocol>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) export_timeout: Option<Duration>,
    pub(crate) metric_interval: Option<Duration>,
    pub(crate) resource_attributes: Vec<KeyValue>,
    pub(crate) subscriber: bool,
    pub(crate) json_logs: bool,
    pub(crate) max_level: Option<Level>,
}

impl Config {
    /// Settings for the service `service_name`; when it is empty,
    /// `OTEL_SERVICE_NAME` or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn new(service_name: impl Into<String>) -> Self {
        Config {
            service_name: service_name.into(),
            service_version: None,
            environment: None,
            role: Role::default(),
            endpoint: None,
            protocol: None,
            headers: Vec::new(),
            export_timeout: None,
            metric_interval: None,
            resource_attributes: Vec::new(),
            subscriber: true,
            json_logs: true,
            max_level: None,
        }
    }

    /// `service.version`.
    pub fn with_service_version(mut self, version: impl Into<String>) -> Self {
        self.service_version = Some(version.into());
        self
    }

    /// `deployment.environment.name`.
    pub fn with_environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }

    /// The `seam.role` of operations whose context sets none.
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }

    /// The collector's base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` would give
    /// it (e.g. `http://127.0.0.1:4318`); signal paths are appended for HTTP.
    /// It wins over every endpoint variable, the per-signal ones included.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The transport; otherwise `OTEL_EXPORTER_OTLP_PROTOCOL`, otherwise
    /// [`Protocol::HttpProtobuf`].
    pub fn with_protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    /// Headers sent with every export (gRPC metadata for gRPC), added to
    /// those given before. When any are set here, `OTEL_EXPORTER_OTLP_HEADERS`
    /// is not read.
    pub fn with_headers<K, V>(mut self, headers: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.headers
            .extend(headers.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// How long one export may take, retries included, and how long
    /// [`crate::shutdown`] may take in all; otherwise
    /// `OTEL_EXPORTER_OTLP_TIMEOUT`, otherwise 10 s.
    pub fn with_export_timeout(mut self, timeout: Duration) -> Self {
        self.export_timeout = Some(timeout);
        self
    }

    /// How often metrics are exported; otherwise `OTEL_METRIC_EXPORT_INTERVAL`,
    /// otherwise 60 s.
    pub fn with_metric_interval(mut self, interval: Duration) -> Self {
        self.metric_interval = Some(interval);
        self
    }

    /// An extra resource attribute; it wins over the same key in
    /// `OTEL_RESOURCE_ATTRIBUTES`, but not over `service.name`,
    /// `telemetry.sdk.language` or `seam.impl`.
    pub fn with_resource_attribute(mut self, attribute: KeyValue) -> Self {
        self.resource_attributes.push(attribute);
        self
    }

    /// Whether [`crate::init`] installs the global `tracing` subscriber
    /// (default `true`). Without it, add [`crate::Guard::layer`] to yours.
    pub fn with_subscriber(mut self, install: bool) -> Self {
        self.subscriber = install;
        self
    }

    /// Whether the canonical JSON line goes to standard output (default
    /// `true`); OTLP logs are exported either way.
    pub fn with_json_logs(mut self, enabled: bool) -> Self {
        self.json_logs = enabled;
        self
    }

    /// The most verbose level logged; otherwise `SEAM_LOG_LEVEL`, otherwise
    /// `INFO`. When `RUST_LOG` is set, it decides instead (see the README).
    pub fn with_max_level(mut self, level: Level) -> Self {
        self.max_level = Some(level);
        self
    }
}
