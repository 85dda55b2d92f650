//! The HTTP client behind the OTLP/HTTP exporters: reqwest's blocking
//! client, built by Seam with the export timeout, sending exactly Seam's
//! headers (the exporter would add `OTEL_EXPORTER_OTLP_HEADERS` by itself),
//! and telling the signal's [`Health`] why a request failed.

use std::sync::Arc;
use std::time::Duration;

use http::header::{
    HeaderMap, HeaderName, HeaderValue, CONTENT_ENCODING, CONTENT_TYPE, USER_AGENT,
};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};

use super::health::{Cause, Health};

/// Builds the blocking client, on a thread of its own: reqwest starts a
/// runtime for it, which must not happen inside the caller's.
pub(crate) fn blocking_client(timeout: Duration) -> Result<reqwest::blocking::Client, String> {
    std::thread::Builder::new()
        .name("seam-http-init".to_owned())
        .spawn(move || {
            reqwest::blocking::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?
        .join()
        .map_err(|_| "building the HTTP client panicked".to_owned())?
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// One signal's client.
#[derive(Debug, Clone)]
pub(crate) struct SeamHttpClient {
    client: reqwest::blocking::Client,
    headers: HeaderMap,
    health: Arc<Health>,
}

impl SeamHttpClient {
    /// `headers` were checked when the settings were resolved.
    pub(crate) fn new(
        client: reqwest::blocking::Client,
        headers: &[(String, String)],
        health: Arc<Health>,
    ) -> Self {
        let headers = headers
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    HeaderName::from_bytes(name.as_bytes()).ok()?,
                    HeaderValue::from_str(value).ok()?,
                ))
            })
            .collect();
        SeamHttpClient {
            client,
            headers,
            health,
        }
    }
}

#[async_trait::async_trait]
impl HttpClient for SeamHttpClient {
    async fn send_bytes(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let mut headers = HeaderMap::with_capacity(self.headers.len() + 3);
        for name in [CONTENT_TYPE, CONTENT_ENCODING, USER_AGENT] {
            if let Some(value) = request.headers().get(&name) {
                headers.insert(name, value.clone());
            }
        }
        for (name, value) in &self.headers {
            if name != CONTENT_TYPE && name != CONTENT_ENCODING {
                headers.insert(name.clone(), value.clone());
            }
        }
        *request.headers_mut() = headers;
        match self.client.send_bytes(request).await {
            Ok(response) => {
                if !response.status().is_success() {
                    self.health
                        .transport_failed(Cause::Status(response.status().as_u16()));
                }
                Ok(response)
            }
            Err(e) => {
                self.health.transport_failed(cause(&*e));
                Err(e)
            }
        }
    }
}

fn cause(e: &(dyn std::error::Error + 'static)) -> Cause {
    match e.downcast_ref::<reqwest::Error>() {
        Some(e) if e.is_connect() => Cause::Unreachable,
        Some(e) if e.is_timeout() => Cause::NoAnswer,
        _ => {
            let mut message = e.to_string();
            let mut source = e.source();
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Cause::Failed(message)
        }
    }
}
