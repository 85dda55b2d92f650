//! The span processor that queues sampled spans for export in a bounded
//! [`Queue`], in place of the SDK's `BatchSpanProcessor`.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{self, Span, SpanData, SpanExporter};
use opentelemetry_sdk::Resource;

use super::health::Health;
use super::queue::{Exporter, Queue, Stop};
use super::runner::Runner;
use super::{QueueParts, FLUSH_TIMEOUT};
use crate::signal::Signal;

/// Queues each ended, sampled span; see [`Queue`].
#[derive(Debug)]
pub(crate) struct BoundedSpanProcessor {
    queue: Arc<Queue<SpanData>>,
}

impl BoundedSpanProcessor {
    /// Starts the export thread. `resource` goes to the exporter here: the
    /// export thread owns it from then on.
    pub(crate) fn start<E: SpanExporter + 'static>(
        mut exporter: E,
        resource: &Resource,
        parts: QueueParts,
    ) -> std::io::Result<Self> {
        exporter.set_resource(resource);
        let spans = Spans {
            exporter,
            runner: parts.runner,
            health: parts.health,
        };
        let queue = Queue::start(
            "seam-spans",
            parts.batching,
            Signal::Traces,
            parts.dropped,
            spans,
        )?;
        Ok(BoundedSpanProcessor {
            queue: Arc::new(queue),
        })
    }

    /// Stops the queue on shutdown's schedule.
    pub(crate) fn stopper(&self) -> Arc<dyn Stop> {
        self.queue.clone()
    }
}

struct Spans<E> {
    exporter: E,
    runner: Runner,
    health: Arc<Health>,
}

impl<E: SpanExporter + 'static> Exporter<SpanData> for Spans<E> {
    fn export(&mut self, batch: Vec<SpanData>) -> OTelSdkResult {
        let n = batch.len();
        let result = self.runner.block_on(self.exporter.export(batch));
        self.health.exported(&result, n);
        result
    }

    fn shutdown(&mut self, timeout: Duration) -> OTelSdkResult {
        self.exporter.shutdown_with_timeout(timeout)
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
