//! Logging: the canonical JSON line on standard output and the same records
//! over OTLP, both redacted by the schema's rules.
//!
//! [`crate::init`] installs both as `tracing` layers. To compose a subscriber
//! yourself, use [`crate::Guard::layer`], or [`JsonLayer`] for the line alone.

#[cfg(test)]
mod conformance;
mod diagnostics;
mod encode;
mod filter;
mod layer;
mod line;
mod otlp;
#[cfg(test)]
mod props;

pub(crate) use diagnostics::{Diagnostics, SdkDiagnostics};
pub(crate) use filter::{is_sdk_target, is_transport_target, json_accepts, otlp_accepts};
#[cfg(test)]
pub(crate) use layer::level_name;
pub(crate) use layer::parse_level;
pub use layer::JsonLayer;
pub(crate) use line::{Attributes, Value};
pub(crate) use otlp::SchemaLoggerProvider;
