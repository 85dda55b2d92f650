//! The rollout spec: what `SEAM_ROLLOUT` holds, and each line of `SEAM_ROLLOUT_FILE`.

use std::collections::BTreeMap;
use std::fmt;

use super::mode::{Mode, Route};
use crate::operation::valid_name;

/// A spec that was refused, with every bad entry it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    problems: Vec<String>,
}

impl SpecError {
    pub(crate) fn new(problems: Vec<String>) -> Self {
        SpecError { problems }
    }

    /// What is wrong with each bad entry, naming it.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rollout spec: {}", self.problems.join("; "))
    }
}

impl std::error::Error for SpecError {}

/// Reads routes in the form `SEAM_ROLLOUT` and each line of `SEAM_ROLLOUT_FILE` take:
/// entries `operation=mode[:percent]`, separated by commas or lines, `#` starting a
/// comment, whitespace trimmed and empty entries ignored:
///
/// ```
/// # #[cfg(feature = "rollout")] {
/// let routes = seam::rollout::parse_spec("pricing.quote=shadow, pricing.fingerprint=canary:25")?;
/// assert_eq!(routes["pricing.fingerprint"].percent(), 25.0);
/// # }
/// # Ok::<(), seam::rollout::SpecError>(())
/// ```
///
/// Shadow defaults to 100 (every call shadowed), canary needs a percent, baseline and
/// candidate take none; percents go from 0 to 100 in steps of 0.01. An operation given
/// twice is an error, and every bad entry is named in the one error returned.
pub fn parse_spec(spec: &str) -> Result<BTreeMap<String, Route>, SpecError> {
    let mut routes = BTreeMap::new();
    let mut problems = Vec::new();
    for line in spec.lines() {
        let line = line.split_once('#').map_or(line, |(before, _)| before);
        for entry in line.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match parse_entry(entry) {
                Ok((operation, _)) if routes.contains_key(operation) => {
                    problems.push(format!("{operation}: given twice"));
                }
                Ok((operation, route)) => {
                    routes.insert(operation.to_owned(), route);
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    if problems.is_empty() {
        Ok(routes)
    } else {
        Err(SpecError::new(problems))
    }
}

/// One `operation=mode[:percent]`.
fn parse_entry(entry: &str) -> Result<(&str, Route), String> {
    let Some((operation, value)) = entry.split_once('=') else {
        return Err(format!("{entry:?}: want operation=mode[:percent]"));
    };
    let (operation, value) = (operation.trim(), value.trim());
    if !valid_name(operation) {
        return Err(format!(
            "{operation:?}: operation outside the schema's grammar for seam.operation"
        ));
    }
    let (name, percent) = match value.split_once(':') {
        Some((name, percent)) => (name.trim(), Some(percent.trim())),
        None => (value, None),
    };
    let mode: Mode = name
        .parse()
        .map_err(|err| format!("{operation}={value}: {err}"))?;
    let route = match percent {
        None => Route::with_default_share(mode),
        Some(text) => {
            let percent = parse_percent(text).ok_or_else(|| {
                format!("{operation}={value}: percent {text:?}: want 0 to 100 in steps of 0.01")
            })?;
            Route::new(mode, percent)
        }
    };
    route
        .map(|route| (operation, route))
        .map_err(|err| format!("{operation}={value}: {err}"))
}

/// A percent from 0 to 100 in whole basis points; a spec is written by hand, so a finer
/// share is refused rather than rounded.
fn parse_percent(text: &str) -> Option<f64> {
    let p: f64 = text.parse().ok()?;
    let in_steps = (p * 100.0 - (p * 100.0).round()).abs() <= 1e-6;
    ((0.0..=100.0).contains(&p) && in_steps).then_some(p)
}
