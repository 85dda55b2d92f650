//! Runs one test of the current test binary again in a child process, so
//! that it owns its process: `seam::init` runs once per process, and the
//! environment and standard streams are the child's own.

use std::process::{Command, Output};

/// Set in the child to the name of the test it runs.
const CHILD: &str = "SEAM_TEST_CHILD";

/// Whether this process is the child running `test`.
pub fn is_child(test: &str) -> bool {
    std::env::var(CHILD).as_deref() == Ok(test)
}

/// Runs `test` in a child with `env` and none of the parent's `OTEL_*`,
/// `SEAM_*` or `RUST_LOG` variables; panics if it fails.
pub fn run(test: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().expect("the test binary");
    let mut command = Command::new(exe);
    command.args([test, "--exact", "--nocapture", "--test-threads=1"]);
    for (name, _) in std::env::vars() {
        if name.starts_with("OTEL_") || name.starts_with("SEAM_") || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command.env(CHILD, test).envs(env.iter().copied());
    let output = command.output().expect("run the child");
    assert!(
        output.status.success(),
        "{test} failed in its child process:\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The JSON objects the child wrote to standard output, one per line.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.find('{').map(|at| &line[at..]))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}
