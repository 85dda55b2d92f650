//! The canonical JSON log layer against `tracing-subscriber`'s plain JSON
//! formatter, both writing to a sink.

use std::io;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::ThreadCpuTime;
#[path = "support/request_context.rs"]
mod request_context;
use request_context::request_context;
use seam::log::JsonLayer;
use tracing_subscriber::layer::SubscriberExt;

fn event() {
    tracing::info!(
        sku = 42,
        ratio = 0.5,
        user = "jane",
        cache.hit = true,
        "quote computed"
    );
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("log");

    let fmt = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(io::sink),
    );
    tracing::subscriber::with_default(fmt, || {
        group.bench_function("fmt_json", |b| b.iter(event));
    });

    let seam = tracing_subscriber::registry().with(JsonLayer::new("bench").with_writer(io::sink));
    tracing::subscriber::with_default(seam, || {
        group.bench_function("seam_json", |b| b.iter(event));
        let _current = request_context().attach();
        group.bench_function("seam_json_in_span", |b| b.iter(event));
    });
    group.finish();

    // What redaction costs per attribute: every span attribute and log
    // field goes through both checks.
    let redactor = seam::redact::Redactor::schema();
    let mut group = c.benchmark_group("redact");
    group.bench_function("key_not_sensitive", |b| {
        b.iter(|| redactor.is_sensitive_key(std::hint::black_box("seam.boundary.kind")))
    });
    group.bench_function("key_pattern_hit", |b| {
        b.iter(|| redactor.is_sensitive_key(std::hint::black_box("db.password")))
    });
    group.bench_function("value_clean", |b| {
        b.iter(|| redactor.value(std::hint::black_box("checkout.price")).len())
    });
    group.bench_function("value_ulid", |b| {
        b.iter(|| {
            redactor
                .value(std::hint::black_box("01JD4X7K2M9QZ8R6T5W3V1N0PA"))
                .len()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
