//! A bounded export queue whose producers never wait on a failing or stuck
//! exporter: items past the bound are dropped and counted, and batches are
//! exported on one thread of the queue's own (no async runtime), which also
//! stops the exporter. While exports succeed, a producer may wait a bounded
//! time for room instead (`Queue::start_waiting`), so a healthy exporter
//! loses nothing to a burst.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

use super::dropped::{Dropped, Reason};
use crate::settings::Batching;
use crate::signal::Signal;

/// What the export thread sends batches with.
pub(crate) trait Exporter<T>: Send + 'static {
    /// Sends one batch; an error drops it (counted as `export_failed`).
    fn export(&mut self, batch: Vec<T>) -> OTelSdkResult;
    /// Stops the exporter, once, after the last export.
    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult;
}

/// Stopping a queue in two steps, so that several stop side by side.
pub(crate) trait Stop: Send + Sync {
    /// Starts shutting down: nothing is exported after `deadline`. `false`
    /// when the queue was already shut down.
    fn begin(&self, deadline: Instant) -> bool;
    /// Waits until the queue stopped or `deadline` passed.
    fn wait(&self, deadline: Instant) -> Stopped;
}

/// How a queue's shutdown ended.
#[derive(Debug)]
pub(crate) struct Stopped {
    /// Items not delivered: failed or dropped since shutdown began, plus
    /// those of an export still under way at the deadline.
    pub(crate) lost: usize,
    pub(crate) result: OTelSdkResult,
}

/// The producers' side of the queue. Its methods are safe to call from
/// any thread, never panic, and only `flush` and `shutdown` wait.
#[derive(Debug)]
pub(crate) struct Queue<T> {
    shared: Arc<Shared<T>>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug)]
struct Shared<T> {
    state: Mutex<State<T>>,
    /// Tells the export thread that work is due.
    wake: Condvar,
    /// Tells flush and shutdown callers that the export thread progressed.
    progress: Condvar,
    /// Tells producers waiting for room that the export thread took the
    /// queued items, or that waiting is over.
    room: Condvar,
    /// How long `add` waits for room while the exporter is healthy.
    wait: Duration,
    batching: Batching,
    signal: Signal,
    dropped: Arc<Dropped>,
}

#[derive(Debug)]
struct State<T> {
    items: Vec<T>,
    flush_requested: u64,
    flush_completed: u64,
    /// Why the last completed flush lost items, if it did.
    flush_error: Option<String>,
    /// Set by shutdown: no more items are taken, and nothing is exported
    /// after this instant.
    deadline: Option<Instant>,
    /// Items the export thread took and has not finished with.
    in_flight: usize,
    /// Items lost since shutdown began.
    shutdown_lost: usize,
    /// The exporter's shutdown result, once the export thread ended.
    finished: Option<Result<(), String>>,
    /// Set by a failed export or a wait for room that ran out, cleared by
    /// a successful export: while set, a full queue drops at once.
    unhealthy: bool,
    /// When the export under way started, if one is.
    exporting: Option<Instant>,
}

impl<T: Send + 'static> Queue<T> {
    /// Starts the export thread, named `thread_name`; a full queue drops.
    pub(crate) fn start<E: Exporter<T>>(
        thread_name: &str,
        batching: Batching,
        signal: Signal,
        dropped: Arc<Dropped>,
        exporter: E,
    ) -> std::io::Result<Queue<T>> {
        Self::start_waiting(
            thread_name,
            batching,
            Duration::ZERO,
            signal,
            dropped,
            exporter,
        )
    }

    /// `start`, but an item finding the queue full waits for room while
    /// exports succeed, up to `wait` and no longer than `wait` after the
    /// export under way started. A failed export, or a wait that runs out,
    /// makes a full queue drop at once until an export succeeds again: a
    /// collector that is down or stuck costs at most one `wait`, and none
    /// once an export has been under way that long.
    pub(crate) fn start_waiting<E: Exporter<T>>(
        thread_name: &str,
        batching: Batching,
        wait: Duration,
        signal: Signal,
        dropped: Arc<Dropped>,
        exporter: E,
    ) -> std::io::Result<Queue<T>> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                items: Vec::new(),
                flush_requested: 0,
                flush_completed: 0,
                flush_error: None,
                deadline: None,
                in_flight: 0,
                shutdown_lost: 0,
                finished: None,
                unhealthy: false,
                exporting: None,
            }),
            wake: Condvar::new(),
            progress: Condvar::new(),
            room: Condvar::new(),
            wait,
            batching,
            signal,
            dropped,
        });
        let worker = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(thread_name.to_owned())
                .spawn(move || shared.run(exporter))?
        };
        Ok(Queue {
            shared,
            worker: Mutex::new(Some(worker)),
        })
    }
}

impl<T> Queue<T> {
    /// Queues `item`, or drops and counts it (`queue_full`) when the queue
    /// is at its bound and no room comes within the queue's wait. Items
    /// arriving after shutdown are ignored.
    pub(crate) fn add(&self, item: T) {
        let shared = &*self.shared;
        let mut state = shared.lock();
        if state.deadline.is_some() {
            return;
        }
        if state.items.len() >= shared.batching.queue_size {
            let (waited, room) = shared.wait_for_room(state);
            state = waited;
            if room {
                state.items.push(item);
                return;
            }
            drop(state);
            shared.dropped.add(shared.signal, Reason::QueueFull, 1);
            return;
        }
        state.items.push(item);
        let due = state.items.len() == shared.batching.batch_size;
        drop(state);
        if due {
            shared.wake.notify_one();
        }
    }

    /// Exports everything queued before the call, waiting at most `timeout`.
    pub(crate) fn flush(&self, timeout: Duration) -> OTelSdkResult {
        let shared = &*self.shared;
        let deadline = Instant::now() + timeout;
        let mut state = shared.lock();
        if state.deadline.is_some() {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        state.flush_requested += 1;
        let ticket = state.flush_requested;
        shared.wake.notify_one();
        while state.flush_completed < ticket {
            if state.finished.is_some() {
                return Err(OTelSdkError::AlreadyShutdown);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(OTelSdkError::Timeout(timeout));
            }
            state = shared.wait(&shared.progress, state, deadline - now);
        }
        match &state.flush_error {
            None => Ok(()),
            Some(e) => Err(OTelSdkError::InternalFailure(e.clone())),
        }
    }

    /// Exports what is queued, stops the exporter and ends the export
    /// thread, waiting at most `timeout`. When time runs out, what is still
    /// queued is dropped and counted (`export_failed`), and the export under
    /// way, which cannot be interrupted, is abandoned to the thread: it
    /// exports nothing more and ends when that export returns.
    pub(crate) fn shutdown(&self, timeout: Duration) -> OTelSdkResult
    where
        T: Send + 'static,
    {
        let deadline = Instant::now() + timeout;
        if !self.begin(deadline) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        self.wait(deadline).result
    }
}

impl<T: Send + 'static> Stop for Queue<T> {
    fn begin(&self, deadline: Instant) -> bool {
        let shared = &*self.shared;
        let mut state = shared.lock();
        if state.deadline.is_some() {
            return false;
        }
        state.deadline = Some(deadline);
        shared.wake.notify_one();
        true
    }

    fn wait(&self, deadline: Instant) -> Stopped {
        let shared = &*self.shared;
        let waited_from = Instant::now();
        let mut state = shared.lock();
        let result = loop {
            if let Some(result) = &state.finished {
                break result.clone();
            }
            let now = Instant::now();
            if now >= deadline {
                let unsent = std::mem::take(&mut state.items);
                let lost = state.shutdown_lost + unsent.len() + state.in_flight;
                drop(state);
                shared
                    .dropped
                    .add(shared.signal, Reason::ExportFailed, unsent.len());
                return Stopped {
                    lost,
                    result: Err(OTelSdkError::Timeout(
                        now.saturating_duration_since(waited_from),
                    )),
                };
            }
            state = shared.wait(&shared.progress, state, deadline - now);
        };
        let lost = state.shutdown_lost;
        drop(state);
        let worker = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(worker) = worker {
            let _ = worker.join(); // it has finished: this does not wait
        }
        Stopped {
            lost,
            result: result.map_err(OTelSdkError::InternalFailure),
        }
    }
}

impl<T> Drop for Queue<T> {
    /// Tells a queue that was never shut down to stop, without waiting.
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if state.deadline.is_none() {
            state.deadline = Some(Instant::now());
            self.shared.wake.notify_one();
        }
    }
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // An export never runs under the lock, and nothing under it panics;
        // a poisoned lock still holds consistent state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'a>(
        &self,
        condvar: &Condvar,
        state: MutexGuard<'a, State<T>>,
        timeout: Duration,
    ) -> MutexGuard<'a, State<T>> {
        match condvar.wait_timeout(state, timeout) {
            Ok((state, _)) => state,
            Err(e) => e.into_inner().0,
        }
    }

    /// Waits, while the exporter is healthy and for at most `self.wait`,
    /// until the queue has room; returns whether it has.
    fn wait_for_room<'a>(
        &self,
        mut state: MutexGuard<'a, State<T>>,
    ) -> (MutexGuard<'a, State<T>>, bool) {
        if self.wait.is_zero() {
            return (state, false);
        }
        let until = state.exporting.unwrap_or_else(Instant::now) + self.wait;
        while state.items.len() >= self.batching.queue_size {
            if state.unhealthy || state.deadline.is_some() {
                return (state, false);
            }
            let now = Instant::now();
            if now >= until {
                state.unhealthy = true;
                self.room.notify_all(); // the other waiters stop waiting too
                return (state, false);
            }
            self.wake.notify_one();
            state = self.wait(&self.room, state, until - now);
        }
        (state, true)
    }

    fn past_deadline(&self) -> bool {
        self.lock().deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// The export thread: exports when a batch is full, the delay is up, a
    /// flush is asked for, or shutdown begins; after shutdown's export it
    /// stops the exporter and ends.
    fn run<E: Exporter<T>>(&self, mut exporter: E) {
        let delay = self.batching.delay;
        let mut next = Instant::now() + delay;
        loop {
            let mut state = self.lock();
            loop {
                if state.deadline.is_some()
                    || state.flush_requested > state.flush_completed
                    || state.items.len() >= self.batching.batch_size
                {
                    break;
                }
                let now = Instant::now();
                if now >= next {
                    break;
                }
                state = self.wait(&self.wake, state, next - now);
            }
            let batch = std::mem::take(&mut state.items);
            let taken = batch.len();
            state.in_flight = taken;
            if taken > 0 {
                state.exporting = Some(Instant::now());
            }
            let flush = state.flush_requested;
            let deadline = state.deadline;
            drop(state);
            self.room.notify_all();

            let error = self.export_all(&mut exporter, batch);
            next = Instant::now() + delay;

            let mut state = self.lock();
            state.exporting = None;
            if taken > 0 {
                state.unhealthy = error.is_some();
            }
            if flush > state.flush_completed {
                state.flush_completed = flush;
                state.flush_error = error;
            }
            if let Some(deadline) = deadline {
                drop(state);
                let left = deadline.saturating_duration_since(Instant::now());
                let result = match catch_unwind(AssertUnwindSafe(|| exporter.shutdown(left))) {
                    Ok(result) => result.map_err(|e| e.to_string()),
                    Err(_) => Err("the exporter panicked while shutting down".to_owned()),
                };
                self.lock().finished = Some(result);
                self.progress.notify_all();
                return;
            }
            drop(state);
            self.progress.notify_all();
        }
    }

    /// Exports `batch` in batches of at most `batch_size`, counting what is
    /// lost; returns the last reason for a loss.
    fn export_all<E: Exporter<T>>(&self, exporter: &mut E, batch: Vec<T>) -> Option<String> {
        let mut items = batch.into_iter();
        let mut error = None;
        while items.len() > 0 {
            if self.past_deadline() {
                let n = items.len();
                self.dropped.add(self.signal, Reason::ExportFailed, n);
                self.done(n, true);
                return Some("shutdown timed out before the export".to_owned());
            }
            let chunk: Vec<T> = items.by_ref().take(self.batching.batch_size).collect();
            let n = chunk.len();
            // A panicking exporter loses its batch, not the export thread.
            let failure = match catch_unwind(AssertUnwindSafe(|| exporter.export(chunk))) {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(_) => Some("the exporter panicked".to_owned()),
            };
            let failed = failure.is_some();
            if failed {
                self.dropped.add(self.signal, Reason::ExportFailed, n);
                error = failure;
            }
            self.done(n, failed);
        }
        error
    }

    /// `n` items taken for export are done with; `lost` if not delivered.
    fn done(&self, n: usize, lost: bool) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(n);
        if lost && state.deadline.is_some() {
            state.shutdown_lost += n;
        }
    }
}

#[cfg(test)]
mod tests;
