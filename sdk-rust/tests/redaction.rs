//! What leaves the SDK for a real OTLP/HTTP endpoint (tests/support) is
//! redacted wherever a secret can sit: span names, event names and
//! attributes, link attributes, metric attributes of others' instruments
//! (bound, unbound and observed), log bodies and fields.
//!
//! One test: `init` runs once per process.

mod support;

use std::time::Duration;

use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry::KeyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::KeyValue as ProtoKeyValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use seam::Config;

fn dump(out: &mut String, attributes: &[ProtoKeyValue]) {
    for kv in attributes {
        let value = match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
            Some(AnyValue::StringValue(s)) => s.clone(),
            other => format!("{other:?}"),
        };
        out.push_str(&format!("{}={}\n", kv.key, value));
    }
}

#[test]
fn secrets_leave_redacted() {
    let receiver = support::Receiver::start();
    let guard = seam::init(
        Config::new("redaction-test")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");

    let tracer = guard
        .tracer_provider()
        .expect("a tracer provider")
        .tracer("app");
    let mut span = tracer.start("GET /reset?token=abc123");
    span.add_event(
        "mail sent to alice@example.com",
        vec![KeyValue::new("note", "password=hunter2")],
    );
    span.add_event("cache.miss", vec![]);
    span.add_link(
        opentelemetry::trace::SpanContext::new(
            opentelemetry::trace::TraceId::from_bytes([7; 16]),
            opentelemetry::trace::SpanId::from_bytes([7; 8]),
            opentelemetry::trace::TraceFlags::SAMPLED,
            false,
            Default::default(),
        ),
        vec![KeyValue::new("session_token", "sk-live-777")],
    );
    span.end();
    let meter = opentelemetry::global::meter("app");
    meter.u64_counter("app.db.queries").build().add(
        1,
        &[
            KeyValue::new("db.query.text", "ALTER USER app PASSWORD = 'hunter2'"),
            KeyValue::new("user.email", "alice@example.com"),
            KeyValue::new("db.system.name", "postgresql"),
        ],
    );
    meter
        .f64_histogram("app.login.duration")
        .build()
        .bind(&[KeyValue::new("dsn", "redis://:s3cr3t@cache:6379")])
        .record(0.5);
    let _gauge = meter
        .u64_observable_gauge("app.sessions")
        .with_callback(|observer| {
            observer.observe(3, &[KeyValue::new("session_token", "sk-live-777")])
        })
        .build();
    tracing::info!(
        dsn = "postgres://user:p/w@db/app",
        "login failed password=hunter2 for bob@example.com"
    );

    guard.shutdown(Duration::from_secs(20)).expect("shutdown");
    let got = receiver.take();

    let mut names = Vec::new();
    let mut spans = String::new();
    for span in got
        .traces
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
    {
        names.push(span.name.clone());
        for event in &span.events {
            names.push(event.name.clone());
            dump(&mut spans, &event.attributes);
        }
        for link in &span.links {
            dump(&mut spans, &link.attributes);
        }
    }
    assert_eq!(
        names,
        [
            "GET /reset?token=[REDACTED]",
            "mail sent to [REDACTED:email]",
            "cache.miss"
        ]
    );
    assert!(
        !spans.contains("hunter2") && !spans.contains("sk-live-777"),
        "{spans}"
    );

    let mut metrics = String::new();
    let mut seen = Vec::new();
    for metric in got
        .metrics
        .iter()
        .flat_map(|r| &r.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .filter(|m| m.name.starts_with("app."))
    {
        seen.push(metric.name.clone());
        match &metric.data {
            Some(Data::Sum(sum)) => sum
                .data_points
                .iter()
                .for_each(|p| dump(&mut metrics, &p.attributes)),
            Some(Data::Gauge(gauge)) => gauge
                .data_points
                .iter()
                .for_each(|p| dump(&mut metrics, &p.attributes)),
            Some(Data::Histogram(hist)) => hist
                .data_points
                .iter()
                .for_each(|p| dump(&mut metrics, &p.attributes)),
            other => panic!("{}: {other:?}", metric.name),
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        ["app.db.queries", "app.login.duration", "app.sessions"]
    );
    for secret in ["hunter2", "alice@example.com", "s3cr3t", "sk-live-777"] {
        assert!(!metrics.contains(secret), "{secret} in\n{metrics}");
    }
    assert!(metrics.contains("db.system.name=postgresql"), "{metrics}");
    assert!(
        metrics.contains("dsn=redis://[REDACTED]@cache:6379"),
        "{metrics}"
    );

    let mut logs = String::new();
    for record in got
        .logs
        .iter()
        .flat_map(|r| &r.resource_logs)
        .flat_map(|rl| &rl.scope_logs)
        .flat_map(|sl| &sl.log_records)
    {
        if let Some(AnyValue::StringValue(body)) =
            record.body.as_ref().and_then(|b| b.value.as_ref())
        {
            logs.push_str(body);
            logs.push('\n');
        }
        dump(&mut logs, &record.attributes);
    }
    assert!(
        logs.contains("login failed password=[REDACTED] for [REDACTED:email]"),
        "{logs}"
    );
    assert!(logs.contains("dsn=postgres://[REDACTED]@db/app"), "{logs}");
}
