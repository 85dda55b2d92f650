//! The entry points the Go orchestrator calls through cgo and `sdk-go/boundary`; their C
//! declarations are in `include/pricing.h`. Each runs inside `seam::ffi::call`, which
//! continues the caller's trace, enforces its deadline and catches panics.

use std::time::Duration;

use seam::ffi::{call, Call, SeamContext, SeamError, SeamStatus};

use crate::basket::{check_region_and_count, Basket, InvalidBasket, Item};
use crate::faults::{self, Faults};
use crate::measure::{self, Failure};
use crate::{fingerprint, nonconformant, quote};

/// The service name of the staticlib's raw pipeline in non-conformant mode.
const SERVICE_NAME: &str = "pricing";

/// One basket line; `sku` is `sku_len` bytes owned by the caller.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PricingItem {
    sku: *const u8,
    sku_len: usize,
    qty: i64,
    unit_cents: i64,
}

/// A basket; every pointer is owned by the caller and read during the call only.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PricingBasket {
    region: *const u8,
    region_len: usize,
    items: *const PricingItem,
    items_len: usize,
}

/// The result of `pricing_quote`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct PricingQuote {
    subtotal_cents: i64,
    discount_cents: i64,
    tax_cents: i64,
    total_cents: i64,
}

/// The result of `pricing_fingerprint`: 16 lowercase hex digits, not NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct PricingFingerprint {
    hex: [u8; 16],
}

/// The faults `pricing_set_faults` installs (see [`Faults`]).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct PricingFaults {
    panic_probability: f64,
    slow_probability: f64,
    slow_ms: u64,
    wrong_probability: f64,
}

/// Reads `len` bytes at `data`, or names `field` when the pointer is null with a length.
///
/// # Safety
/// A non-null `data` must point to `len` bytes that stay readable and unchanged for `'a`.
unsafe fn bytes<'a>(data: *const u8, len: usize, field: &str) -> Result<&'a [u8], InvalidBasket> {
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(InvalidBasket(format!(
                "{field}: null pointer with length {len}"
            )))
        };
    }
    Ok(std::slice::from_raw_parts(data, len))
}

impl PricingBasket {
    /// The basket as Rust sees it, borrowing the caller's memory.
    fn view(&self) -> Result<Basket<'_>, InvalidBasket> {
        // SAFETY: the C contract of every entry point (pricing.h) is that the basket's
        // pointers are valid for their lengths for the duration of the call, which bounds
        // the borrow of `self`.
        unsafe {
            let region = bytes(self.region, self.region_len, "region")?;
            // Before any item is read, so that no slice is made from an absurd length.
            check_region_and_count(region, self.items_len)?;
            if self.items.is_null() && self.items_len > 0 {
                return Err(InvalidBasket(format!(
                    "items: null pointer with length {}",
                    self.items_len
                )));
            }
            let raw = if self.items_len == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(self.items, self.items_len)
            };
            let mut items = Vec::with_capacity(raw.len());
            for (i, item) in raw.iter().enumerate() {
                items.push(Item {
                    sku: bytes(item.sku, item.sku_len, &format!("items[{i}].sku"))?,
                    qty: item.qty,
                    unit_cents: item.unit_cents,
                });
            }
            Ok(Basket { region, items })
        }
    }
}

/// Both pointers, or the failure that names the missing one.
fn required<'a, I, O>(
    input: Option<&'a I>,
    output: Option<&'a mut O>,
) -> Result<(&'a I, &'a mut O), Failure> {
    match (input, output) {
        (Some(input), Some(output)) => Ok((input, output)),
        _ => Err(Failure::Invalid(InvalidBasket(
            "input and output must not be null".to_owned(),
        ))),
    }
}

/// Applies the process-wide faults under the call's deadline.
fn inject_faults(c: &Call<'_>) -> Result<(), Failure> {
    faults::current().inject(c.operation(), || c.check_deadline().is_ok())?;
    Ok(())
}

/// `pricing.quote`: prices the basket into `out`.
#[no_mangle]
pub extern "C" fn pricing_quote(
    ctx: SeamContext,
    basket: Option<&PricingBasket>,
    out: Option<&mut PricingQuote>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    nonconformant::start(SERVICE_NAME);
    call(ctx, "pricing.quote", error, |c| {
        let (basket, out) = required(basket, out)?;
        let basket = basket.view()?;
        let q = measure::run("pricing.quote", || {
            inject_faults(c)?;
            Ok(quote::quote(&basket)?)
        })?;
        *out = PricingQuote {
            subtotal_cents: q.subtotal_cents,
            discount_cents: q.discount_cents,
            tax_cents: q.tax_cents,
            total_cents: faults::current().garble_cents(q.total_cents),
        };
        Ok::<(), Failure>(())
    })
}

/// `pricing.fingerprint`: the basket's fingerprint into `out`.
#[no_mangle]
pub extern "C" fn pricing_fingerprint(
    ctx: SeamContext,
    basket: Option<&PricingBasket>,
    out: Option<&mut PricingFingerprint>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    nonconformant::start(SERVICE_NAME);
    call(ctx, "pricing.fingerprint", error, |c| {
        let (basket, out) = required(basket, out)?;
        let basket = basket.view()?;
        let hex = measure::run("pricing.fingerprint", || {
            inject_faults(c)?;
            Ok(faults::current().garble_hex(fingerprint::fingerprint(&basket)?))
        })?;
        out.hex.copy_from_slice(hex.as_bytes());
        Ok::<(), Failure>(())
    })
}

/// Installs the faults every later call applies and writes back what is now installed.
#[no_mangle]
pub extern "C" fn pricing_set_faults(
    ctx: SeamContext,
    faults: Option<&PricingFaults>,
    out: Option<&mut PricingFaults>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "pricing.set_faults", error, |_| {
        let (input, out) = required(faults, out).map_err(|f| f.to_string())?;
        faults::set_current(Faults {
            panic: input.panic_probability,
            slow: input.slow_probability,
            slow_ms: input.slow_ms,
            wrong: input.wrong_probability,
        })?;
        let now = faults::current();
        *out = PricingFaults {
            panic_probability: now.panic,
            slow_probability: now.slow,
            slow_ms: now.slow_ms,
            wrong_probability: now.wrong,
        };
        tracing::info!(faults = %now, "rust faults set");
        Ok::<(), String>(())
    })
}

/// Flushes what the library itself buffers (the raw pipeline of the non-conformant mode),
/// waiting at most `*timeout_ms`. Call it before `seam_shutdown`; `out` is unused.
#[no_mangle]
pub extern "C" fn pricing_close(
    ctx: SeamContext,
    timeout_ms: Option<&u64>,
    _out: Option<&mut u8>,
    error: Option<&mut SeamError>,
) -> SeamStatus {
    call(ctx, "pricing.close", error, |_| {
        let timeout = Duration::from_millis(timeout_ms.copied().unwrap_or(5_000));
        nonconformant::shutdown(timeout)
    })
}
