//! `seam_init` and `seam_shutdown`: the pipeline's lifetime, driven by the C caller; and
//! `seam_abi_version`, which the caller checks before anything else.

use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::time::Duration;

use super::{SeamError, SeamStatus};

/// The version of the C ABI this library speaks: the layout of [`SeamContext`],
/// [`SeamConfig`] and [`SeamError`] and the exported functions' signatures. It changes with
/// any of them. A caller built against a `seam.h` of another version would pass structs this
/// library misreads (a shorter `SeamContext` leaves `context_id` to whatever follows it), so it
/// compares [`seam_abi_version`] with the header's `SEAM_ABI_VERSION` first, as Go's
/// `boundary.New` does. A library older than the check lacks the symbol: linking fails.
///
/// [`SeamContext`]: super::SeamContext
pub const SEAM_ABI_VERSION: u32 = 1;

/// [`SEAM_ABI_VERSION`] of this library.
#[no_mangle]
pub extern "C" fn seam_abi_version() -> u32 {
    SEAM_ABI_VERSION
}

/// What `seam_init` needs that the `OTEL_*` environment variables do not already say.
/// Strings are UTF-8 pointer + length (not NUL-terminated), read during the call only;
/// a null pointer with length 0 means "not set".
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SeamConfig {
    service_name: *const u8,
    service_name_len: usize,
    service_version: *const u8,
    service_version_len: usize,
    /// `baseline`, `candidate` or `shadow`.
    role: *const u8,
    role_len: usize,
}

impl SeamConfig {
    /// A config with nothing set: the `OTEL_*` variables and the SDK defaults decide.
    pub const fn empty() -> Self {
        SeamConfig {
            service_name: ptr::null(),
            service_name_len: 0,
            service_version: ptr::null(),
            service_version_len: 0,
            role: ptr::null(),
            role_len: 0,
        }
    }

    /// Sets `service.name`.
    pub const fn with_service_name(mut self, name: &'static str) -> Self {
        self.service_name = name.as_ptr();
        self.service_name_len = name.len();
        self
    }

    /// Sets `seam.role`.
    pub const fn with_role(mut self, role: &'static str) -> Self {
        self.role = role.as_ptr();
        self.role_len = role.len();
        self
    }

    /// The config as Rust strings, or a message naming the field that is malformed.
    fn read(&self) -> Result<ConfigView<'_>, String> {
        Ok(ConfigView {
            service_name: text(self.service_name, self.service_name_len, "service_name")?,
            service_version: text(
                self.service_version,
                self.service_version_len,
                "service_version",
            )?,
            role: text(self.role, self.role_len, "role")?,
        })
    }
}

impl Default for SeamConfig {
    fn default() -> Self {
        SeamConfig::empty()
    }
}

/// A validated [`SeamConfig`].
#[derive(Debug)]
struct ConfigView<'a> {
    service_name: Option<&'a str>,
    service_version: Option<&'a str>,
    role: Option<&'a str>,
}

/// Reads one pointer + length string field.
fn text<'a>(data: *const u8, len: usize, field: &str) -> Result<Option<&'a str>, String> {
    if data.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(format!(
                "seam config: {field} is null but {field}_len is {len}"
            ))
        };
    }
    // SAFETY: the fields are private, so a non-null pointer was set either by a `const fn`
    // builder from a `&'static str` or by a C caller whose documented contract is `len`
    // readable bytes for the duration of `seam_init`, which is as long as the view lives.
    let bytes = unsafe { std::slice::from_raw_parts(data, len) };
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|err| format!("seam config: {field} is not UTF-8: {err}"))
}

/// Starts Seam's OTLP traces, metrics and logs pipeline with `config` (null for defaults)
/// and the `OTEL_*` environment variables, and installs it as the global providers.
/// It runs once per process: a second call fails and leaves the first pipeline running.
#[no_mangle]
pub extern "C" fn seam_init(
    config: Option<&SeamConfig>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    let empty = SeamConfig::empty();
    let result = config
        .unwrap_or(&empty)
        .read()
        .map_err(|message| (SeamStatus::InvalidArgument, message))
        .and_then(|view| guarded(|| start(&view)));
    report(result, error)
}

/// Flushes and stops the pipeline started by `seam_init` (or by `seam::init` on the Rust
/// side), waiting at most `timeout_ms`. Calling it again, or without an init, does nothing
/// and succeeds. Call it before the
/// process exits: Go's `os.Exit` runs no Rust destructors.
#[no_mangle]
pub extern "C" fn seam_shutdown(timeout_ms: u64, error: Option<&mut SeamError>) -> SeamStatus {
    let result = guarded(|| {
        crate::shutdown(Duration::from_millis(timeout_ms))
            .map_err(|err| (SeamStatus::Error, format!("seam_shutdown: {err}")))
    });
    report(result, error)
}

/// Runs `f`, turning a panic into `SeamStatus::Panic` so it never unwinds into C.
fn guarded<F>(f: F) -> Result<(), (SeamStatus, String)>
where
    F: FnOnce() -> Result<(), (SeamStatus, String)>,
{
    panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err((
            SeamStatus::Panic,
            "panic during seam lifecycle call".to_owned(),
        ))
    })
}

/// Writes the message of a failed lifecycle call into the caller's slot.
fn report(result: Result<(), (SeamStatus, String)>, error: Option<&mut SeamError>) -> SeamStatus {
    match result {
        Ok(()) => SeamStatus::Ok,
        Err((status, message)) => {
            if let Some(slot) = error {
                slot.set(&message);
            }
            status
        }
    }
}

/// Starts the pipeline through the SDK's own [`crate::init`].
fn start(view: &ConfigView<'_>) -> Result<(), (SeamStatus, String)> {
    let invalid = |message: String| (SeamStatus::InvalidArgument, message);
    // Without a name, OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES must
    // give one: `init` says so otherwise.
    let name = view.service_name.unwrap_or_default();
    let mut config = crate::Config::new(name);
    if let Some(version) = view.service_version {
        config = config.with_service_version(version);
    }
    if let Some(role) = view.role {
        let role = role
            .parse::<crate::Role>()
            .map_err(|err| invalid(format!("seam config: role: {err}")))?;
        config = config.with_role(role);
    }
    let guard = crate::init(config).map_err(|err| {
        let status = match err {
            crate::Error::InvalidConfig { .. } => SeamStatus::InvalidArgument,
            _ => SeamStatus::Error,
        };
        (status, format!("seam_init: {err}"))
    })?;
    // The pipeline lives until seam_shutdown: the guard would shut it down when dropped,
    // and the C caller has no scope to drop it in.
    std::mem::forget(guard);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_with_length_names_the_field() {
        let mut config = SeamConfig::empty();
        config.role_len = 4;
        let mut error = SeamError::empty();
        let status = seam_init(Some(&config), Some(&mut error));
        assert_eq!(status, SeamStatus::InvalidArgument);
        assert_eq!(
            error.message(),
            Some("seam config: role is null but role_len is 4")
        );
    }

    #[test]
    fn an_unknown_role_is_rejected() {
        let config = SeamConfig::empty()
            .with_service_name("svc")
            .with_role("primary");
        let mut error = SeamError::empty();
        assert_eq!(
            seam_init(Some(&config), Some(&mut error)),
            SeamStatus::InvalidArgument
        );
        let message = error.message().expect("message");
        assert!(
            message.starts_with("seam config: role: unknown seam.role \"primary\""),
            "{message}"
        );
    }
}
