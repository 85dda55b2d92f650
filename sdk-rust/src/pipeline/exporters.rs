//! The OTLP exporters, built from the resolved settings only: each is given
//! its endpoint, headers, timeout and protocol explicitly, so that
//! `opentelemetry-otlp` has nothing left to read from `OTEL_*` itself; and
//! the check that this build can send what the settings ask for.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_otlp::{
    LogExporter, MetricExporter, SpanExporter, WithExportConfig, WithHttpConfig,
};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::LogBatch;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::Resource;

use crate::config::Protocol;
use crate::error::{ConfigProblem, Error};
use crate::export::http::{blocking_client, SeamHttpClient};
use crate::export::{Health, HttpLogExporter, Runner};
use crate::settings::Settings;
use crate::signal::Signal;

/// What this build can send: gRPC needs its feature, and TLS is not
/// compiled in, so an https endpoint would fail every export.
pub(super) fn check_transport(settings: &Settings) -> Result<(), Error> {
    if settings.protocol == Protocol::Grpc && !cfg!(feature = "grpc-tonic") {
        return Err(Error::invalid(
            "protocol",
            "grpc needs seam's `grpc-tonic` cargo feature",
        ));
    }
    let problems: Vec<_> = Signal::ALL
        .iter()
        .filter(|s| settings.exports(**s) && settings.endpoint(**s).starts_with("https://"))
        .map(|s| {
            ConfigProblem::new(
                format!("{} endpoint", s.name()),
                format!(
                    "{:?}: this build has no TLS; send to a local collector over http://",
                    settings.endpoint(*s)
                ),
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidConfig { problems })
    }
}

/// Builds the exporters of one pipeline; the HTTP client is shared.
pub(super) struct Exporters<'a> {
    settings: &'a Settings,
    http: Option<reqwest::blocking::Client>,
}

impl<'a> Exporters<'a> {
    pub(super) fn new(settings: &'a Settings) -> Result<Self, Error> {
        let any = Signal::ALL.iter().any(|s| settings.exports(*s));
        let http = match settings.protocol {
            Protocol::HttpProtobuf if any => Some(
                blocking_client(settings.export_timeout).map_err(|e| Error::Exporter {
                    signal: "traces, metrics and logs",
                    message: e,
                })?,
            ),
            _ => None,
        };
        Ok(Exporters { settings, http })
    }

    fn http_client(&self, signal: Signal, health: &Arc<Health>) -> Result<SeamHttpClient, Error> {
        let client = self.http.clone().ok_or(Error::Exporter {
            signal: signal.name(),
            message: "no HTTP client was built".to_owned(),
        })?;
        Ok(SeamHttpClient::new(
            client,
            &self.settings.headers,
            health.clone(),
        ))
    }

    /// `builder` sending OTLP/HTTP protobuf through Seam's client, to the
    /// signal's endpoint, within the export timeout: the same for every signal.
    fn http<B: WithExportConfig + WithHttpConfig>(
        &self,
        builder: B,
        signal: Signal,
        health: &Arc<Health>,
    ) -> Result<B, Error> {
        let s = self.settings;
        Ok(builder
            .with_http_client(self.http_client(signal, health)?)
            .with_endpoint(s.endpoint(signal))
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_timeout(s.export_timeout))
    }

    pub(super) fn spans(&self, health: &Arc<Health>) -> Result<(SpanExporter, Runner), Error> {
        let s = self.settings;
        let signal = Signal::Traces;
        let built = match s.protocol {
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => {
                let (builder, runner) = grpc(SpanExporter::builder().with_tonic(), s, signal)?;
                (builder.build(), runner)
            }
            _ => (
                self.http(SpanExporter::builder().with_http(), signal, health)?
                    .build(),
                Runner::plain(),
            ),
        };
        finish(signal, built)
    }

    pub(super) fn metrics(&self, health: &Arc<Health>) -> Result<(MetricExporter, Runner), Error> {
        let s = self.settings;
        let signal = Signal::Metrics;
        let builder = MetricExporter::builder().with_temporality(Temporality::Cumulative);
        let built = match s.protocol {
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => {
                let (builder, runner) = grpc(builder.with_tonic(), s, signal)?;
                (builder.build(), runner)
            }
            _ => (
                self.http(builder.with_http(), signal, health)?.build(),
                Runner::plain(),
            ),
        };
        finish(signal, built)
    }

    /// Over OTLP/HTTP, Seam's own log exporter (see [`HttpLogExporter`]);
    /// over gRPC, the SDK's.
    pub(super) fn logs(&self, health: &Arc<Health>) -> Result<(LogsExporter, Runner), Error> {
        let s = self.settings;
        let signal = Signal::Logs;
        match s.protocol {
            #[cfg(feature = "grpc-tonic")]
            Protocol::Grpc => {
                let (builder, runner) = grpc(LogExporter::builder().with_tonic(), s, signal)?;
                let (exporter, runner) = finish(signal, (builder.build(), runner))?;
                Ok((LogsExporter::Sdk(exporter), runner))
            }
            _ => {
                let exporter = HttpLogExporter::new(
                    self.http_client(signal, health)?,
                    s.endpoint(signal),
                    s.export_timeout,
                )
                .map_err(|message| Error::Exporter {
                    signal: signal.name(),
                    message,
                })?;
                Ok((LogsExporter::Http(exporter), Runner::plain()))
            }
        }
    }
}

/// The log exporter of a pipeline.
#[derive(Debug)]
pub(super) enum LogsExporter {
    #[cfg_attr(not(feature = "grpc-tonic"), allow(dead_code))]
    Sdk(LogExporter),
    Http(HttpLogExporter),
}

impl opentelemetry_sdk::logs::LogExporter for LogsExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        match self {
            LogsExporter::Sdk(e) => e.export(batch).await,
            LogsExporter::Http(e) => e.export(batch).await,
        }
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        match self {
            LogsExporter::Sdk(e) => e.shutdown_with_timeout(timeout),
            LogsExporter::Http(e) => e.shutdown_with_timeout(timeout),
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        match self {
            LogsExporter::Sdk(e) => e.set_resource(resource),
            LogsExporter::Http(e) => e.set_resource(resource),
        }
    }
}

fn finish<E>(
    signal: Signal,
    (built, runner): (Result<E, opentelemetry_otlp::ExporterBuildError>, Runner),
) -> Result<(E, Runner), Error> {
    built.map(|e| (e, runner)).map_err(|e| Error::Exporter {
        signal: signal.name(),
        message: e.to_string(),
    })
}

/// A tonic builder on Seam's runtime: its own channel (so no endpoint
/// variable is read), exactly the configured metadata, the export timeout.
#[cfg(feature = "grpc-tonic")]
fn grpc<B>(builder: B, s: &Settings, signal: Signal) -> Result<(B, Runner), Error>
where
    B: WithExportConfig + opentelemetry_otlp::WithTonicConfig,
{
    let failed = |message: String| Error::Exporter {
        signal: signal.name(),
        message,
    };
    let (channel, runner) =
        crate::export::grpc::channel(s.endpoint(signal), s.export_timeout).map_err(failed)?;
    let metadata = crate::export::grpc::metadata(&s.headers).map_err(failed)?;
    let builder = builder
        .with_channel(channel)
        .with_interceptor(metadata)
        .with_timeout(s.export_timeout);
    Ok((builder, runner))
}
