//! Which arm a sticky key lands on: the same bucket in both SDKs
//! (`schema/testdata/parity/rollout.json`).

use super::mode::BASIS_POINTS;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The hash state after an operation's part: a rollout computes it once, so that a call
/// hashes its key alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seed(u64);

impl Seed {
    pub(crate) fn new(operation: &str) -> Self {
        Seed(fold(FNV_OFFSET, operation.as_bytes()))
    }

    /// The bucket of `key` for the seed's operation.
    #[inline]
    pub(crate) fn bucket(self, key: &str) -> u16 {
        let mut h = fold(self.0, key.as_bytes());
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 33;
        // The high word of h * 10000 is below 10000, so it fits.
        ((u128::from(h) * u128::from(BASIS_POINTS)) >> 64) as u16
    }
}

/// The place of `key` in 0..=9999 for `operation`: a call goes to the candidate when the
/// bucket is below the route's basis points. FNV-1a's multiply over little-endian 8-byte
/// words (the last zero-padded) rather than bytes, which keeps a canary decision cheap,
/// each part closed by its length; then murmur3's fmix64 so that keys differing only in
/// their last characters (sequential ids) still spread, scaled into range by a multiply
/// rather than a modulo, which would favour low buckets.
pub fn bucket(operation: &str, key: &str) -> u16 {
    Seed::new(operation).bucket(key)
}

/// Folds `bytes` into `h` as words, then its length.
#[inline]
fn fold(mut h: u64, bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(FNV_PRIME);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(FNV_PRIME);
    }
    (h ^ bytes.len() as u64).wrapping_mul(FNV_PRIME)
}

/// A bucket for a call without a key: spread at random, since nothing ties it to an arm.
pub(crate) fn random_bucket() -> u16 {
    rand::random_range(0..BASIS_POINTS)
}
