//! The resource every signal carries: the same as the Go SDK's, except
//! `telemetry.sdk.language=rust` and `seam.impl=rust`.

use opentelemetry::KeyValue;
use opentelemetry_sdk::resource::{EnvResourceDetector, ResourceDetector};
use opentelemetry_sdk::Resource;

use crate::config::Config;
use crate::error::Error;
use crate::semconv::{attribute, enums, SCHEMA_URL};

/// `service.name`: the config's, else `OTEL_SERVICE_NAME`, else `service.name`
/// in `OTEL_RESOURCE_ATTRIBUTES`.
pub(crate) fn service_name(config: &Config) -> Result<String, Error> {
    let from_env = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned());
    let name = Some(config.service_name.trim().to_owned())
        .filter(|n| !n.is_empty())
        .or_else(|| from_env("OTEL_SERVICE_NAME").filter(|n| !n.is_empty()))
        .or_else(|| from_env("OTEL_RESOURCE_ATTRIBUTES").and_then(|v| service_name_in(&v)));
    name.ok_or_else(|| Error::InvalidConfig {
        field: "service_name",
        reason: "required (or set OTEL_SERVICE_NAME)".to_owned(),
    })
}

/// `service.name` in an `OTEL_RESOURCE_ATTRIBUTES` value (comma-separated
/// key=value, values percent-encoded).
fn service_name_in(attributes: &str) -> Option<String> {
    attributes.split(',').find_map(|kv| {
        let (key, value) = kv.split_once('=')?;
        (key.trim() == attribute::SERVICE_NAME)
            .then(|| percent_decode(value.trim()))
            .filter(|v| !v.is_empty())
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds the resource. Precedence, lowest first, as in the Go SDK:
/// `OTEL_RESOURCE_ATTRIBUTES`, the config's extra attributes, then
/// `service.name`, `telemetry.sdk.language`, `seam.impl` and the config's
/// version and environment; all under the schema URL.
pub(crate) fn build(config: &Config, service_name: &str) -> Resource {
    let mut fixed = vec![
        KeyValue::new(attribute::SERVICE_NAME, service_name.to_owned()),
        KeyValue::new(
            attribute::TELEMETRY_SDK_LANGUAGE,
            enums::telemetry_sdk_language::RUST,
        ),
        KeyValue::new(attribute::SEAM_IMPL, enums::seam_impl::RUST),
    ];
    if let Some(version) = config.service_version.as_ref().filter(|v| !v.is_empty()) {
        fixed.push(KeyValue::new(attribute::SERVICE_VERSION, version.clone()));
    }
    if let Some(environment) = config.environment.as_ref().filter(|e| !e.is_empty()) {
        fixed.push(KeyValue::new(
            attribute::DEPLOYMENT_ENVIRONMENT_NAME,
            environment.clone(),
        ));
    }
    let from_env: [Box<dyn ResourceDetector>; 1] = [Box::new(EnvResourceDetector::new())];
    // with_schema_url merges its attributes under what is already there, so
    // it goes first, with none.
    Resource::builder_empty()
        .with_schema_url([], SCHEMA_URL)
        .with_detectors(&from_env)
        .with_attributes(config.resource_attributes.iter().cloned())
        .with_attributes(fixed)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::Key;

    fn get(resource: &Resource, key: &'static str) -> Option<String> {
        resource
            .get(&Key::from_static_str(key))
            .map(|v| v.as_str().into_owned())
    }

    // The only test in this binary that reads or writes these variables.
    #[test]
    fn precedence_matches_the_go_sdk() {
        let config = Config::new("from-config")
            .with_service_version("1.0")
            .with_environment("ci")
            .with_resource_attribute(KeyValue::new("team", "from-config"));
        std::env::set_var("OTEL_SERVICE_NAME", "from-env");
        std::env::set_var(
            "OTEL_RESOURCE_ATTRIBUTES",
            "seam.impl=go,telemetry.sdk.language=go,team=from-env,region=eu,service.name=res%20env",
        );
        let name = service_name(&config).expect("name");
        let resource = build(&config, &name);
        let from_env_name = service_name(&Config::new(""));
        std::env::remove_var("OTEL_SERVICE_NAME");
        let from_resource_env = service_name(&Config::new(" "));
        std::env::remove_var("OTEL_RESOURCE_ATTRIBUTES");
        let missing = service_name(&Config::new(""));

        assert_eq!(
            get(&resource, attribute::SERVICE_NAME).as_deref(),
            Some("from-config")
        );
        assert_eq!(get(&resource, "team").as_deref(), Some("from-config"));
        assert_eq!(get(&resource, "region").as_deref(), Some("eu"));
        assert_eq!(
            get(&resource, attribute::SEAM_IMPL).as_deref(),
            Some("rust")
        );
        assert_eq!(
            get(&resource, attribute::TELEMETRY_SDK_LANGUAGE).as_deref(),
            Some("rust")
        );
        assert_eq!(
            get(&resource, attribute::SERVICE_VERSION).as_deref(),
            Some("1.0")
        );
        assert_eq!(
            get(&resource, attribute::DEPLOYMENT_ENVIRONMENT_NAME).as_deref(),
            Some("ci")
        );
        assert_eq!(
            get(&resource, "telemetry.sdk.name"),
            None,
            "Go's resource has no telemetry.sdk.name"
        );
        assert_eq!(resource.schema_url(), Some(SCHEMA_URL));

        assert_eq!(from_env_name.as_deref(), Ok("from-env"));
        assert_eq!(from_resource_env.as_deref(), Ok("res env"));
        assert!(
            matches!(
                missing,
                Err(Error::InvalidConfig {
                    field: "service_name",
                    ..
                })
            ),
            "{missing:?}"
        );
    }
}
