//! `seam::rollout` with real parts: the OpenTelemetry SDK exporting to its in-memory
//! exporter, real Tokio runtimes, and Seam's two OpenFeature providers behind a real
//! OpenFeature client.
#![cfg(feature = "rollout")]

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use open_feature::provider::FeatureProvider;
use open_feature::{Client, OpenFeature};
use opentelemetry::metrics::{Meter, MeterProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use seam::rollout::{
    bucket, mode_flag, percent_flag, with_deadline, Arm, EnvProvider, InMemoryProvider, Mode,
    Rollout, RolloutBuilder, RolloutError, Route,
};
use seam::semconv::metric;
use seam::{Classified, ErrorClass, Role};
use serde_json::Value as Json;

type Error = Classified<&'static str>;
type Answer = Result<u64, Error>;

/// One exported point.
#[derive(Debug, Clone)]
struct Point {
    name: String,
    unit: String,
    kind: &'static str,
    attributes: BTreeMap<String, String>,
    value: f64,
}

/// A meter provider exporting to the SDK's in-memory exporter, read on demand.
struct Metrics {
    provider: SdkMeterProvider,
    exporter: InMemoryMetricExporter,
}

impl Metrics {
    fn new() -> Self {
        let exporter = InMemoryMetricExporter::default();
        let reader = PeriodicReader::builder(exporter.clone())
            .with_interval(Duration::from_secs(3600))
            .build();
        Metrics {
            provider: SdkMeterProvider::builder().with_reader(reader).build(),
            exporter,
        }
    }

    fn meter(&self) -> Meter {
        self.provider.meter("rollout-test")
    }

    /// Every point exported now.
    fn points(&self) -> Vec<Point> {
        self.exporter.reset();
        self.provider.force_flush().expect("flush");
        let exported = self.exporter.get_finished_metrics().expect("metrics");
        let mut points = Vec::new();
        for metric in exported
            .iter()
            .flat_map(|rm| rm.scope_metrics())
            .flat_map(|sm| sm.metrics())
        {
            let mut add = |kind, attributes: &mut dyn Iterator<Item = &KeyValue>, value| {
                points.push(Point {
                    name: metric.name().to_owned(),
                    unit: metric.unit().to_owned(),
                    kind,
                    attributes: attributes
                        .map(|kv| (kv.key.to_string(), kv.value.to_string()))
                        .collect(),
                    value,
                })
            };
            match metric.data() {
                AggregatedMetrics::U64(MetricData::Sum(sum)) => {
                    let kind = if sum.is_monotonic() {
                        "counter"
                    } else {
                        "updowncounter"
                    };
                    for p in sum.data_points() {
                        add(kind, &mut p.attributes(), p.value() as f64);
                    }
                }
                AggregatedMetrics::F64(MetricData::Gauge(gauge)) => {
                    for p in gauge.data_points() {
                        add("gauge", &mut p.attributes(), p.value());
                    }
                }
                _ => add("unexpected", &mut std::iter::empty(), 0.0),
            }
        }
        points
    }

    /// The sum of `name`'s points that carry every one of `attributes`.
    fn value(&self, name: &str, attributes: &[(&str, &str)]) -> f64 {
        self.points()
            .iter()
            .filter(|p| p.name == name)
            .filter(|p| {
                attributes
                    .iter()
                    .all(|(k, v)| p.attributes.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|p| p.value)
            .sum()
    }
}

/// A client of a private OpenFeature API with `provider`.
async fn client(provider: impl FeatureProvider) -> Client {
    let mut api = OpenFeature::default();
    api.set_provider(provider).await;
    api.create_client()
}

async fn build(
    operation: &str,
    flags: Client,
    metrics: &Metrics,
    tweak: impl FnOnce(RolloutBuilder<u64, u64>) -> RolloutBuilder<u64, u64>,
) -> Rollout<u64, u64> {
    let builder = Rollout::builder(operation)
        .flags(flags)
        .meter(metrics.meter())
        .poll_interval(Duration::from_millis(10));
    tweak(builder).build().await.expect("build")
}

/// Waits (at most 3 s) for `done`.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(3);
    while !done() {
        assert!(Instant::now() < until, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn doubles(x: u64) -> Answer {
    Ok(x * 2)
}
async fn panics(_: u64) -> Answer {
    panic!("injected candidate panic")
}
async fn hangs(_: u64) -> Answer {
    tokio::time::sleep(Duration::from_secs(10)).await;
    Ok(0)
}
async fn garbage(_: u64) -> Answer {
    Ok(7)
}
async fn fails(_: u64) -> Answer {
    Err(Classified::new("candidate down", ErrorClass::Internal))
}
async fn unavailable(_: u64) -> Answer {
    Err(Classified::new("baseline down", ErrorClass::Unavailable))
}

const COMPARISONS: &str = metric::SEAM_ROLLOUT_SHADOW_COMPARISONS;
const DECISIONS: &str = metric::SEAM_ROLLOUT_DECISIONS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shadow_never_changes_the_result_and_the_call_returns_within_its_budget() {
    let (op, metrics, flags) = ("test.shadow", Metrics::new(), InMemoryProvider::new());
    flags.set_route(op, Route::with_default_share(Mode::Shadow).expect("route"));
    let rollout = build(op, client(flags).await, &metrics, |b| {
        b.shadow_wait(Duration::from_millis(20))
            .shadow_deadline(Duration::from_millis(100))
    })
    .await;

    async fn check<CF>(rollout: &Rollout<u64, u64>, candidate: fn(u64) -> CF)
    where
        CF: Future<Output = Answer> + Send + 'static,
    {
        let started = Instant::now();
        let got = rollout.call(21, doubles, candidate).await;
        assert_eq!(got.ok(), Some(42), "the baseline's result");
        // A behavioural bound (the hang is 10 s, the wait 20 ms), not a performance one.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    check(&rollout, panics).await;
    check(&rollout, hangs).await;
    check(&rollout, garbage).await;
    check(&rollout, fails).await;
    check(&rollout, doubles).await;
    // The baseline's error is the call's, whatever the shadow said.
    let got = rollout.call(21, unavailable, doubles).await;
    assert!(matches!(got, Err(RolloutError::Baseline(_))), "{got:?}");

    let want = [
        ("panic", 1.0),
        ("timeout", 1.0),
        ("mismatch", 2.0),
        ("candidate_error", 1.0),
        ("match", 1.0),
        ("skipped", 0.0),
    ];
    // Judged in the background: the hung one at its deadline, the panic once the panic
    // hook has printed it (with a backtrace, that can take a while).
    eventually("every shadow judged", || {
        metrics.value(COMPARISONS, &[]) == 6.0
    })
    .await;
    for (outcome, n) in want {
        let got = metrics.value(COMPARISONS, &[("seam.shadow.outcome", outcome)]);
        assert_eq!(got, n, "seam.shadow.outcome={outcome}");
    }
    let decided = [("seam.rollout.mode", "shadow"), ("seam.impl", "go")];
    assert_eq!(metrics.value(DECISIONS, &decided), 6.0);
    assert!(!rollout.is_tripped());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shadow_past_the_concurrency_cap_is_skipped() {
    let (op, metrics, flags) = ("test.cap", Metrics::new(), InMemoryProvider::new());
    flags.set_route(op, Route::with_default_share(Mode::Shadow).expect("route"));
    let rollout = build(op, client(flags).await, &metrics, |b| {
        b.shadow_concurrency(2)
            .shadow_deadline(Duration::from_secs(5))
    })
    .await;
    for _ in 0..5 {
        assert_eq!(rollout.call(21, doubles, hangs).await.ok(), Some(42));
    }
    let skipped = metrics.value(COMPARISONS, &[("seam.shadow.outcome", "skipped")]);
    assert_eq!(skipped, 3.0, "two hung shadows hold the cap");
}

#[tokio::test(flavor = "current_thread")]
async fn a_sticky_canary_serves_its_share_and_one_key_always_one_arm() {
    let (op, metrics, flags) = ("test.sticky", Metrics::new(), InMemoryProvider::new());
    let rollout = build(op, client(flags.clone()).await, &metrics, |b| b).await;
    for percent in [1.0, 25.0, 50.0] {
        flags.set_route(op, Route::new(Mode::Canary, percent).expect("route"));
        rollout.refresh().await;
        let mut served = 0u32;
        for i in 0..100_000 {
            let cx =
                seam::propagation::with_correlation_id(&Context::new(), format!("customer-{i}"));
            let _current = cx.attach();
            served += u32::from(rollout.decide(&0).arm == Arm::Candidate);
        }
        let share = f64::from(served) / 1000.0;
        assert!((share - percent).abs() <= 1.0, "{share} % for {percent} %");
    }

    // One key, one arm: the same as the bucket says, every time, keyed by the caller too.
    flags.set_route(op, Route::new(Mode::Canary, 30.0).expect("route"));
    let keyed = build(op, client(flags).await, &metrics, |b| {
        b.sticky_key(|x: &u64| format!("order-{x}"))
    })
    .await;
    rollout.refresh().await;
    for i in 0..1000u64 {
        let key = format!("order-{i}");
        let want = if bucket(op, &key) < 3000 {
            Arm::Candidate
        } else {
            Arm::Baseline
        };
        let cx = seam::propagation::with_correlation_id(&Context::new(), key.clone());
        let _current = cx.attach();
        for _ in 0..3 {
            assert_eq!(rollout.decide(&0).arm, want, "{key} by correlation id");
            assert_eq!(keyed.decide(&i).arm, want, "{key} by the caller's key");
        }
    }
}

/// A candidate that counts its calls.
fn counting(calls: &Arc<AtomicU32>) -> impl FnOnce(u64) -> std::future::Ready<Answer> {
    let calls = calls.clone();
    move |x| {
        calls.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(x * 2))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kill_switch_trips_on_panics_stays_tripped_and_reenables_on_a_flag_change() {
    let (op, metrics, flags) = ("test.kill", Metrics::new(), InMemoryProvider::new());
    flags.set_route(op, Route::CANDIDATE);
    let rollout = build(op, client(flags.clone()).await, &metrics, |b| b).await;
    // More than 5 panics in the window: the sixth trips it; the fallback serves each.
    for i in 1..=6 {
        assert_eq!(rollout.call(21, doubles, panics).await.ok(), Some(42));
        assert_eq!(rollout.is_tripped(), i == 6, "after {i} panics");
    }
    assert_eq!(rollout.route(), Route::BASELINE);
    let trips = metric::SEAM_ROLLOUT_TRIPS;
    assert_eq!(
        metrics.value(trips, &[("seam.rollout.trip.reason", "panics")]),
        1.0
    );
    let state = |mode| metrics.value(metric::SEAM_ROLLOUT_STATE, &[("seam.rollout.mode", mode)]);
    assert_eq!((state("baseline"), state("candidate")), (1.0, 0.0));
    assert_eq!(
        metrics.value(metric::SEAM_ROLLOUT_CANDIDATE_SHARE, &[]),
        0.0
    );

    // A healthy candidate afterwards, over many polls: still the baseline, never itself.
    let calls = Arc::new(AtomicU32::new(0));
    for _ in 0..20 {
        assert_eq!(
            rollout.call(21, doubles, counting(&calls)).await.ok(),
            Some(42)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "the candidate ran while tripped"
    );
    assert!(rollout.is_tripped());

    // The operator changes the flags away from the trip's: re-enabled, windows cleared.
    let canary = Route::new(Mode::Canary, 100.0).expect("route");
    flags.set_route(op, canary);
    eventually("re-enabled by the flag change", || !rollout.is_tripped()).await;
    assert_eq!(rollout.route(), canary);
    assert_eq!(
        rollout.call(21, doubles, counting(&calls)).await.ok(),
        Some(42)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // One panic after re-enabling does not trip it: the five before are forgotten.
    assert_eq!(rollout.call(21, doubles, panics).await.ok(), Some(42));
    assert!(!rollout.is_tripped());
    let rust = [("seam.rollout.mode", "canary"), ("seam.impl", "rust")];
    assert_eq!(metrics.value(DECISIONS, &rust), 2.0);

    // Tripped again, and re-enabled by reset() on the same flags.
    for _ in 0..6 {
        let _ = rollout.call(21, doubles, panics).await;
    }
    assert!(rollout.is_tripped());
    rollout.reset();
    assert_eq!(rollout.route(), canary);
    assert_eq!(
        metrics.value(trips, &[("seam.rollout.trip.reason", "panics")]),
        2.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_flag_changes_apply_without_rebuilding() {
    let (op, metrics, flags) = ("test.flags", Metrics::new(), InMemoryProvider::new());
    let rollout = build(op, client(flags.clone()).await, &metrics, |b| b).await;
    assert_eq!(rollout.route(), Route::BASELINE, "no flags: the baseline");
    let routes = [
        Route::new(Mode::Shadow, 50.0).expect("route"),
        Route::new(Mode::Canary, 5.0).expect("route"),
        Route::CANDIDATE,
    ];
    for route in routes {
        flags.set_route(op, route);
        eventually(&format!("route {route}"), || rollout.route() == route).await;
        let share = metrics.value(metric::SEAM_ROLLOUT_CANDIDATE_SHARE, &[]);
        assert_eq!(share, route.candidate_share(), "{route}");
    }
    flags.clear_route(op);
    eventually("back to the baseline", || {
        rollout.route() == Route::BASELINE
    })
    .await;

    // Invalid values are the baseline; a percent is rounded to a basis point.
    let (mode, percent) = (mode_flag(op), percent_flag(op));
    flags.set_flag(&mode, "canary");
    flags.set_flag(&percent, 12.345);
    let rounded = Route::new(Mode::Canary, 12.35).expect("route");
    eventually("canary:12.35", || rollout.route() == rounded).await;
    for (key, value) in [
        (&percent, open_feature::Value::Float(150.0)),
        (&percent, open_feature::Value::Float(f64::NAN)),
        (&percent, open_feature::Value::String("lots".to_owned())),
        (&mode, open_feature::Value::String("primary".to_owned())),
    ] {
        flags.set_flag(&mode, "canary");
        flags.set_flag(&percent, 20.0);
        eventually("canary:20", || rollout.route().percent() == 20.0).await;
        flags.set_flag(key, value.clone());
        eventually(&format!("{key}={value:?} is the baseline"), || {
            rollout.route() == Route::BASELINE
        })
        .await;
    }
    flags.set_flag(&mode, "canary");
    flags.remove_flag(&percent);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(rollout.route(), Route::BASELINE, "canary without a percent");
}

/// A file of its own under the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("seam-rollout-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempFile(dir.join(name))
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.0, text).expect("write");
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_and_file_flag_changes_apply_without_rebuilding() {
    let (op, metrics) = ("test.file", Metrics::new());
    let file = TempFile::new("routes");
    file.write("test.file=shadow\n");
    let provider = EnvProvider::new(
        "test.file=canary:5, test.other=candidate",
        Some(file.0.clone()),
    )
    .expect("provider");
    let routes = provider.routes();
    assert_eq!(
        routes["test.other"],
        Route::CANDIDATE,
        "from the environment"
    );
    let rollout = build(op, client(provider).await, &metrics, |b| b).await;
    let shadow = Route::with_default_share(Mode::Shadow).expect("route");
    assert_eq!(rollout.route(), shadow, "the file wins per operation");

    file.write("# the candidate now\ntest.file=candidate\n");
    eventually("the rewritten file", || rollout.route() == Route::CANDIDATE).await;
    // A file that no longer parses keeps the last good routes.
    file.write("test.file=bogus\n");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(rollout.route(), Route::CANDIDATE);
    // An entry gone from the file leaves the environment's.
    file.write("");
    let canary = Route::new(Mode::Canary, 5.0).expect("route");
    eventually("the environment's entry", || rollout.route() == canary).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_arm_runs_as_its_role_and_failures_are_reported_whole() {
    let (op, metrics, flags) = ("test.roles", Metrics::new(), InMemoryProvider::new());
    let rollout = build(op, client(flags.clone()).await, &metrics, |b| {
        b.shadow_wait(Duration::from_secs(1))
    })
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let role = |tag: &'static str, fail: bool| {
        let seen = seen.clone();
        move |x: u64| async move {
            let role = Role::from_context(&Context::current());
            seen.lock().expect("lock").push((tag, role));
            if fail {
                Err(Classified::new("failed", ErrorClass::Internal))
            } else {
                Ok(x)
            }
        }
    };
    let run = |route: Route, fail_candidate: bool| {
        flags.set_route(op, route);
        let rollout = rollout.clone();
        let (baseline, candidate) = (role("baseline", false), role("candidate", fail_candidate));
        async move {
            rollout.refresh().await;
            rollout.call(1, baseline, candidate).await
        }
    };
    run(Route::BASELINE, false).await.expect("baseline");
    run(
        Route::with_default_share(Mode::Shadow).expect("route"),
        false,
    )
    .await
    .expect("shadow");
    run(Route::CANDIDATE, true).await.expect("fallback");
    let seen = std::mem::take(&mut *seen.lock().expect("lock"));
    let want = [
        ("baseline", Some(Role::Baseline)),
        ("baseline", Some(Role::Baseline)),
        ("candidate", Some(Role::Shadow)),
        ("candidate", Some(Role::Candidate)),
        ("baseline", Some(Role::Fallback)),
    ];
    // Shadow and baseline run at once: compared in any order.
    let sorted = |runs: &[(&str, Option<Role>)]| {
        let mut runs: Vec<String> = runs.iter().map(|run| format!("{run:?}")).collect();
        runs.sort();
        runs
    };
    assert_eq!(sorted(&seen), sorted(&want));

    // Both fail: both errors come back. Past the deadline: no fallback.
    let both = rollout.call(1, unavailable, fails).await;
    match both {
        Err(RolloutError::Both {
            candidate,
            fallback,
        }) => {
            assert_eq!(candidate.class(), ErrorClass::Internal);
            assert_eq!(fallback.class, ErrorClass::Unavailable);
        }
        other => panic!("want both errors, got {other:?}"),
    }
    let late = with_deadline(&Context::current(), Instant::now());
    let _current = late.attach();
    let got = rollout.call(1, doubles, fails).await;
    assert!(matches!(got, Err(RolloutError::Candidate(_))), "{got:?}");
}

/// The schema's view of a metric: unit, instrument and attribute keys, and the values
/// each enum attribute may take.
struct Schema {
    metrics: BTreeMap<String, (String, String, BTreeSet<String>)>,
    enums: BTreeMap<String, BTreeSet<String>>,
}

fn schema() -> Schema {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/resolved.json");
    let text = std::fs::read_to_string(path).expect("read resolved.json");
    let json: Json = serde_json::from_str(&text).expect("resolved.json");
    let text_of = |v: &Json| v.as_str().expect("a string").to_owned();
    let metrics = json["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| {
            let attributes = m["attributes"]
                .as_array()
                .expect("attributes")
                .iter()
                .map(|a| text_of(&a["id"]))
                .collect();
            (
                text_of(&m["name"]),
                (text_of(&m["unit"]), text_of(&m["instrument"]), attributes),
            )
        })
        .collect();
    let enums = json["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter_map(|a| {
            let members = a["type"]["members"].as_array()?;
            Some((
                text_of(&a["id"]),
                members.iter().map(|m| text_of(&m["value"])).collect(),
            ))
        })
        .collect();
    Schema { metrics, enums }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rollout_metric_is_exported_as_the_schema_says() {
    let (op, metrics, flags) = ("test.schema", Metrics::new(), InMemoryProvider::new());
    flags.set_route(op, Route::with_default_share(Mode::Shadow).expect("route"));
    let rollout = build(op, client(flags.clone()).await, &metrics, |b| {
        b.shadow_wait(Duration::from_secs(1))
    })
    .await;
    rollout.call(1, doubles, garbage).await.expect("shadow");
    flags.set_route(op, Route::CANDIDATE);
    rollout.refresh().await;
    for _ in 0..6 {
        rollout.call(1, doubles, panics).await.expect("fallback");
    }
    assert!(rollout.is_tripped());

    let schema = schema();
    let points: Vec<Point> = metrics
        .points()
        .into_iter()
        .filter(|p| p.name.starts_with("seam.rollout."))
        .collect();
    let mut wrong = Vec::new();
    for p in &points {
        let Some((unit, kind, keys)) = schema.metrics.get(&p.name) else {
            wrong.push(format!("{} is not in the schema", p.name));
            continue;
        };
        if (&p.unit, p.kind) != (unit, kind.as_str()) {
            wrong.push(format!(
                "{}: {} {}, want {unit} {kind}",
                p.name, p.unit, p.kind
            ));
        }
        let got: BTreeSet<String> = p.attributes.keys().cloned().collect();
        if &got != keys {
            wrong.push(format!("{}: attributes {got:?}, want {keys:?}", p.name));
        }
        for (key, value) in &p.attributes {
            if schema
                .enums
                .get(key)
                .is_some_and(|values| !values.contains(value))
            {
                wrong.push(format!(
                    "{}: {key}={value} is not one of the schema's",
                    p.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let names: BTreeSet<&str> = points.iter().map(|p| p.name.as_str()).collect();
    let want: BTreeSet<&str> = schema
        .metrics
        .keys()
        .map(String::as_str)
        .filter(|n| n.starts_with("seam.rollout."))
        .collect();
    assert_eq!(names, want, "every rollout metric exported");
    // The state gauge has a point per mode: 1 for the one in force, 0 for the rest.
    let states: Vec<f64> = points
        .iter()
        .filter(|p| p.name == metric::SEAM_ROLLOUT_STATE)
        .map(|p| p.value)
        .collect();
    assert_eq!(states.len(), 4);
    assert_eq!(states.iter().sum::<f64>(), 1.0);
}
