//! The span processor that queues sampled spans for export in a bounded
//! [`Queue`], in place of the SDK's `BatchSpanProcessor`.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{self, Span, SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

use super::dropped::Dropped;
use super::queue::{Exporter, Queue};
use super::FLUSH_TIMEOUT;
use crate::settings::Batching;
use crate::signal::Signal;

/// Queues each ended, sampled span; see [`Queue`].
#[derive(Debug)]
pub(crate) struct BoundedSpanProcessor {
    queue: Queue<SpanData>,
}

impl BoundedSpanProcessor {
    /// Starts the export thread. `resource` goes to the exporter here: the
    /// export thread owns it from then on.
    pub(crate) fn start<E: SpanExporter + 'static>(
        mut exporter: E,
        resource: &Resource,
        batching: Batching,
        dropped: Arc<Dropped>,
    ) -> std::io::Result<Self> {
        exporter.set_resource(resource);
        let queue = Queue::start(
            "seam-spans",
            batching,
            Signal::Traces,
            dropped,
            Spans(exporter),
        )?;
        Ok(BoundedSpanProcessor { queue })
    }
}

struct Spans<E>(E);

impl<E: SpanExporter + 'static> Exporter<SpanData> for Spans<E> {
    fn export(&mut self, batch: Vec<SpanData>) -> OTelSdkResult {
        // The HTTP exporter's future completes on its own blocking client.
        futures_executor::block_on(self.0.export(batch))
    }

    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
}

impl trace::SpanProcessor for BoundedSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        if span.span_context.is_sampled() {
            self.queue.add(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.queue.flush(FLUSH_TIMEOUT)
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.queue.shutdown(timeout)
    }
}
