//! With `OTEL_SDK_DISABLED=true` nothing is exported, but the canonical
//! JSON line is still written, redacted and at the configured level, as the
//! Go SDK does. The case owns a child process, whose standard output the
//! parent reads.

mod support;

use opentelemetry::Context;
use seam::Config;
use support::child;

const TEST: &str = "the_json_line_is_still_written";

#[test]
fn the_json_line_is_still_written() {
    if !child::is_child(TEST) {
        let output = child::run(
            TEST,
            &[("OTEL_SDK_DISABLED", "true"), ("SEAM_LOG_LEVEL", "INFO")],
        );
        let lines = child::json_lines(&output);
        let msgs: Vec<_> = lines.iter().filter_map(|l| l["msg"].as_str()).collect();
        assert_eq!(msgs, ["quote computed", "no route"], "{lines:?}");
        let line = &lines[0];
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["service.name"], "disabled-test");
        assert_eq!(line["seam.impl"], "rust");
        assert_eq!(line["seam.correlation_id"], "01JD4X7K2M9QZ8R6T5W3V1N0PA");
        assert_eq!(line["user.email"], "[REDACTED]");
        assert_eq!(line["attempt"], 2);
        assert!(line.get("trace_id").is_none(), "{line}");
        return;
    }
    let _guard = seam::init(Config::new("disabled-test")).expect("init");
    let cx = seam::propagation::with_correlation_id(&Context::new(), "01JD4X7K2M9QZ8R6T5W3V1N0PA");
    let _current = cx.attach();
    let _op = seam::operation("checkout.price");
    tracing::debug!("below the level");
    tracing::info!(
        user.email = "jane@example.com",
        attempt = 2,
        "quote computed"
    );
    tracing::warn!("no route");
}
