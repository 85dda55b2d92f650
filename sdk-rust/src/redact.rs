//! The schema's redaction rules (registry.seam.sensitive), applied before any
//! sink sees a value: sensitive keys lose their value, and secrets found in
//! string values are replaced.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::bytes::{Captures, Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::semconv::redaction;

/// Compiled redaction rules. [`Redactor::schema`] holds the schema's.
#[derive(Debug)]
pub struct Redactor {
    sensitive_keys: &'static [&'static str],
    /// Every key pattern in one case-insensitive, anchored regex: its
    /// literal prefilter scans a key once for all patterns. `None` fails
    /// closed: every key is sensitive.
    key_patterns: Option<Regex>,
    any_value_pattern: RegexSet,
    value_patterns: Vec<ValuePattern>,
}

#[derive(Debug)]
struct ValuePattern {
    regex: Regex,
    replacement: &'static str,
    luhn: bool,
}

/// A rule from the schema that this SDK cannot apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleError {
    /// The pattern's name in the schema.
    pub(crate) pattern: &'static str,
    /// What is wrong with it.
    pub(crate) reason: String,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redaction pattern {:?}: {}", self.pattern, self.reason)
    }
}

impl std::error::Error for RuleError {}

impl Redactor {
    /// The schema's rules, compiled once per process.
    ///
    /// The generated rules are checked by this crate's tests, so failing to
    /// compile them is a build defect; it still degrades to redacting every
    /// string value rather than panicking inside a service.
    pub fn schema() -> &'static Redactor {
        static SCHEMA: OnceLock<Redactor> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            Redactor::new(
                redaction::SENSITIVE_KEYS,
                redaction::KEY_PATTERNS,
                redaction::PATTERNS,
            )
            .unwrap_or_else(|_| Redactor::redact_everything())
        })
    }

    /// Compiles a rule set. Regexes use RE2 syntax with ASCII classes
    /// (`\b`, `\d`, `\s`), as Go's `regexp` reads them.
    pub(crate) fn new(
        sensitive_keys: &'static [&'static str],
        key_patterns: &'static [&'static str],
        patterns: &'static [redaction::Pattern],
    ) -> Result<Redactor, RuleError> {
        let mut value_patterns = Vec::with_capacity(patterns.len());
        for p in patterns {
            let luhn = match p.validate {
                None => false,
                Some("luhn") => true,
                Some(other) => {
                    return Err(RuleError {
                        pattern: p.name,
                        reason: format!("unknown validator {other:?} (known: \"luhn\")"),
                    })
                }
            };
            let regex = RegexBuilder::new(p.regex)
                .unicode(false)
                .build()
                .map_err(|e| RuleError {
                    pattern: p.name,
                    reason: e.to_string(),
                })?;
            value_patterns.push(ValuePattern {
                regex,
                replacement: p.replacement,
                luhn,
            });
        }
        let any_value_pattern = RegexSetBuilder::new(patterns.iter().map(|p| p.regex))
            .unicode(false)
            .build()
            .map_err(|e| RuleError {
                pattern: "(set)",
                reason: e.to_string(),
            })?;
        let key_patterns = globs_regex(key_patterns).map_err(|e| RuleError {
            pattern: "(key patterns)",
            reason: e.to_string(),
        })?;
        Ok(Redactor {
            sensitive_keys,
            key_patterns: Some(key_patterns),
            any_value_pattern,
            value_patterns,
        })
    }

    fn redact_everything() -> Redactor {
        Redactor {
            sensitive_keys: &[],
            key_patterns: None,
            any_value_pattern: RegexSet::empty(),
            value_patterns: Vec::new(),
        }
    }

    /// Whether every value under `key` is replaced by
    /// [`redaction::REPLACEMENT`]: a listed sensitive attribute or a key
    /// pattern, both matched case-insensitively.
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        let Some(key_patterns) = &self.key_patterns else {
            return true;
        };
        self.sensitive_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
            || key_patterns.is_match(key.as_bytes())
    }

    /// The value to write for `key`: the replacement for a sensitive key,
    /// otherwise the value with its secrets replaced.
    pub fn attribute<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if self.is_sensitive_key(key) {
            Cow::Borrowed(redaction::REPLACEMENT)
        } else {
            self.value(value)
        }
    }

    /// `text` with every value pattern applied in order, each to the previous
    /// one's output. Borrows when nothing matched, the common case.
    pub fn value<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.any_value_pattern.is_match(text.as_bytes()) {
            return Cow::Borrowed(text);
        }
        let mut current: Vec<u8> = text.as_bytes().to_vec();
        for p in &self.value_patterns {
            let replaced = p.regex.replace_all(&current, |caps: &Captures<'_>| {
                let matched = caps.get(0).map_or(&[][..], |m| m.as_bytes());
                if p.luhn && !luhn_valid(matched) {
                    matched.to_vec()
                } else {
                    p.replacement.as_bytes().to_vec()
                }
            });
            if let Cow::Owned(next) = replaced {
                current = next;
            }
        }
        // Every pattern starts and ends its match on ASCII, so replacing it
        // keeps the text valid UTF-8; the lossy conversion never substitutes.
        Cow::Owned(String::from_utf8_lossy(&current).into_owned())
    }
}

/// The Luhn check over the ASCII digits of `text`.
pub(crate) fn luhn_valid(text: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for d in text.iter().rev().filter(|b| b.is_ascii_digit()) {
        let mut v = u32::from(d - b'0');
        if count % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
        count += 1;
    }
    count > 0 && sum % 10 == 0
}

/// One regex for a set of key globs: `*` matches any run of bytes
/// (including none), everything else itself ignoring ASCII case, and a
/// pattern must match the whole key.
fn globs_regex(globs: &[&str]) -> Result<Regex, regex::Error> {
    let alternatives: Vec<String> = globs
        .iter()
        .map(|glob| {
            glob.split('*')
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(".*")
        })
        .collect();
    let pattern = if alternatives.is_empty() {
        "[^\\x00-\\xff]".to_owned() // matches nothing
    } else {
        format!("^(?:{})$", alternatives.join("|"))
    };
    RegexBuilder::new(&pattern)
        .unicode(false)
        .case_insensitive(true)
        .dot_matches_new_line(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of the shared vector file, which the Go suite (and so the
    /// collector's engine) runs too: identical output from both SDKs.
    #[test]
    fn shared_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schema/testdata/parity/redaction.json"
        );
        let raw = std::fs::read_to_string(path).expect("the vector file");
        let file: serde_json::Value = serde_json::from_str(&raw).expect("JSON");
        let cases = file["cases"].as_array().expect("cases");
        assert!(!cases.is_empty());
        let r = Redactor::schema();
        let mut wrong = Vec::new();
        for c in cases {
            let (key, value, want) = (
                c["key"].as_str().expect("key"),
                c["value"].as_str().expect("value"),
                c["want"].as_str().expect("want"),
            );
            let got = r.attribute(key, value);
            if got != want {
                wrong.push(format!("{key}={value:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn schema_rules_compile() {
        let r = Redactor::new(
            redaction::SENSITIVE_KEYS,
            redaction::KEY_PATTERNS,
            redaction::PATTERNS,
        );
        assert!(r.is_ok(), "{r:?}");
    }

    #[test]
    fn keys() {
        let r = Redactor::schema();
        assert!(r.is_sensitive_key("user.email"));
        assert!(r.is_sensitive_key("HTTP.Request.Header.Cookie"));
        assert!(r.is_sensitive_key("db.PassWord"));
        assert!(r.is_sensitive_key("Upstream.API_Key"));
        assert!(r.is_sensitive_key("token"));
        // The patterns are substring globs: a key that merely contains one of
        // the words is redacted too.
        assert!(r.is_sensitive_key("tokenizer.text"));
        assert!(!r.is_sensitive_key("user.name"));
        assert!(!r.is_sensitive_key("http.request.method"));
    }

    #[test]
    fn values() {
        let r = Redactor::schema();
        assert_eq!(r.value("plain text"), Cow::Borrowed("plain text"));
        assert_eq!(
            r.value("card 4111-1111-1111-1111 ok"),
            "card [REDACTED:card] ok"
        );
        assert_eq!(r.value("id 4111-1111-1111-1112"), "id 4111-1111-1111-1112");
        assert_eq!(
            r.value("key ghp_abcdefghijklmnopqrstuvwxyz0123456789 é"),
            "key [REDACTED:github_token] é"
        );
        assert_eq!(
            r.value("-----BEGIN RSA PRIVATE KEY-----"),
            "[REDACTED:private_key]"
        );
        assert_eq!(r.value("café://u:p@h"), "café://[REDACTED]@h");
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid(b"4111 1111 1111 1111"));
        assert!(!luhn_valid(b"4111 1111 1111 1112"));
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b""));
    }

    #[test]
    fn globs() {
        let re = globs_regex(&["*token*", "a*b*c", "exact"]).expect("globs");
        assert!(re.is_match(b"X-TOKEN-id"));
        assert!(re.is_match(b"aXXbYYc"));
        assert!(!re.is_match(b"aXXbYY"));
        assert!(re.is_match(b"EXACT"));
        assert!(!re.is_match(b"exactly"));
        assert!(globs_regex(&["*"]).expect("star").is_match(b""));
        assert!(!globs_regex(&[]).expect("none").is_match(b"anything"));
        assert!(globs_regex(&["a.b*"]).expect("dot").is_match(b"A.Bc"));
        assert!(!globs_regex(&["a.b*"]).expect("dot").is_match(b"axbc"));
    }
}
