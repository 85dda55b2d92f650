//! The consumer side of a message queue, as the OpenTelemetry messaging conventions
//! describe it, for any broker (the Go SDK's `seammsg` has both sides).
//!
//! [`Consumer::process`] runs the work of one delivered message under a consumer span
//! (`process {destination}`, kind consumer, `messaging.operation.type=process`) that
//! links to the producer's span, whose trace context the message headers carry: the
//! conventions recommend a link for process spans, since a job processed after a
//! redelivery, or hours later, is not part of the request that queued it. The span is a
//! child of the current context, and starts its own trace when there is none. The
//! message's baggage, and so its `seam.correlation_id`, becomes the work's (one is
//! minted when the producer sent none), so every log line of the work carries it.
//!
//! Each delivery records `messaging.client.consumed.messages` and
//! `messaging.process.duration` (with `error.type` when the work fails),
//! `seam.messaging.lag` (publication to the start of processing) when the broker says
//! when it stored the message, and `seam.messaging.redeliveries` when it had delivered
//! the message before; `seam.messaging.delivery.count` is on the span. A job dropped
//! before it completes is recorded with `error.type=canceled`.
//!
//! Headers are read through any [`Extractor`]: a `HashMap<String, String>`, or a small
//! adapter over the client's header type.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::time::{Instant, SystemTime};

use opentelemetry::baggage::BaggageExt as _;
use opentelemetry::context::FutureExt as _;
use opentelemetry::metrics::{Counter, Histogram};
use opentelemetry::propagation::Extractor;
use opentelemetry::trace::{Link, SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{global, Context, KeyValue};

use crate::error_class::{Classify, ErrorClass};
use crate::propagation::{copy_baggage, correlation_id, ensure_correlation_id, extract};
use crate::semconv::{attribute, enums, instruments};

/// A job being processed: dropped before it is done, it is recorded as canceled.
struct Pending<'a> {
    consumer: &'a Consumer,
    cx: Context,
    start: Instant,
    done: bool,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.done {
            let canceled = ErrorClass::Canceled;
            self.consumer.finish(
                &self.cx,
                self.start,
                Some((canceled, canceled.as_str().into())),
            );
        }
    }
}

/// What the broker says about one delivery of a message.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// `messaging.message.id`, when the broker assigns one.
    pub message_id: Option<String>,
    /// How many times the broker has delivered the message, this time included: 1
    /// for the first delivery (0, unknown, counts as a first delivery).
    pub count: u64,
    /// When the broker stored the message; `None` leaves the delivery out of
    /// `seam.messaging.lag`.
    pub published: Option<SystemTime>,
}

impl Delivery {
    /// Whether the broker had delivered the message before.
    pub fn redelivered(&self) -> bool {
        self.count > 1
    }
}

/// The consumer of one destination, as one consumer group: see the
/// [module docs](self). Build it after [`crate::init`], whose meter provider its
/// instruments belong to.
#[derive(Debug)]
pub struct Consumer {
    span_name: Cow<'static, str>,
    /// `messaging.system`, `messaging.destination.name` and, for a durable consumer,
    /// `messaging.consumer.group.name`: the lag's and redeliveries' attributes.
    place: Vec<KeyValue>,
    /// `place` with `messaging.operation.name=process`: the processing's.
    attributes: Vec<KeyValue>,
    consumed: Counter<u64>,
    redeliveries: Counter<u64>,
    duration: Histogram<f64>,
    lag: Histogram<f64>,
}

impl Consumer {
    /// A consumer of `destination` (`messaging.destination.name`, a subject or a queue)
    /// on `system` (`messaging.system`, e.g. `nats`).
    pub fn new(system: impl Into<String>, destination: impl Into<String>) -> Consumer {
        let destination = destination.into();
        let meter = global::meter_with_scope(crate::scope());
        let place = vec![
            KeyValue::new(attribute::MESSAGING_SYSTEM, system.into()),
            KeyValue::new(attribute::MESSAGING_DESTINATION_NAME, destination.clone()),
        ];
        let mut consumer = Consumer {
            span_name: Cow::Owned(format!("process {destination}")),
            attributes: Vec::new(),
            place,
            consumed: instruments::messaging_client_consumed_messages(&meter),
            redeliveries: instruments::seam_messaging_redeliveries(&meter),
            duration: instruments::messaging_process_duration(&meter),
            lag: instruments::seam_messaging_lag(&meter),
        };
        consumer.rebuild();
        consumer
    }

    /// The durable consumer or consumer group the messages are delivered to
    /// (`messaging.consumer.group.name`).
    pub fn with_group(mut self, group: impl Into<String>) -> Consumer {
        self.place.push(KeyValue::new(
            attribute::MESSAGING_CONSUMER_GROUP_NAME,
            group.into(),
        ));
        self.rebuild();
        self
    }

    fn rebuild(&mut self) {
        self.attributes = self.place.clone();
        self.attributes.push(KeyValue::new(
            attribute::MESSAGING_OPERATION_NAME,
            "process",
        ));
    }

    /// Runs `work`, the processing of one message whose headers are `headers`, under
    /// the consumer span and the message's baggage, and records the delivery: see the
    /// [module docs](self). The headers are read before this returns, so the future
    /// holds no borrow of them and is `Send` when `work` is. Returns `work`'s result.
    pub fn process<'a, F, T, E>(
        &'a self,
        headers: &dyn Extractor,
        delivery: &Delivery,
        work: F,
    ) -> impl Future<Output = Result<T, E>> + 'a
    where
        F: Future<Output = Result<T, E>> + 'a,
        E: fmt::Display + Classify,
    {
        let start = Instant::now();
        if let Some(waited) = delivery
            .published
            .and_then(|p| SystemTime::now().duration_since(p).ok())
        {
            self.lag.record(waited.as_secs_f64(), &self.place);
        }
        if delivery.redelivered() {
            self.redeliveries.add(1, &self.place);
        }
        let cx = self.start_span(headers, delivery);
        // A job dropped before it completes (its worker stopping, say), polled or not, is
        // recorded as canceled, as `crate::measure` records an abandoned operation.
        let mut pending = Pending {
            consumer: self,
            cx,
            start,
            done: false,
        };
        async move {
            let result = work.with_context(pending.cx.clone()).await;
            pending.done = true;
            let failure = result
                .as_ref()
                .err()
                .map(|e| (e.error_class(), e.to_string()));
            self.finish(&pending.cx, start, failure);
            result
        }
    }

    fn finish(&self, cx: &Context, start: Instant, failure: Option<(ErrorClass, String)>) {
        let elapsed = start.elapsed().as_secs_f64();
        let span = cx.span();
        match failure {
            None => {
                self.duration.record(elapsed, &self.attributes);
                self.consumed.add(1, &self.attributes);
            }
            Some((class, description)) => {
                let class = class.as_str();
                let mut failed = self.attributes.clone();
                failed.push(KeyValue::new(attribute::ERROR_TYPE, class));
                self.duration.record(elapsed, &failed);
                self.consumed.add(1, &failed);
                span.set_attribute(KeyValue::new(attribute::ERROR_TYPE, class));
                span.set_status(Status::error(description));
            }
        }
        span.end();
    }

    /// The current context with the message's baggage (a correlation ID ensured) and
    /// the consumer span, linked to the producer's.
    fn start_span(&self, headers: &dyn Extractor, delivery: &Delivery) -> Context {
        let creation = extract(headers);
        let parent =
            ensure_correlation_id(&Context::current().with_baggage(copy_baggage(&creation)));
        let mut attributes = self.attributes.clone();
        attributes.push(KeyValue::new(
            attribute::MESSAGING_OPERATION_TYPE,
            enums::messaging_operation_type::PROCESS,
        ));
        attributes.push(KeyValue::new(
            attribute::SEAM_MESSAGING_DELIVERY_COUNT,
            delivery.count.max(1) as i64,
        ));
        if let Some(id) = &delivery.message_id {
            attributes.push(KeyValue::new(attribute::MESSAGING_MESSAGE_ID, id.clone()));
        }
        if let Some(id) = correlation_id(&parent) {
            attributes.push(KeyValue::new(attribute::SEAM_CORRELATION_ID, id));
        }
        let producer = creation.span().span_context().clone();
        let tracer = global::tracer_with_scope(crate::scope());
        let mut builder = tracer
            .span_builder(self.span_name.clone())
            .with_kind(SpanKind::Consumer)
            .with_attributes(attributes);
        if producer.is_valid() {
            builder = builder.with_links(vec![Link::with_context(producer)]);
        }
        let span = builder.start_with_context(&tracer, &parent);
        parent.with_span(span)
    }
}
