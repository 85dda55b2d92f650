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

/// The fingerprint's work factor: how many rounds each of its lanes runs.
const STRETCH_ROUNDS: usize = 4096;
/// How many 32-bit lanes the fingerprint stretches in.
const STRETCH_LANES: usize = 64;

/// The basket's stretched digest, as 16 lowercase hex digits: the FNV-1a 64 hash of the
/// canonical encoding seeds 64 lanes of 32 bits (the even lanes its low half, the odd ones
/// its high half, each xor'ed with its index times 0x9e3779b9); every lane then runs
/// [`STRETCH_ROUNDS`] rounds of xorshift32 (13, 17, 5) plus 0x6d2b79f5; the FNV-1a 64 hash
/// of the lanes, little-endian, is the fingerprint. The same real CPU work for every
/// basket, in lanes independent of each other: data-parallel work the compiler vectorises.
pub fn fingerprint(basket: &Basket<'_>) -> Result<String, InvalidBasket> {
    basket.validate()?;
    let digest = fnv1a(FNV_OFFSET, &canonical(basket));
    Ok(format!("{:016x}", stretch(digest)))
}

fn fnv1a(hash: u64, data: &[u8]) -> u64 {
    data.iter()
        .fold(hash, |h, &c| (h ^ u64::from(c)).wrapping_mul(FNV_PRIME))
}

/// Runs the lanes seeded from `digest` and folds them back into one hash.
fn stretch(digest: u64) -> u64 {
    let mut lanes = [0u32; STRETCH_LANES];
    for (j, lane) in lanes.iter_mut().enumerate() {
        // Truncation intended: each lane takes one half of the digest.
        *lane = (digest >> (j % 2 * 32)) as u32 ^ (j as u32).wrapping_mul(0x9e37_79b9);
    }
    for _ in 0..STRETCH_ROUNDS {
        for lane in lanes.iter_mut() {
            let mut x = *lane;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *lane = x.wrapping_add(0x6d2b_79f5);
        }
    }
    let mut out = [0u8; 4 * STRETCH_LANES];
    for (chunk, lane) in out.chunks_exact_mut(4).zip(lanes) {
        chunk.copy_from_slice(&lane.to_le_bytes());
    }
    fnv1a(FNV_OFFSET, &out)
}
