//! `seam::operation` against the same work done with the raw OpenTelemetry
//! API on the same SDK providers: a span (made current) plus a histogram
//! record with the same three attributes; and a third-party histogram's
//! record through the SDK's meter and through the global, redacting one.

use std::hint::black_box;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::ThreadCpuTime;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use seam::{Config, OperationHandle};

/// An endpoint that refuses connections: exports fail at once and cost the
/// benchmark thread nothing.
fn refused_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let guard = seam::init(
        Config::new("bench")
            .with_endpoint(refused_endpoint())
            .with_metric_interval(Duration::from_secs(3600))
            .with_subscriber(false)
            // The refused exports' WARN lines would land in criterion's output.
            .with_json_logs(false),
    )
    .expect("init");
    let tracer = guard
        .tracer_provider()
        .expect("tracer provider")
        .tracer("raw");
    let histogram = guard
        .meter_provider()
        .expect("meter provider")
        .meter("raw")
        .f64_histogram("raw.operation.duration")
        .with_unit("s")
        .build();
    let attributes = [
        KeyValue::new("seam.operation", "checkout.price"),
        KeyValue::new("seam.impl", "rust"),
        KeyValue::new("seam.role", "candidate"),
    ];

    let mut group = c.benchmark_group("operation");
    group.bench_function("raw_otel", |b| {
        b.iter(|| {
            let started = Instant::now();
            let span = tracer
                .span_builder("checkout.price")
                .with_kind(SpanKind::Internal)
                .with_attributes(attributes.to_vec())
                .start(&tracer);
            let cx = Context::current_with_span(span);
            let current = cx.clone().attach();
            black_box(&current);
            histogram.record(started.elapsed().as_secs_f64(), &attributes);
            cx.span().end();
        })
    });
    group.bench_function("seam_operation", |b| {
        b.iter(|| black_box(seam::operation(black_box("checkout.price"))))
    });
    let handle = OperationHandle::new("checkout.price");
    group.bench_function("seam_handle", |b| b.iter(|| black_box(handle.start())));
    group.finish();

    // One measurement of another library's histogram, from the SDK's meter
    // and from the global one, whose instruments redact their attributes.
    let mut group = c.benchmark_group("histogram_record");
    let sdk = guard
        .meter_provider()
        .expect("meter provider")
        .meter("third-party")
        .f64_histogram("third_party.sdk.duration")
        .build();
    let global = opentelemetry::global::meter("third-party")
        .f64_histogram("third_party.global.duration")
        .build();
    let attributes = [
        KeyValue::new("http.route", "/quote/{sku}"),
        KeyValue::new("http.response.status_code", 200),
        KeyValue::new("cache.hit", true),
    ];
    group.bench_function("sdk_meter", |b| {
        b.iter(|| sdk.record(black_box(0.002), &attributes))
    });
    group.bench_function("global_meter", |b| {
        b.iter(|| global.record(black_box(0.002), &attributes))
    });
    group.finish();
    let _ = guard.shutdown(Duration::from_secs(1));
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
