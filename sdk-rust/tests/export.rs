//! Exports to a real OTLP/HTTP endpoint (tests/support) with no async
//! runtime anywhere in the process, and checks what arrives: names, units,
//! buckets, resource and attributes.
//!
//! One long test on purpose: `init` runs once per process, so every check
//! of what one exporting process sends shares the one run.

mod support;

use std::alloc::System;
use std::convert::Infallible;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Wake};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::{AggregationTemporality, Metric};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use seam::semconv::{buckets, limits, SCHEMA_URL};
use seam::{Config, Error, Role};
use tower_layer::Layer as _;
use tower_service::Service;

#[global_allocator]
static ALLOC: seam::alloc::Counting<System> = seam::alloc::Counting::new(System);

/// The crates of the exporters' own transport stack, whose events must never
/// be exported.
const TRANSPORT: &[&str] = &[
    "hyper", "h2", "reqwest", "tonic", "tower", "rustls", "want", "mio",
];

fn attr<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

fn attr_str<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    match attr(attributes, key) {
        Some(AnyValue::StringValue(s)) => Some(s),
        _ => None,
    }
}

fn assert_send<T: Send>(_: &T) {}

/// Pending on its first poll, ready on the next.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

struct NoopWaker;
impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    let waker = Arc::new(NoopWaker).into();
    future.poll(&mut TaskContext::from_waker(&waker))
}

/// Polls to completion on the calling thread: no runtime anywhere.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(v) = poll_once(future.as_mut()) {
            return v;
        }
    }
}

/// An HTTP handler whose future panics after one pending poll.
struct PanickingHandler;

type Reply = Pin<Box<dyn Future<Output = Result<http::Response<String>, Infallible>>>>;

impl Service<http::Request<()>> for PanickingHandler {
    type Response = http::Response<String>;
    type Error = Infallible;
    type Future = Reply;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<()>) -> Reply {
        Box::pin(async {
            YieldOnce(false).await;
            panic!("the handler panics")
        })
    }
}

fn assert_resource(resource: Option<&Resource>, schema_url: &str) {
    let attributes = &resource.expect("resource").attributes;
    assert_eq!(attr_str(attributes, "service.name"), Some("export-test"));
    assert_eq!(attr_str(attributes, "service.version"), Some("1.2.3"));
    assert_eq!(
        attr_str(attributes, "deployment.environment.name"),
        Some("ci")
    );
    assert_eq!(attr_str(attributes, "seam.impl"), Some("rust"));
    assert_eq!(attr_str(attributes, "telemetry.sdk.language"), Some("rust"));
    assert_eq!(
        attr_str(attributes, "telemetry.sdk.name"),
        Some("opentelemetry")
    );
    for key in [
        "service.instance.id",
        "telemetry.sdk.version",
        "host.name",
        "host.arch",
        "os.type",
        "process.runtime.version",
        "process.executable.name",
    ] {
        assert!(
            attr_str(attributes, key).is_some_and(|v| !v.is_empty()),
            "{key} missing"
        );
    }
    assert!(matches!(
        attr(attributes, "process.pid"),
        Some(AnyValue::IntValue(pid)) if *pid == i64::from(std::process::id())
    ));
    assert_eq!(attr(attributes, "process.command_args"), None);
    assert_eq!(schema_url, SCHEMA_URL);
}

#[test]
fn exports_schema_conformant_telemetry_without_a_runtime() {
    let receiver = support::Receiver::start();
    let guard = seam::init(
        Config::new("export-test")
            .with_service_version("1.2.3")
            .with_environment("ci")
            .with_endpoint(receiver.endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_json_logs(false)
            // TRACE lets the HTTP stack's own debug events through the level
            // filter: only the transport filter keeps them from looping.
            .with_max_level(tracing::Level::TRACE),
    )
    .expect("init");
    assert_eq!(
        seam::init(Config::new("again")).err(),
        Some(Error::AlreadyInitialized)
    );

    let correlated =
        seam::propagation::with_correlation_id(&Context::new(), "01JD4X7K2M9QZ8R6T5W3V1N0PA");
    let trace_id = {
        let _cx = correlated.attach();
        let op = seam::operation("checkout.price");
        tracing::info!(
            user.email = "jane@example.com",
            attempt = 2,
            message = "card on file 4111 1111 1111 1111",
            "charging card 4111 1111 1111 1111"
        );
        let trace_id = {
            use opentelemetry::trace::TraceContextExt;
            op.context().span().span_context().trace_id()
        };
        drop(op);
        trace_id
    };
    {
        // The SDK's own operations run suppressed; what they log is not exported.
        let _suppressed = Context::enter_telemetry_suppressed_scope();
        tracing::info!("logged while telemetry is suppressed");
    }
    seam::operation("checkout.price").fail(seam::ErrorClass::Timeout);
    {
        let _shadow = seam::with_role(&Context::current(), Role::Shadow).attach();
        let result: Result<(), std::io::Error> = Err(std::io::Error::other("upstream down"));
        let _ = seam::operation("checkout.price").end(result);
    }
    // An async operation: Send, polled on another thread, and one dropped
    // before it finished.
    let measured = seam::measure("async.op", async { Ok::<_, std::io::Error>(7) });
    assert_send(&measured);
    assert_eq!(
        std::thread::spawn(move || block_on(measured))
            .join()
            .expect("thread")
            .expect("ok"),
        7
    );
    {
        let mut canceled = Box::pin(seam::measure("async.op", async {
            YieldOnce(false).await;
            Ok::<_, std::io::Error>(())
        }));
        assert!(poll_once(canceled.as_mut()).is_pending());
    }
    // An operation unwound by a panic failed, even if the panic is caught.
    let unwound = std::panic::catch_unwind(|| {
        let _op = seam::operation("panicky.op");
        panic!("the operation panics");
    });
    assert!(unwound.is_err());
    // Fill seam.operation up to its limit; the next name overflows.
    for i in 3..limits::SEAM_OPERATION_CARDINALITY_LIMIT {
        drop(seam::operation(&format!("filler.{i}")));
    }
    drop(seam::operation("one.too.many"));
    // Names outside the grammar take no slot and fold into the overflow value too.
    drop(seam::operation(""));
    drop(seam::operation("bad name \u{1F600}"));
    // Another library's instrument with a schema name but no unit or
    // buckets: the views give it the schema's.
    opentelemetry::global::meter("third-party")
        .f64_histogram("seam.boundary.call.duration")
        .build()
        .record(0.0009, &[]);

    // A handler that panics behind the HTTP ingress: the caller gets a 500 marked as a
    // panic, and the panic is counted.
    let mut ingress = seam::tower::IngressLayer::new("checkout.http").layer(PanickingHandler);
    let reply = block_on(ingress.call(http::Request::new(()))).expect("ingress");
    assert_eq!(reply.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        reply.headers().get(seam::tower::ERROR_TYPE_HEADER),
        Some(&http::HeaderValue::from_static("panic"))
    );

    guard.shutdown(Duration::from_secs(20)).expect("shutdown");
    guard
        .shutdown(Duration::from_secs(1))
        .expect("second shutdown is a no-op");
    let got = receiver.take();
    assert!(
        got.rejected.is_empty(),
        "rejected requests: {:?}",
        got.rejected
    );

    // Traces.
    let resource_spans: Vec<_> = got.traces.iter().flat_map(|r| &r.resource_spans).collect();
    assert!(!resource_spans.is_empty(), "no traces arrived");
    for rs in &resource_spans {
        assert_resource(rs.resource.as_ref(), &rs.schema_url);
    }
    let spans: Vec<_> = resource_spans
        .iter()
        .flat_map(|rs| &rs.scope_spans)
        .filter(|ss| ss.scope.as_ref().map(|s| s.name.as_str()) == Some("seam"))
        .inspect(|ss| assert_eq!(ss.schema_url, SCHEMA_URL))
        .flat_map(|ss| &ss.spans)
        .collect();
    let checkout: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "checkout.price")
        .collect();
    assert_eq!(checkout.len(), 3, "checkout.price spans");
    let ok = checkout
        .iter()
        .find(|s| s.trace_id == trace_id.to_bytes())
        .expect("the correlated span");
    assert_eq!(
        attr_str(&ok.attributes, "seam.operation"),
        Some("checkout.price")
    );
    assert_eq!(attr_str(&ok.attributes, "seam.impl"), Some("rust"));
    assert_eq!(attr_str(&ok.attributes, "seam.role"), Some("candidate"));
    let failed = checkout
        .iter()
        .find(|s| attr_str(&s.attributes, "error.type") == Some("timeout"))
        .expect("the failed span");
    assert_eq!(
        failed.status.as_ref().map(|s| s.code),
        Some(StatusCode::Error as i32)
    );
    let shadow = checkout
        .iter()
        .find(|s| attr_str(&s.attributes, "seam.role") == Some("shadow"))
        .expect("the shadow span");
    // io::Error::other has no class of its own; its Rust type stays on the span.
    assert_eq!(attr_str(&shadow.attributes, "error.type"), Some("_OTHER"));
    assert_eq!(
        attr_str(&shadow.attributes, "exception.type"),
        Some("std::io::error::Error")
    );
    let panicky = spans
        .iter()
        .find(|s| s.name == "panicky.op")
        .expect("the panicking operation's span");
    assert_eq!(attr_str(&panicky.attributes, "error.type"), Some("panic"));
    let async_spans: Vec<_> = spans.iter().filter(|s| s.name == "async.op").collect();
    assert_eq!(async_spans.len(), 2, "async.op spans");
    assert!(async_spans
        .iter()
        .any(|s| attr_str(&s.attributes, "error.type").is_none()));
    assert!(async_spans
        .iter()
        .any(|s| attr_str(&s.attributes, "error.type") == Some("canceled")));
    assert!(
        !spans.iter().any(|s| s.name == "one.too.many"),
        "an overflowed name leaked into a span name"
    );
    let overflowed = spans
        .iter()
        .find(|s| s.name == limits::SEAM_OPERATION_OVERFLOW_VALUE)
        .expect("overflowed span is named by the overflow value, as in Go");
    assert_eq!(
        attr_str(&overflowed.attributes, "seam.operation"),
        Some(limits::SEAM_OPERATION_OVERFLOW_VALUE)
    );

    // Metrics.
    let resource_metrics: Vec<_> = got
        .metrics
        .iter()
        .flat_map(|r| &r.resource_metrics)
        .collect();
    assert!(!resource_metrics.is_empty(), "no metrics arrived");
    for rm in &resource_metrics {
        assert_resource(rm.resource.as_ref(), &rm.schema_url);
    }
    let metrics: Vec<&Metric> = resource_metrics
        .iter()
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .collect();
    let metric = |name: &str| -> &Metric {
        metrics
            .iter()
            .copied()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("metric {name} missing"))
    };

    let duration = metric("seam.operation.duration");
    assert_eq!(duration.unit, "s");
    let Some(Data::Histogram(histogram)) = &duration.data else {
        panic!(
            "seam.operation.duration is not a histogram: {:?}",
            duration.data
        )
    };
    assert_eq!(
        histogram.aggregation_temporality,
        AggregationTemporality::Cumulative as i32
    );
    let point = |operation: &str, role: &str, error_type: Option<&str>| {
        histogram
            .data_points
            .iter()
            .find(|p| {
                attr_str(&p.attributes, "seam.operation") == Some(operation)
                    && attr_str(&p.attributes, "seam.role") == Some(role)
                    && attr_str(&p.attributes, "error.type") == error_type
            })
            .unwrap_or_else(|| panic!("no point for {operation}/{role}/{error_type:?}"))
    };
    for p in &histogram.data_points {
        assert_eq!(p.explicit_bounds, buckets::LATENCY, "bucket boundaries");
        assert_eq!(attr_str(&p.attributes, "seam.impl"), Some("rust"));
    }
    assert_eq!(point("checkout.price", "candidate", None).count, 1);
    assert_eq!(point("panicky.op", "candidate", Some("panic")).count, 1);
    assert_eq!(
        point("checkout.price", "candidate", Some("timeout")).count,
        1
    );
    assert_eq!(point("checkout.price", "shadow", Some("_OTHER")).count, 1);
    assert_eq!(point("async.op", "candidate", None).count, 1);
    assert_eq!(point("async.op", "candidate", Some("canceled")).count, 1);
    assert_eq!(
        point(limits::SEAM_OPERATION_OVERFLOW_VALUE, "candidate", None).count,
        3,
        "the name past the limit and the two invalid ones"
    );
    assert_eq!(
        histogram.data_points.len(),
        3 + 2 + (limits::SEAM_OPERATION_CARDINALITY_LIMIT - 2) + 1,
        "one series per admitted name, role and error type, plus the overflow series"
    );

    let boundary = metric("seam.boundary.call.duration");
    assert_eq!(boundary.unit, "s");
    let Some(Data::Histogram(boundary)) = &boundary.data else {
        panic!("not a histogram")
    };
    assert_eq!(boundary.data_points[0].explicit_bounds, buckets::LATENCY);
    let upper = buckets::LATENCY
        .iter()
        .position(|&b| b == 0.001)
        .expect("0.001 is a bound");
    assert_eq!(
        boundary.data_points[0].bucket_counts[upper], 1,
        "0.0009 falls in (0.0008, 0.001]"
    );

    let overflows = metric("seam.operation.overflows");
    assert_eq!(overflows.unit, "{operation}");
    let Some(Data::Sum(sum)) = &overflows.data else {
        panic!("overflows is not a sum")
    };
    assert!(sum.is_monotonic);
    assert_eq!(sum.data_points.len(), 2, "one series per reason");
    for (reason, want) in [("cardinality_limit", 1), ("invalid_name", 2)] {
        let p = sum
            .data_points
            .iter()
            .find(|p| attr_str(&p.attributes, "seam.overflow.reason") == Some(reason))
            .unwrap_or_else(|| panic!("no overflow count for {reason}"));
        assert_eq!(attr_str(&p.attributes, "seam.impl"), Some("rust"));
        assert_eq!(
            p.value,
            Some(opentelemetry_proto::tonic::metrics::v1::number_data_point::Value::AsInt(want)),
            "{reason}"
        );
    }

    let panics = metric("seam.boundary.panics");
    assert_eq!(panics.unit, "{panic}");
    let Some(Data::Sum(panics)) = &panics.data else {
        panic!("seam.boundary.panics is not a sum")
    };
    assert!(panics.is_monotonic);
    assert_eq!(panics.data_points.len(), 1, "{:?}", panics.data_points);
    let point = &panics.data_points[0];
    assert_eq!(
        attr_str(&point.attributes, "seam.operation"),
        Some("checkout.http")
    );
    assert_eq!(
        attr_str(&point.attributes, "seam.boundary.kind"),
        Some("http")
    );
    assert_eq!(point.attributes.len(), 2);
    assert_eq!(
        point.value,
        Some(opentelemetry_proto::tonic::metrics::v1::number_data_point::Value::AsInt(1))
    );

    for (name, unit, monotonic) in [
        ("seam.rust.memory.allocated", "By", true),
        ("seam.rust.memory.allocations", "{allocation}", true),
        ("seam.rust.memory.used", "By", false),
    ] {
        let m = metric(name);
        assert_eq!(m.unit, unit, "{name} unit");
        let Some(Data::Sum(sum)) = &m.data else {
            panic!("{name} is not a sum")
        };
        assert_eq!(sum.is_monotonic, monotonic, "{name} monotonic");
        let value = match sum.data_points.first().and_then(|p| p.value) {
            Some(opentelemetry_proto::tonic::metrics::v1::number_data_point::Value::AsInt(v)) => v,
            other => panic!("{name} value {other:?}"),
        };
        assert!(value > 0, "{name} = {value}");
    }

    // Logs.
    let resource_logs: Vec<_> = got.logs.iter().flat_map(|r| &r.resource_logs).collect();
    assert!(!resource_logs.is_empty(), "no logs arrived");
    for rl in &resource_logs {
        assert_resource(rl.resource.as_ref(), &rl.schema_url);
    }
    let records: Vec<_> = resource_logs
        .iter()
        .flat_map(|rl| &rl.scope_logs)
        .flat_map(|sl| {
            sl.log_records
                .iter()
                .map(move |r| (sl.scope.as_ref().map(|s| s.name.clone()), r))
        })
        .collect();
    for (scope, _) in &records {
        let scope = scope.as_deref().unwrap_or("");
        assert!(
            !TRANSPORT.iter().any(|t| scope.starts_with(t)) && !scope.starts_with("opentelemetry"),
            "the exporter's own event was exported: {scope}"
        );
    }
    let (_, charged) = records
        .iter()
        .find(|(_, r)| matches!(r.body.as_ref().and_then(|b| b.value.as_ref()), Some(AnyValue::StringValue(s)) if s.starts_with("charging")))
        .expect("the charging log record");
    assert_eq!(
        charged.body.as_ref().and_then(|b| b.value.as_ref()),
        Some(&AnyValue::StringValue(
            "charging card [REDACTED:card]".into()
        ))
    );
    assert_eq!(charged.severity_number, 9);
    assert_eq!(charged.severity_text, "INFO");
    assert_eq!(
        charged.trace_id,
        trace_id.to_bytes(),
        "log carries the operation's trace id"
    );
    assert_eq!(
        attr_str(&charged.attributes, "user.email"),
        Some("[REDACTED]")
    );
    assert_eq!(
        attr(&charged.attributes, "attempt"),
        Some(&AnyValue::IntValue(2))
    );
    assert_eq!(
        attr_str(&charged.attributes, "message"),
        Some("card on file [REDACTED:card]"),
        "a message field besides the text is a redacted attribute, the body stays the text"
    );
    assert_eq!(
        attr_str(&charged.attributes, "seam.correlation_id"),
        Some("01JD4X7K2M9QZ8R6T5W3V1N0PA")
    );
    assert!(charged.time_unix_nano > 0);
    assert_eq!(
        charged.span_id.len(),
        8,
        "log carries the operation's span id"
    );
    assert_eq!(charged.flags & 0xff, 1, "log carries the sampled flag");
    assert!(charged.observed_time_unix_nano > 0);
    assert!(
        !records.iter().any(|(_, r)| matches!(r.body.as_ref().and_then(|b| b.value.as_ref()), Some(AnyValue::StringValue(s)) if s.contains("suppressed"))),
        "a record logged while telemetry is suppressed was exported"
    );
}
