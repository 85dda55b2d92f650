//! `pricing.quote`: the basket total in integer cents.

use crate::basket::{Basket, InvalidBasket};

/// One band of the volume discount: the part of the subtotal from `from` cents up to the
/// next tier's `from` gets `basis_points` off. Marginal, like tax brackets, so the discount
/// never drops as the basket grows.
struct Tier {
    from: i64,
    basis_points: i64,
}

const DISCOUNT_TIERS: [Tier; 4] = [
    Tier {
        from: 0,
        basis_points: 0,
    },
    Tier {
        from: 10_000,
        basis_points: 500,
    },
    Tier {
        from: 50_000,
        basis_points: 1_000,
    },
    Tier {
        from: 200_000,
        basis_points: 1_500,
    },
];

/// A priced basket, in integer cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// Σ qty × unit_cents.
    pub subtotal_cents: i64,
    /// The tiered volume discount.
    pub discount_cents: i64,
    /// The region's tax on subtotal − discount.
    pub tax_cents: i64,
    /// subtotal − discount + tax.
    pub total_cents: i64,
}

impl std::fmt::Display for Quote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "total_cents={} subtotal_cents={} discount_cents={} tax_cents={}",
            self.total_cents, self.subtotal_cents, self.discount_cents, self.tax_cents
        )
    }
}

/// Prices a basket: the subtotal, minus the tiered volume discount, plus the region's tax
/// on what remains, each rounded half to even at the last step only.
pub fn quote(basket: &Basket<'_>) -> Result<Quote, InvalidBasket> {
    basket.validate()?;
    let tax_rate = basket.tax_rate().unwrap_or_default(); // validated: always Some
                                                          // Validation caps the subtotal at 5e13 cents and rates at 1e4 basis points, so no sum
                                                          // below comes near i64::MAX.
    let subtotal: i64 = basket.items.iter().map(|i| i.qty * i.unit_cents).sum();
    let weighted: i64 = DISCOUNT_TIERS
        .iter()
        .enumerate()
        .map(|(i, tier)| {
            let upper = DISCOUNT_TIERS
                .get(i + 1)
                .map_or(subtotal, |next| subtotal.min(next.from));
            (upper - tier.from).max(0) * tier.basis_points
        })
        .sum();
    let discount = div_half_even(weighted, 10_000);
    let taxable = subtotal - discount;
    let tax = div_half_even(taxable * tax_rate, 10_000);
    Ok(Quote {
        subtotal_cents: subtotal,
        discount_cents: discount,
        tax_cents: tax,
        total_cents: taxable + tax,
    })
}

/// `n / d` rounded half to even, for `n >= 0` and `d > 0`.
fn div_half_even(n: i64, d: i64) -> i64 {
    let (q, r) = (n / d, n % d);
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
        std::cmp::Ordering::Less => q,
    }
}

#[cfg(test)]
mod tests {
    use super::div_half_even;

    #[test]
    fn half_even() {
        assert_eq!(div_half_even(145_000, 10_000), 14);
        assert_eq!(div_half_even(155_000, 10_000), 16);
        assert_eq!(div_half_even(154_999, 10_000), 15);
        assert_eq!(div_half_even(5_001, 10_000), 1);
        assert_eq!(div_half_even(5_000, 10_000), 0);
        assert_eq!(div_half_even(0, 10_000), 0);
    }
}
