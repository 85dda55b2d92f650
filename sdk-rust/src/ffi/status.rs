//! The status code every Seam entry point returns.

use crate::error_class::ErrorClass;

/// Outcome of a call through the C ABI. `SEAM_STATUS_OK` is zero so that C callers can
/// test it like an errno; every other value comes with a message in the caller's
/// `SeamError` slot.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SeamStatus {
    /// The body ran and succeeded.
    Ok = 0,
    /// The body ran and returned an error.
    Error = 1,
    /// The body panicked; the panic was caught at the boundary and counted in
    /// `seam.boundary.panics`.
    Panic = 2,
    /// The caller's deadline had passed, before the body (which then did not run) or
    /// by the time it returned.
    DeadlineExceeded = 3,
    /// The caller passed something malformed: a null pointer with a length, only one of
    /// trace_id and span_id, or (to `seam_init`) a config that is not valid.
    InvalidArgument = 4,
}

impl SeamStatus {
    /// The `error.type` class of this outcome; `None` for success. The Go SDK
    /// maps the same codes to the same classes.
    pub fn error_class(self) -> Option<ErrorClass> {
        match self {
            SeamStatus::Ok => None,
            SeamStatus::Error => Some(ErrorClass::Internal),
            SeamStatus::Panic => Some(ErrorClass::Panic),
            SeamStatus::DeadlineExceeded => Some(ErrorClass::Timeout),
            SeamStatus::InvalidArgument => Some(ErrorClass::InvalidInput),
        }
    }

    /// The `error.type` attribute value for this outcome; `None` for success.
    pub fn error_type(self) -> Option<&'static str> {
        self.error_class().map(ErrorClass::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::SeamStatus;

    #[test]
    fn codes_are_stable() {
        // These numbers are ABI: Go and C callers compare against them.
        assert_eq!(SeamStatus::Ok as i32, 0);
        assert_eq!(SeamStatus::Error as i32, 1);
        assert_eq!(SeamStatus::Panic as i32, 2);
        assert_eq!(SeamStatus::DeadlineExceeded as i32, 3);
        assert_eq!(SeamStatus::InvalidArgument as i32, 4);
        assert_eq!(SeamStatus::Ok.error_type(), None);
        assert_eq!(SeamStatus::Panic.error_type(), Some("panic"));
        assert_eq!(SeamStatus::DeadlineExceeded.error_type(), Some("timeout"));
        assert_eq!(
            SeamStatus::InvalidArgument.error_type(),
            Some("invalid_input")
        );
        assert_eq!(SeamStatus::Error.error_type(), Some("internal"));
    }
}
