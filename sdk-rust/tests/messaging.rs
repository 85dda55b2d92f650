//! The consumer side of a queue (seam::messaging) through a real OTLP/HTTP endpoint:
//! a message published with a trace context and a correlation ID is processed twice,
//! the second time as a redelivery, then once failing.

mod support;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use seam::messaging::{Consumer, Delivery};
use seam::semconv::{attribute, buckets, metric};
use seam::{Config, ErrorClass};

const PRODUCER_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PRODUCER_SPAN: &str = "00f067aa0ba902b7";
const CORRELATION: &str = "01JD4X7K2M9QZ8R6T5W3V1N0PA";

fn value(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
        .map(|v| match v {
            AnyValue::StringValue(s) => s.clone(),
            AnyValue::IntValue(i) => i.to_string(),
            other => format!("{other:?}"),
        })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug)]
struct JobError;

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("bad job")
    }
}

impl seam::Classify for JobError {
    fn error_class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}

#[test]
fn a_consumer_links_to_the_producer_and_counts_redeliveries() {
    let receiver = support::Receiver::start();
    let guard = seam::init(
        Config::new("messaging-test")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false),
    )
    .expect("init");

    let headers: HashMap<String, String> = HashMap::from([
        (
            "traceparent".to_owned(),
            format!("00-{PRODUCER_TRACE}-{PRODUCER_SPAN}-01"),
        ),
        (
            "baggage".to_owned(),
            format!("seam.correlation_id={CORRELATION}"),
        ),
    ]);
    let consumer = Consumer::new("nats", "pricing.receipts").with_group("pricing-worker");
    let published = SystemTime::now() - Duration::from_secs(1);
    for count in 1..=2 {
        let delivery = Delivery {
            message_id: Some("7".into()),
            count,
            published: Some(published),
        };
        let seen = futures_executor::block_on(consumer.process(&headers, &delivery, async {
            Ok::<_, JobError>(seam::propagation::correlation_id(
                &opentelemetry::Context::current(),
            ))
        }))
        .expect("processed");
        assert_eq!(
            seen.as_deref(),
            Some(CORRELATION),
            "the work's correlation ID"
        );
    }
    let failed = futures_executor::block_on(consumer.process(
        &HashMap::new(),
        &Delivery::default(),
        async {
            assert!(
                seam::propagation::correlation_id(&opentelemetry::Context::current()).is_some(),
                "no correlation ID minted for a message without one"
            );
            Err::<(), _>(JobError)
        },
    ));
    assert!(failed.is_err());
    // A job abandoned before it completes (its worker stopping) is recorded as canceled.
    drop(consumer.process(
        &HashMap::new(),
        &Delivery::default(),
        std::future::pending::<Result<(), JobError>>(),
    ));

    guard.shutdown(Duration::from_secs(20)).expect("shutdown");
    let got = receiver.take();

    let spans: Vec<_> = got
        .traces
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .filter(|s| s.name == "process pricing.receipts")
        .collect();
    assert_eq!(spans.len(), 4, "consumer spans");
    for (i, span) in spans.iter().enumerate() {
        assert_eq!(span.kind, SpanKind::Consumer as i32);
        assert!(
            span.parent_span_id.is_empty(),
            "the consumer span starts its own trace"
        );
        assert_ne!(hex(&span.trace_id), PRODUCER_TRACE);
        assert_eq!(
            value(&span.attributes, attribute::MESSAGING_OPERATION_TYPE).as_deref(),
            Some("process")
        );
        if i < 2 {
            assert_eq!(span.links.len(), 1, "a link to the producer");
            assert_eq!(hex(&span.links[0].trace_id), PRODUCER_TRACE);
            assert_eq!(hex(&span.links[0].span_id), PRODUCER_SPAN);
            assert_eq!(
                value(&span.attributes, attribute::SEAM_CORRELATION_ID).as_deref(),
                Some(CORRELATION)
            );
            assert_eq!(
                value(&span.attributes, attribute::SEAM_MESSAGING_DELIVERY_COUNT),
                Some((i + 1).to_string())
            );
        } else {
            assert!(span.links.is_empty(), "no producer, no link");
            assert_eq!(
                value(&span.attributes, attribute::ERROR_TYPE).as_deref(),
                Some(["invalid_input", "canceled"][i - 2])
            );
        }
    }

    let metrics: Vec<_> = got
        .metrics
        .iter()
        .flat_map(|r| &r.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .collect();
    let find = |name: &str| {
        metrics
            .iter()
            .rev()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let counter = |name: &str| -> Vec<(Vec<KeyValue>, i64)> {
        match &find(name).data {
            Some(Data::Sum(s)) => s
                .data_points
                .iter()
                .map(|p| {
                    let v = match p.value {
                        Some(opentelemetry_proto::tonic::metrics::v1::number_data_point::Value::AsInt(v)) => v,
                        _ => -1,
                    };
                    (p.attributes.clone(), v)
                })
                .collect(),
            other => panic!("{name} is {other:?}"),
        }
    };
    let redeliveries = counter(metric::SEAM_MESSAGING_REDELIVERIES);
    assert_eq!(redeliveries.len(), 1);
    assert_eq!(redeliveries[0].1, 1, "one redelivery");
    let consumed = counter(metric::MESSAGING_CLIENT_CONSUMED_MESSAGES);
    let total: i64 = consumed.iter().map(|(_, v)| v).sum();
    assert_eq!(total, 4);
    for class in ["invalid_input", "canceled"] {
        assert!(
            consumed
                .iter()
                .any(|(a, v)| *v == 1 && value(a, attribute::ERROR_TYPE).as_deref() == Some(class)),
            "no consumed message with error.type={class}"
        );
    }
    for name in [
        metric::MESSAGING_PROCESS_DURATION,
        metric::SEAM_MESSAGING_LAG,
    ] {
        let Some(Data::Histogram(h)) = &find(name).data else {
            panic!("{name} is not a histogram");
        };
        for p in &h.data_points {
            assert_eq!(p.explicit_bounds, buckets::LATENCY, "{name}'s buckets");
        }
        if name == metric::SEAM_MESSAGING_LAG {
            assert_eq!(h.data_points.len(), 1);
            assert_eq!(
                h.data_points[0].count, 2,
                "two deliveries with a publication time"
            );
            assert!(
                h.data_points[0].sum >= Some(2.0),
                "each waited a second or more"
            );
            assert_eq!(
                value(
                    &h.data_points[0].attributes,
                    attribute::MESSAGING_CONSUMER_GROUP_NAME
                )
                .as_deref(),
                Some("pricing-worker")
            );
        }
    }
}
