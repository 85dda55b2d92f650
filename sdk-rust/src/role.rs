//! `seam.role`: the part an implementation plays in a migration, carried in
//! the OpenTelemetry context so that one call path can run as a shadow.

use std::fmt;
use std::str::FromStr;

use opentelemetry::Context;

use crate::semconv::enums::seam_role;

/// The value of `seam.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Role {
    /// The implementation being replaced.
    Baseline,
    /// The implementation being rolled out (the default for Rust code).
    #[default]
    Candidate,
    /// Runs beside the serving implementation; its result is discarded.
    Shadow,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 3] = [Role::Baseline, Role::Candidate, Role::Shadow];

    /// The schema's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Baseline => seam_role::BASELINE,
            Role::Candidate => seam_role::CANDIDATE,
            Role::Shadow => seam_role::SHADOW,
        }
    }

    /// A dense index, for per-role tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The role set on `cx` with [`with_role`], if any.
    pub fn from_context(cx: &Context) -> Option<Role> {
        cx.get::<Role>().copied()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the schema's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown seam.role {:?} (expected {:?}, {:?} or {:?})",
            self.0,
            seam_role::BASELINE,
            seam_role::CANDIDATE,
            seam_role::SHADOW
        )
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// `cx` with `role` for every operation started under it.
pub fn with_role(cx: &Context, role: Role) -> Context {
    cx.with_value(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_context() {
        assert_eq!("shadow".parse::<Role>(), Ok(Role::Shadow));
        let err = "primary".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("\"primary\""));
        let cx = with_role(&Context::new(), Role::Baseline);
        assert_eq!(Role::from_context(&cx), Some(Role::Baseline));
        assert_eq!(Role::from_context(&Context::new()), None);
    }
}
