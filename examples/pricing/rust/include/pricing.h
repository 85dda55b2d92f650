/*
 * The C ABI of the pricing example's Rust staticlib (examples/pricing/rust/src/ffi.rs).
 * Every entry point follows sdk-go/boundary's contract:
 *
 *   SeamStatus entry(SeamContext ctx, const In *input, Out *output, SeamError *error);
 *
 * Pointers inside the inputs are owned by the caller and read during the call only.
 * Written by hand: keep it in step with ffi.rs (the Go tests call every entry point).
 */

#ifndef PRICING_H
#define PRICING_H

#include <stddef.h>
#include <stdint.h>

#include "seam.h"

typedef struct PricingItem {
  const uint8_t *sku;
  size_t sku_len;
  int64_t qty;
  int64_t unit_cents;
} PricingItem;

typedef struct PricingBasket {
  const uint8_t *region;
  size_t region_len;
  const PricingItem *items;
  size_t items_len;
} PricingBasket;

typedef struct PricingQuote {
  int64_t subtotal_cents;
  int64_t discount_cents;
  int64_t tax_cents;
  int64_t total_cents;
} PricingQuote;

/* 16 lowercase hex digits, not NUL-terminated. */
typedef struct PricingFingerprint {
  uint8_t hex[16];
} PricingFingerprint;

typedef struct PricingFaults {
  double panic_probability;
  double slow_probability;
  uint64_t slow_ms;
  double wrong_probability;
} PricingFaults;

/* pricing.quote */
SeamStatus pricing_quote(SeamContext ctx, const PricingBasket *basket, PricingQuote *out, SeamError *error);

/* pricing.fingerprint */
SeamStatus pricing_fingerprint(SeamContext ctx, const PricingBasket *basket, PricingFingerprint *out, SeamError *error);

/* Installs the faults every later call applies; writes back what is installed. */
SeamStatus pricing_set_faults(SeamContext ctx, const PricingFaults *faults, PricingFaults *out, SeamError *error);

/* Flushes the library's own buffers, waiting at most *timeout_ms; call before seam_shutdown.
 * out is unused. */
SeamStatus pricing_close(SeamContext ctx, const uint64_t *timeout_ms, uint8_t *out, SeamError *error);

#endif /* PRICING_H */
