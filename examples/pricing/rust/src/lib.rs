//! The Rust candidate of Seam's pricing example: the same quote and fingerprint as the Go
//! baseline (`examples/pricing/pricing`), with identical results and error messages.
//!
//! - [`basket`], [`quote`] and [`fingerprint`] are the pricing rules.
//! - [`measure`] times each operation with Seam (or, when `PRICING_NONCONFORMANT=1`, with
//!   the raw OpenTelemetry SDK, as a team without Seam would) and logs it.
//! - [`faults`] is the switchable panic and slow path that shows fallbacks in telemetry.
//! - [`process`] is what pricing-service and pricing-worker share as processes.
//! - `ffi` holds the entry points the Go orchestrator calls through cgo
//!   (`include/pricing.h`); the crate is its one umbrella staticlib.

// Unsafe code only in the C ABI, each block with its SAFETY: comment; forbidden
// (no `allow` can reopen it) everywhere else.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::alloc::System;

#[forbid(unsafe_code)]
pub mod basket;
#[forbid(unsafe_code)]
pub mod faults;
#[allow(unsafe_code)]
mod ffi;
#[forbid(unsafe_code)]
pub mod fingerprint;
#[forbid(unsafe_code)]
pub mod measure;
#[forbid(unsafe_code)]
pub mod nonconformant;
#[forbid(unsafe_code)]
pub mod process;
#[forbid(unsafe_code)]
pub mod quote;

/// Counts Rust's allocations for `seam.rust.memory.*`, in the staticlib as in the service.
#[global_allocator]
static ALLOCATOR: seam::alloc::Counting<System> = seam::alloc::Counting::new(System);
