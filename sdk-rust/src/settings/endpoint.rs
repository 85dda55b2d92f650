//! Where each signal's exporter sends: `Config::with_endpoint` for every
//! signal, else the signal's own `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT`
//! as given, else `OTEL_EXPORTER_OTLP_ENDPOINT`, else the protocol's default.
//! A base URL gets the signal's path (`/v1/traces`…) for OTLP/HTTP and is
//! used as it is for gRPC.

use http::Uri;

use super::env::{Env, Problems};
use crate::config::Protocol;
use crate::signal::Signal;

const BASE_VAR: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
const DEFAULT_HTTP: &str = "http://localhost:4318";
const DEFAULT_GRPC: &str = "http://localhost:4317";

/// Each signal's URL, by [`Signal::index`]. A bad URL is a problem named
/// after the setting it came from, and leaves that signal's URL empty.
pub(crate) fn resolve(
    config: Option<&str>,
    protocol: Protocol,
    insecure: bool,
    env: Env<'_>,
    problems: &mut Problems,
) -> [String; 3] {
    let config = config.map(str::trim).filter(|e| !e.is_empty());
    let (base, setting) = match config {
        Some(endpoint) => (Some(endpoint.to_owned()), "endpoint"),
        None => (env.text(BASE_VAR), BASE_VAR),
    };
    let base = match base {
        Some(raw) => parse(&raw, insecure)
            .map_err(|e| problems.add(setting, e))
            .ok(),
        None => Some(
            match protocol {
                Protocol::HttpProtobuf => DEFAULT_HTTP,
                Protocol::Grpc => DEFAULT_GRPC,
            }
            .to_owned(),
        ),
    };
    Signal::ALL.map(|signal| {
        let own = config
            .is_none()
            .then(|| env.text(signal.endpoint_var()))
            .flatten();
        match own {
            Some(raw) => parse(&raw, insecure)
                .map_err(|e| problems.add(signal.endpoint_var(), e))
                .unwrap_or_default(),
            None => base
                .as_deref()
                .map_or_else(String::new, |b| for_signal(b, protocol, signal)),
        }
    })
}

/// A base URL's endpoint for `signal`.
fn for_signal(base: &str, protocol: Protocol, signal: Signal) -> String {
    match protocol {
        Protocol::HttpProtobuf => format!("{}{}", base.trim_end_matches('/'), signal.path()),
        Protocol::Grpc => base.to_owned(),
    }
}

/// Accepts an http or https URL, whose scheme decides TLS, or a bare
/// host:port, which gets https, or http when `insecure` is set.
fn parse(raw: &str, insecure: bool) -> Result<String, String> {
    let url = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("{}://{raw}", if insecure { "http" } else { "https" })
    };
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("not a URL or host:port: {raw:?} ({e})"))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        Some(other) => return Err(format!("scheme {other:?} in {raw:?}: want http or https")),
        None => return Err(format!("not a URL or host:port: {raw:?}")),
    }
    if !uri.host().is_some_and(|h| !h.is_empty()) {
        return Err(format!("{raw:?} has no host"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_bare_host_ports() {
        assert_eq!(
            parse("collector:4318", false).as_deref(),
            Ok("https://collector:4318")
        );
        assert_eq!(
            parse("collector:4318", true).as_deref(),
            Ok("http://collector:4318")
        );
        assert_eq!(
            parse("https://c:443/otlp/", true).as_deref(),
            Ok("https://c:443/otlp/")
        );
        assert!(parse("ftp://c:21", false).is_err_and(|e| e.contains("\"ftp\"")));
        assert!(parse("http://", false).is_err());
        assert!(parse("http://:4318", false).is_err());
        assert_eq!(
            for_signal("https://c:443/otlp/", Protocol::HttpProtobuf, Signal::Logs),
            "https://c:443/otlp/v1/logs"
        );
        assert_eq!(
            for_signal("http://c:4317", Protocol::Grpc, Signal::Logs),
            "http://c:4317"
        );
    }
}
