//! Records the compiler's version for the `process.runtime.version` and
//! `process.runtime.description` resource attributes.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    // `rustc 1.80.0 (051478957 2024-07-21)`: the version is the second word.
    let description = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim().to_owned())
        .unwrap_or_default();
    let version = description.split_whitespace().nth(1).unwrap_or_default();
    println!("cargo:rustc-env=SEAM_RUSTC_VERSION={version}");
    println!("cargo:rustc-env=SEAM_RUSTC_DESCRIPTION={description}");
}
