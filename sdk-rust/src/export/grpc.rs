//! OTLP/gRPC (feature `grpc-tonic`) on a Tokio runtime of Seam's own: one
//! worker thread, started with the first gRPC pipeline and kept for the
//! process. tonic's connections live there, so the exporters work whether
//! the caller has no runtime, a multi-threaded one, or a current-thread one
//! that is blocked waiting for shutdown.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::transport::{Channel, Endpoint};

use super::runner::Runner;

/// The runtime, built on first use; `init` is serialised, so once.
fn runtime() -> std::io::Result<&'static Runtime> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("seam-grpc")
        .enable_all()
        .build()?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// A lazily connecting channel to `url` on Seam's runtime, and the runner
/// its exports need.
pub(crate) fn channel(url: &str, timeout: Duration) -> Result<(Channel, Runner), String> {
    let runtime = runtime().map_err(|e| format!("cannot start the gRPC runtime: {e}"))?;
    let endpoint = Endpoint::from_shared(url.to_owned())
        .map_err(|e| format!("invalid endpoint {url:?}: {e}"))?
        .timeout(timeout)
        .connect_timeout(timeout);
    // connect_lazy spawns the channel's worker on the current runtime.
    let _entered = runtime.enter();
    Ok((
        endpoint.connect_lazy(),
        Runner::tokio(runtime.handle().clone()),
    ))
}

/// An interceptor that sends exactly `headers` as metadata, replacing
/// whatever the exporter added (it would add `OTEL_EXPORTER_OTLP_HEADERS`).
pub(crate) fn metadata(
    headers: &[(String, String)],
) -> Result<impl tonic::service::Interceptor + Clone + Send + Sync + 'static, String> {
    let mut metadata = MetadataMap::new();
    for (name, value) in headers {
        let key = MetadataKey::from_bytes(name.as_bytes())
            .map_err(|_| format!("{name:?} is not a valid gRPC metadata key"))?;
        let value = MetadataValue::try_from(value.as_str())
            .map_err(|_| format!("the value of {name:?} is not valid gRPC metadata"))?;
        metadata.insert(key, value);
    }
    Ok(move |mut request: tonic::Request<()>| {
        *request.metadata_mut() = metadata.clone();
        Ok(request)
    })
}
