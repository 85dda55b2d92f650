//! Seam for Rust: the same telemetry as the Go SDK, from the same schema.
//!
//! ```no_run
//! fn main() -> Result<(), seam::Error> {
//!     let guard = seam::init(seam::Config::new("pricing").with_role(seam::Role::Candidate))?;
//!     {
//!         let _op = seam::operation("checkout.price"); // duration + span on drop
//!         tracing::info!(sku = 42, "quote computed"); // canonical JSON line + OTLP log
//!     }
//!     guard.shutdown(std::time::Duration::from_secs(5))
//! }
//! ```
//!
//! - [`init`] sets up OTLP traces, metrics and logs (HTTP/protobuf on the SDK's
//!   own threads by default, so no async runtime is needed) and returns a
//!   [`Guard`] that flushes on [`Guard::shutdown`] or drop.
//! - [`operation`] times a logical operation: `seam.operation.duration` and a
//!   span, with `seam.impl=rust` and the [`Role`] from the context;
//!   [`measure`] does the same for a future.
//! - [`log`] writes the canonical JSON line and exports the same records.
//! - [`propagation`], [`mod@tower`] and (feature `grpc-tonic`) `tonic` carry the
//!   trace context and `seam.correlation_id` across process boundaries.
//! - [`alloc::Counting`] counts the Rust global allocator.
//! - (feature `ffi`) `ffi` is the C ABI boundary for in-process calls from Go.
//! - [`semconv`] holds the schema's constants (generated).

pub mod alloc;
mod cardinality;
mod config;
mod error;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod log;
mod operation;
mod pipeline;
pub mod propagation;
pub mod redact;
mod resource;
mod role;
pub mod semconv;
#[cfg(feature = "grpc-tonic")]
pub mod tonic;
pub mod tower;
pub mod trace;

pub use config::{Config, Protocol};
pub use error::Error;
pub use operation::{measure, operation, Operation, OperationHandle};
pub use pipeline::{init, scope, shutdown, Guard};
pub use role::{with_role, Role, UnknownRole};
