//! The byte-level rules of the canonical log line (event.seam.log): JSON
//! strings, numbers and the timestamp, written exactly as every Seam SDK
//! writes them.

/// Appends `bytes` as a JSON string. Escapes only the quote, the backslash
/// and control characters (`\n`, `\r`, `\t` short, the rest `\u00xx`), keeps
/// valid UTF-8 as is, and writes U+FFFD for each maximal invalid subsequence.
pub(crate) fn write_str(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for chunk in bytes.utf8_chunks() {
        write_escaped(out, chunk.valid().as_bytes());
        // One U+FFFD per maximal invalid subsequence, as from_utf8_lossy
        // (and the Go SDK) do.
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        }
    }
    out.push(b'"');
}

fn write_escaped(out: &mut Vec<u8>, s: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x00..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&s[start..i]);
        start = i + 1;
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]);
        }
    }
    out.extend_from_slice(&s[start..]);
}

/// Appends a double the way ECMAScript's `Number::toString` does: the
/// shortest digits that round-trip, plain notation from 1e-6 up to (not
/// including) 1e21, exponent form (`1.5e-7`, `1e+21`) outside. NaN and the
/// infinities, which JSON has no number for, become the strings `"NaN"`,
/// `"+Inf"` and `"-Inf"`.
pub(crate) fn write_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
        return;
    }
    if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"\"+Inf\"" } else { b"\"-Inf\"" });
        return;
    }
    if v == 0.0 {
        out.push(b'0'); // also -0, as ECMAScript prints it
        return;
    }
    // `{:e}` yields the shortest round-trip digits as d[.ddd]e<exp>.
    let mut sci = String::with_capacity(32);
    {
        use std::fmt::Write;
        let _ = write!(sci, "{:e}", v.abs());
    }
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exp + 1; // the decimal point sits after n digits
    if v < 0.0 {
        out.push(b'-');
    }
    if k <= n && n <= 21 {
        out.extend_from_slice(&digits);
        out.resize(out.len() + (n - k) as usize, b'0');
    } else if 0 < n && n <= 21 {
        out.extend_from_slice(&digits[..n as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-n) as usize, b'0');
        out.extend_from_slice(&digits);
    } else {
        out.push(digits[0]);
        if k > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if n - 1 < 0 { b'-' } else { b'+' });
        write_u64(out, (n - 1).unsigned_abs() as u64);
    }
}

/// Appends an integer in decimal.
pub(crate) fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// Appends an unsigned integer in decimal.
pub(crate) fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

/// Appends `"YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ"` (RFC 3339, UTC, always nine
/// fractional digits) for nanoseconds since the Unix epoch.
pub(crate) fn write_time(out: &mut Vec<u8>, unix_nanos: i128) {
    let secs = unix_nanos.div_euclid(1_000_000_000) as i64;
    let nanos = unix_nanos.rem_euclid(1_000_000_000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    out.push(b'"');
    pad(out, year as u64, 4);
    out.push(b'-');
    pad(out, month as u64, 2);
    out.push(b'-');
    pad(out, day as u64, 2);
    out.push(b'T');
    pad(out, (sod / 3600) as u64, 2);
    out.push(b':');
    pad(out, (sod / 60 % 60) as u64, 2);
    out.push(b':');
    pad(out, (sod % 60) as u64, 2);
    out.push(b'.');
    pad(out, nanos as u64, 9);
    out.extend_from_slice(b"Z\"");
}

fn pad(out: &mut Vec<u8>, v: u64, width: usize) {
    let start = out.len();
    write_u64(out, v);
    let written = out.len() - start;
    if written < width {
        out.splice(start..start, std::iter::repeat(b'0').take(width - written));
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after
/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, v);
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn doubles_follow_ecmascript() {
        assert_eq!(f(3.0), "3");
        assert_eq!(f(-0.5), "-0.5");
        assert_eq!(f(1.5e-7), "1.5e-7");
        assert_eq!(f(1e-6), "0.000001");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1.2345678901234568e20), "123456789012345680000");
        assert_eq!(f(123.456), "123.456");
        assert_eq!(f(-2.5e-300), "-2.5e-300");
        assert_eq!(f(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(f(-0.0), "0");
        assert_eq!(f(f64::NEG_INFINITY), "\"-Inf\"");
    }

    #[test]
    fn time_is_rfc3339_nanos() {
        let mut out = Vec::new();
        write_time(&mut out, 0);
        assert_eq!(out, b"\"1970-01-01T00:00:00.000000000Z\"");
        out.clear();
        write_time(&mut out, 951_782_400_000_000_007); // 2000-02-29
        assert_eq!(out, b"\"2000-02-29T00:00:00.000000007Z\"");
        out.clear();
        write_time(&mut out, -1);
        assert_eq!(out, b"\"1969-12-31T23:59:59.999999999Z\"");
    }

    #[test]
    fn strings_escape_minimally() {
        let mut out = Vec::new();
        write_str(&mut out, b"a\"b\\c\n\x01\x7f\xffz \xe2\x86\x92 \xe2\x86.");
        assert_eq!(
            out,
            "\"a\\\"b\\\\c\\n\\u0001\x7f\u{FFFD}z \u{2192} \u{FFFD}.\"".as_bytes()
        );
    }
}
