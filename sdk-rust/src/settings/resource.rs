//! The resource every signal carries, as in the Go SDK. Precedence, lowest
//! first: what Seam detects (instance id, host, OS, process, SDK name and
//! version), `OTEL_RESOURCE_ATTRIBUTES`, the config's attributes, then
//! `service.name`, `service.version` and `deployment.environment.name`,
//! then `telemetry.sdk.language` and `seam.impl`, which nothing overrides;
//! all under the schema URL.

use opentelemetry::{Key, KeyValue};
use opentelemetry_sdk::resource::{ResourceDetector, TelemetryResourceDetector};
use opentelemetry_sdk::Resource;

use super::host;
use crate::config::Config;
use crate::semconv::{attribute, enums, SCHEMA_URL};

/// Builds the resource from `OTEL_RESOURCE_ATTRIBUTES`' pairs (in order),
/// the config and the resolved service name.
pub(crate) fn build(
    from_env: &[(String, String)],
    config: &Config,
    service_name: &str,
) -> Resource {
    let language = Key::from_static_str(attribute::TELEMETRY_SDK_LANGUAGE);
    let mut attributes = host::detected();
    attributes.extend(
        TelemetryResourceDetector
            .detect()
            .iter()
            .filter(|(key, _)| **key != language)
            .map(|(key, value)| KeyValue::new(key.clone(), value.clone())),
    );
    attributes.extend(
        from_env
            .iter()
            .map(|(key, value)| KeyValue::new(key.clone(), value.clone())),
    );
    attributes.extend(config.resource_attributes.iter().cloned());
    attributes.push(KeyValue::new(
        attribute::SERVICE_NAME,
        service_name.to_owned(),
    ));
    if let Some(version) = config.service_version.as_ref().filter(|v| !v.is_empty()) {
        attributes.push(KeyValue::new(attribute::SERVICE_VERSION, version.clone()));
    }
    if let Some(environment) = config.environment.as_ref().filter(|e| !e.is_empty()) {
        attributes.push(KeyValue::new(
            attribute::DEPLOYMENT_ENVIRONMENT_NAME,
            environment.clone(),
        ));
    }
    attributes.push(KeyValue::new(language, enums::telemetry_sdk_language::RUST));
    attributes.push(KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST));
    // A repeated key keeps its last value, so the order above is the
    // precedence. with_schema_url merges its attributes under what is
    // already there, so it goes first, with none.
    Resource::builder_empty()
        .with_schema_url([], SCHEMA_URL)
        .with_attributes(attributes)
        .build()
}
