//! The deliberate, switchable faults of the Rust candidate: a panic, a slow path and a
//! wrong answer, each with a probability, so fallbacks, panics, tail latency and shadow
//! mismatches show in telemetry.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

/// The slow path's default delay.
pub const DEFAULT_SLOW_MS: u64 = 50;
/// The longest delay accepted, so a typo cannot hang a request for hours.
pub const MAX_SLOW_MS: u64 = 10_000;

/// Fault probabilities; the default injects nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Probability (0 to 1) that an operation panics.
    pub panic: f64,
    /// Probability (0 to 1) that an operation first waits `slow_ms`.
    pub slow: f64,
    /// How long the slow path waits, in milliseconds.
    pub slow_ms: u64,
    /// Probability (0 to 1) that an operation answers wrong (and says nothing about it).
    pub wrong: f64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            panic: 0.0,
            slow: 0.0,
            slow_ms: DEFAULT_SLOW_MS,
            wrong: 0.0,
        }
    }
}

/// The caller's deadline passed while the slow path waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut;

impl Faults {
    /// Checks every value, naming the one that is out of range.
    pub fn validate(&self) -> Result<(), String> {
        for (name, p) in [
            ("panic", self.panic),
            ("slow", self.slow),
            ("wrong", self.wrong),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("fault {name}={p}: want a probability from 0 to 1"));
            }
        }
        if self.slow_ms > MAX_SLOW_MS {
            return Err(format!(
                "fault slow_ms={}: want 0 to {MAX_SLOW_MS}",
                self.slow_ms
            ));
        }
        Ok(())
    }

    /// Rolls the dice for one run of `operation`: maybe waits `slow_ms` (stopping early
    /// with [`TimedOut`] once `in_time` says the caller's deadline passed), then maybe
    /// panics.
    pub fn inject(&self, operation: &str, in_time: impl Fn() -> bool) -> Result<(), TimedOut> {
        if self.slow > 0.0 && rand::random::<f64>() < self.slow {
            let until = Instant::now() + Duration::from_millis(self.slow_ms);
            loop {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                if !in_time() {
                    return Err(TimedOut);
                }
                thread::sleep(left.min(Duration::from_millis(1)));
            }
        }
        if self.panic > 0.0 && rand::random::<f64>() < self.panic {
            quiet_injected_panics();
            panic!("{INJECTED} {operation} panicked (panic={})", self.panic);
        }
        Ok(())
    }
}

impl Faults {
    /// Rolls the dice for a wrong answer: `right` off by one cent.
    pub fn garble_cents(&self, right: i64) -> i64 {
        if self.rolls(self.wrong) {
            right.wrapping_add(1)
        } else {
            right
        }
    }

    /// Rolls the dice for a wrong answer: `right` (hex digits) with its first digit changed.
    pub fn garble_hex(&self, right: String) -> String {
        if !self.rolls(self.wrong) {
            return right;
        }
        let mut chars = right.chars();
        let first = match chars.next() {
            Some('0') => '1',
            Some(_) => '0',
            None => return right,
        };
        std::iter::once(first).chain(chars).collect()
    }

    fn rolls(&self, p: f64) -> bool {
        p > 0.0 && rand::random::<f64>() < p
    }
}

/// How every injected panic message starts.
const INJECTED: &str = "injected fault:";

/// Keeps the panic hook from printing a message and backtrace for each injected panic (the
/// operation logs it, with its message and location, and at 20% of the traffic they would
/// drown standard error); every other panic is still printed.
fn quiet_injected_panics() {
    seam::panic::quiet_when(|message| message.starts_with(INJECTED));
}

/// `panic=P,slow=P,slow_ms=N,wrong=P`, any subset, in any order: the format of the orchestrator's
/// `--fault` flag and of the `X-Pricing-Fault` header.
impl FromStr for Faults {
    type Err = String;

    fn from_str(s: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("fault {part:?}: want key=value"))?;
            let number = |what: &str| format!("fault {key}={value:?}: want {what}");
            match key {
                "panic" => {
                    faults.panic = value
                        .parse()
                        .map_err(|_| number("a probability from 0 to 1"))?
                }
                "slow" => {
                    faults.slow = value
                        .parse()
                        .map_err(|_| number("a probability from 0 to 1"))?
                }
                "slow_ms" => faults.slow_ms = value.parse().map_err(|_| number("milliseconds"))?,
                "wrong" => {
                    faults.wrong = value
                        .parse()
                        .map_err(|_| number("a probability from 0 to 1"))?
                }
                _ => {
                    return Err(format!(
                        "fault {key:?}: unknown (want panic, slow, slow_ms or wrong)"
                    ))
                }
            }
        }
        faults.validate()?;
        Ok(faults)
    }
}

impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "panic={},slow={},slow_ms={},wrong={}",
            self.panic, self.slow, self.slow_ms, self.wrong
        )
    }
}

/// The process-wide faults the FFI entry points apply, set by the orchestrator.
static PANIC: AtomicU64 = AtomicU64::new(0); // f64 bits of 0.0
static SLOW: AtomicU64 = AtomicU64::new(0);
static SLOW_MS: AtomicU64 = AtomicU64::new(DEFAULT_SLOW_MS);
static WRONG: AtomicU64 = AtomicU64::new(0);

/// The faults set with [`set_current`].
pub fn current() -> Faults {
    Faults {
        panic: f64::from_bits(PANIC.load(Relaxed)),
        slow: f64::from_bits(SLOW.load(Relaxed)),
        slow_ms: SLOW_MS.load(Relaxed),
        wrong: f64::from_bits(WRONG.load(Relaxed)),
    }
}

/// Validates and installs `faults` for every later call of [`current`].
pub fn set_current(faults: Faults) -> Result<(), String> {
    faults.validate()?;
    PANIC.store(faults.panic.to_bits(), Relaxed);
    SLOW.store(faults.slow.to_bits(), Relaxed);
    SLOW_MS.store(faults.slow_ms, Relaxed);
    WRONG.store(faults.wrong.to_bits(), Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse() {
        let f: Faults = "panic=0.2, slow=1,slow_ms=5,wrong=0.5"
            .parse()
            .expect("valid");
        assert_eq!(
            f,
            Faults {
                panic: 0.2,
                slow: 1.0,
                slow_ms: 5,
                wrong: 0.5
            }
        );
        assert_eq!("".parse::<Faults>(), Ok(Faults::default()));
        assert_eq!(
            "panic=2".parse::<Faults>(),
            Err("fault panic=2: want a probability from 0 to 1".to_owned())
        );
        assert_eq!(
            "slow=x".parse::<Faults>(),
            Err("fault slow=\"x\": want a probability from 0 to 1".to_owned())
        );
        assert_eq!(
            "boom=1".parse::<Faults>(),
            Err("fault \"boom\": unknown (want panic, slow, slow_ms or wrong)".to_owned())
        );
        assert!("panic=NaN".parse::<Faults>().is_err());
    }

    #[test]
    fn certain_faults_fire_and_none_do_not() {
        let never = Faults::default();
        assert_eq!(never.inject("t", || true), Ok(()));
        let panics = Faults {
            panic: 1.0,
            ..Faults::default()
        };
        let caught = std::panic::catch_unwind(|| panics.inject("t.op", || true));
        assert!(caught.is_err());
        let slow = Faults {
            slow: 1.0,
            slow_ms: 20,
            ..Faults::default()
        };
        let started = Instant::now();
        assert_eq!(slow.inject("t", || true), Ok(()));
        assert!(started.elapsed() >= Duration::from_millis(20));
        assert_eq!(slow.inject("t", || false), Err(TimedOut));
        let wrong = Faults {
            wrong: 1.0,
            ..Faults::default()
        };
        assert_eq!(wrong.garble_cents(3144), 3145);
        assert_eq!(
            wrong.garble_hex("6980b2d8cf5f7622".into()),
            "0980b2d8cf5f7622"
        );
        assert_eq!(wrong.garble_hex("0980".into()), "1980");
        assert_eq!(never.garble_cents(3144), 3144);
    }
}
