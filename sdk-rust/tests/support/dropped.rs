//! Reading `seam.telemetry.dropped` out of what the receiver got.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value;
use seam::semconv::{attribute, metric};

/// `seam.telemetry.dropped` by (signal, reason) in the newest metrics
/// export that has it, checking its unit, monotonicity and attribute keys.
pub fn dropped(requests: &[ExportMetricsServiceRequest]) -> Option<Vec<(String, String, u64)>> {
    let m = requests
        .iter()
        .rev()
        .flat_map(|r| &r.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .find(|m| m.name == metric::SEAM_TELEMETRY_DROPPED)?;
    assert_eq!(m.unit, "{item}");
    let Some(Data::Sum(sum)) = &m.data else {
        panic!("{} is not a sum: {:?}", m.name, m.data)
    };
    assert!(sum.is_monotonic);
    let text = |key: &str, p: &[opentelemetry_proto::tonic::common::v1::KeyValue]| {
        p.iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref()?.value.as_ref())
            .map(|v| match v {
                AnyValue::StringValue(s) => s.clone(),
                other => panic!("{key} = {other:?}"),
            })
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    Some(
        sum.data_points
            .iter()
            .map(|p| {
                assert_eq!(p.attributes.len(), 2, "{:?}", p.attributes);
                let Some(Value::AsInt(n)) = p.value else {
                    panic!("value {:?}", p.value)
                };
                (
                    text(attribute::SEAM_TELEMETRY_SIGNAL, &p.attributes),
                    text(attribute::SEAM_TELEMETRY_REASON, &p.attributes),
                    u64::try_from(n).expect("a count"),
                )
            })
            .collect(),
    )
}

pub fn count(points: &[(String, String, u64)], signal: &str, reason: &str) -> u64 {
    points
        .iter()
        .find(|(s, r, _)| s == signal && r == reason)
        .map_or(0, |p| p.2)
}
