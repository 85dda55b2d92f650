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
    /// OTLP/gRPC on tonic (feature `grpc-tonic`); must be initialised inside
    /// a multi-threaded Tokio runtime.
    Grpc,
}

/// Settings for [`crate::init`]. The standard `OTEL_*` variables fill in
/// what is not set here (service name, endpoint, protocol, headers,
/// timeouts, sampler, metric interval, batching, `OTEL_SDK_DISABLED`), and
/// `OTEL_RESOURCE_ATTRIBUTES` adds to the resource, as in the Go SDK.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) service_name: String,
    pub(crate) service_version: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) role: Role,
    pub(crate) endpoint: Option<String>,
    pub(crate) protocol: Option<Protocol>,
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

    /// How often metrics are exported; otherwise `OTEL_METRIC_EXPORT_INTERVAL`,
    /// otherwise 60 s.
    pub fn with_metric_interval(mut self, interval: Duration) -> Self {
        self.metric_interval = Some(interval);
        self
    }

    /// An extra resource attribute (`OTEL_RESOURCE_ATTRIBUTES` wins).
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
    /// `INFO`.
    pub fn with_max_level(mut self, level: Level) -> Self {
        self.max_level = Some(level);
        self
    }
}
