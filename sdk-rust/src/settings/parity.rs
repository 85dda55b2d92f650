//! The shared settings cases (`schema/testdata/parity/env.json`), which the
//! Go suite runs too: each case's config and environment must resolve to
//! its `want`, or be refused with an error naming every string of `error`.
//! A key this runner does not know fails the case: every case runs whole.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use opentelemetry::{Key, KeyValue, Value};
use serde_json::{Map, Value as Json};

use super::Settings;
use crate::config::{Config, Protocol};
use crate::error::Error;
use crate::log::{level_name, parse_level};

fn cases() -> Vec<Json> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/testdata/parity/env.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let file: Json = serde_json::from_str(&text).expect("env.json is JSON");
    let cases = file["cases"].as_array().expect("cases").clone();
    assert!(!cases.is_empty(), "env.json has no cases");
    cases
}

/// The case's `config` as a [`Config`].
fn config(keys: &Map<String, Json>) -> Result<Config, String> {
    let text = |key: &str, v: &Json| {
        v.as_str()
            .map(str::to_owned)
            .ok_or(format!("config {key}: want a string"))
    };
    let millis = |key: &str, v: &Json| {
        v.as_u64()
            .map(Duration::from_millis)
            .ok_or(format!("config {key}: want milliseconds"))
    };
    let pairs = |key: &str, v: &Json| -> Result<Vec<(String, String)>, String> {
        let map = v
            .as_object()
            .ok_or(format!("config {key}: want an object"))?;
        map.iter()
            .map(|(k, v)| Ok((k.clone(), text(key, v)?)))
            .collect()
    };
    let mut config = Config::new(match keys.get("service_name") {
        Some(v) => text("service_name", v)?,
        None => String::new(),
    });
    for (key, value) in keys {
        config = match key.as_str() {
            "service_name" => config,
            "service_version" => config.with_service_version(text(key, value)?),
            "environment" => config.with_environment(text(key, value)?),
            "endpoint" => config.with_endpoint(text(key, value)?),
            "protocol" => config.with_protocol(match text(key, value)?.as_str() {
                "http/protobuf" => Protocol::HttpProtobuf,
                "grpc" => Protocol::Grpc,
                other => return Err(format!("config protocol {other:?}")),
            }),
            "headers" => config.with_headers(pairs(key, value)?),
            "export_timeout_ms" => config.with_export_timeout(millis(key, value)?),
            "metric_interval_ms" => config.with_metric_interval(millis(key, value)?),
            "resource_attributes" => pairs(key, value)?.into_iter().fold(config, |c, (k, v)| {
                c.with_resource_attribute(KeyValue::new(k, v))
            }),
            "log_level" => config.with_max_level(
                parse_level(&text(key, value)?).ok_or(format!("config log_level {value}"))?,
            ),
            other => return Err(format!("config key {other:?} is not one this runner knows")),
        };
    }
    Ok(config)
}

/// The settings as the case file names them.
fn view(s: &Settings) -> Map<String, Json> {
    use crate::signal::Signal::{Logs, Metrics, Traces};
    let ms = |d: Duration| Json::from(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let headers: Map<String, Json> = s
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Json::from(v.clone())))
        .collect();
    let mut view = Map::new();
    let mut set = |key: &str, value: Json| {
        view.insert(key.to_owned(), value);
    };
    set("protocol", s.protocol.name().into());
    set("traces_endpoint", s.endpoint(Traces).into());
    set("metrics_endpoint", s.endpoint(Metrics).into());
    set("logs_endpoint", s.endpoint(Logs).into());
    set("traces_exporter", s.exporters[Traces.index()].name().into());
    set(
        "metrics_exporter",
        s.exporters[Metrics.index()].name().into(),
    );
    set("logs_exporter", s.exporters[Logs.index()].name().into());
    set("export_timeout_ms", ms(s.export_timeout));
    set("metric_interval_ms", ms(s.metric_interval));
    set("sampler", s.sampler.name().into());
    set("sampler_arg", s.sampler.ratio.into());
    set("headers", Json::Object(headers));
    set("span_queue_size", s.spans.queue_size.into());
    set("span_batch_size", s.spans.batch_size.into());
    set("span_delay_ms", ms(s.spans.delay));
    set("log_queue_size", s.logs.queue_size.into());
    set("log_batch_size", s.logs.batch_size.into());
    set("log_delay_ms", ms(s.logs.delay));
    set("log_level", level_name(&s.log_level).into());
    set("disabled", s.disabled.into());
    view
}

fn same(got: &Json, want: &Json) -> bool {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => g == w, // 1 and 1.0 are the same setting
        _ => got == want,
    }
}

fn resource_value(s: &Settings, key: &str) -> Option<String> {
    s.resource.get(&Key::new(key.to_owned())).map(|v| match v {
        Value::String(s) => s.as_str().to_owned(),
        other => other.to_string(),
    })
}

/// What is wrong with one case, if anything.
fn check(case: &Json) -> Result<(), String> {
    let keys = case["config"].as_object().ok_or("config: want an object")?;
    let config = config(keys)?;
    let env: HashMap<String, String> = case["env"]
        .as_object()
        .ok_or("env: want an object")?
        .iter()
        .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or("env: want strings")?.to_owned())))
        .collect::<Result<_, &str>>()?;
    let resolved = Settings::resolve(&config, &|name| env.get(name).cloned());
    if let Some(wanted) = case.get("error") {
        let wanted = wanted.as_array().ok_or("error: want a list")?;
        let err = match resolved {
            Ok(_) => return Err(format!("accepted; want an error naming {wanted:?}")),
            Err(err @ Error::InvalidConfig { .. }) => err.to_string(),
            Err(other) => return Err(format!("refused with {other:?}, not InvalidConfig")),
        };
        let missing: Vec<&Json> = wanted
            .iter()
            .filter(|w| !w.as_str().is_some_and(|w| err.contains(w)))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        return Err(format!("error {err:?} does not name {missing:?}"));
    }
    let settings = resolved.map_err(|e| e.to_string())?;
    let want = case["want"]
        .as_object()
        .ok_or("a case needs want or error")?;
    let view = view(&settings);
    let mut wrong = Vec::new();
    for (key, want) in want {
        match key.as_str() {
            "resource" => {
                for (attr, value) in want.as_object().ok_or("resource: want an object")? {
                    let value = value.as_str().ok_or("resource: want strings")?;
                    let value = value.replace("{impl}", "rust");
                    let got = resource_value(&settings, attr);
                    if got.as_deref() != Some(value.as_str()) {
                        wrong.push(format!("resource {attr} = {got:?}, want {value:?}"));
                    }
                }
            }
            "resource_present" => {
                for attr in want.as_array().ok_or("resource_present: want a list")? {
                    let attr = attr.as_str().ok_or("resource_present: want strings")?;
                    if !resource_value(&settings, attr).is_some_and(|v| !v.is_empty()) {
                        wrong.push(format!("resource {attr} is not set"));
                    }
                }
            }
            _ => match view.get(key) {
                None => wrong.push(format!("want key {key:?} is not one this runner knows")),
                Some(got) if !same(got, want) => {
                    wrong.push(format!("{key} = {got}, want {want}"));
                }
                Some(_) => {}
            },
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

#[test]
fn every_shared_case_resolves_as_in_go() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .map(|case| {
            let name = case["name"].as_str().unwrap_or("<unnamed>");
            check(case).map_err(|e| format!("{name}: {e}"))
        })
        .filter_map(Result::err)
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
