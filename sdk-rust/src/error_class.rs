//! `error.type` as a class of the schema's enum, the same in Go and Rust, so that the
//! baseline's errors and the candidate's compare.

use std::fmt;

use crate::semconv::enums::error_type;

/// A value of the schema's `error.type` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// A deadline or timeout ran out.
    Timeout,
    /// The caller gave up (a dropped future, a canceled context in Go).
    Canceled,
    /// The implementation panicked; the panic was caught and counted.
    Panic,
    /// The input was refused as invalid.
    InvalidInput,
    /// A dependency could not be reached or shed the load.
    Unavailable,
    /// The implementation failed in a way it reports as its own fault.
    Internal,
    /// No class was stated and none could be inferred (`_OTHER`).
    Other,
}

impl ErrorClass {
    /// Every class, in the schema's order.
    pub const ALL: [ErrorClass; 7] = [
        ErrorClass::Timeout,
        ErrorClass::Canceled,
        ErrorClass::Panic,
        ErrorClass::InvalidInput,
        ErrorClass::Unavailable,
        ErrorClass::Internal,
        ErrorClass::Other,
    ];

    /// The `error.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Timeout => error_type::TIMEOUT,
            ErrorClass::Canceled => error_type::CANCELED,
            ErrorClass::Panic => error_type::PANIC,
            ErrorClass::InvalidInput => error_type::INVALID_INPUT,
            ErrorClass::Unavailable => error_type::UNAVAILABLE,
            ErrorClass::Internal => error_type::INTERNAL,
            ErrorClass::Other => error_type::OTHER,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The class an `io::Error` of this kind stands for.
    pub fn of_io(kind: std::io::ErrorKind) -> ErrorClass {
        use std::io::ErrorKind as K;
        match kind {
            K::TimedOut | K::WouldBlock => ErrorClass::Timeout,
            K::Interrupted => ErrorClass::Canceled,
            K::InvalidInput | K::InvalidData | K::NotFound | K::AlreadyExists => {
                ErrorClass::InvalidInput
            }
            K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::BrokenPipe
            | K::AddrNotAvailable => ErrorClass::Unavailable,
            _ => ErrorClass::Other,
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// States the class of an error type, as Go's `ErrorType() string` method does: the
/// error of an `Err` that [`crate::Operation::end`] or [`crate::measure`] records.
/// The default is [`ErrorClass::Other`], so `impl seam::Classify for MyError {}`
/// is enough for an error whose class nobody knows yet.
pub trait Classify {
    /// This error's class.
    fn error_class(&self) -> ErrorClass {
        ErrorClass::Other
    }
}

impl Classify for std::io::Error {
    fn error_class(&self) -> ErrorClass {
        ErrorClass::of_io(self.kind())
    }
}

impl Classify for ErrorClass {
    fn error_class(&self) -> ErrorClass {
        *self
    }
}

impl Classify for String {}
impl Classify for &str {}
impl Classify for fmt::Error {}
impl Classify for std::num::ParseIntError {
    fn error_class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}
impl Classify for std::num::ParseFloatError {
    fn error_class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}
impl Classify for std::str::Utf8Error {
    fn error_class(&self) -> ErrorClass {
        ErrorClass::InvalidInput
    }
}
impl Classify for std::convert::Infallible {}

impl Classify for Box<dyn std::error::Error + Send + Sync> {
    fn error_class(&self) -> ErrorClass {
        match self.downcast_ref::<std::io::Error>() {
            Some(io) => io.error_class(),
            None => ErrorClass::Other,
        }
    }
}

/// An error with its class stated, as Go's `seam.WithErrorClass` does; `Display` and
/// `source` are the inner error's.
#[derive(Debug)]
pub struct Classified<E> {
    /// The error.
    pub error: E,
    /// Its class.
    pub class: ErrorClass,
}

impl<E> Classified<E> {
    /// `error`, stating `class`.
    pub fn new(error: E, class: ErrorClass) -> Self {
        Classified { error, class }
    }
}

impl<E: fmt::Display> fmt::Display for Classified<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Classified<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl<E> Classify for Classified<E> {
    fn error_class(&self) -> ErrorClass {
        self.class
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_the_schemas() {
        let values: Vec<&str> = ErrorClass::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            values,
            [
                "timeout",
                "canceled",
                "panic",
                "invalid_input",
                "unavailable",
                "internal",
                "_OTHER"
            ]
        );
        for (i, c) in ErrorClass::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn inferred_and_stated_classes() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(refused.error_class(), ErrorClass::Unavailable);
        let boxed: Box<dyn std::error::Error + Send + Sync> =
            Box::new(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert_eq!(boxed.error_class(), ErrorClass::Timeout);
        assert_eq!("nope".error_class(), ErrorClass::Other);
        let stated = Classified::new("quota", ErrorClass::Unavailable);
        assert_eq!(stated.error_class(), ErrorClass::Unavailable);
        assert_eq!(stated.to_string(), "quota");
    }
}
