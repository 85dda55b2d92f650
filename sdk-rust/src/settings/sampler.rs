//! `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`: the samplers
//! OpenTelemetry names without an extension, and their ratio.

use opentelemetry_sdk::trace::Sampler as SdkSampler;

use super::env::{Env, Problems};

const SAMPLER_VAR: &str = "OTEL_TRACES_SAMPLER";
const ARG_VAR: &str = "OTEL_TRACES_SAMPLER_ARG";

/// A sampler by its specification name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SamplerKind {
    AlwaysOn,
    AlwaysOff,
    TraceIdRatio,
    ParentBasedAlwaysOn,
    ParentBasedAlwaysOff,
    ParentBasedTraceIdRatio,
}

const KINDS: [(&str, SamplerKind); 6] = [
    ("always_on", SamplerKind::AlwaysOn),
    ("always_off", SamplerKind::AlwaysOff),
    ("traceidratio", SamplerKind::TraceIdRatio),
    ("parentbased_always_on", SamplerKind::ParentBasedAlwaysOn),
    ("parentbased_always_off", SamplerKind::ParentBasedAlwaysOff),
    (
        "parentbased_traceidratio",
        SamplerKind::ParentBasedTraceIdRatio,
    ),
];

/// The sampler and its ratio (used by the ratio samplers only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sampler {
    pub(crate) kind: SamplerKind,
    pub(crate) ratio: f64,
}

impl Sampler {
    /// Reads both variables; the default is `parentbased_always_on` with 1.0.
    /// A set argument must be a ratio in [0, 1] whichever the sampler.
    pub(crate) fn resolve(env: Env<'_>, problems: &mut Problems) -> Sampler {
        let names = KINDS.map(|(name, _)| name).join(", ");
        let kind = env.choice(
            SAMPLER_VAR,
            &KINDS,
            SamplerKind::ParentBasedAlwaysOn,
            problems,
            |raw| format!("unknown sampler {raw:?} (want one of {names})"),
        );
        let ratio = match env.text(ARG_VAR) {
            None => 1.0,
            Some(raw) => match raw.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => r,
                _ => {
                    problems.add(
                        ARG_VAR,
                        format!("want a ratio between 0 and 1, got {raw:?}"),
                    );
                    1.0
                }
            },
        };
        Sampler { kind, ratio }
    }

    /// The specification's name.
    #[cfg(test)]
    pub(crate) fn name(&self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self.kind)
            .map_or("parentbased_always_on", |(name, _)| name)
    }

    /// The SDK's sampler.
    pub(crate) fn to_sdk(self) -> SdkSampler {
        let ratio = SdkSampler::TraceIdRatioBased(self.ratio);
        match self.kind {
            SamplerKind::AlwaysOn => SdkSampler::AlwaysOn,
            SamplerKind::AlwaysOff => SdkSampler::AlwaysOff,
            SamplerKind::TraceIdRatio => ratio,
            SamplerKind::ParentBasedAlwaysOn => {
                SdkSampler::ParentBased(Box::new(SdkSampler::AlwaysOn))
            }
            SamplerKind::ParentBasedAlwaysOff => {
                SdkSampler::ParentBased(Box::new(SdkSampler::AlwaysOff))
            }
            SamplerKind::ParentBasedTraceIdRatio => SdkSampler::ParentBased(Box::new(ratio)),
        }
    }
}
