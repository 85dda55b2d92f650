//! The gRPC handler: `seam.pricing.v1.Pricing/Quote`, `pricing.quote` over gRPC, with
//! the messages of `examples/pricing/proto/pricing.proto` derived by prost.

use std::convert::Infallible;
use std::panic;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::Context;
use pricing::basket;
use pricing::faults::Faults;
use pricing::measure::{self, Failure};
use pricing::quote::quote;
use tonic::codegen::{http, Body, BoxFuture, Service, StdError};
use tonic::{Request, Response, Status};

use crate::handler::FAULT_HEADER;

/// The operation the gRPC service serves, the `seam.operation` of its caught panics.
pub const OPERATION: &str = "pricing.quote";
/// The one method's path.
const QUOTE_PATH: &str = "/seam.pricing.v1.Pricing/Quote";

/// `seam.pricing.v1.Basket`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Basket {
    /// The tax region.
    #[prost(string, tag = "1")]
    pub region: String,
    /// The basket lines.
    #[prost(message, repeated, tag = "2")]
    pub items: Vec<Item>,
}

/// `seam.pricing.v1.Item`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Item {
    /// The sku.
    #[prost(string, tag = "1")]
    pub sku: String,
    /// Units.
    #[prost(int64, tag = "2")]
    pub qty: i64,
    /// Unit price in cents.
    #[prost(int64, tag = "3")]
    pub unit_cents: i64,
}

/// `seam.pricing.v1.Quote`.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Quote {
    /// Σ qty × unit_cents.
    #[prost(int64, tag = "1")]
    pub subtotal_cents: i64,
    /// The tiered volume discount.
    #[prost(int64, tag = "2")]
    pub discount_cents: i64,
    /// The region's tax on subtotal − discount.
    #[prost(int64, tag = "3")]
    pub tax_cents: i64,
    /// subtotal − discount + tax.
    #[prost(int64, tag = "4")]
    pub total_cents: i64,
}

/// The `seam.pricing.v1.Pricing` service, behind `seam::tower::IngressLayer::grpc`, which
/// puts the caller's trace context and correlation id in the request's extensions and
/// answers for a panic.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pricing;

impl tonic::server::NamedService for Pricing {
    const NAME: &'static str = "seam.pricing.v1.Pricing";
}

impl<B> Service<http::Request<B>> for Pricing
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if request.uri().path() != QUOTE_PATH {
            let status =
                Status::unimplemented(format!("no method {} (want {QUOTE_PATH})", request.uri()));
            return Box::pin(async move { Ok(status.into_http()) });
        }
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(tonic_prost::ProstCodec::default());
            Ok(grpc.unary(QuoteMethod, request).await)
        })
    }
}

struct QuoteMethod;

impl tonic::server::UnaryService<Basket> for QuoteMethod {
    type Response = Quote;
    type Future = BoxFuture<Response<Quote>, Status>;

    fn call(&mut self, request: Request<Basket>) -> Self::Future {
        Box::pin(serve_quote(request))
    }
}

async fn serve_quote(request: Request<Basket>) -> Result<Response<Quote>, Status> {
    let cx = request
        .extensions()
        .get::<Context>()
        .cloned()
        .unwrap_or_else(Context::current);
    let faults = match request.metadata().get(FAULT_HEADER).map(|v| v.to_str()) {
        None => Faults::default(),
        Some(Ok(value)) => value
            .parse::<Faults>()
            .map_err(|message| Status::invalid_argument(format!("{FAULT_HEADER}: {message}")))?,
        Some(Err(_)) => {
            return Err(Status::invalid_argument(format!(
                "{FAULT_HEADER}: not ASCII"
            )))
        }
    };
    let basket = request.into_inner();
    // tonic drops this future at the caller's grpc-timeout; the slow path then stops.
    let abandoned = Abandoned::default();
    let dropped = Arc::clone(&abandoned.0);
    // The work is synchronous (and may sleep on the slow path): it runs on a blocking thread
    // under the request's context. A panic there is resumed here, where seam's ingress layer
    // catches it, counts it and answers INTERNAL marked as a panic.
    let work = tokio::task::spawn_blocking(move || {
        let _current = cx.attach();
        compute(&basket, faults, || !dropped.load(Ordering::Relaxed))
    });
    match work.await {
        Ok(result) => result.map(Response::new),
        Err(err) => match err.try_into_panic() {
            Ok(payload) => panic::resume_unwind(payload),
            Err(err) => Err(Status::internal(format!("{OPERATION}: {err}"))),
        },
    }
}

/// Set once the request's future is dropped: the caller stopped waiting.
#[derive(Default)]
struct Abandoned(Arc<AtomicBool>);

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Prices the basket as one timed and logged operation.
fn compute(basket: &Basket, faults: Faults, in_time: impl Fn() -> bool) -> Result<Quote, Status> {
    let view = basket::Basket {
        region: basket.region.as_bytes(),
        items: basket
            .items
            .iter()
            .map(|i| basket::Item {
                sku: i.sku.as_bytes(),
                qty: i.qty,
                unit_cents: i.unit_cents,
            })
            .collect(),
    };
    let priced = measure::run(OPERATION, || {
        faults.inject(OPERATION, &in_time)?;
        Ok(quote(&view)?)
    });
    match priced {
        Ok(q) => Ok(Quote {
            subtotal_cents: q.subtotal_cents,
            discount_cents: q.discount_cents,
            tax_cents: q.tax_cents,
            total_cents: faults.garble_cents(q.total_cents),
        }),
        Err(failure @ Failure::Invalid(_)) => {
            Err(Status::invalid_argument(format!("{OPERATION}: {failure}")))
        }
        Err(failure @ Failure::DeadlineExceeded) => {
            Err(Status::deadline_exceeded(format!("{OPERATION}: {failure}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    fn basket(qty: i64) -> Basket {
        Basket {
            region: "eu".to_owned(),
            items: vec![Item {
                sku: "A1".to_owned(),
                qty,
                unit_cents: 1299,
            }],
        }
    }

    #[test]
    fn quotes_as_the_go_baseline_does() {
        let q = compute(&basket(2), Faults::default(), || true).expect("quote");
        assert_eq!(
            (q.subtotal_cents, q.tax_cents, q.total_cents),
            (2598, 546, 3144)
        );
    }

    #[test]
    fn a_bad_basket_is_invalid_argument_naming_the_field() {
        let status = compute(&basket(0), Faults::default(), || true).expect_err("qty 0");
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(
            status.message().contains("items[0].qty"),
            "{}",
            status.message()
        );
    }

    /// The Go messages' encoding (examples/pricing/testdata/pricing_wire.json, written by
    /// pricingpb's TestWireVectors) decodes to the same fields here.
    #[test]
    fn decodes_what_go_encodes() {
        use prost::Message as _;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/pricing_wire.json");
        let text = std::fs::read_to_string(path).expect("wire vectors");
        let wire: std::collections::HashMap<String, Vec<u8>> =
            serde_json::from_str(&text).expect("wire JSON");
        let basket = Basket::decode(wire["basket"].as_slice()).expect("basket");
        assert_eq!(basket.region, "eu");
        let items: Vec<_> = basket
            .items
            .iter()
            .map(|i| (i.sku.as_str(), i.qty, i.unit_cents))
            .collect();
        assert_eq!(items, [("A1", 2, 1299), ("B7", 1, 99)]);
        let quote = Quote::decode(wire["quote"].as_slice()).expect("quote");
        assert_eq!(
            quote,
            Quote {
                subtotal_cents: 2697,
                discount_cents: 1,
                tax_cents: 566,
                total_cents: 3262,
            }
        );
        assert_eq!(quote.encode_to_vec(), wire["quote"]);
    }

    #[test]
    fn an_abandoned_slow_path_is_deadline_exceeded() {
        let slow = Faults {
            slow: 1.0,
            slow_ms: 5_000,
            ..Faults::default()
        };
        let status = compute(&basket(2), slow, || false).expect_err("abandoned");
        assert_eq!(status.code(), Code::DeadlineExceeded);
    }
}
