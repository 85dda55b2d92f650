//! The OTLP/HTTP exporter's retry rules, for the requests Seam sends
//! itself: what opentelemetry-otlp's `RetryPolicy::recommended()` does for
//! the SDK's own exporters, so that a log request is retried as a span
//! request is.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often and how long to retry: opentelemetry-otlp's recommended policy.
const MAX_RETRIES: usize = 3;
const INITIAL_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_millis(1600);
const MAX_JITTER_MS: u64 = 100;
/// The longest a server's throttling hint may hold the export thread.
const MAX_THROTTLE: Duration = Duration::from_secs(30);
/// The longest Retry-After honoured as such (then capped by MAX_THROTTLE).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Whether a failed attempt is worth another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    Never,
    Backoff,
    /// Throttled: wait at least this long.
    After(Duration),
}

impl Retry {
    /// The OTLP/HTTP rule for a response's status (0 when there was no
    /// response) and its Retry-After header.
    pub(crate) fn for_status(status: u16, retry_after: Option<&str>) -> Retry {
        match status {
            429 | 503 => retry_after
                .and_then(parse_retry_after)
                .map_or(Retry::Backoff, Retry::After),
            0 | 502 | 504 => Retry::Backoff,
            _ => Retry::Never,
        }
    }
}

/// Seconds, or an HTTP date; at most ten minutes.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let delay = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            let secs = at
                .duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
                .as_secs();
            Duration::from_secs(secs)
        }
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// Runs `attempt` until it succeeds, `classify` says not to retry, the
/// retries are spent, or the next wait would pass `deadline` (from the
/// first attempt). Waits sleep the thread: this runs on an export thread.
pub(crate) async fn with_backoff<T, E, F, Fut>(
    deadline: Duration,
    classify: impl Fn(&E) -> Retry,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let start = Instant::now();
    let mut retries = 0;
    let mut delay = INITIAL_DELAY;
    let mut cap = MAX_DELAY;
    loop {
        let err = match attempt().await {
            Ok(done) => return Ok(done),
            Err(err) => err,
        };
        if start.elapsed() >= deadline || retries >= MAX_RETRIES {
            return Err(err);
        }
        match classify(&err) {
            Retry::Never => return Err(err),
            Retry::Backoff => {}
            Retry::After(hint) => {
                let hint = hint.min(MAX_THROTTLE);
                if hint > cap {
                    cap = MAX_THROTTLE;
                }
                delay = delay.max(hint);
            }
        }
        retries += 1;
        let wait = (delay + jitter()).min(cap);
        if wait >= deadline.saturating_sub(start.elapsed()) {
            return Err(err);
        }
        std::thread::sleep(wait);
        delay = delay.saturating_mul(2).min(cap);
    }
}

/// Up to MAX_JITTER_MS milliseconds, from the clock's nanoseconds.
fn jitter() -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    // A multiplicative hash spreads the low bits the clock may not vary.
    let mixed = nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    Duration::from_millis(mixed % (MAX_JITTER_MS + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn statuses_retry_as_otlp_http_says() {
        assert_eq!(Retry::for_status(0, None), Retry::Backoff);
        for status in [502, 504, 429, 503] {
            assert_eq!(Retry::for_status(status, None), Retry::Backoff, "{status}");
        }
        for status in [400, 401, 403, 404, 413, 500] {
            assert_eq!(
                Retry::for_status(status, Some("1")),
                Retry::Never,
                "{status}"
            );
        }
        assert_eq!(
            Retry::for_status(429, Some(" 2 ")),
            Retry::After(Duration::from_secs(2))
        );
        assert_eq!(
            Retry::for_status(503, Some("86400")),
            Retry::After(MAX_RETRY_AFTER)
        );
        assert_eq!(
            Retry::for_status(503, Some("Thu, 01 Jan 1970 00:00:00 GMT")),
            Retry::After(Duration::ZERO)
        );
        assert_eq!(Retry::for_status(429, Some("soon")), Retry::Backoff);
    }

    /// Runs `with_backoff` over attempts whose n-th (from 1) answers
    /// `answer(n)`: the result and the number of attempts.
    fn run(
        deadline: Duration,
        classify: impl Fn(&u16) -> Retry,
        answer: impl Fn(usize) -> Result<u8, u16>,
    ) -> (Result<u8, u16>, usize) {
        let attempts = Cell::new(0);
        let result = futures_executor::block_on(with_backoff(deadline, classify, || {
            attempts.set(attempts.get() + 1);
            std::future::ready(answer(attempts.get()))
        }));
        (result, attempts.get())
    }

    fn by_status(s: &u16) -> Retry {
        Retry::for_status(*s, None)
    }

    #[test]
    fn retries_three_times_then_gives_up() {
        let started = Instant::now();
        let ten = Duration::from_secs(10);
        assert_eq!(run(ten, by_status, |_| Err(503)), (Err(503), 4));
        // 100 + 200 + 400 ms of backoff, plus jitter.
        assert!(started.elapsed() >= Duration::from_millis(700));
    }

    #[test]
    fn a_permanent_failure_is_not_retried_and_success_stops() {
        let ten = Duration::from_secs(10);
        assert_eq!(run(ten, by_status, |_| Err(400)), (Err(400), 1));
        let second_succeeds = |n| if n < 2 { Err(502) } else { Ok(7) };
        assert_eq!(run(ten, by_status, second_succeeds), (Ok(7), 2));
    }

    #[test]
    fn a_wait_past_the_deadline_fails_now() {
        let started = Instant::now();
        let throttled = |_: &u16| Retry::After(Duration::from_secs(5));
        let half_a_second = Duration::from_millis(500);
        assert_eq!(run(half_a_second, throttled, |_| Err(429)), (Err(429), 1));
        assert!(started.elapsed() < Duration::from_millis(400));
    }
}
