//! Seam's OTLP/HTTP log exporter: each batch encoded by [`LogRequest`]
//! and posted through Seam's HTTP client under the SDK exporter's retry
//! rules ([`retry`](super::retry)), in place of opentelemetry-otlp's, whose
//! transform of every record into `opentelemetry-proto` structs cost more
//! than the records themselves.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use http::header::{CONTENT_TYPE, RETRY_AFTER};
use opentelemetry_http::{Bytes, HttpClient, ResponseBodyTooLarge};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::logs::{LogBatch, LogExporter};
use opentelemetry_sdk::Resource;

use super::http::SeamHttpClient;
use super::log_request::LogRequest;
use super::proto;
use super::retry::{self, Retry};

/// The largest request body sent, as opentelemetry-otlp bounds its own.
const MAX_BODY: usize = 64 << 20;

/// Posts log batches to one OTLP/HTTP endpoint.
#[derive(Debug)]
pub(crate) struct HttpLogExporter {
    client: SeamHttpClient,
    endpoint: http::Uri,
    timeout: Duration,
    request: Mutex<Encoder>,
    shut_down: AtomicBool,
}

/// The request encoder and the size of the last body, to allocate the
/// next one at once.
#[derive(Debug, Default)]
struct Encoder {
    request: LogRequest,
    last_len: usize,
}

/// Why one attempt failed: the status (0 with no response) and Retry-After.
#[derive(Debug)]
struct Failed {
    status: u16,
    retry_after: Option<String>,
    too_large: bool,
}

impl HttpLogExporter {
    pub(crate) fn new(
        client: SeamHttpClient,
        endpoint: &str,
        timeout: Duration,
    ) -> Result<Self, String> {
        let endpoint = endpoint
            .parse()
            .map_err(|e| format!("logs endpoint {endpoint:?}: {e}"))?;
        Ok(HttpLogExporter {
            client,
            endpoint,
            timeout,
            request: Mutex::new(Encoder::default()),
            shut_down: AtomicBool::new(false),
        })
    }

    fn body(&self, batch: &LogBatch<'_>) -> Bytes {
        let mut encoder = self.request.lock().unwrap_or_else(|p| p.into_inner());
        let mut body = Vec::with_capacity(encoder.last_len);
        encoder.request.encode(batch, &mut body);
        encoder.last_len = body.len();
        Bytes::from(body)
    }

    async fn post(&self, body: &Bytes) -> Result<Bytes, Failed> {
        let request = http::Request::post(self.endpoint.clone())
            .header(CONTENT_TYPE, "application/x-protobuf")
            .body(body.clone())
            .map_err(|_| Failed {
                status: 400,
                retry_after: None,
                too_large: false,
            })?;
        let response = self.client.send_bytes(request).await.map_err(|e| Failed {
            status: 0,
            retry_after: None,
            too_large: e.downcast_ref::<ResponseBodyTooLarge>().is_some(),
        })?;
        if response.status().is_success() {
            return Ok(response.into_body());
        }
        Err(Failed {
            status: response.status().as_u16(),
            retry_after: response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            too_large: false,
        })
    }
}

impl LogExporter for HttpLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        if self.shut_down.load(Ordering::Acquire) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        let body = self.body(&batch);
        if body.len() > MAX_BODY {
            return Err(OTelSdkError::InternalFailure(format!(
                "OTLP HTTP uncompressed request body is {} bytes, exceeding the limit of {MAX_BODY} bytes; the batch is dropped",
                body.len()
            )));
        }
        let classify = |f: &Failed| {
            if f.too_large {
                Retry::Never
            } else {
                Retry::for_status(f.status, f.retry_after.as_deref())
            }
        };
        match retry::with_backoff(self.timeout, classify, || self.post(&body)).await {
            Ok(response) => {
                report_partial_success(&response);
                Ok(())
            }
            Err(f) if f.status == 0 => Err(OTelSdkError::InternalFailure(
                "HTTP export failed: network error".to_owned(),
            )),
            Err(f) => Err(OTelSdkError::InternalFailure(format!(
                "HTTP export failed with status code: {}",
                f.status
            ))),
        }
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return Err(OTelSdkError::AlreadyShutdown);
        }
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.request
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .request
            .set_resource(resource);
    }
}

/// Warns of records the endpoint rejected, as the SDK's exporter does
/// (`otel_warn!`):
/// ExportLogsServiceResponse.partial_success (1) holds rejected_log_records
/// (1) and error_message (2).
fn report_partial_success(response: &[u8]) {
    let Some(partial) =
        proto::read_fields(response).find_map(|(field, v)| (field == 1).then_some(v))
    else {
        return;
    };
    let (mut rejected, mut message) = (0i64, "");
    for (field, value) in proto::read_fields(partial.bytes()) {
        match field {
            1 => rejected = value.varint() as i64,
            2 => message = std::str::from_utf8(value.bytes()).unwrap_or("(not UTF-8)"),
            _ => {}
        }
    }
    if rejected > 0 || !message.is_empty() {
        // Under the SDK exporter's target and name: Seam's diagnostics
        // treat it as the SDK's own warning.
        tracing::warn!(
            name: "HttpLogsClient.PartialSuccess",
            target: "opentelemetry-otlp",
            name = "HttpLogsClient.PartialSuccess",
            rejected_log_records = rejected,
            error_message = message,
        );
    }
}
