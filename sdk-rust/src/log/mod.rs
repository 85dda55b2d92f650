//! Logging: the canonical JSON line on standard output and the same records
//! over OTLP, both redacted by the schema's rules.
//!
//! [`crate::init`] installs both as `tracing` layers. To compose a subscriber
//! yourself, use [`crate::Guard::layer`] or the parts below.

mod diagnostics;
pub mod encode;
mod filter;
mod layer;
mod line;
mod otlp;

pub(crate) use diagnostics::{Diagnostics, SdkDiagnostics};
pub use filter::{is_sdk_target, is_transport_target, json_accepts, otlp_accepts};
pub use layer::{level_name, parse_level, JsonLayer};
pub use line::{write_line, Attributes, Header, Value};
pub use otlp::{SchemaLogRecord, SchemaLogger, SchemaLoggerProvider};
