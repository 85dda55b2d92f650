//! The C ABI boundary (feature `ffi`): what a Rust library needs to be called in-process from
//! Go (or any C caller) with one trace across the call.
//!
//! - [`SeamContext`] carries the caller's trace context, correlation id and deadline by value.
//! - [`call`] is the body of every `extern "C"` entry point: it rebuilds the caller's span as
//!   the parent, opens a child span, enforces the deadline, catches panics (counted in
//!   `seam.boundary.panics`) and returns a [`SeamStatus`] with a message in a [`SeamError`].
//!   [`call_in_parent`] does the same without the child span, for tiny hot entry points.
//! - [`seam_init`], [`seam_shutdown`] and [`seam_free_error`] are exported for the caller, and
//!   [`seam_abi_version`], which it compares with the header's [`SEAM_ABI_VERSION`] first.
//!   Go's `os.Exit` runs no Rust destructors, so the caller shuts down explicitly.
//!
//! The C declarations are in `include/seam.h`, generated from this module by cbindgen; a test
//! in `ffi-testlib` fails when the header and these definitions drift apart.
//!
//! # One umbrella staticlib per binary
//!
//! Every Rust staticlib carries its own copy of `std` (and of every crate it depends on), with
//! the same symbol names. Two Rust staticlibs linked into one Go binary therefore collide at
//! link time, or worse, silently use one copy's globals from the other's code. A Go program
//! links exactly one Rust staticlib: an umbrella crate that depends on every Rust library the
//! program calls (and on `seam` with `ffi`) and re-exports their entry points. Panics must
//! unwind (the default `panic = "unwind"`): with `panic = "abort"` nothing can be caught.

mod call;
mod context;
mod error;
mod lifecycle;
mod parent;
mod status;

pub use call::{call, call_in_parent, Call, DeadlineExceeded};
pub use context::{InvalidContext, SeamContext};
pub use error::{seam_free_error, SeamError};
pub use lifecycle::{seam_abi_version, seam_init, seam_shutdown, SeamConfig, SEAM_ABI_VERSION};
pub use status::SeamStatus;
