package ffi

/*
#cgo CFLAGS: -I${SRCDIR}/../rust/include -I${SRCDIR}/../../../sdk-go/boundary
#cgo LDFLAGS: ${SRCDIR}/../../../sdk-rust/target/pricing/libpricing.a -lgcc_s -lutil -lrt -lpthread -lm -ldl
#include <stdlib.h>
#include "pricing.h"
*/
import "C"

import (
	"unsafe"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/pricing"
)

// The C structs of pricing.h and the entry points, for boundary.NewFunc.
type (
	cBasket      = C.PricingBasket
	cQuote       = C.PricingQuote
	cFingerprint = C.PricingFingerprint
	cFaults      = C.PricingFaults
	cTimeout     = C.uint64_t
	cUnused      = C.uint8_t
)

var (
	entryQuote       = unsafe.Pointer(C.pricing_quote)
	entryFingerprint = unsafe.Pointer(C.pricing_fingerprint)
	entrySetFaults   = unsafe.Pointer(C.pricing_set_faults)
	entryClose       = unsafe.Pointer(C.pricing_close)
)

// newCBasket copies b into one block of C memory (the basket, its items,
// then their text), which holds no Go pointers and so may be passed to C.
// The caller frees it with freeCBasket.
func newCBasket(b *pricing.Basket) *cBasket {
	n := len(b.Items)
	textLen := len(b.Region)
	for i := range b.Items {
		textLen += len(b.Items[i].SKU)
	}
	head := C.sizeof_PricingBasket + n*C.sizeof_PricingItem
	mem := C.malloc(C.size_t(head + textLen))
	if mem == nil {
		panic("ffi: out of C memory")
	}
	text := unsafe.Slice((*byte)(unsafe.Add(mem, head)), textLen)
	put := func(s string) (*C.uint8_t, C.size_t) {
		if s == "" {
			return nil, 0
		}
		p := unsafe.Pointer(&text[0])
		copy(text, s)
		text = text[len(s):]
		return (*C.uint8_t)(p), C.size_t(len(s))
	}
	basket := (*cBasket)(mem)
	*basket = cBasket{}
	basket.region, basket.region_len = put(b.Region)
	if n > 0 {
		items := unsafe.Slice((*C.PricingItem)(unsafe.Add(mem, C.sizeof_PricingBasket)), n)
		for i, it := range b.Items {
			items[i] = C.PricingItem{qty: C.int64_t(it.Qty), unit_cents: C.int64_t(it.UnitCents)}
			items[i].sku, items[i].sku_len = put(it.SKU)
		}
		basket.items, basket.items_len = &items[0], C.size_t(n)
	}
	return basket
}

func freeCBasket(b *cBasket) { C.free(unsafe.Pointer(b)) }

// goBasket reads a basket made by newCBasket back into Go memory, for the
// Go fallback, which boundary hands the C input.
func goBasket(c *cBasket) pricing.Basket {
	b := pricing.Basket{Region: goString(c.region, c.region_len)}
	if c.items_len > 0 {
		items := unsafe.Slice(c.items, int(c.items_len))
		b.Items = make([]pricing.Item, len(items))
		for i, it := range items {
			b.Items[i] = pricing.Item{SKU: goString(it.sku, it.sku_len), Qty: int64(it.qty), UnitCents: int64(it.unit_cents)}
		}
	}
	return b
}

func goString(p *C.uint8_t, n C.size_t) string {
	if p == nil || n == 0 {
		return ""
	}
	return C.GoStringN((*C.char)(unsafe.Pointer(p)), C.int(n))
}

func quoteFromC(q *cQuote) pricing.Quote {
	return pricing.Quote{
		SubtotalCents: int64(q.subtotal_cents),
		DiscountCents: int64(q.discount_cents),
		TaxCents:      int64(q.tax_cents),
		TotalCents:    int64(q.total_cents),
	}
}

func quoteToC(q pricing.Quote, out *cQuote) {
	*out = cQuote{
		subtotal_cents: C.int64_t(q.SubtotalCents),
		discount_cents: C.int64_t(q.DiscountCents),
		tax_cents:      C.int64_t(q.TaxCents),
		total_cents:    C.int64_t(q.TotalCents),
	}
}

func fingerprintFromC(f *cFingerprint) string {
	return C.GoStringN((*C.char)(unsafe.Pointer(&f.hex[0])), C.int(len(f.hex)))
}

// fingerprintToC writes hex (16 digits, as pricing.Fingerprint returns).
func fingerprintToC(hex string, out *cFingerprint) {
	for i := range out.hex {
		if i < len(hex) {
			out.hex[i] = C.uint8_t(hex[i])
		}
	}
}

func faultsToC(f faults.Faults) cFaults {
	return cFaults{panic_probability: C.double(f.Panic), slow_probability: C.double(f.Slow), slow_ms: C.uint64_t(f.SlowMS), wrong_probability: C.double(f.Wrong)}
}

func faultsFromC(c *cFaults) faults.Faults {
	return faults.Faults{Panic: float64(c.panic_probability), Slow: float64(c.slow_probability), SlowMS: uint64(c.slow_ms), Wrong: float64(c.wrong_probability)}
}
