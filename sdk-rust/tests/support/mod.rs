//! A minimal but real OTLP/HTTP receiver for tests: HTTP/1.1 on 127.0.0.1,
//! protobuf bodies decoded with opentelemetry-proto. It can refuse a signal
//! or hold its requests, like a collector that is down or stalled. The
//! gRPC receiver is in `grpc.rs`, the child-process runner in `child.rs`.

// Each test binary uses part of it.
#![allow(dead_code)]

pub mod child;
#[path = "../../benches/support/cpu_time.rs"]
pub mod cpu_time;
pub mod dropped;
pub mod grpc;
pub mod logs;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// Everything received, by signal.
#[derive(Default, Debug)]
pub struct Received {
    pub traces: Vec<ExportTraceServiceRequest>,
    pub metrics: Vec<ExportMetricsServiceRequest>,
    pub logs: Vec<ExportLogsServiceRequest>,
    /// Requests that were not valid OTLP/HTTP protobuf, with the reason.
    pub rejected: Vec<String>,
    /// Every request's path and headers (names lowercase), in order.
    pub requests: Vec<(String, Vec<(String, String)>)>,
    /// The bodies of requests answered 503, by path.
    pub refused: Vec<(String, Vec<u8>)>,
    /// The CPU time spent decoding and keeping what was received, which a
    /// benchmark of the sender leaves out (a collector does that work).
    pub record_cpu: Duration,
}

/// How the receiver misbehaves, by request path (e.g. `/v1/logs`).
#[derive(Default, Clone)]
pub struct Faults {
    /// Answered with 503 and not recorded.
    pub refuse: Vec<&'static str>,
    /// Held without an answer until [`Receiver::release`] (or drop).
    pub stall: Vec<&'static str>,
    /// Answered with 503 until [`Receiver::release`], recorded after.
    pub refuse_until_release: Vec<&'static str>,
}

/// Opens once; stalled requests wait for it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn is_open(&self) -> bool {
        *self.open.lock().expect("lock")
    }

    fn open(&self) {
        *self.open.lock().expect("lock") = true;
        self.opened.notify_all();
    }

    fn wait(&self) {
        let open = self.open.lock().expect("lock");
        let _ = self
            .opened
            .wait_timeout_while(open, Duration::from_secs(60), |open| !*open);
    }
}

/// The running receiver; dropping it stops accepting.
pub struct Receiver {
    addr: SocketAddr,
    received: Arc<Mutex<Received>>,
    stop: Arc<AtomicBool>,
    gate: Arc<Gate>,
    acceptor: Option<JoinHandle<()>>,
}

impl Receiver {
    pub fn start() -> Receiver {
        Receiver::start_with(Faults::default())
    }

    pub fn start_with(faults: Faults) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let received = Arc::new(Mutex::new(Received::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let gate = Arc::new(Gate::default());
        let acceptor = {
            let received = received.clone();
            let stop = stop.clone();
            let gate = gate.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let received = received.clone();
                    let (faults, gate) = (faults.clone(), gate.clone());
                    std::thread::spawn(move || serve(stream, &received, &faults, &gate));
                }
            })
        };
        Receiver {
            addr,
            received,
            stop,
            gate,
            acceptor: Some(acceptor),
        }
    }

    /// Answers the stalled requests and every later one.
    pub fn release(&self) {
        self.gate.open();
    }

    /// The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT would hold it.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn take(&self) -> Received {
        std::mem::take(&mut *self.received.lock().expect("lock"))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.gate.open();
        let _ = TcpStream::connect(self.addr); // wakes the acceptor
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Serves requests on one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, received: &Mutex<Received>, faults: &Faults, gate: &Gate) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        match reader.read_line(&mut request_line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_owned();
        let mut content_length = 0usize;
        let mut content_type = String::new();
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => content_length = value.trim().parse().unwrap_or(0),
                    "content-type" => content_type = value.trim().to_owned(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0u8; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if faults.stall.contains(&path.as_str()) {
            gate.wait();
        }
        received
            .lock()
            .expect("lock")
            .requests
            .push((path.clone(), headers));
        let refused = faults.refuse.contains(&path.as_str())
            || (faults.refuse_until_release.contains(&path.as_str()) && !gate.is_open());
        let status = if refused {
            received
                .lock()
                .expect("lock")
                .refused
                .push((path.clone(), body));
            "503 Service Unavailable"
        } else {
            let start = cpu_time::thread_cpu_time();
            let status = record(received, &path, &content_type, &body);
            received.lock().expect("lock").record_cpu += cpu_time::thread_cpu_time() - start;
            status
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn record(received: &Mutex<Received>, path: &str, content_type: &str, body: &[u8]) -> &'static str {
    let mut received = received.lock().expect("lock");
    if content_type != "application/x-protobuf" {
        received
            .rejected
            .push(format!("{path}: content-type {content_type:?}"));
        return "415 Unsupported Media Type";
    }
    let decoded = match path {
        "/v1/traces" => ExportTraceServiceRequest::decode(body).map(|r| received.traces.push(r)),
        "/v1/metrics" => {
            ExportMetricsServiceRequest::decode(body).map(|r| received.metrics.push(r))
        }
        "/v1/logs" => ExportLogsServiceRequest::decode(body).map(|r| received.logs.push(r)),
        other => {
            received.rejected.push(format!("unknown path {other}"));
            return "404 Not Found";
        }
    };
    match decoded {
        Ok(()) => "200 OK",
        Err(e) => {
            received.rejected.push(format!("{path}: {e}"));
            "400 Bad Request"
        }
    }
}
