//! `pricing.fingerprint`: a stable checksum of the canonical basket.

use crate::basket::{Basket, InvalidBasket};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The basket's canonical encoding, which the fingerprint hashes: a version line, the
/// region, then one line per item sorted by sku, qty and unit_cents, so item order does
/// not change it.
///
/// ```text
/// pricing/v1
/// region=eu
/// A1 2 1299
/// ```
pub fn canonical(basket: &Basket<'_>) -> Vec<u8> {
    let mut items = basket.items.clone();
    items.sort_by(|x, y| (x.sku, x.qty, x.unit_cents).cmp(&(y.sku, y.qty, y.unit_cents)));
    let mut out = Vec::with_capacity(32 + items.len() * 24);
    out.extend_from_slice(b"pricing/v1\nregion=");
    out.extend_from_slice(basket.region);
    out.push(b'\n');
    for item in &items {
        out.extend_from_slice(item.sku);
        out.extend_from_slice(format!(" {} {}\n", item.qty, item.unit_cents).as_bytes());
    }
    out
}

/// The FNV-1a 64 hash of the basket's canonical encoding, as 16 lowercase hex digits.
pub fn fingerprint(basket: &Basket<'_>) -> Result<String, InvalidBasket> {
    basket.validate()?;
    let hash = canonical(basket).iter().fold(FNV_OFFSET, |h, &c| {
        (h ^ u64::from(c)).wrapping_mul(FNV_PRIME)
    });
    Ok(format!("{hash:016x}"))
}
