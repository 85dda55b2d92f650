//! The basket and its validation, byte for byte as the Go baseline words it.

use std::fmt;

/// Most items a basket may hold.
pub const MAX_ITEMS: usize = 500;
/// Most units of one item.
pub const MAX_QTY: i64 = 10_000;
/// Highest unit price, in cents.
pub const MAX_UNIT_CENTS: i64 = 10_000_000;
/// Longest sku, in bytes.
pub const MAX_SKU_LEN: usize = 32;

/// The tax regions with their rate in basis points, sorted by name.
pub const TAX_RATES: [(&str, i64); 5] = [
    ("ch", 810),
    ("eu", 2100),
    ("jp", 1000),
    ("uk", 2000),
    ("us", 725),
];

/// What a customer buys, in one tax region. It borrows its text so that the FFI entry
/// points can price what Go passes without copying it; text is bytes because Go strings
/// need not be UTF-8 and validation reports the offending byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basket<'a> {
    /// The tax region, one of [`TAX_RATES`].
    pub region: &'a [u8],
    /// The basket lines.
    pub items: Vec<Item<'a>>,
}

/// One basket line: `qty` units of `sku` at `unit_cents` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item<'a> {
    /// `[A-Za-z0-9._-]{1,32}`.
    pub sku: &'a [u8],
    /// 1 to [`MAX_QTY`].
    pub qty: i64,
    /// 0 to [`MAX_UNIT_CENTS`].
    pub unit_cents: i64,
}

/// Why a basket was refused; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidBasket(pub String);

impl fmt::Display for InvalidBasket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidBasket {}

impl Basket<'_> {
    /// The first thing wrong with the basket, in the Go baseline's words.
    pub fn validate(&self) -> Result<(), InvalidBasket> {
        check_region_and_count(self.region, self.items.len())?;
        for (i, item) in self.items.iter().enumerate() {
            item.validate()
                .map_err(|reason| InvalidBasket(format!("items[{i}].{reason}")))?;
        }
        Ok(())
    }

    /// The region's tax rate in basis points, if the region is known.
    pub fn tax_rate(&self) -> Option<i64> {
        tax_rate(self.region)
    }
}

impl Item<'_> {
    fn validate(&self) -> Result<(), String> {
        if self.sku.is_empty() || self.sku.len() > MAX_SKU_LEN {
            return Err(format!(
                "sku: {} bytes (want 1 to {MAX_SKU_LEN})",
                self.sku.len()
            ));
        }
        if let Some(i) = self.sku.iter().position(|&c| !sku_byte(c)) {
            return Err(format!(
                "sku: byte {i} is 0x{:02x} (want A-Z, a-z, 0-9, '.', '_' or '-')",
                self.sku[i]
            ));
        }
        if !(1..=MAX_QTY).contains(&self.qty) {
            return Err(format!("qty: {} (want 1 to {MAX_QTY})", self.qty));
        }
        if !(0..=MAX_UNIT_CENTS).contains(&self.unit_cents) {
            return Err(format!(
                "unit_cents: {} (want 0 to {MAX_UNIT_CENTS})",
                self.unit_cents
            ));
        }
        Ok(())
    }
}

fn tax_rate(region: &[u8]) -> Option<i64> {
    TAX_RATES
        .iter()
        .find(|(name, _)| name.as_bytes() == region)
        .map(|(_, rate)| *rate)
}

/// The checks before the items': a known region, then 1 to [`MAX_ITEMS`] items. The FFI
/// runs them on the raw count before it reads any item.
pub fn check_region_and_count(region: &[u8], items: usize) -> Result<(), InvalidBasket> {
    if tax_rate(region).is_none() {
        let names: Vec<&str> = TAX_RATES.iter().map(|(name, _)| *name).collect();
        return Err(InvalidBasket(format!(
            "region {}: unknown (want one of {})",
            quote_bytes(region),
            names.join(", ")
        )));
    }
    if items == 0 || items > MAX_ITEMS {
        return Err(InvalidBasket(format!(
            "items: {items} items (want 1 to {MAX_ITEMS})"
        )));
    }
    Ok(())
}

fn sku_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-')
}

/// `s` in double quotes, as the Go baseline quotes it: printable ASCII as is, `"` and `\`
/// escaped with a backslash, every other byte as `\xHH`.
pub fn quote_bytes(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &c in s {
        match c {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(c));
            }
            0x20..=0x7e => out.push(char::from(c)),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}

/// A basket as JSON carries it (`{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1299}]}`):
/// every field required, no others allowed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasketJson {
    /// The tax region.
    pub region: String,
    /// The basket lines.
    pub items: Vec<ItemJson>,
}

/// One line of a [`BasketJson`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemJson {
    /// The sku.
    pub sku: String,
    /// Units.
    pub qty: i64,
    /// Unit price in cents.
    pub unit_cents: i64,
}

impl BasketJson {
    /// The basket, borrowing this one's text.
    pub fn basket(&self) -> Basket<'_> {
        Basket {
            region: self.region.as_bytes(),
            items: self
                .items
                .iter()
                .map(|i| Item {
                    sku: i.sku.as_bytes(),
                    qty: i.qty,
                    unit_cents: i.unit_cents,
                })
                .collect(),
        }
    }
}
