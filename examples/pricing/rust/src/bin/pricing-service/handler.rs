//! The HTTP handler: `POST /fingerprint`, `GET /healthz`, errors as JSON.

use std::convert::Infallible;
use std::future::Future;
use std::panic;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use opentelemetry::Context;
use pricing::basket::{BasketJson, InvalidBasket};
use pricing::faults::Faults;
use pricing::fingerprint::fingerprint;
use pricing::measure::{self, Failure};
use tower_service::Service;

/// The largest request body read, well above a basket at the item limit.
const MAX_BODY: usize = 1 << 20;
/// Header with the faults to apply to this request (`panic=P,slow=P,slow_ms=N,wrong=P`).
pub const FAULT_HEADER: &str = "x-pricing-fault";
/// Header with the caller's remaining time in milliseconds; the slow path stops there.
pub const TIMEOUT_HEADER: &str = "x-pricing-timeout-ms";
/// Response header echoing the request's `seam.correlation_id`.
const CORRELATION_HEADER: &str = "x-correlation-id";
/// The operation pricing-service serves, the `seam.operation` of its caught panics.
pub const OPERATION: &str = "pricing.fingerprint";

type Reply = Response<Full<Bytes>>;

/// The service behind `seam::tower::IngressLayer`, which puts the caller's trace context
/// and correlation id in the request's extensions and answers for a panic.
#[derive(Debug, Clone, Copy)]
pub struct Handler;

impl Service<Request<Incoming>> for Handler {
    type Response = Reply;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Reply, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        Box::pin(async move { Ok(respond(request).await) })
    }
}

async fn respond(request: Request<Incoming>) -> Reply {
    let cx = request
        .extensions()
        .get::<Context>()
        .cloned()
        .unwrap_or_else(Context::current);
    let correlation_id = seam::propagation::correlation_id(&cx);
    let path = request.uri().path().to_owned();
    let mut reply = match (request.method(), path.as_str()) {
        (&Method::POST, "/fingerprint") => serve_fingerprint(request, cx).await,
        (&Method::GET, "/healthz") => reply(StatusCode::OK, "text/plain", "ok\n".into()),
        (_, "/fingerprint" | "/healthz") => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "bad_request",
            "method not allowed",
        ),
        _ => error(
            StatusCode::NOT_FOUND,
            "bad_request",
            &format!("no route {path} (want POST /fingerprint or GET /healthz)"),
        ),
    };
    if let Some(value) = correlation_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        reply.headers_mut().insert(CORRELATION_HEADER, value);
    }
    reply
}

async fn serve_fingerprint(request: Request<Incoming>, cx: Context) -> Reply {
    let faults = match header(&request, FAULT_HEADER).map(str::parse::<Faults>) {
        None => Faults::default(),
        Some(Ok(faults)) => faults,
        Some(Err(message)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("{FAULT_HEADER}: {message}"),
            )
        }
    };
    let deadline = match header(&request, TIMEOUT_HEADER).map(str::parse::<u64>) {
        None => None,
        Some(Ok(ms)) => Some(Instant::now() + Duration::from_millis(ms)),
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("{TIMEOUT_HEADER}: want milliseconds"),
            )
        }
    };
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("request body: {err}"),
            )
        }
    };
    // The work is synchronous (and may sleep on the slow path): it runs on a blocking thread
    // under the request's context. A panic there is resumed here, where seam's ingress layer
    // catches it, counts it and answers 500.
    let work = tokio::task::spawn_blocking(move || {
        let _current = cx.attach();
        compute(&body, faults, deadline)
    });
    let result = match work.await {
        Ok(result) => result,
        Err(err) => match err.try_into_panic() {
            Ok(payload) => panic::resume_unwind(payload),
            Err(err) => {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error",
                    &format!("{OPERATION}: {err}"),
                )
            }
        },
    };
    match result {
        Ok(hex) => {
            let body = serde_json::json!({ "fingerprint": hex }).to_string();
            reply(StatusCode::OK, "application/json", body.into())
        }
        Err(failure) => {
            let status = match failure {
                Failure::Invalid(_) => StatusCode::BAD_REQUEST,
                Failure::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
            };
            error(
                status,
                failure.error_type(),
                &format!("{OPERATION}: {failure}"),
            )
        }
    }
}

/// Parses the basket and fingerprints it as one timed and logged operation.
fn compute(body: &[u8], faults: Faults, deadline: Option<Instant>) -> Result<String, Failure> {
    let json: BasketJson = serde_json::from_slice(body).map_err(|err| {
        tracing::warn!(error = %err, "bad basket JSON");
        Failure::Invalid(InvalidBasket(format!("basket JSON: {err}")))
    })?;
    let basket = json.basket();
    measure::run(OPERATION, || {
        faults.inject(OPERATION, || deadline.is_none_or(|d| Instant::now() < d))?;
        Ok(faults.garble_hex(fingerprint(&basket)?))
    })
}

fn header<'a>(request: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

fn reply(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
    let mut reply = Response::new(Full::new(body));
    *reply.status_mut() = status;
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    reply
}

/// An error reply: the message, and the `error.type` the caller records the call under.
fn error(status: StatusCode, error_type: &str, message: &str) -> Reply {
    let body = serde_json::json!({ "error": message, "error_type": error_type }).to_string();
    reply(status, "application/json", body.into())
}
