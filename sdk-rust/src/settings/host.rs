//! What Seam detects about the process for the resource, in the semantic
//! conventions' spelling: the instance id, host, OS and process. The
//! command line is left out on purpose: secrets are passed there.

use std::sync::OnceLock;

use opentelemetry::KeyValue;

use crate::semconv::attribute;

/// The detected attributes; lowest in the resource's precedence.
pub(crate) fn detected() -> Vec<KeyValue> {
    let mut attributes = vec![
        KeyValue::new(attribute::SERVICE_INSTANCE_ID, instance_id().to_owned()),
        KeyValue::new("host.arch", host_arch()),
        KeyValue::new("os.type", os_type()),
        KeyValue::new("process.pid", i64::from(std::process::id())),
        KeyValue::new("process.runtime.name", "rustc"),
    ];
    let rustc = env!("SEAM_RUSTC_VERSION");
    if !rustc.is_empty() {
        attributes.push(KeyValue::new("process.runtime.version", rustc));
        attributes.push(KeyValue::new(
            "process.runtime.description",
            env!("SEAM_RUSTC_DESCRIPTION"),
        ));
    }
    if let Some(name) = host_name() {
        attributes.push(KeyValue::new("host.name", name));
    }
    if let Some(name) = executable_name() {
        attributes.push(KeyValue::new("process.executable.name", name));
    }
    attributes
}

/// `service.instance.id`: one random UUID (version 4) per process.
pub(crate) fn instance_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let mut b: [u8; 16] = rand::random();
        b[6] = (b[6] & 0x0f) | 0x40; // version 4
        b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
        let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    })
}

/// `host.arch`: Rust's architecture name where the conventions use another.
fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "arm32",
        "powerpc" => "ppc32",
        "powerpc64" => "ppc64",
        other => other, // x86, s390x
    }
}

/// `os.type`: Rust's OS name where the conventions use another.
fn os_type() -> &'static str {
    match std::env::consts::OS {
        "macos" | "ios" => "darwin",
        "dragonfly" => "dragonflybsd",
        "illumos" => "solaris",
        other => other, // linux, windows, freebsd, netbsd, openbsd, solaris, aix
    }
}

fn executable_name() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.file_name()?.to_string_lossy().into_owned())
}

fn host_name() -> Option<String> {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_id_is_a_stable_uuid_v4() {
        let id = instance_id();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(&id[14..15], "4", "{id}");
        assert!("89ab".contains(&id[19..20]), "{id}");
        assert_eq!(instance_id(), id);
    }
}
