//! What a panic said and where it happened, for the records of the operation it
//! unwinds: a hook notes both on the panicking thread, then hands the panic on to the
//! hook that was there before (the default one prints it to standard error).

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::panic::{self, Location};
use std::sync::{Once, OnceLock};

/// The panic unwinding the current thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanicReport {
    /// The panic's message (its `&str` or `String` payload).
    pub message: String,
    /// The source file of the `panic!`, as the compiler names it.
    pub file: String,
    /// The line of the `panic!`.
    pub line: u32,
}

impl fmt::Display for PanicReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}:{}", self.message, self.file, self.line)
    }
}

thread_local! {
    static LAST: RefCell<Option<PanicReport>> = const { RefCell::new(None) };
}

/// Installs the hook once per process; later calls do nothing.
pub(crate) fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = note(info.payload(), info.location());
            if !QUIET.get().is_some_and(|quiet| quiet(&message)) {
                previous(info);
            }
        }));
    });
}

/// Panics whose message this says are expected: noted, not handed on.
static QUIET: OnceLock<fn(&str) -> bool> = OnceLock::new();

/// Marks the panics whose message `expected` accepts as expected (injected faults,
/// say): they are still noted for the records of the operation they end, but no longer
/// handed to the previous hook, which would print each one to standard error. Only the
/// first call takes effect.
pub fn quiet_when(expected: fn(&str) -> bool) {
    let _ = QUIET.set(expected);
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
pub(crate) fn payload_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}

fn note(payload: &(dyn Any + Send), location: Option<&Location<'_>>) -> String {
    let message = payload_message(payload).to_owned();
    let (file, line) = location.map_or((String::new(), 0), |l| (l.file().to_owned(), l.line()));
    // try_with: a panic while the thread's locals are being torn down is
    // still handed on, just not noted.
    let _ = LAST.try_with(|last| {
        *last.borrow_mut() = Some(PanicReport {
            message: message.clone(),
            file,
            line,
        })
    });
    message
}

/// The panic this thread is unwinding from, once [`crate::init`] ran; `None` when the
/// thread is not panicking. Records of an operation a panic ends can carry it (its
/// message is redacted like any other attribute).
pub fn current() -> Option<PanicReport> {
    if !std::thread::panicking() {
        return None;
    }
    LAST.try_with(|last| last.borrow().clone()).ok().flatten()
}

/// The last panic this thread noted, taken: for code that caught it and is no longer
/// unwinding (the FFI boundary's `catch_unwind`).
pub(crate) fn take_caught() -> Option<PanicReport> {
    LAST.try_with(|last| last.borrow_mut().take())
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_message_and_location_while_unwinding() {
        install_hook();
        struct Probe(std::sync::mpsc::Sender<Option<PanicReport>>);
        impl Drop for Probe {
            fn drop(&mut self) {
                let _ = self.0.send(current());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let line = line!() + 3;
        let result = std::panic::catch_unwind(move || {
            let _probe = Probe(tx);
            panic!("price {} out of range", 42);
        });
        assert!(result.is_err());
        let report = rx.recv().expect("sent").expect("a report while unwinding");
        assert_eq!(report.message, "price 42 out of range");
        assert!(report.file.ends_with("panic.rs"), "{}", report.file);
        assert_eq!(report.line, line);
        assert_eq!(current(), None, "not panicking any more");
    }
}
