//! `seam.role`: the part an implementation plays in a migration, carried in
//! the OpenTelemetry context so that one call path can run as a shadow, and in
//! its W3C baggage so that the role crosses HTTP, gRPC and queues as well.

use std::fmt;
use std::str::FromStr;

use opentelemetry::baggage::BaggageExt;
use opentelemetry::Context;

use crate::propagation::with_baggage_member;
use crate::semconv::attribute;
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
    /// The baseline serving a call after the candidate failed it; kept apart
    /// from the baseline's own traffic.
    Fallback,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 4] = [
        Role::Baseline,
        Role::Candidate,
        Role::Shadow,
        Role::Fallback,
    ];

    /// The schema's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Baseline => seam_role::BASELINE,
            Role::Candidate => seam_role::CANDIDATE,
            Role::Shadow => seam_role::SHADOW,
            Role::Fallback => seam_role::FALLBACK,
        }
    }

    /// A dense index, for per-role tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The role of `cx`: the one set with [`with_role`], else the `seam.role`
    /// member of its baggage (how a Go caller's `seam.WithRole` arrives over
    /// HTTP, gRPC or a queue). An unknown baggage value counts as none.
    pub fn from_context(cx: &Context) -> Option<Role> {
        if let Some(role) = cx.get::<Role>() {
            return Some(*role);
        }
        cx.baggage()
            .get(attribute::SEAM_ROLE)
            .and_then(|v| v.as_str().parse().ok())
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
            "unknown seam.role {:?} (expected {:?}, {:?}, {:?} or {:?})",
            self.0,
            seam_role::BASELINE,
            seam_role::CANDIDATE,
            seam_role::SHADOW,
            seam_role::FALLBACK
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

/// `cx` with `role` for every operation started under it, here and (through
/// the `seam.role` baggage member, as Go's `seam.WithRole` does) in the
/// services it calls.
pub fn with_role(cx: &Context, role: Role) -> Context {
    with_baggage_member(cx, attribute::SEAM_ROLE, role.as_str()).with_value(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    use opentelemetry::baggage::Baggage;

    #[test]
    fn parse_and_context() {
        assert_eq!("shadow".parse::<Role>(), Ok(Role::Shadow));
        assert_eq!("fallback".parse::<Role>(), Ok(Role::Fallback));
        let err = "primary".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("\"primary\""));
        assert!(err.to_string().contains("\"fallback\""));
        let cx = with_role(&Context::new(), Role::Baseline);
        assert_eq!(Role::from_context(&cx), Some(Role::Baseline));
        assert_eq!(Role::from_context(&Context::new()), None);
        for (i, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(role.index(), i);
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    fn with_baggage(value: &str) -> Context {
        Context::new().with_baggage(Baggage::from_iter([opentelemetry::KeyValue::new(
            attribute::SEAM_ROLE,
            value.to_owned(),
        )]))
    }

    #[test]
    fn the_callers_role_arrives_in_baggage() {
        assert_eq!(
            Role::from_context(&with_baggage("shadow")),
            Some(Role::Shadow)
        );
        assert_eq!(Role::from_context(&with_baggage("primary")), None);
        // Set here, it wins over what the caller sent.
        let cx = with_role(&with_baggage("shadow"), Role::Fallback);
        assert_eq!(Role::from_context(&cx), Some(Role::Fallback));
        // And goes on to the services this one calls.
        let mut headers = http::HeaderMap::new();
        crate::propagation::inject_headers(&cx, &mut headers);
        let back = crate::propagation::extract_headers(&headers);
        assert_eq!(Role::from_context(&back), Some(Role::Fallback));
    }
}
