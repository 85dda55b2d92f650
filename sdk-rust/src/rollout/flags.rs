//! The route an operation's OpenFeature flags ask for: `seam.rollout.<operation>.mode`
//! (a string) and `seam.rollout.<operation>.percent` (a number from 0 to 100).

use std::collections::HashSet;
use std::fmt::Display;
use std::sync::{Arc, Mutex};

use open_feature::{Client, EvaluationError, EvaluationErrorCode};

use super::mode::{Mode, Route};

const PREFIX: &str = "seam.rollout.";
const MODE_SUFFIX: &str = ".mode";
const PERCENT_SUFFIX: &str = ".percent";

/// The flag key of `operation`'s mode: `seam.rollout.<operation>.mode`.
pub fn mode_flag(operation: &str) -> String {
    format!("{PREFIX}{operation}{MODE_SUFFIX}")
}

/// The flag key of `operation`'s percent: `seam.rollout.<operation>.percent`.
pub fn percent_flag(operation: &str) -> String {
    format!("{PREFIX}{operation}{PERCENT_SUFFIX}")
}

/// Which of an operation's two flags a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FlagKind {
    Mode,
    Percent,
}

/// The operation and kind of a rollout flag key.
pub(crate) fn parse_flag_key(key: &str) -> Option<(&str, FlagKind)> {
    let rest = key.strip_prefix(PREFIX)?;
    if let Some(operation) = rest.strip_suffix(MODE_SUFFIX) {
        return Some((operation, FlagKind::Mode));
    }
    rest.strip_suffix(PERCENT_SUFFIX)
        .map(|operation| (operation, FlagKind::Percent))
}

/// Distinct problems reported, at most this many: past it nothing more is logged, so a
/// flag that keeps changing to new bad values cannot grow the set without bound.
const MAX_REPORTED: usize = 64;

/// Reads one operation's flags.
pub(crate) struct FlagReader {
    client: Client,
    operation: Arc<str>,
    mode_key: String,
    percent_key: String,
    reported: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for FlagReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlagReader")
            .field("mode_key", &self.mode_key)
            .field("percent_key", &self.percent_key)
            .finish_non_exhaustive()
    }
}

impl FlagReader {
    pub(crate) fn new(client: Client, operation: Arc<str>) -> Self {
        FlagReader {
            client,
            mode_key: mode_flag(&operation),
            percent_key: percent_flag(&operation),
            operation,
            reported: Mutex::new(HashSet::new()),
        }
    }

    /// The route the flags ask for now, as Go's `routeFromFlags` reads them. A missing
    /// mode flag is the baseline; a missing percent is the mode's default (canary has
    /// none). An invalid value (an unknown mode, a percent that is not a number from 0 to
    /// 100, a flag of another type) or a provider that cannot answer is the baseline,
    /// logged once per distinct problem. A percent is rounded to the nearest basis point;
    /// baseline and candidate have a fixed share, so their percent flag is not read.
    pub(crate) async fn read(&self) -> Route {
        let mode = match self
            .client
            .get_string_value(&self.mode_key, None, None)
            .await
        {
            Ok(mode) => mode,
            Err(err) => return self.failed(&self.mode_key, &err),
        };
        let mode: Mode = match mode.parse() {
            Ok(mode) => mode,
            Err(err) => return self.invalid(&self.mode_key, err),
        };
        if matches!(mode, Mode::Baseline | Mode::Candidate) {
            return Route::with_default_share(mode).unwrap_or_default();
        }
        let percent = match self.percent().await {
            Ok(percent) => percent,
            Err(read) => return read,
        };
        let route = match percent {
            None => Route::with_default_share(mode),
            Some(percent) => Route::new(mode, percent),
        };
        match route {
            Ok(route) => route,
            Err(err) => self.invalid(&self.percent_key, format!("{mode}: {err}")),
        }
    }

    /// The percent flag, `None` when it is missing; a whole number is taken too.
    async fn percent(&self) -> Result<Option<f64>, Route> {
        let key = &self.percent_key;
        match self.client.get_float_value(key, None, None).await {
            Ok(percent) => Ok(Some(percent)),
            Err(err) if err.code == EvaluationErrorCode::TypeMismatch => {
                match self.client.get_int_value(key, None, None).await {
                    // Percents are at most 100: the conversion is exact where it matters.
                    Ok(percent) => Ok(Some(percent as f64)),
                    Err(_) => Err(self.failed(key, &err)),
                }
            }
            Err(err) if err.code == EvaluationErrorCode::FlagNotFound => Ok(None),
            Err(err) => Err(self.failed(key, &err)),
        }
    }

    /// What a failed evaluation of `key` means: the baseline, logged unless the flag is
    /// simply not there.
    fn failed(&self, key: &str, err: &EvaluationError) -> Route {
        if err.code == EvaluationErrorCode::FlagNotFound {
            return Route::BASELINE;
        }
        match &err.message {
            Some(message) => self.invalid(key, format_args!("{}: {message}", err.code)),
            None => self.invalid(key, &err.code),
        }
    }

    /// An invalid value: the baseline, logged the first time.
    fn invalid(&self, key: &str, why: impl Display) -> Route {
        let why = why.to_string();
        if self.first_time(format!("{key}: {why}")) {
            tracing::warn!(
                target: "seam",
                operation = %self.operation,
                flag = key,
                "seam: rollout flag not valid ({why}); the operation stays on its baseline"
            );
        }
        Route::BASELINE
    }

    fn first_time(&self, problem: String) -> bool {
        let mut reported = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        reported.len() < MAX_REPORTED && reported.insert(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_keys_name_the_operation() {
        assert_eq!(
            mode_flag("pricing.quote"),
            "seam.rollout.pricing.quote.mode"
        );
        assert_eq!(
            parse_flag_key(&percent_flag("pricing.quote")),
            Some(("pricing.quote", FlagKind::Percent))
        );
        assert_eq!(
            parse_flag_key("seam.rollout.a.mode"),
            Some(("a", FlagKind::Mode))
        );
        assert_eq!(parse_flag_key("other.flag"), None);
    }
}
