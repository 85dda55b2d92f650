//! Where export futures are polled: always on Seam's own export threads,
//! by `futures_executor`; for gRPC with Seam's Tokio runtime entered, so
//! that tonic finds its reactor and timers whatever the caller runs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How export futures are run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Runner {
    #[cfg(feature = "grpc-tonic")]
    handle: Option<tokio::runtime::Handle>,
}

impl Runner {
    /// Futures that need no runtime (the blocking HTTP client's).
    pub(crate) fn plain() -> Runner {
        Runner::default()
    }

    /// Futures polled inside the runtime of `handle`.
    #[cfg(feature = "grpc-tonic")]
    pub(crate) fn tokio(handle: tokio::runtime::Handle) -> Runner {
        Runner {
            handle: Some(handle),
        }
    }

    /// `future`, polled with the runtime entered.
    pub(crate) fn wrap<F: Future>(&self, future: F) -> InRuntime<F> {
        InRuntime {
            inner: future,
            runner: self.clone(),
        }
    }

    /// Runs `future` to completion on the calling thread, one of Seam's.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        futures_executor::block_on(self.wrap(future))
    }
}

pin_project_lite::pin_project! {
    /// A future polled with its [`Runner`]'s runtime entered.
    pub(crate) struct InRuntime<F> {
        #[pin]
        inner: F,
        runner: Runner,
    }
}

impl<F: Future> Future for InRuntime<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        #[cfg(feature = "grpc-tonic")]
        let _entered = this.runner.handle.as_ref().map(|h| h.enter());
        #[cfg(not(feature = "grpc-tonic"))]
        let _ = this.runner;
        this.inner.poll(cx)
    }
}
