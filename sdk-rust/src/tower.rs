//! `tower` layers that carry the trace context, baggage and correlation id
//! through HTTP services.
//!
//! - [`IngressLayer`] (server side) extracts them from the request headers,
//!   mints a correlation id when the request has none, and runs the inner
//!   service (and its future) under that context. The context is also put in
//!   the request's extensions.
//! - [`PropagateLayer`] (client side) injects the current context into every
//!   outgoing request.

use std::task::{Context as TaskContext, Poll};

use opentelemetry::context::{FutureExt, WithContext};
use opentelemetry::Context;
use tower_layer::Layer;
use tower_service::Service;

use crate::propagation::{ensure_correlation_id, extract_headers, inject_headers};

/// Server-side layer: see the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct IngressLayer;

impl<S> Layer<S> for IngressLayer {
    type Service = Ingress<S>;

    fn layer(&self, inner: S) -> Ingress<S> {
        Ingress { inner }
    }
}

/// The service made by [`IngressLayer`].
#[derive(Debug, Clone)]
pub struct Ingress<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for Ingress<S>
where
    S: Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = WithContext<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let cx = ensure_correlation_id(&extract_headers(request.headers()));
        request.extensions_mut().insert(cx.clone());
        let future = {
            let _current = cx.clone().attach();
            self.inner.call(request)
        };
        future.with_context(cx)
    }
}

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
    use std::future::{ready, Future, Ready};
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::Wake;

    /// Answers with what the handler saw: the current context's trace id and
    /// correlation id, and the headers of the request it got.
    #[derive(Clone)]
    struct Echo;

    impl Service<http::Request<()>> for Echo {
        type Response = (String, Option<String>, http::HeaderMap);
        type Error = Infallible;
        type Future = Ready<Result<Self::Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<()>) -> Self::Future {
            let cx = Context::current();
            ready(Ok((
                cx.span().span_context().trace_id().to_string(),
                correlation_id(&cx),
                request.headers().clone(),
            )))
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
        let mut service = IngressLayer.layer(Echo);
        let request = http::Request::builder()
            .header(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            )
            .header("baggage", "seam.correlation_id=abc")
            .body(())
            .expect("request");
        let (trace_id, id, _) = block_on(service.call(request)).expect("call");
        assert_eq!(trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(id.as_deref(), Some("abc"));

        let (_, minted, _) = block_on(service.call(http::Request::new(()))).expect("call");
        assert_eq!(minted.map(|m| m.len()), Some(26));
    }

    #[test]
    fn propagate_injects_current() {
        let mut service = PropagateLayer.layer(Echo);
        let cx = crate::propagation::with_correlation_id(&Context::new(), "xyz");
        let _current = cx.attach();
        let (_, _, headers) = block_on(service.call(http::Request::new(()))).expect("call");
        assert_eq!(
            headers.get("baggage").and_then(|v| v.to_str().ok()),
            Some("seam.correlation_id=xyz")
        );
    }
}
