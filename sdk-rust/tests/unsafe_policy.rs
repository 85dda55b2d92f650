//! The crate's unsafe-code policy, checked on its sources: `unsafe` appears
//! only in the C ABI (`src/ffi/`) and the allocator wrapper (`src/alloc.rs`),
//! every other module is declared `#[forbid(unsafe_code)]` in lib.rs (so the
//! compiler refuses it there and no `allow` can reopen it), and every unsafe
//! block or impl says why it is sound in a `SAFETY:` comment just above it
//! (which clippy's `undocumented_unsafe_blocks`, denied in lib.rs, checks too).

use std::fs;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn unsafe_is_confined_and_justified() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.len() > 20, "found {} sources", files.len());
    let mut problems = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(&file).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        let allowed = rel.starts_with("ffi/") || rel == "alloc.rs";
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let is_block = code.contains("unsafe {");
            let is_impl = code.contains("unsafe impl");
            if !(is_block
                || is_impl
                || code.contains("unsafe fn")
                || code.contains("unsafe extern"))
            {
                continue;
            }
            if !allowed {
                problems.push(format!(
                    "{rel}:{}: unsafe outside src/ffi and src/alloc.rs",
                    i + 1
                ));
                continue;
            }
            if is_block || is_impl {
                let above = &lines[i.saturating_sub(6)..i];
                if !above.iter().any(|l| l.contains("SAFETY:")) && !code.contains("SAFETY:") {
                    problems.push(format!(
                        "{rel}:{}: unsafe without a SAFETY: comment above it",
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The modules whose job is unsafe code; every other one forbids it.
const UNSAFE_MODULES: [&str; 2] = ["alloc", "ffi"];

#[test]
fn every_other_module_forbids_unsafe_code() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("read lib.rs");
    let lines: Vec<&str> = lib.lines().collect();
    let mut modules = 0;
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = line
            .trim_start_matches("pub ")
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'))
        else {
            continue;
        };
        modules += 1;
        // The attributes directly above the declaration.
        let attributes: Vec<&str> = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.starts_with("#["))
            .copied()
            .collect();
        let forbids = attributes.contains(&"#[forbid(unsafe_code)]");
        if UNSAFE_MODULES.contains(&name) {
            if forbids {
                problems.push(format!(
                    "mod {name}: its unsafe code cannot compile under forbid"
                ));
            }
        } else if !forbids {
            problems.push(format!(
                "mod {name} (lib.rs:{}): no #[forbid(unsafe_code)]",
                i + 1
            ));
        }
    }
    assert!(
        modules > 20,
        "found {modules} module declarations in lib.rs"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
