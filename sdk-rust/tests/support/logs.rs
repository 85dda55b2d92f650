//! The log event the load tests and the log benchmark send (the Go
//! benchmark `Log/seam_exported`'s), and counting what arrived of it.

use super::Received;

/// The event, at INFO: a message and four attributes of four kinds.
pub fn quote_computed() {
    tracing::info!(
        seam.operation = "checkout.price",
        http.response.status_code = 200,
        cache.hit = true,
        discount.ratio = 0.125,
        "quote computed"
    );
}

/// How many log records `received` holds.
pub fn log_records(received: &Received) -> u64 {
    received
        .logs
        .iter()
        .flat_map(|r| &r.resource_logs)
        .flat_map(|rl| &rl.scope_logs)
        .map(|sl| sl.log_records.len() as u64)
        .sum()
}
