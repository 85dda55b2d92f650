//! Reading the environment, one variable at a time: values are trimmed, an
//! empty value is the same as none, and a bad value is recorded in
//! [`Problems`] with the variable's name and the value, so that resolving
//! goes on and reports every problem at once.

use std::time::Duration;

use crate::error::{ConfigProblem, Error};

/// Every problem found while resolving.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<ConfigProblem>);

impl Problems {
    pub(crate) fn add(&mut self, setting: impl Into<String>, reason: impl Into<String>) {
        self.0.push(ConfigProblem::new(setting, reason));
    }

    /// `value`, or one error listing every problem.
    pub(crate) fn into_result<T>(self, value: T) -> Result<T, Error> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Error::InvalidConfig { problems: self.0 })
        }
    }
}

/// The environment as `Settings::resolve` is given it.
#[derive(Clone, Copy)]
pub(crate) struct Env<'a> {
    getenv: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Env<'a> {
    pub(crate) fn new(getenv: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Env { getenv }
    }

    /// The trimmed value of `name`, or `None` when it is unset or blank.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        let value = (self.getenv)(name)?;
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// `true` or `false` in any case; unset is `false`.
    pub(crate) fn flag(&self, name: &str, problems: &mut Problems) -> bool {
        let Some(raw) = self.text(name) else {
            return false;
        };
        match raw.to_ascii_lowercase().as_str() {
            "true" => true,
            "false" => false,
            _ => {
                problems.add(name, format!("want true or false, got {raw:?}"));
                false
            }
        }
    }

    /// A positive number of milliseconds, as OpenTelemetry specifies.
    pub(crate) fn millis(
        &self,
        name: &str,
        default: Duration,
        problems: &mut Problems,
    ) -> Duration {
        let Some(raw) = self.text(name) else {
            return default;
        };
        match raw.parse::<u64>() {
            Ok(ms) if ms > 0 => Duration::from_millis(ms),
            _ => {
                problems.add(
                    name,
                    format!("want a positive number of milliseconds, got {raw:?}"),
                );
                default
            }
        }
    }

    /// A positive integer.
    pub(crate) fn count(&self, name: &str, default: usize, problems: &mut Problems) -> usize {
        let Some(raw) = self.text(name) else {
            return default;
        };
        match raw.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                problems.add(name, format!("want a positive integer, got {raw:?}"));
                default
            }
        }
    }

    /// One of `choices` by name, in any case.
    pub(crate) fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
        default: T,
        problems: &mut Problems,
        refuse: impl FnOnce(&str) -> String,
    ) -> T {
        let Some(raw) = self.text(name) else {
            return default;
        };
        let wanted = raw.to_ascii_lowercase();
        match choices.iter().find(|(n, _)| *n == wanted) {
            Some((_, value)) => *value,
            None => {
                problems.add(name, refuse(&raw));
                default
            }
        }
    }

    /// A comma-separated key=value list (`OTEL_RESOURCE_ATTRIBUTES`,
    /// `OTEL_EXPORTER_OTLP_HEADERS`), in order; see [`key_values`].
    pub(crate) fn key_values(&self, name: &str, problems: &mut Problems) -> Vec<(String, String)> {
        let Some(raw) = self.text(name) else {
            return Vec::new();
        };
        match key_values(&raw) {
            Ok(pairs) => pairs,
            Err(bad) => {
                let bad: Vec<String> = bad.iter().map(|m| format!("{m:?}")).collect();
                problems.add(
                    name,
                    format!("want comma-separated key=value, got {}", bad.join(", ")),
                );
                Vec::new()
            }
        }
    }
}

/// Parses `k1=v1,k2=v2`: keys and values trimmed, values percent-decoded,
/// empty members skipped. A member without `=` or with an empty key is an
/// error; all of them are returned, and only they: the other members may
/// hold secrets (header values).
pub(crate) fn key_values(raw: &str) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut pairs = Vec::new();
    let mut bad = Vec::new();
    for member in raw.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        match member.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                pairs.push((key.trim().to_owned(), percent_decode(value.trim())));
            }
            _ => bad.push(member.to_owned()),
        }
    }
    if bad.is_empty() {
        Ok(pairs)
    } else {
        Err(bad)
    }
}

/// Decodes `%XX` escapes; anything that is not a valid escape stays as it is.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_trim_decode_and_name_every_bad_member() {
        assert_eq!(
            key_values(" a = x%20y ,, b=%zz,c=1=2 ,"),
            Ok(vec![
                ("a".to_owned(), "x y".to_owned()),
                ("b".to_owned(), "%zz".to_owned()),
                ("c".to_owned(), "1=2".to_owned()),
            ])
        );
        assert_eq!(
            key_values("ok=1,garbage,=orphan, =also"),
            Err(vec![
                "garbage".to_owned(),
                "=orphan".to_owned(),
                "=also".to_owned()
            ])
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%+1"), "%+1");
        assert_eq!(percent_decode("%E2%86%92"), "\u{2192}");
    }
}
