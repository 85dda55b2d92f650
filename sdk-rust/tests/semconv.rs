//! The generated constants agree with the schema's conformance vectors.

use seam::semconv::{self, Instrument};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/testdata/conformance/metrics.json"
    );
    let raw = std::fs::read_to_string(path).expect("read metrics.json");
    serde_json::from_str(&raw).expect("parse metrics.json")
}

fn instrument_name(i: Instrument) -> &'static str {
    match i {
        Instrument::Counter => "counter",
        Instrument::UpDownCounter => "updowncounter",
        Instrument::Gauge => "gauge",
        Instrument::Histogram => "histogram",
    }
}

#[test]
fn metrics_match_conformance_vectors() {
    let want = vectors();
    assert_eq!(want.len(), semconv::METRICS.len());
    for (w, g) in want.iter().zip(semconv::METRICS) {
        assert_eq!(w["name"], g.name);
        assert_eq!(w["instrument"], instrument_name(g.instrument), "{}", g.name);
        assert_eq!(w["unit"], g.unit, "{}", g.name);
        assert_eq!(w["description"], g.description, "{}", g.name);
        let bounds: Vec<f64> = w["boundaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_f64().unwrap())
            .collect();
        assert_eq!(bounds, g.boundaries, "{}", g.name);
        let attrs: Vec<&str> = w["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(attrs, g.attributes, "{}", g.name);
        assert_eq!(
            w["series_limit"].as_u64().unwrap() as usize,
            g.series_limit,
            "{}",
            g.name
        );
    }
}

#[test]
fn metric_lookup_finds_every_metric() {
    for m in semconv::METRICS {
        assert_eq!(semconv::metric(m.name).map(|d| d.name), Some(m.name));
    }
    assert!(semconv::metric("no.such.metric").is_none());
    let op = semconv::metric(semconv::metric::SEAM_OPERATION_DURATION).unwrap();
    assert_eq!(op.boundaries, semconv::buckets::LATENCY);
    assert_eq!(op.unit, "s");
}

#[test]
fn log_levels_and_fields_follow_the_schema() {
    let names: Vec<&str> = semconv::log::LEVELS.iter().map(|l| l.name).collect();
    assert_eq!(names, ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]);
    assert_eq!(semconv::log::SEVERITY_ERROR, 17);
    assert_eq!(semconv::log::FIELDS[0], "time");
    assert_eq!(
        semconv::log::FIELDS.last(),
        Some(&semconv::attribute::SEAM_CORRELATION_ID)
    );
    assert_eq!(semconv::enums::seam_impl::RUST, "rust");
    assert_eq!(semconv::limits::SEAM_OPERATION_OVERFLOW_VALUE, "_other");
}
