//! `tower` layers that carry the trace context, baggage and correlation id
//! through HTTP services.
//!
//! - [`IngressLayer`] (server side) extracts them from the request headers,
//!   mints a correlation id when the request has none, and runs the inner
//!   service (and its future) under that context. The context is also put in
//!   the request's extensions. It is the HTTP side of the Go/Rust boundary: a
//!   panic of the inner service, in `call` or while its future is polled, is
//!   caught, counted in `seam.boundary.panics{seam.operation,
//!   seam.boundary.kind=http}` and answered with a 500 carrying
//!   [`ERROR_TYPE_HEADER`]` = panic`, which the Go SDK's
//!   `seamhttp.CheckResponse` reads as a panic, so the caller falls back
//!   instead of losing the connection. A panic on another task (a
//!   `spawn_blocking` closure, say) reaches it when the handler resumes it
//!   with `std::panic::resume_unwind`. [`IngressLayer::grpc`] is the same
//!   ingress in front of a gRPC service (a `tonic` server's, say): a panic
//!   is counted with `seam.boundary.kind=grpc` and answered with the gRPC
//!   status `INTERNAL`, marked with [`ERROR_TYPE_HEADER`]` = panic` in its
//!   trailers, which the Go SDK's `seamgrpc` clients read as a panic.
//! - [`PropagateLayer`] (client side) injects the current context into every
//!   outgoing request.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use http::header::{HeaderName, HeaderValue};
use http::{Response, StatusCode};
use opentelemetry::context::{FutureExt, WithContext};
use opentelemetry::Context;
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::boundary_panics::count_panic;
use crate::propagation::{ensure_correlation_id, extract_headers, inject_headers};
use crate::semconv::enums::error_type::PANIC;
use crate::semconv::enums::seam_boundary_kind;

/// The response header naming how a call failed when the status code alone cannot say
/// (the Go SDK's `seamhttp.ErrorTypeHeader`): [`IngressLayer`] sets it to `panic`.
pub const ERROR_TYPE_HEADER: &str = "seam-error-type";

/// Server-side layer: see the [module docs](self).
#[derive(Debug, Clone, Copy)]
pub struct IngressLayer {
    operation: &'static str,
    protocol: Protocol,
}

/// What the ingress serves, which decides how a panic is answered and counted.
#[derive(Debug, Clone, Copy)]
enum Protocol {
    Http,
    Grpc,
}

impl Protocol {
    /// The `seam.boundary.kind` a panic is counted under.
    fn boundary_kind(self) -> &'static str {
        match self {
            Protocol::Http => seam_boundary_kind::HTTP,
            Protocol::Grpc => seam_boundary_kind::GRPC,
        }
    }
}

impl IngressLayer {
    /// The HTTP ingress of `operation`: the `seam.operation` a caught panic is counted
    /// under, the name the caller's crossing and the handler's own [`crate::operation`]
    /// use. `'static` because it becomes a metric attribute: one name per service keeps
    /// cardinality bounded.
    pub const fn new(operation: &'static str) -> Self {
        IngressLayer {
            operation,
            protocol: Protocol::Http,
        }
    }

    /// The gRPC ingress of `operation`: as [`IngressLayer::new`], but a panic is
    /// counted with `seam.boundary.kind=grpc` and answered with the gRPC status
    /// `INTERNAL` (a trailers-only reply) marked with [`ERROR_TYPE_HEADER`]` = panic`.
    pub const fn grpc(operation: &'static str) -> Self {
        IngressLayer {
            operation,
            protocol: Protocol::Grpc,
        }
    }
}

impl<S> Layer<S> for IngressLayer {
    type Service = Ingress<S>;

    fn layer(&self, inner: S) -> Ingress<S> {
        Ingress {
            inner,
            operation: self.operation,
            protocol: self.protocol,
        }
    }
}

/// The service made by [`IngressLayer`].
#[derive(Debug, Clone)]
pub struct Ingress<S> {
    inner: S,
    operation: &'static str,
    protocol: Protocol,
}

impl<S, B, ResBody> Service<http::Request<B>> for Ingress<S>
where
    S: Service<http::Request<B>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = IngressFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let cx = ensure_correlation_id(&extract_headers(request.headers()));
        request.extensions_mut().insert(cx.clone());
        let called = {
            let _current = cx.clone().attach();
            panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(request)))
        };
        match called {
            Ok(future) => IngressFuture::Running {
                future: future.with_context(cx),
                operation: self.operation,
                protocol: self.protocol,
            },
            Err(_) => {
                count_panic(self.operation, self.protocol.boundary_kind());
                IngressFuture::Panicked {
                    protocol: self.protocol,
                }
            }
        }
    }
}

pin_project! {
    /// The future of [`Ingress`]: the inner service's, polled under the request's
    /// context, with its panics caught.
    #[project = IngressFutureProj]
    #[derive(Debug)]
    pub enum IngressFuture<F> {
        /// The inner future.
        Running { #[pin] future: WithContext<F>, operation: &'static str, protocol: Protocol },
        /// The inner service panicked in `call`, already counted.
        Panicked { protocol: Protocol },
    }
}

impl<F, ResBody, E> Future for IngressFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    ResBody: Default,
{
    type Output = Result<Response<ResBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match self.project() {
            IngressFutureProj::Running {
                future,
                operation,
                protocol,
            } => {
                // A future that panicked is never polled again: this poll answers for it.
                match panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                    Ok(poll) => poll,
                    Err(_) => {
                        count_panic(operation, protocol.boundary_kind());
                        Poll::Ready(Ok(panicked(*protocol)))
                    }
                }
            }
            IngressFutureProj::Panicked { protocol } => Poll::Ready(Ok(panicked(*protocol))),
        }
    }
}

/// The answer for a request whose handler panicked, marked: over HTTP a 500 with an
/// empty body; over gRPC a trailers-only reply (a 200 whose headers are the trailers)
/// with the status `INTERNAL`, as gRPC answers a failed call before any message.
fn panicked<B: Default>(protocol: Protocol) -> Response<B> {
    let mut response = Response::new(B::default());
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static(ERROR_TYPE_HEADER),
        HeaderValue::from_static(PANIC),
    );
    match protocol {
        Protocol::Http => *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR,
        Protocol::Grpc => {
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/grpc"),
            );
            headers.insert(
                HeaderName::from_static("grpc-status"),
                HeaderValue::from_static(GRPC_INTERNAL),
            );
            headers.insert(
                HeaderName::from_static("grpc-message"),
                HeaderValue::from_static("handler%20panicked"),
            );
        }
    }
    response
}

/// The gRPC status code `INTERNAL`, as the `grpc-status` trailer spells it.
const GRPC_INTERNAL: &str = "13";

/// Client-side layer: see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct PropagateLayer;

impl<S> Layer<S> for PropagateLayer {
    type Service = Propagate<S>;

    fn layer(&self, inner: S) -> Propagate<S> {
        Propagate { inner }
    }
}

/// The service made by [`PropagateLayer`].
#[derive(Debug, Clone)]
pub struct Propagate<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for Propagate<S>
where
    S: Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        inject_headers(&Context::current(), request.headers_mut());
        self.inner.call(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::correlation_id;
    use opentelemetry::trace::TraceContextExt;
    use std::convert::Infallible;
    use std::future::{poll_fn, ready, Ready};
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::Wake;

    /// What the handler saw: the current context's trace id and correlation id, and the
    /// headers of the request it got.
    #[derive(Debug, Default)]
    struct Seen {
        trace_id: String,
        correlation_id: Option<String>,
        headers: http::HeaderMap,
    }

    /// Answers with what it saw.
    #[derive(Clone)]
    struct Echo;

    impl Service<http::Request<()>> for Echo {
        type Response = Response<Seen>;
        type Error = Infallible;
        type Future = Ready<Result<Response<Seen>, Infallible>>;

        fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<()>) -> Self::Future {
            let cx = Context::current();
            ready(Ok(Response::new(Seen {
                trace_id: cx.span().span_context().trace_id().to_string(),
                correlation_id: correlation_id(&cx),
                headers: request.headers().clone(),
            })))
        }
    }

    /// Panics where it is told to: in `call`, or once its future is polled.
    #[derive(Clone, Copy)]
    enum Panics {
        InCall,
        InFuture,
    }

    type BoxedReply = Pin<Box<dyn Future<Output = Result<Response<Seen>, Infallible>>>>;

    impl Service<http::Request<()>> for Panics {
        type Response = Response<Seen>;
        type Error = Infallible;
        type Future = BoxedReply;

        fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: http::Request<()>) -> BoxedReply {
            match self {
                Panics::InCall => panic!("handler panics in call"),
                Panics::InFuture => {
                    Box::pin(poll_fn(|_| -> Poll<Result<Response<Seen>, Infallible>> {
                        panic!("handler panics in its future")
                    }))
                }
            }
        }
    }

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        let waker = Arc::new(Noop).into();
        let mut cx = TaskContext::from_waker(&waker);
        let mut future = pin!(future);
        loop {
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn ingress_extracts_and_mints() {
        let mut service = IngressLayer::new("test.op").layer(Echo);
        let request = http::Request::builder()
            .header(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            )
            .header("baggage", "seam.correlation_id=abc")
            .body(())
            .expect("request");
        let seen = block_on(service.call(request)).expect("call").into_body();
        assert_eq!(seen.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(seen.correlation_id.as_deref(), Some("abc"));

        let minted = block_on(service.call(http::Request::new(())))
            .expect("call")
            .into_body()
            .correlation_id;
        assert_eq!(minted.map(|m| m.len()), Some(26));
    }

    #[test]
    fn ingress_answers_a_panic_with_a_marked_500() {
        for panics in [Panics::InCall, Panics::InFuture] {
            let mut service = IngressLayer::new("test.op").layer(panics);
            let response = block_on(service.call(http::Request::new(()))).expect("call");
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(
                response
                    .headers()
                    .get(ERROR_TYPE_HEADER)
                    .and_then(|v| v.to_str().ok()),
                Some("panic")
            );
        }
    }

    #[test]
    fn grpc_ingress_answers_a_panic_with_a_marked_internal_status() {
        for panics in [Panics::InCall, Panics::InFuture] {
            let mut service = IngressLayer::grpc("test.op").layer(panics);
            let response = block_on(service.call(http::Request::new(()))).expect("call");
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(header("grpc-status").as_deref(), Some("13"));
            assert_eq!(header("content-type").as_deref(), Some("application/grpc"));
            assert_eq!(header(ERROR_TYPE_HEADER).as_deref(), Some("panic"));
        }
    }

    #[test]
    fn propagate_injects_current() {
        let mut service = PropagateLayer.layer(Echo);
        let cx = crate::propagation::with_correlation_id(&Context::new(), "xyz");
        let _current = cx.attach();
        let seen = block_on(service.call(http::Request::new(())))
            .expect("call")
            .into_body();
        assert_eq!(
            seen.headers.get("baggage").and_then(|v| v.to_str().ok()),
            Some("seam.correlation_id=xyz")
        );
    }
}
