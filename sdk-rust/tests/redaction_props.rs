//! Property tests of the redaction engine on generated input, the
//! invariants the Go engine's FuzzString checks too: no panic, a second pass
//! changes nothing, and a shared vector's secret placed between any plain
//! words is still removed while a clean vector stays as it is.

use std::sync::LazyLock;

use proptest::prelude::*;
use seam::redact::Redactor;

struct Case {
    key: String,
    value: String,
    want: String,
}

static VECTORS: LazyLock<Vec<Case>> = LazyLock::new(vectors);

fn vectors() -> Vec<Case> {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../schema/testdata/parity/redaction.json"
    ))
    .expect("the shared vectors");
    let file: serde_json::Value = serde_json::from_str(&raw).expect("vectors are JSON");
    file["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            key: c["key"].as_str().unwrap_or_default().to_owned(),
            value: c["value"].as_str().unwrap_or_default().to_owned(),
            want: c["want"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// The part of a vector's value its redaction removes: what lies between
/// the value's and the result's common prefix and suffix.
fn secret_of(c: &Case) -> &str {
    let (v, w) = (c.value.as_bytes(), c.want.as_bytes());
    let p = v.iter().zip(w).take_while(|(a, b)| a == b).count();
    let s = v[p..]
        .iter()
        .rev()
        .zip(w[p..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    // Prefix and suffix end on bytes both strings share, so on char
    // boundaries of both wherever the vectors are ASCII around a secret.
    c.value.get(p..v.len() - s).unwrap_or(&c.value)
}

/// Text of fragments that start and join patterns, so the engine's
/// interactions, not just its single matches, are exercised.
fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<String>(),
            prop::sample::select(vec![
                "password=",
                "hunter2",
                " ",
                "token: ",
                "Bearer ",
                "basic ",
                "postgres://u:p@h/db",
                "redis://:pw@c",
                "alice@example.com",
                "4111 1111 1111 1111",
                " 123",
                "-----BEGIN PRIVATE KEY-----",
                "-----END PRIVATE KEY-----",
                "\"",
                "\\\"",
                "'",
                "{\"api_key\":",
                "AKIAIOSFODNN7EXAMPLE",
                "&",
                ";",
                ":",
                "=",
                "[REDACTED]",
                "Cookie: ",
                "eyJhbGciOi.abcdef.ghijkl",
                "\n",
            ])
            .prop_map(str::to_owned),
        ],
        0..10,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_second_pass_changes_nothing(s in fragments()) {
        let r = Redactor::schema();
        let once = r.value(&s).into_owned();
        prop_assert_eq!(r.value(&once).into_owned(), once.clone(), "input {:?}", s);
        let key_once = r.attribute("message", &s).into_owned();
        prop_assert_eq!(key_once, once);
    }

    #[test]
    fn vectors_hold_between_plain_words(
        pick in any::<prop::sample::Index>(),
        before in "[a-zA-Z0-9 ]{0,24}",
        after in "[a-zA-Z0-9 ]{0,24}",
    ) {
        let c = pick.get(&VECTORS);
        let r = Redactor::schema();
        let input = format!("{before} | {} | {after}", c.value);
        let got = r.attribute(&c.key, &input).into_owned();
        if c.want == c.value && !r.is_sensitive_key(&c.key) {
            prop_assert!(got.contains(&c.value), "clean {:?} altered: {:?}", c.value, got);
        } else {
            let secret = secret_of(c);
            prop_assert!(
                got.matches(secret).count() <= before.matches(secret).count() + after.matches(secret).count(),
                "{}={:?}: {:?} survives in {:?}", c.key, input, secret, got
            );
        }
    }
}
