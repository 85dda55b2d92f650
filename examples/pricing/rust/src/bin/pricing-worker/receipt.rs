//! The job: a receipt the orchestrator published for a basket it priced, audited by pricing
//! it again in Rust.

use std::fmt;

use pricing::basket::{BasketJson, InvalidBasket};
use pricing::quote::quote;

/// A receipt as the orchestrator publishes it: `{"basket":{...},"total_cents":N}`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The basket priced.
    pub basket: BasketJson,
    /// The total the orchestrator answered.
    pub total_cents: i64,
}

/// What the audit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audit {
    /// The total the receipt says.
    pub receipt_cents: i64,
    /// The total Rust computes.
    pub audited_cents: i64,
}

impl Audit {
    /// Whether both totals agree.
    pub fn matches(&self) -> bool {
        self.receipt_cents == self.audited_cents
    }
}

/// Why a receipt could not be audited: it will not be, however often it is delivered.
#[derive(Debug)]
pub enum AuditError {
    /// The payload is not a receipt.
    Malformed(serde_json::Error),
    /// The basket is not one the pricing accepts.
    Invalid(InvalidBasket),
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::Malformed(err) => write!(f, "not a receipt: {err}"),
            AuditError::Invalid(err) => write!(f, "receipt for an invalid basket: {err}"),
        }
    }
}

impl seam::Classify for AuditError {
    fn error_class(&self) -> seam::ErrorClass {
        seam::ErrorClass::InvalidInput
    }
}

/// Parses `payload` and prices its basket again.
pub fn audit(payload: &[u8]) -> Result<Audit, AuditError> {
    let receipt: Receipt = serde_json::from_slice(payload).map_err(AuditError::Malformed)?;
    let audited = quote(&receipt.basket.basket()).map_err(AuditError::Invalid)?;
    Ok(Audit {
        receipt_cents: receipt.total_cents,
        audited_cents: audited.total_cents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audits_a_receipt() {
        let payload =
            br#"{"basket":{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1299}]},"total_cents":3144}"#;
        let audit = audit(payload).expect("a receipt");
        assert!(audit.matches(), "{audit:?}");
        let wrong =
            br#"{"basket":{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1299}]},"total_cents":3145}"#;
        assert!(!super::audit(wrong).expect("a receipt").matches());
    }

    #[test]
    fn names_what_is_wrong() {
        let err = audit(b"{}").expect_err("not a receipt");
        assert!(
            err.to_string().starts_with("not a receipt: missing field"),
            "{err}"
        );
        let err = audit(br#"{"basket":{"region":"xx","items":[]},"total_cents":0}"#)
            .expect_err("invalid");
        assert!(
            err.to_string().starts_with("receipt for an invalid basket"),
            "{err}"
        );
    }
}
