//! Queue bounds and export delays from the standard `OTEL_BSP_*` (spans)
//! and `OTEL_BLRP_*` (logs) variables, with the same defaults as Go.

use std::time::Duration;

use crate::error::Error;

/// One bounded export queue's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Batching {
    /// The most items waiting for export; more are dropped as `queue_full`.
    pub(crate) queue_size: usize,
    /// The most items one export carries; a queue holding this many
    /// exports at once instead of waiting for `delay`.
    pub(crate) batch_size: usize,
    /// The longest an item waits before its export starts.
    pub(crate) delay: Duration,
}

impl Batching {
    /// Spans: `OTEL_BSP_MAX_QUEUE_SIZE` (2048), `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`
    /// (512), `OTEL_BSP_SCHEDULE_DELAY` (5000 ms).
    pub(crate) fn spans() -> Result<Batching, Error> {
        Batching::from_env(
            ("OTEL_BSP_MAX_QUEUE_SIZE", 2048),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512),
            ("OTEL_BSP_SCHEDULE_DELAY", 5000),
            |name| std::env::var(name).ok(),
        )
    }

    /// Logs: `OTEL_BLRP_MAX_QUEUE_SIZE` (2048), `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`
    /// (512), `OTEL_BLRP_SCHEDULE_DELAY` (1000 ms).
    pub(crate) fn logs() -> Result<Batching, Error> {
        Batching::from_env(
            ("OTEL_BLRP_MAX_QUEUE_SIZE", 2048),
            ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", 512),
            ("OTEL_BLRP_SCHEDULE_DELAY", 1000),
            |name| std::env::var(name).ok(),
        )
    }

    fn from_env(
        queue_size: (&'static str, u64),
        batch_size: (&'static str, u64),
        delay_ms: (&'static str, u64),
        getenv: impl Fn(&str) -> Option<String>,
    ) -> Result<Batching, Error> {
        let positive = |(name, default): (&'static str, u64)| -> Result<u64, Error> {
            let raw = getenv(name).unwrap_or_default();
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(default);
            }
            match raw.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(Error::InvalidConfig {
                    field: name,
                    reason: format!("want a positive integer, got {raw:?}"),
                }),
            }
        };
        let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let queue_size = to_usize(positive(queue_size)?);
        Ok(Batching {
            queue_size,
            batch_size: to_usize(positive(batch_size)?).min(queue_size),
            delay: Duration::from_millis(positive(delay_ms)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: (&str, u64) = ("Q", 2048);
    const B: (&str, u64) = ("B", 512);
    const D: (&str, u64) = ("D", 5000);

    #[test]
    fn defaults_overrides_and_errors() {
        let none = Batching::from_env(Q, B, D, |_| None).expect("defaults");
        assert_eq!(
            none,
            Batching {
                queue_size: 2048,
                batch_size: 512,
                delay: Duration::from_secs(5)
            }
        );
        let set = Batching::from_env(Q, B, D, |name| {
            Some(match name {
                "Q" => " 8 ".into(),
                "B" => "100".into(),
                _ => "10".into(),
            })
        })
        .expect("set");
        assert_eq!(set.queue_size, 8);
        assert_eq!(set.batch_size, 8, "a batch never exceeds the queue");
        assert_eq!(set.delay, Duration::from_millis(10));
        for bad in ["0", "-1", "ten"] {
            let err = Batching::from_env(Q, B, D, |name| (name == "B").then(|| bad.to_owned()));
            assert!(
                matches!(&err, Err(Error::InvalidConfig { field: "B", reason }) if reason.contains(bad)),
                "{bad}: {err:?}"
            );
        }
    }
}
