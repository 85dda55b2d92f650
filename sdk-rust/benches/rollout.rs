//! The per-call routing decision of `seam::rollout` (one atomic load, and in canary the
//! sticky hash of the correlation id), in baseline and canary modes, against a plain
//! function call. Target: 50 ns or less, and no allocation (tests/rollout_alloc.rs).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use open_feature::OpenFeature;
use opentelemetry::Context;
use seam::rollout::{InMemoryProvider, Mode, Rollout, Route};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::ThreadCpuTime;

/// What the decision is measured against: a call that does a little work.
#[inline(never)]
fn plain(input: &u64) -> u64 {
    input.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A rollout of `operation` on `route`, its flags in memory.
fn rollout(runtime: &tokio::runtime::Runtime, operation: &str, route: Route) -> Rollout<u64, u64> {
    let flags = InMemoryProvider::new();
    flags.set_route(operation, route);
    runtime.block_on(async {
        let mut api = OpenFeature::default();
        api.set_provider(flags).await;
        Rollout::builder(operation)
            .flags(api.create_client())
            .build()
            .await
            .expect("build")
    })
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let baseline = rollout(&runtime, "bench.baseline", Route::BASELINE);
    let canary = rollout(
        &runtime,
        "bench.canary",
        Route::new(Mode::Canary, 25.0).expect("route"),
    );
    // Canary calls are keyed by the correlation id of the current context.
    let _current =
        seam::propagation::with_correlation_id(&Context::new(), "01JD4X7K2M9QZ8R6T5W3V1N0PA")
            .attach();

    let mut group = c.benchmark_group("rollout");
    group.bench_function("plain_call", |b| {
        b.iter(|| black_box(plain(black_box(&42))))
    });
    group.bench_function("decide_baseline", |b| {
        b.iter(|| black_box(baseline.decide(black_box(&42))))
    });
    group.bench_function("decide_canary", |b| {
        b.iter(|| black_box(canary.decide(black_box(&42))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
