//! The resource every signal carries: the same as the Go SDK's, except
//! `telemetry.sdk.language=rust` and `seam.impl=rust`.

use opentelemetry::{Key, KeyValue};
use opentelemetry_sdk::resource::{EnvResourceDetector, ResourceDetector, TelemetryResourceDetector};
use opentelemetry_sdk::Resource;

use crate::config::Config;
use crate::semconv::{attribute, enums, SCHEMA_URL};

/// Builds the resource for `config`. Precedence, lowest first: the SDK's
/// `telemetry.sdk.*`, the config, `OTEL_RESOURCE_ATTRIBUTES`,
/// `OTEL_SERVICE_NAME`, and finally `seam.impl` and `telemetry.sdk.language`,
/// which nothing may change.
pub(crate) fn build(config: &Config) -> Resource {
    let mut attributes = vec![KeyValue::new(attribute::SERVICE_NAME, config.service_name.clone())];
    if let Some(version) = &config.service_version {
        attributes.push(KeyValue::new(attribute::SERVICE_VERSION, version.clone()));
    }
    if let Some(environment) = &config.environment {
        attributes.push(KeyValue::new(attribute::DEPLOYMENT_ENVIRONMENT_NAME, environment.clone()));
    }
    attributes.extend(config.resource_attributes.iter().cloned());

    let detectors: [Box<dyn ResourceDetector>; 2] =
        [Box::new(TelemetryResourceDetector), Box::new(EnvResourceDetector::new())];
    // with_schema_url merges its attributes under what is already there, so
    // it goes first; the forced attributes go last.
    let mut builder = Resource::builder_empty()
        .with_schema_url([], SCHEMA_URL)
        .with_detectors(&detectors[..1])
        .with_attributes(attributes)
        .with_detectors(&detectors[1..]);
    if let Some(name) = std::env::var("OTEL_SERVICE_NAME").ok().filter(|n| !n.is_empty()) {
        builder = builder.with_service_name(name);
    }
    builder
        .with_attributes([
            KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
            KeyValue::new(attribute::TELEMETRY_SDK_LANGUAGE, enums::telemetry_sdk_language::RUST),
        ])
        .build()
}

/// The `service.name` the resource ended up with.
pub(crate) fn service_name(resource: &Resource) -> String {
    resource
        .get(&Key::from_static_str(attribute::SERVICE_NAME))
        .map(|v| v.as_str().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(resource: &Resource, key: &'static str) -> Option<String> {
        resource.get(&Key::from_static_str(key)).map(|v| v.as_str().into_owned())
    }

    // The only test in this binary that reads or writes these variables.
    #[test]
    fn env_overrides_config_but_not_the_implementation() {
        let config = Config::new("from-config").with_service_version("1.0").with_environment("ci");
        std::env::set_var("OTEL_SERVICE_NAME", "from-env");
        std::env::set_var("OTEL_RESOURCE_ATTRIBUTES", "seam.impl=go,telemetry.sdk.language=go,team=pricing");
        let resource = build(&config);
        std::env::remove_var("OTEL_SERVICE_NAME");
        std::env::remove_var("OTEL_RESOURCE_ATTRIBUTES");

        assert_eq!(get(&resource, attribute::SERVICE_NAME).as_deref(), Some("from-env"));
        assert_eq!(get(&resource, "team").as_deref(), Some("pricing"));
        assert_eq!(get(&resource, attribute::SEAM_IMPL).as_deref(), Some("rust"));
        assert_eq!(get(&resource, attribute::TELEMETRY_SDK_LANGUAGE).as_deref(), Some("rust"));
        assert_eq!(get(&resource, attribute::SERVICE_VERSION).as_deref(), Some("1.0"));
        assert_eq!(get(&resource, attribute::DEPLOYMENT_ENVIRONMENT_NAME).as_deref(), Some("ci"));
        assert_eq!(resource.schema_url(), Some(SCHEMA_URL));

        let resource = build(&config);
        assert_eq!(get(&resource, attribute::SERVICE_NAME).as_deref(), Some("from-config"));
    }
}
