//! The routing decision allocates nothing: counted by Seam's allocator wrapper, installed
//! in this test binary alone (its one test, so no other test allocates beside it).
#![cfg(feature = "rollout")]

use std::alloc::System;

use open_feature::OpenFeature;
use opentelemetry::Context;
use seam::alloc::{stats, Counting};
use seam::rollout::{Arm, InMemoryProvider, Mode, Rollout, Route};

#[global_allocator]
static ALLOC: Counting<System> = Counting::new(System);

#[tokio::test(flavor = "current_thread")]
async fn deciding_allocates_nothing_in_any_mode() {
    let routes = [
        Route::BASELINE,
        Route::with_default_share(Mode::Shadow).expect("route"),
        Route::new(Mode::Canary, 25.0).expect("route"),
        Route::CANDIDATE,
    ];
    let flags = InMemoryProvider::new();
    let mut api = OpenFeature::default();
    api.set_provider(flags.clone()).await;
    let mut rollouts = Vec::new();
    for (i, route) in routes.into_iter().enumerate() {
        let operation = format!("alloc.mode{i}");
        flags.set_route(&operation, route);
        let rollout: Rollout<u64, u64> = Rollout::builder(&operation)
            .flags(api.create_client())
            .build()
            .await
            .expect("build");
        assert_eq!(rollout.route(), route);
        rollouts.push(rollout);
    }
    let cx = seam::propagation::with_correlation_id(&Context::new(), "01JD4X7K2M9QZ8R6T5W3V1N0PA");
    let _current = cx.attach();
    let mut arms = [0u32; 3];
    // Warm: thread-locals and the like are set up before counting.
    for rollout in &rollouts {
        std::hint::black_box(rollout.decide(&1));
    }
    let before = stats().allocations;
    for rollout in &rollouts {
        for i in 0..10_000u64 {
            let arm = std::hint::black_box(rollout.decide(&i)).arm;
            arms[match arm {
                Arm::Baseline => 0,
                Arm::Shadow => 1,
                Arm::Candidate => 2,
            }] += 1;
        }
    }
    let after = stats().allocations;
    assert_eq!(after - before, 0, "allocations in 40000 decisions");
    // Every arm was decided (the key is one, so canary and shadow are all-or-nothing).
    assert!(arms.iter().all(|&n| n > 0), "{arms:?}");
}
