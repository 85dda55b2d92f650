//! A criterion measurement of the benchmark thread's own CPU time. On a
//! shared machine, wall time also counts the moments another process held
//! the core; the thread's CPU clock does not, so baseline and candidate are
//! compared on the work they did.

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// `CLOCK_THREAD_CPUTIME_ID` of the calling thread.
pub struct ThreadCpuTime;

/// The calling thread's CPU time so far.
pub fn thread_cpu_time() -> Duration {
    clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// The CPU time of the whole process so far, every thread's.
#[allow(dead_code)] // of the benches, only log_export reads it
pub fn process_cpu_time() -> Duration {
    clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; both clock ids are
    // constants every Linux supports, so the call cannot fail.
    unsafe { libc::clock_gettime(id, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_time()
    }

    fn end(&self, start: Duration) -> Duration {
        thread_cpu_time().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter() // the same unit (nanoseconds) as wall time
    }
}
