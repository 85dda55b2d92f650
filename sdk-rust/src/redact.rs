//! The schema's redaction rules (registry.seam.sensitive), applied before any
//! sink sees a value: sensitive keys lose their value, and secrets found in
//! string values are replaced.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use regex::bytes::{Captures, Match, Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::semconv::redaction;

/// Compiled redaction rules. [`Redactor::schema`] holds the schema's.
#[derive(Debug)]
pub struct Redactor {
    sensitive_keys: &'static [&'static str],
    /// The key patterns. `None` fails closed: every key is sensitive.
    key_patterns: Option<KeyPatterns>,
    any_value_pattern: RegexSet,
    value_patterns: Vec<ValuePattern>,
}

#[derive(Debug)]
struct ValuePattern {
    regex: Regex,
    /// The replacement split at its `${name}` references.
    template: Vec<TemplatePart>,
    card: bool,
}

/// A literal piece of a replacement, or the text of a capture group.
#[derive(Debug)]
enum TemplatePart {
    Literal(&'static str),
    Group(usize),
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
            let err = |reason: String| RuleError {
                pattern: p.name,
                reason,
            };
            let card = match p.validate {
                None => false,
                Some("card") => true,
                Some(other) => {
                    return Err(err(format!(
                        "unknown validator {other:?} (known: \"card\")"
                    )))
                }
            };
            if !p.regex.is_ascii() {
                // Go's engine cannot fold a non-ASCII pattern as this one
                // does, so both accept ASCII patterns only.
                return Err(err("the regex is not ASCII".to_owned()));
            }
            let regex = RegexBuilder::new(p.regex)
                .unicode(false)
                .build()
                .map_err(|e| err(e.to_string()))?;
            let template = parse_template(p.replacement, &regex).map_err(err)?;
            value_patterns.push(ValuePattern {
                regex,
                template,
                card,
            });
        }
        let any_value_pattern = RegexSetBuilder::new(patterns.iter().map(|p| p.regex))
            .unicode(false)
            .build()
            .map_err(|e| RuleError {
                pattern: "(set)",
                reason: e.to_string(),
            })?;
        let key_patterns = KeyPatterns::new(key_patterns).map_err(|e| RuleError {
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
        if !std::ptr::eq(self, Redactor::schema()) {
            return self.match_key(key_patterns, key);
        }
        // The schema's answers are remembered per thread: a service uses a
        // few hundred keys, asked for at every measurement of a metric.
        KEY_CACHE.with(|cache| {
            if let Some(&sensitive) = cache.borrow().get(key) {
                return sensitive;
            }
            let sensitive = self.match_key(key_patterns, key);
            let mut cache = cache.borrow_mut();
            if cache.len() < KEY_CACHE_LIMIT {
                cache.insert(key.into(), sensitive);
            }
            sensitive
        })
    }

    fn match_key(&self, key_patterns: &KeyPatterns, key: &str) -> bool {
        self.sensitive_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
            || key_patterns.is_match(key.as_bytes())
    }
}

/// How many keys each thread remembers; keys past it are still answered,
/// so memory never grows with the variety of keys.
const KEY_CACHE_LIMIT: usize = 512;

/// A hash map keyed by short strings, hashed with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

thread_local! {
    static KEY_CACHE: RefCell<FxHashMap<Box<str>, bool>> = RefCell::new(HashMap::default());
}

/// The Fx hash (rustc's): a multiply and a rotate per word, enough for a
/// cache of short keys and several times faster than SipHash.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Key globs: the `*word*` ones, which most are, as words looked for in
/// one pass over a key (a regex of `.*word.*` alternatives costs several
/// times more, and metric attributes are checked at every measurement);
/// any others in one anchored regex.
#[derive(Debug)]
struct KeyPatterns {
    /// The words, lower-cased; at most 64.
    words: Vec<Box<[u8]>>,
    /// For each byte, the words that start with it in either case, as bits.
    starting: Box<[u64; 256]>,
    others: Option<Regex>,
}

impl KeyPatterns {
    fn new(globs: &[&str]) -> Result<KeyPatterns, regex::Error> {
        let mut words: Vec<Box<[u8]>> = Vec::new();
        let mut starting = Box::new([0u64; 256]);
        let mut others = Vec::new();
        for glob in globs {
            match glob.strip_prefix('*').and_then(|g| g.strip_suffix('*')) {
                Some(word) if !word.is_empty() && !word.contains('*') && words.len() < 64 => {
                    let word = word.to_ascii_lowercase().into_bytes();
                    let bit = 1u64 << words.len();
                    starting[usize::from(word[0])] |= bit;
                    starting[usize::from(word[0].to_ascii_uppercase())] |= bit;
                    words.push(word.into());
                }
                _ => others.push(*glob),
            }
        }
        let others = if others.is_empty() {
            None
        } else {
            Some(globs_regex(&others)?)
        };
        Ok(KeyPatterns {
            words,
            starting,
            others,
        })
    }

    fn is_match(&self, key: &[u8]) -> bool {
        for (i, &b) in key.iter().enumerate() {
            let mut candidates = self.starting[usize::from(b)];
            while candidates != 0 {
                let word = &self.words[candidates.trailing_zeros() as usize];
                candidates &= candidates - 1;
                if key[i..]
                    .get(..word.len())
                    .is_some_and(|k| k.eq_ignore_ascii_case(word))
                {
                    return true;
                }
            }
        }
        self.others.as_ref().is_some_and(|re| re.is_match(key))
    }
}

impl Redactor {
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
            if let Some(next) = p.apply(&current) {
                current = next;
            }
        }
        // Every pattern starts and ends its match on ASCII, so replacing it
        // keeps the text valid UTF-8; the lossy conversion never substitutes.
        Cow::Owned(String::from_utf8_lossy(&current).into_owned())
    }
}

impl ValuePattern {
    /// `text` with this pattern applied, or `None` if nothing changed.
    fn apply(&self, text: &[u8]) -> Option<Vec<u8>> {
        if !self
            .template
            .iter()
            .any(|p| matches!(p, TemplatePart::Group(_)))
        {
            // No group to copy: the faster search for the match alone.
            return self.replace(text, self.regex.find_iter(text).map(|m| (m, None)));
        }
        self.replace(
            text,
            self.regex.captures_iter(text).map(|caps| {
                let m = caps.get(0).expect("group 0 is the match");
                (m, Some(caps))
            }),
        )
    }

    fn replace<'t>(
        &self,
        text: &'t [u8],
        matches: impl Iterator<Item = (Match<'t>, Option<Captures<'t>>)>,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut last = 0;
        let mut changed = false;
        for (m, caps) in matches {
            let at = if self.card {
                match card_start(m.as_bytes()) {
                    Some(at) => m.start() + at,
                    None => continue,
                }
            } else {
                m.start()
            };
            out.extend_from_slice(&text[last..at]);
            for part in &self.template {
                match part {
                    TemplatePart::Literal(lit) => out.extend_from_slice(lit.as_bytes()),
                    TemplatePart::Group(g) => {
                        if let Some(group) = caps.as_ref().and_then(|c| c.get(*g)) {
                            out.extend_from_slice(group.as_bytes());
                        }
                    }
                }
            }
            last = m.end();
            changed = true;
        }
        if !changed {
            return None;
        }
        out.extend_from_slice(&text[last..]);
        Some(out)
    }
}

/// Splits a replacement at its `${name}` references, each of which must name
/// a group of `regex`; nothing else in a replacement is special.
fn parse_template(replacement: &'static str, regex: &Regex) -> Result<Vec<TemplatePart>, String> {
    let mut parts = Vec::new();
    let mut rest = replacement;
    while let Some(i) = rest.find("${") {
        let Some(end) = rest[i..].find('}') else {
            break;
        };
        let name = &rest[i + 2..i + end];
        let group = regex
            .capture_names()
            .position(|n| n == Some(name))
            .ok_or_else(|| {
                format!("replacement refers to ${{{name}}}, which is no group of the regex")
            })?;
        if i > 0 {
            parts.push(TemplatePart::Literal(&rest[..i]));
        }
        parts.push(TemplatePart::Group(group));
        rest = &rest[i + end + 1..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Literal(rest));
    }
    Ok(parts)
}

/// Card numbers hold 13 to 19 digits.
const MIN_CARD_DIGITS: usize = 13;
const MAX_CARD_DIGITS: usize = 19;

/// Where the first card in `run` begins, if any. `run` is digit groups
/// separated by single spaces or dashes. A card is a window of whole groups
/// with 13 to 19 digits that starts with 2 to 6 (the card networks' first
/// digits; timestamps and most ids start with 1), passes the Luhn check,
/// and is one group or starts with a group of four, as cards are written
/// (4-4-4-4, 4-6-5). Trying windows finds a card followed by its CVV or
/// preceded by other numbers; the grouping rules keep lists of short
/// numbers from being read as cards. As in the Go engine (sdk-go/redact).
pub(crate) fn card_start(run: &[u8]) -> Option<usize> {
    let mut start = 0;
    while start < run.len() {
        let first = run[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if (b'2'..=b'6').contains(&run[start]) && card_window(&run[start..], first) {
            return Some(start);
        }
        start += first + 1; // past the separator
    }
    None
}

/// Whether some window of whole groups at the start of `run`, whose first
/// group has `first` digits, is a card.
fn card_window(run: &[u8], first: usize) -> bool {
    let mut digits = [0u8; MAX_CARD_DIGITS];
    let mut n = 0;
    for (i, &c) in run.iter().enumerate() {
        if !c.is_ascii_digit() {
            if first != 4 {
                return false; // only a single group can be the window
            }
            continue;
        }
        if n == MAX_CARD_DIGITS {
            return false;
        }
        digits[n] = c - b'0';
        n += 1;
        let group_ends = !matches!(run.get(i + 1), Some(b) if b.is_ascii_digit());
        if group_ends && n >= MIN_CARD_DIGITS && luhn(&digits[..n]) {
            return true;
        }
    }
    false
}

/// The Luhn check over `digits` (values 0 to 9).
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    digits.len() > 1 && sum % 10 == 0
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
            r.value("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nnext"),
            "[REDACTED:private_key]\nnext"
        );
        assert_eq!(r.value("café://u:p@h"), "café://[REDACTED]@h");
    }

    #[test]
    fn luhn_checksum() {
        let digits = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<_>>();
        assert!(luhn(&digits("4111111111111111")));
        assert!(!luhn(&digits("4111111111111112")));
        assert!(luhn(&digits("79927398713")));
        assert!(!luhn(&digits("0")));
        assert!(!luhn(&[]));
    }

    #[test]
    fn card_windows() {
        for (run, want) in [
            ("4111 1111 1111 1111", Some(0)),
            ("4111111111111111", Some(0)),
            ("4111 1111 1111 1111 123", Some(0)), // a CVV after the card
            ("55 4111 1111 1111 1111", Some(3)),  // a number before it
            ("4111111111111111 123", Some(0)),
            ("3782 822463 10005", Some(0)), // 4-6-5
            ("4111 1111 1111 1112", None),  // fails the Luhn check
            ("1733085051123456789", None),  // starts with 1
            ("2345678901234567890123", None),
            ("250 500 1000 2000 4000 8000", None),
            ("0000 4111 1111 1111 1111", Some(5)),
        ] {
            assert_eq!(card_start(run.as_bytes()), want, "{run}");
        }
    }

    #[test]
    fn replacement_templates() {
        static PATTERNS: &[redaction::Pattern] = &[redaction::Pattern {
            name: "kv",
            regex: r#"(?P<k>[a-z]+=)(?:(?P<q>")[^"]*|[^ ]+)"#,
            replacement: "${k}${q}<$1 $$>",
            validate: None,
        }];
        let r = Redactor::new(&[], &[], PATTERNS).expect("compiles");
        assert_eq!(r.value(r#"a=1 b="two" c"#), r#"a=<$1 $$> b="<$1 $$>" c"#);
        static BAD: &[redaction::Pattern] = &[redaction::Pattern {
            name: "kv",
            regex: "(?P<k>a)",
            replacement: "${nope}",
            validate: None,
        }];
        let err = Redactor::new(&[], &[], BAD).expect_err("a reference to no group");
        assert!(err.reason.contains("${nope}"), "{err}");
        static WIDE: &[redaction::Pattern] = &[redaction::Pattern {
            name: "wide",
            regex: "(?i)é",
            replacement: "x",
            validate: None,
        }];
        assert!(Redactor::new(&[], &[], WIDE).is_err());
    }

    #[test]
    fn key_patterns() {
        let kp = KeyPatterns::new(&["*token*", "a*b*c", "exact", "*Pass*"]).expect("globs");
        assert!(kp.is_match(b"X-TOKEN-id"));
        assert!(kp.is_match(b"my_password"));
        assert!(kp.is_match(b"aXXbYYc"));
        assert!(!kp.is_match(b"aXXbYY"));
        assert!(kp.is_match(b"EXACT"));
        assert!(!kp.is_match(b"exactly"));
        assert!(!kp.is_match(b"toke"));
        assert!(!kp.is_match(b""));
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
