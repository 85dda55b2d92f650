//! `seam.rollout.mode` and a route: a mode with the candidate's share.

use std::fmt;
use std::str::FromStr;

use crate::semconv::enums::seam_rollout_mode;

/// How an operation's calls are split between its baseline and its candidate
/// (`seam.rollout.mode`), in the order a migration goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Only the baseline runs.
    #[default]
    Baseline,
    /// Both run and the baseline's result is returned; the candidate's is only compared.
    Shadow,
    /// A share of calls, sticky by key, is served by the candidate.
    Canary,
    /// The candidate serves every call, with the baseline as its fallback.
    Candidate,
}

impl Mode {
    /// Every mode, in declaration order.
    pub const ALL: [Mode; 4] = [Mode::Baseline, Mode::Shadow, Mode::Canary, Mode::Candidate];

    /// The schema's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Baseline => seam_rollout_mode::BASELINE,
            Mode::Shadow => seam_rollout_mode::SHADOW,
            Mode::Canary => seam_rollout_mode::CANARY,
            Mode::Candidate => seam_rollout_mode::CANDIDATE,
        }
    }

    /// A dense index, for per-mode tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The share a mode takes when none is given, in basis points; canary has none.
    fn default_basis_points(self) -> Option<u16> {
        match self {
            Mode::Baseline => Some(0),
            Mode::Shadow | Mode::Candidate => Some(BASIS_POINTS),
            Mode::Canary => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name that is not one of the schema's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMode(pub String);

impl fmt::Display for UnknownMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mode {:?}: want baseline, shadow, canary or candidate",
            self.0
        )
    }
}

impl std::error::Error for UnknownMode {}

impl FromStr for Mode {
    type Err = UnknownMode;

    fn from_str(s: &str) -> Result<Mode, UnknownMode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| UnknownMode(s.to_owned()))
    }
}

/// The whole of a share: 100 % in steps of 0.01 %.
pub(crate) const BASIS_POINTS: u16 = 10_000;

/// An operation's mode and the candidate's share of its calls: in canary the share the
/// candidate serves, in shadow the share of calls shadowed. Baseline takes 0 and
/// candidate 100. Shares are kept in basis points (0.01 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Route {
    mode: Mode,
    basis_points: u16,
}

/// A mode and percent that make no route.
#[derive(Debug, Clone, PartialEq)]
pub enum InvalidRoute {
    /// The percent is NaN or outside 0..=100.
    Percent(f64),
    /// Baseline and candidate have a fixed share.
    TakesNoShare(Mode, f64),
    /// Canary needs a share.
    NeedsPercent,
}

impl fmt::Display for InvalidRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidRoute::Percent(p) => write!(f, "percent {p}: want 0 to 100"),
            InvalidRoute::TakesNoShare(mode, p) => {
                write!(f, "{mode}:{p}: {mode} takes no share")
            }
            InvalidRoute::NeedsPercent => f.write_str("canary needs a percent (canary:PERCENT)"),
        }
    }
}

impl std::error::Error for InvalidRoute {}

impl Route {
    /// Only the baseline runs.
    pub const BASELINE: Route = Route {
        mode: Mode::Baseline,
        basis_points: 0,
    };

    /// The candidate serves every call.
    pub const CANDIDATE: Route = Route {
        mode: Mode::Candidate,
        basis_points: BASIS_POINTS,
    };

    /// `mode` with the candidate's share in percent, rounded to the nearest basis point.
    /// Baseline takes only 0 and candidate only 100.
    pub fn new(mode: Mode, percent: f64) -> Result<Route, InvalidRoute> {
        if percent.is_nan() || !(0.0..=100.0).contains(&percent) {
            return Err(InvalidRoute::Percent(percent));
        }
        // In range, so the product fits: 0..=10000.
        let basis_points = (percent * 100.0).round() as u16;
        if matches!(mode, Mode::Baseline | Mode::Candidate)
            && mode.default_basis_points() != Some(basis_points)
        {
            return Err(InvalidRoute::TakesNoShare(mode, percent));
        }
        Ok(Route { mode, basis_points })
    }

    /// `mode` with its default share: baseline 0, shadow and candidate 100; canary has
    /// none.
    pub fn with_default_share(mode: Mode) -> Result<Route, InvalidRoute> {
        let basis_points = mode
            .default_basis_points()
            .ok_or(InvalidRoute::NeedsPercent)?;
        Ok(Route { mode, basis_points })
    }

    pub(crate) const fn from_parts(mode: Mode, basis_points: u16) -> Route {
        Route { mode, basis_points }
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The share in percent (0 to 100, in steps of 0.01).
    pub fn percent(&self) -> f64 {
        f64::from(self.basis_points) / 100.0
    }

    /// The share in basis points (0 to 10000).
    pub fn basis_points(&self) -> u16 {
        self.basis_points
    }

    /// The share of calls the candidate serves (0 to 1): `seam.rollout.candidate.share`.
    /// A shadow serves none.
    pub fn candidate_share(&self) -> f64 {
        match self.mode {
            Mode::Baseline | Mode::Shadow => 0.0,
            Mode::Canary => f64::from(self.basis_points) / f64::from(BASIS_POINTS),
            Mode::Candidate => 1.0,
        }
    }
}

/// The form a spec entry takes after `operation=`: `shadow`, `canary:25`.
impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mode == Mode::Canary
            || (self.mode == Mode::Shadow && self.basis_points != BASIS_POINTS)
        {
            write!(f, "{}:{}", self.mode, self.percent())
        } else {
            f.write_str(self.mode.as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_routes() {
        for (i, mode) in Mode::ALL.into_iter().enumerate() {
            assert_eq!(mode.index(), i);
            assert_eq!(mode.as_str().parse::<Mode>(), Ok(mode));
        }
        assert!("primary"
            .parse::<Mode>()
            .unwrap_err()
            .to_string()
            .contains("baseline, shadow, canary or candidate"));
        let canary = Route::new(Mode::Canary, 0.254).expect("rounds");
        assert_eq!(canary.basis_points(), 25);
        assert_eq!(canary.to_string(), "canary:0.25");
        assert_eq!(
            Route::new(Mode::Shadow, 10.0).expect("shadow").to_string(),
            "shadow:10"
        );
        assert_eq!(Route::CANDIDATE.to_string(), "candidate");
        assert_eq!(Route::CANDIDATE.candidate_share(), 1.0);
        assert_eq!(
            Route::new(Mode::Candidate, 50.0),
            Err(InvalidRoute::TakesNoShare(Mode::Candidate, 50.0))
        );
        assert!(Route::new(Mode::Canary, f64::NAN).is_err());
        assert!(Route::new(Mode::Canary, 100.5).is_err());
        assert_eq!(
            Route::with_default_share(Mode::Canary),
            Err(InvalidRoute::NeedsPercent)
        );
    }
}
