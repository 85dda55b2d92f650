//! The counting allocator against `System`, single-threaded and with 8
//! threads allocating at once, plus a single-shared-atomic counter for
//! comparison (the design the per-thread slots avoid).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Barrier;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::{thread_cpu_time, ThreadCpuTime};
use seam::alloc::Counting;

static COUNTING: Counting<System> = Counting::new(System);

/// Counts into one process-wide pair of atomics: every core writes the
/// same cache line.
struct SharedAtomic;
static SHARED_BYTES: AtomicU64 = AtomicU64::new(0);
static SHARED_COUNT: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to System unchanged; the counting touches atomics only.
unsafe impl GlobalAlloc for SharedAtomic {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        SHARED_BYTES.fetch_add(layout.size() as u64, Relaxed);
        SHARED_COUNT.fetch_add(1, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        SHARED_BYTES.fetch_sub(layout.size() as u64, Relaxed);
        System.dealloc(ptr, layout)
    }
}

/// One allocation and its free, of a small and a medium size.
fn churn<A: GlobalAlloc>(a: &A) {
    for size in [32usize, 512] {
        let layout = Layout::from_size_align(size, 8).expect("layout");
        // SAFETY: non-zero size; freed with the layout it was allocated with.
        unsafe {
            let p = a.alloc(layout);
            black_box(p);
            a.dealloc(p, layout);
        }
    }
}

const THREADS: usize = 8;

/// `iters` churns on each of THREADS threads started together; the figure
/// is the threads' CPU time per churn, averaged over the threads, so cache
/// lines bouncing between cores show up as longer churns.
fn contended<A: GlobalAlloc + Sync>(a: &A, iters: u64) -> Duration {
    let barrier = Barrier::new(THREADS);
    let total: Duration = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let start = thread_cpu_time();
                    for _ in 0..iters {
                        churn(a);
                    }
                    thread_cpu_time().saturating_sub(start)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    total / THREADS as u32
}

fn bench(c: &mut Criterion<ThreadCpuTime>) {
    let mut group = c.benchmark_group("alloc");
    group.bench_function("system", |b| b.iter(|| churn(&System)));
    group.bench_function("counting", |b| b.iter(|| churn(&COUNTING)));
    group.bench_function("shared_atomic", |b| b.iter(|| churn(&SharedAtomic)));
    group.bench_function("system_8_threads", |b| {
        b.iter_custom(|n| contended(&System, n))
    });
    group.bench_function("counting_8_threads", |b| {
        b.iter_custom(|n| contended(&COUNTING, n))
    });
    group.bench_function("shared_atomic_8_threads", |b| {
        b.iter_custom(|n| contended(&SharedAtomic, n))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
