//! A real OTLP/gRPC receiver for tests: tonic's server with the generated
//! OpenTelemetry services, on a Tokio runtime and thread of its own, so that
//! the code under test may have no runtime at all.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tokio::sync::oneshot;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use super::Received;

#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Received>>);

impl Collector {
    /// Records the request's metadata; the caller records its body.
    fn headers<T>(&self, request: &Request<T>) {
        let mut received = self.0.lock().expect("lock");
        let headers = request
            .metadata()
            .iter()
            .filter_map(|kv| match kv {
                tonic::metadata::KeyAndValueRef::Ascii(k, v) => {
                    Some((k.to_string(), v.to_str().ok()?.to_owned()))
                }
                tonic::metadata::KeyAndValueRef::Binary(..) => None,
            })
            .collect();
        received.requests.push(("grpc".to_owned(), headers));
    }
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        self.headers(&request);
        let body = request.into_inner();
        self.0.lock().expect("lock").traces.push(body);
        Ok(Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Collector {
    async fn export(
        &self,
        request: Request<ExportMetricsServiceRequest>,
    ) -> Result<Response<ExportMetricsServiceResponse>, Status> {
        self.headers(&request);
        let body = request.into_inner();
        self.0.lock().expect("lock").metrics.push(body);
        Ok(Response::new(ExportMetricsServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl LogsService for Collector {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        self.headers(&request);
        let body = request.into_inner();
        self.0.lock().expect("lock").logs.push(body);
        Ok(Response::new(ExportLogsServiceResponse::default()))
    }
}

/// The running receiver; dropping it stops the server.
pub struct GrpcReceiver {
    addr: SocketAddr,
    collector: Collector,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl GrpcReceiver {
    pub fn start() -> GrpcReceiver {
        let collector = Collector::default();
        let (stop, stopped) = oneshot::channel::<()>();
        let (bound, addr) = std::sync::mpsc::channel();
        let server = {
            let collector = collector.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("receiver runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("bind 127.0.0.1:0");
                    bound
                        .send(listener.local_addr().expect("local addr"))
                        .expect("send addr");
                    tonic::transport::Server::builder()
                        .add_service(TraceServiceServer::new(collector.clone()))
                        .add_service(MetricsServiceServer::new(collector.clone()))
                        .add_service(LogsServiceServer::new(collector))
                        .serve_with_incoming_shutdown(TcpIncoming::from(listener), async {
                            let _ = stopped.await;
                        })
                        .await
                        .expect("serve");
                });
            })
        };
        GrpcReceiver {
            addr: addr.recv().expect("the receiver's address"),
            collector,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// The endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT would hold it.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn take(&self) -> Received {
        std::mem::take(&mut *self.collector.0.lock().expect("lock"))
    }
}

impl Drop for GrpcReceiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}
