//! The queue against recording exporters: order, bounds, failures, stuck exports.

use std::sync::mpsc;

use super::*;

/// Records batches; fails when `fail` is set; waits on `gate` first if
/// there is one.
struct Recording {
    batches: Arc<Mutex<Vec<Vec<u32>>>>,
    fail: bool,
    gate: Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>,
}

impl Exporter<u32> for Recording {
    fn export(&mut self, batch: Vec<u32>) -> OTelSdkResult {
        if let Some((started, gate)) = &self.gate {
            let _ = started.send(());
            let _ = gate.recv_timeout(Duration::from_secs(30));
        }
        self.batches.lock().expect("lock").push(batch);
        if self.fail {
            Err(OTelSdkError::InternalFailure("collector said no".into()))
        } else {
            Ok(())
        }
    }

    fn shutdown(&mut self, _: Duration) -> OTelSdkResult {
        Ok(())
    }
}

fn batching(queue_size: usize, batch_size: usize, delay: Duration) -> Batching {
    Batching {
        queue_size,
        batch_size,
        delay,
    }
}

#[test]
fn exports_in_order_in_batches() {
    let dropped = Arc::new(Dropped::default());
    let batches = Arc::new(Mutex::new(Vec::new()));
    let exporter = Recording {
        batches: batches.clone(),
        fail: false,
        gate: None,
    };
    let queue = Queue::start(
        "test",
        batching(100, 4, Duration::from_secs(3600)),
        Signal::Traces,
        dropped.clone(),
        exporter,
    )
    .expect("start");
    for i in 0..10 {
        queue.add(i);
    }
    queue.flush(Duration::from_secs(10)).expect("flush");
    queue.shutdown(Duration::from_secs(10)).expect("shutdown");
    let batches = batches.lock().expect("lock");
    assert!(batches.iter().all(|b| b.len() <= 4), "{batches:?}");
    assert_eq!(batches.concat(), (0..10).collect::<Vec<_>>());
    assert_eq!(dropped.get(Signal::Traces, Reason::QueueFull), 0);
    assert_eq!(dropped.get(Signal::Traces, Reason::ExportFailed), 0);
}

/// A stuck exporter never blocks `add`: the queue fills and the rest is
/// counted; shutdown gives up at its deadline and counts what was left.
#[test]
fn stuck_exporter_drops_and_never_blocks() {
    let dropped = Arc::new(Dropped::default());
    let batches = Arc::new(Mutex::new(Vec::new()));
    let (release, gate) = mpsc::channel();
    let (started_tx, started) = mpsc::channel();
    let exporter = Recording {
        batches: batches.clone(),
        fail: false,
        gate: Some((started_tx, gate)),
    };
    let queue = Queue::start(
        "test",
        batching(8, 2, Duration::from_secs(3600)),
        Signal::Logs,
        dropped.clone(),
        exporter,
    )
    .expect("start");
    // A full batch starts an export, which sticks.
    queue.add(0);
    queue.add(1);
    started
        .recv_timeout(Duration::from_secs(10))
        .expect("the export started");
    for i in 2..10_002 {
        queue.add(i);
    }
    assert_eq!(
        dropped.get(Signal::Logs, Reason::QueueFull),
        10_000 - 8,
        "all but the 8 the queue holds"
    );
    let deadline = Instant::now() + Duration::from_millis(50);
    assert!(queue.begin(deadline));
    assert!(!queue.begin(deadline), "a second shutdown");
    let stopped = queue.wait(deadline);
    assert!(matches!(stopped.result, Err(OTelSdkError::Timeout(_))));
    assert_eq!(
        stopped.lost, 10,
        "the 8 queued and the 2 of the export under way"
    );
    assert_eq!(
        dropped.get(Signal::Logs, Reason::ExportFailed),
        8,
        "what shutdown left unsent"
    );
    // Released, the export under way completes and the thread ends
    // without exporting anything more.
    drop(release);
    let worker = queue.worker.lock().expect("lock").take().expect("worker");
    worker.join().expect("export thread");
    assert_eq!(*batches.lock().expect("lock"), vec![vec![0, 1]]);
    assert_eq!(dropped.get(Signal::Logs, Reason::ExportFailed), 8);
    assert_eq!(dropped.get(Signal::Traces, Reason::QueueFull), 0);
}

#[test]
fn export_error_counts_the_batch() {
    let dropped = Arc::new(Dropped::default());
    let exporter = Recording {
        batches: Arc::default(),
        fail: true,
        gate: None,
    };
    let queue = Queue::start(
        "test",
        batching(10, 10, Duration::from_secs(3600)),
        Signal::Traces,
        dropped.clone(),
        exporter,
    )
    .expect("start");
    for i in 0..3 {
        queue.add(i);
    }
    assert!(matches!(
        queue.flush(Duration::from_secs(10)),
        Err(OTelSdkError::InternalFailure(e)) if e.contains("collector said no")
    ));
    assert_eq!(dropped.get(Signal::Traces, Reason::ExportFailed), 3);
    queue.shutdown(Duration::from_secs(10)).expect("shutdown");
    queue.add(99); // ignored
    assert!(matches!(
        queue.flush(Duration::from_secs(1)),
        Err(OTelSdkError::AlreadyShutdown)
    ));
    assert!(matches!(
        queue.shutdown(Duration::from_secs(1)),
        Err(OTelSdkError::AlreadyShutdown)
    ));
    assert_eq!(dropped.get(Signal::Traces, Reason::ExportFailed), 3);
    assert_eq!(dropped.get(Signal::Traces, Reason::QueueFull), 0);
}

/// Exports slower than the producer, each succeeding.
struct Slow {
    exported: Arc<Mutex<usize>>,
}

impl Exporter<u32> for Slow {
    fn export(&mut self, batch: Vec<u32>) -> OTelSdkResult {
        std::thread::sleep(Duration::from_millis(2));
        *self.exported.lock().expect("lock") += batch.len();
        Ok(())
    }

    fn shutdown(&mut self, _: Duration) -> OTelSdkResult {
        Ok(())
    }
}

/// With a wait, a producer faster than a healthy exporter waits for room:
/// every item is exported, none dropped.
#[test]
fn waits_for_room_while_exports_succeed() {
    let dropped = Arc::new(Dropped::default());
    let exported = Arc::new(Mutex::new(0));
    let queue = Queue::start_waiting(
        "test",
        batching(4, 4, Duration::from_secs(3600)),
        Duration::from_secs(60),
        Signal::Logs,
        dropped.clone(),
        Slow {
            exported: exported.clone(),
        },
    )
    .expect("start");
    for i in 0..200 {
        queue.add(i);
    }
    queue.shutdown(Duration::from_secs(10)).expect("shutdown");
    assert_eq!(*exported.lock().expect("lock"), 200);
    assert_eq!(dropped.get(Signal::Logs, Reason::QueueFull), 0);
}

/// Once an export failed, a full queue drops at once even with a wait of
/// an hour: a collector that is down never makes a producer wait.
#[test]
fn drops_at_once_after_a_failed_export() {
    let dropped = Arc::new(Dropped::default());
    let batches = Arc::new(Mutex::new(Vec::new()));
    let queue = Queue::start_waiting(
        "test",
        batching(4, 4, Duration::from_secs(3600)),
        Duration::from_secs(3600),
        Signal::Logs,
        dropped.clone(),
        Recording {
            batches: batches.clone(),
            fail: true,
            gate: None,
        },
    )
    .expect("start");
    for i in 0..4 {
        queue.add(i); // a full batch: exported, and refused
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while dropped.get(Signal::Logs, Reason::ExportFailed) < 4 {
        assert!(Instant::now() < deadline, "the export never failed");
        std::thread::sleep(Duration::from_millis(1));
    }
    // The export thread may take some of these before the queue is full;
    // the test ends only if none of the rest waits.
    for i in 4..20 {
        queue.add(i);
    }
    assert!(dropped.get(Signal::Logs, Reason::QueueFull) >= 4);
}

/// A waiting queue of 4 whose first export, of a full batch, has started
/// and hangs until the returned sender is dropped.
fn hung_waiting_queue(wait: Duration) -> (Queue<u32>, Arc<Dropped>, mpsc::Sender<()>) {
    let dropped = Arc::new(Dropped::default());
    let (release, gate) = mpsc::channel();
    let (started_tx, started) = mpsc::channel();
    let queue = Queue::start_waiting(
        "test",
        batching(4, 4, Duration::from_secs(3600)),
        wait,
        Signal::Logs,
        dropped.clone(),
        Recording {
            batches: Arc::new(Mutex::new(Vec::new())),
            fail: false,
            gate: Some((started_tx, gate)),
        },
    )
    .expect("start");
    for i in 0..4 {
        queue.add(i);
    }
    started
        .recv_timeout(Duration::from_secs(10))
        .expect("the export started");
    (queue, dropped, release)
}

/// A stuck export costs the first producer that finds the queue full one
/// wait; the rest drop at once (were each to wait a second, the 1,000 adds
/// would take a quarter of an hour).
#[test]
fn stuck_export_costs_one_wait() {
    let (queue, dropped, release) = hung_waiting_queue(Duration::from_secs(1));
    for i in 4..1_004 {
        queue.add(i);
    }
    assert_eq!(dropped.get(Signal::Logs, Reason::QueueFull), 1_000 - 4);
    drop(release); // this export and the next return at once
    queue.shutdown(Duration::from_secs(10)).expect("shutdown");
}

/// An export under way for longer than the wait (an exporter retrying a
/// refused connection) makes a full queue drop at once: no `add` waits
/// the second it otherwise would (a bound on blocking, far from any speed).
#[test]
fn no_wait_behind_an_export_under_way_for_longer_than_the_wait() {
    let (queue, dropped, release) = hung_waiting_queue(Duration::from_secs(1));
    std::thread::sleep(Duration::from_millis(1200));
    let begun = Instant::now();
    for i in 4..104 {
        queue.add(i);
    }
    let took = begun.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "one add waited: {took:?}"
    );
    assert_eq!(dropped.get(Signal::Logs, Reason::QueueFull), 100 - 4);
    drop(release);
    queue.shutdown(Duration::from_secs(10)).expect("shutdown");
}
