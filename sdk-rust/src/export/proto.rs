//! The few protobuf wire-format writes the OTLP encoders need (proto3: a
//! scalar field at its default is not written).

/// How a field's value is laid out on the wire.
#[derive(Clone, Copy)]
pub(crate) enum WireType {
    Varint = 0,
    Fixed64 = 1,
    Len = 2,
    Fixed32 = 5,
}

pub(crate) fn varint(b: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        b.push((v as u8) | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
}

pub(crate) fn varint_len(v: u64) -> usize {
    // 1 byte per 7 bits, at least one.
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

pub(crate) fn tag(b: &mut Vec<u8>, field: u32, wire: WireType) {
    varint(b, u64::from(field) << 3 | wire as u64);
}

/// The bytes a length-delimited field of `len` bytes takes, its tag and
/// length included.
pub(crate) fn len_field_size(field: u32, len: usize) -> usize {
    varint_len(u64::from(field) << 3) + varint_len(len as u64) + len
}

/// The tag and length of a message field whose `len` bytes follow.
pub(crate) fn message_header(b: &mut Vec<u8>, field: u32, len: usize) {
    tag(b, field, WireType::Len);
    varint(b, len as u64);
}

/// A length-delimited field, written even when empty (a message that is set).
pub(crate) fn bytes_field(b: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    message_header(b, field, bytes.len());
    b.extend_from_slice(bytes);
}

/// A string field, not written when empty.
pub(crate) fn string_field(b: &mut Vec<u8>, field: u32, s: &str) {
    if !s.is_empty() {
        bytes_field(b, field, s.as_bytes());
    }
}

pub(crate) fn varint_field(b: &mut Vec<u8>, field: u32, v: u64) {
    if v != 0 {
        tag(b, field, WireType::Varint);
        varint(b, v);
    }
}

pub(crate) fn fixed64_field(b: &mut Vec<u8>, field: u32, v: u64) {
    if v != 0 {
        tag(b, field, WireType::Fixed64);
        b.extend_from_slice(&v.to_le_bytes());
    }
}

pub(crate) fn fixed32_field(b: &mut Vec<u8>, field: u32, v: u32) {
    if v != 0 {
        tag(b, field, WireType::Fixed32);
        b.extend_from_slice(&v.to_le_bytes());
    }
}

/// Makes the bytes of `b` from `start` on a message field `field`: its
/// length is known only once they are written, so the header goes in
/// before them (they are one value or key-value pair: the move is short).
pub(crate) fn wrap(b: &mut Vec<u8>, start: usize, field: u32) {
    let mut head = [0u8; 15];
    let mut n = 0;
    for mut v in [
        u64::from(field) << 3 | WireType::Len as u64,
        (b.len() - start) as u64,
    ] {
        while v >= 0x80 {
            head[n] = (v as u8) | 0x80;
            n += 1;
            v >>= 7;
        }
        head[n] = v as u8;
        n += 1;
    }
    b.splice(start..start, head[..n].iter().copied());
}

/// One field's value as read back.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldValue<'a> {
    Varint(u64),
    Len(&'a [u8]),
    Fixed,
}

impl<'a> FieldValue<'a> {
    /// The varint, or 0 for a field of another wire type.
    pub(crate) fn varint(self) -> u64 {
        match self {
            FieldValue::Varint(v) => v,
            _ => 0,
        }
    }

    /// The bytes, or none for a field of another wire type.
    pub(crate) fn bytes(self) -> &'a [u8] {
        match self {
            FieldValue::Len(b) => b,
            _ => &[],
        }
    }
}

/// The fields of the message `b`, in order, up to the first that is
/// malformed: enough to read a response's few fields.
pub(crate) fn read_fields(mut b: &[u8]) -> impl Iterator<Item = (u32, FieldValue<'_>)> {
    std::iter::from_fn(move || {
        let key = read_varint(&mut b)?;
        let value = match key & 7 {
            0 => FieldValue::Varint(read_varint(&mut b)?),
            1 | 5 => {
                let n = if key & 7 == 1 { 8 } else { 4 };
                b = b.get(n..)?;
                FieldValue::Fixed
            }
            2 => {
                let n = usize::try_from(read_varint(&mut b)?).ok()?;
                let (value, rest) = (b.get(..n)?, b.get(n..)?);
                b = rest;
                FieldValue::Len(value)
            }
            _ => return None,
        };
        Some((u32::try_from(key >> 3).ok()?, value))
    })
}

fn read_varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for (i, byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *b = &b[i + 1..];
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_lengths_match_the_encoding() {
        for v in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut b = Vec::new();
            varint(&mut b, v);
            assert_eq!(b.len(), varint_len(v), "{v}");
            let mut read = b.as_slice();
            assert_eq!(read_varint(&mut read), Some(v));
            assert!(read.is_empty());
        }
    }

    #[test]
    fn fields_read_back_and_a_truncated_message_stops() {
        let mut b = Vec::new();
        varint_field(&mut b, 1, 300);
        fixed64_field(&mut b, 2, 9);
        string_field(&mut b, 3, "text");
        fixed32_field(&mut b, 4, 1);
        let fields: Vec<_> = read_fields(&b)
            .map(|(f, v)| (f, v.varint(), v.bytes()))
            .collect();
        assert_eq!(
            fields,
            [(1, 300, &[][..]), (2, 0, &[]), (3, 0, b"text"), (4, 0, &[])]
        );
        assert_eq!(read_fields(&b[..b.len() - 7]).count(), 2);
        assert_eq!(read_fields(&[0x0a, 0xff]).count(), 0);
    }
}
