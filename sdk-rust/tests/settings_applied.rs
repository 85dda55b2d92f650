//! `init` sends as the resolved settings say, and only so: exporters turned
//! off send nothing, headers come from the config or else the environment
//! (never both), the sampler and the resource precedence apply, and a bad
//! environment is refused with every problem named. Each case owns a child
//! process and its environment; the receiver is a real OTLP/HTTP endpoint.

mod support;

use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::resource::v1::Resource;
use seam::{Config, Error};
use support::{child, Receiver};

fn record_and_shut_down(config: Config) {
    let guard = seam::init(config.with_json_logs(false)).expect("init");
    {
        let _op = seam::operation("applied.op");
        tracing::info!("applied");
    }
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn resource_attr<'a>(resource: &'a Option<Resource>, key: &str) -> Option<&'a str> {
    let kv = resource
        .as_ref()?
        .attributes
        .iter()
        .find(|kv| kv.key == key)?;
    match kv.value.as_ref()?.value.as_ref()? {
        AnyValue::StringValue(s) => Some(s),
        _ => None,
    }
}

#[test]
fn exporters_off_and_config_headers() {
    const TEST: &str = "exporters_off_and_config_headers";
    if !child::is_child(TEST) {
        child::run(
            TEST,
            &[
                ("OTEL_TRACES_EXPORTER", "none"),
                ("OTEL_LOGS_EXPORTER", "NONE"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "x-from-env=env,x-both=env"),
            ],
        );
        return;
    }
    let receiver = Receiver::start();
    record_and_shut_down(
        Config::new("applied-test")
            .with_endpoint(receiver.endpoint())
            .with_headers([("X-Both", "config")])
            .with_metric_interval(Duration::from_secs(3600)),
    );
    let got = receiver.take();
    assert!(
        got.traces.is_empty() && got.logs.is_empty(),
        "{:?}",
        got.requests
    );
    assert!(!got.metrics.is_empty(), "metrics are still exported");
    for (path, headers) in &got.requests {
        assert_eq!(path, "/v1/metrics");
        assert_eq!(header(headers, "x-both"), Some("config"), "{headers:?}");
        assert_eq!(header(headers, "x-from-env"), None, "{headers:?}");
    }
}

#[test]
fn environment_endpoint_headers_sampler_and_resource() {
    const TEST: &str = "environment_endpoint_headers_sampler_and_resource";
    if !child::is_child(TEST) {
        let receiver = Receiver::start();
        // The child sends to the parent's receiver, which only the
        // environment names.
        let endpoint = receiver.endpoint();
        child::run(
            TEST,
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
                ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc%20def"),
                ("OTEL_TRACES_SAMPLER", "always_off"),
                ("OTEL_METRIC_EXPORT_INTERVAL", "3600000"),
                (
                    "OTEL_RESOURCE_ATTRIBUTES",
                    "team=env,region=eu,service.version=9,service.instance.id=replica-7",
                ),
            ],
        );
        let got = receiver.take();
        assert!(got.rejected.is_empty(), "{:?}", got.rejected);
        assert!(got.traces.is_empty(), "always_off sampled a span");
        assert!(!got.metrics.is_empty() && !got.logs.is_empty());
        for (_, headers) in &got.requests {
            assert_eq!(header(headers, "x-api-key"), Some("abc def"), "{headers:?}");
        }
        let resource = &got.metrics[0].resource_metrics[0].resource;
        for (key, want) in [
            ("team", "config"),
            ("region", "eu"),
            ("service.version", "9"),
            ("service.instance.id", "replica-7"),
            ("service.name", "applied-test"),
            ("seam.impl", "rust"),
            ("telemetry.sdk.name", "opentelemetry"),
            ("process.runtime.name", "rustc"),
        ] {
            assert_eq!(resource_attr(resource, key), Some(want), "{key}");
        }
        assert_eq!(resource_attr(resource, "process.command_args"), None);
        return;
    }
    record_and_shut_down(
        Config::new("applied-test").with_resource_attribute(KeyValue::new("team", "config")),
    );
}

#[test]
fn a_bad_environment_is_refused_naming_every_problem() {
    const TEST: &str = "a_bad_environment_is_refused_naming_every_problem";
    if !child::is_child(TEST) {
        child::run(
            TEST,
            &[
                ("OTEL_METRIC_EXPORT_INTERVAL", "abc"),
                ("OTEL_EXPORTER_OTLP_TIMEOUT", "abc"),
                ("OTEL_RESOURCE_ATTRIBUTES", "garbage"),
                ("OTEL_TRACES_SAMPLER", "bogus"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "garbage"),
                ("RUST_LOG", "pricing=loud"),
            ],
        );
        return;
    }
    let err = seam::init(Config::new("applied-test")).expect_err("refused");
    let Error::InvalidConfig { problems } = &err else {
        panic!("{err:?}")
    };
    let settings: Vec<&str> = problems.iter().map(|p| p.setting()).collect();
    assert_eq!(
        settings,
        [
            "OTEL_RESOURCE_ATTRIBUTES",
            "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            "OTEL_METRIC_EXPORT_INTERVAL",
            "OTEL_TRACES_SAMPLER",
            "RUST_LOG",
        ],
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(
            "invalid config: OTEL_RESOURCE_ATTRIBUTES: want comma-separated key=value, got \"garbage\"; "
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "OTEL_METRIC_EXPORT_INTERVAL: want a positive number of milliseconds, got \"abc\""
        ),
        "{text}"
    );
    assert!(text.contains("RUST_LOG: "), "{text}");
}

#[test]
fn rust_log_decides_when_set() {
    const TEST: &str = "rust_log_decides_when_set";
    if !child::is_child(TEST) {
        let messages = |env: &[(&str, &str)]| -> Vec<String> {
            child::json_lines(&child::run(TEST, env))
                .iter()
                .filter_map(|l| l["msg"].as_str().map(str::to_owned))
                .collect()
        };
        let by_target = messages(&[("RUST_LOG", "pricing=debug"), ("SEAM_LOG_LEVEL", "ERROR")]);
        assert!(
            by_target.iter().any(|m| m == "pricing debug"),
            "{by_target:?}"
        );
        assert!(
            !by_target.iter().any(|m| m == "pricing trace"),
            "{by_target:?}"
        );
        assert!(
            !by_target.iter().any(|m| m == "other error"),
            "{by_target:?}"
        );
        let by_level = messages(&[("SEAM_LOG_LEVEL", "ERROR")]);
        assert!(by_level.iter().any(|m| m == "other error"), "{by_level:?}");
        assert!(
            !by_level.iter().any(|m| m == "pricing debug"),
            "{by_level:?}"
        );
        return;
    }
    let receiver = Receiver::start();
    let guard = seam::init(
        Config::new("applied-test")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600)),
    )
    .expect("init");
    tracing::trace!(target: "pricing", "pricing trace");
    tracing::debug!(target: "pricing", "pricing debug");
    tracing::error!(target: "other", "other error");
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}
