#!/usr/bin/env python3
"""Writes vectors.json: baskets with the quote, fingerprint or error that both
the Go baseline and the Rust candidate must give. A third, independent
implementation of the rules, so that a bug shared by Go and Rust still shows.

Run from this directory: python3 gen_vectors.py
"""
import json

RATES = {"ch": 810, "eu": 2100, "jp": 1000, "uk": 2000, "us": 725}
TIERS = [(0, 0), (10000, 500), (50000, 1000), (200000, 1500)]


def half_even(n, d):
    q, r = divmod(n, d)
    if 2 * r > d:
        return q + 1
    if 2 * r == d:
        return q + (q & 1)
    return q


def quote(b):
    sub = sum(i["qty"] * i["unit_cents"] for i in b["items"])
    weighted = 0
    for k, (start, bp) in enumerate(TIERS):
        upper = sub if k + 1 == len(TIERS) else min(sub, TIERS[k + 1][0])
        if upper > start:
            weighted += (upper - start) * bp
    discount = half_even(weighted, 10000)
    taxable = sub - discount
    tax = half_even(taxable * RATES[b["region"]], 10000)
    return {"subtotal_cents": sub, "discount_cents": discount, "tax_cents": tax, "total_cents": taxable + tax}


def fingerprint(b):
    items = sorted(b["items"], key=lambda i: (i["sku"].encode(), i["qty"], i["unit_cents"]))
    text = "pricing/v1\nregion=" + b["region"] + "\n"
    text += "".join("%s %d %d\n" % (i["sku"], i["qty"], i["unit_cents"]) for i in items)
    return "%016x" % fnv1a(stretch(fnv1a(text.encode())))


M32, M64 = 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF
STRETCH_ROUNDS, STRETCH_LANES = 4096, 64


def fnv1a(data):
    h = 0xCBF29CE484222325
    for c in data:
        h = ((h ^ c) * 0x100000001B3) & M64
    return h


def stretch(digest):
    """The lanes seeded from the digest, each run through the rounds, as little-endian bytes."""
    out = b""
    for j in range(STRETCH_LANES):
        x = ((digest >> (j % 2 * 32)) ^ (j * 0x9E3779B9)) & M32
        for _ in range(STRETCH_ROUNDS):
            x ^= (x << 13) & M32
            x ^= x >> 17
            x ^= (x << 5) & M32
            x = (x + 0x6D2B79F5) & M32
        out += x.to_bytes(4, "little")
    return out


def item(sku, qty, unit_cents):
    return {"sku": sku, "qty": qty, "unit_cents": unit_cents}


VALID = [
    ("readme example", "eu", [item("A1", 2, 1299)]),
    ("below the first tier", "us", [item("A1", 1, 9999)]),
    ("exactly at a tier edge", "uk", [item("B-2", 4, 2500)]),
    ("spans three tiers", "jp", [item("A1", 3, 1299), item("z.9", 10, 4999), item("C_3", 1, 100000)]),
    ("top tier at the limits", "ch", [item("BIG", 10000, 10000000)]),
    ("free item", "eu", [item("FREE", 5, 0)]),
    ("tax rounds half to even, down", "us", [item("H", 1, 200)]),
    ("tax rounds half to even, up", "us", [item("H", 1, 600)]),
    ("discount rounds half to even, down", "uk", [item("D", 1, 10010)]),
    ("discount rounds half to even, up", "uk", [item("D", 1, 10030)]),
    ("same items, other order", "jp", [item("z.9", 10, 4999), item("C_3", 1, 100000), item("A1", 3, 1299)]),
    ("duplicate skus sort by qty then price", "eu", [item("A", 2, 5), item("A", 1, 7), item("A", 1, 6)]),
]

SKU_RULE = "(want A-Z, a-z, 0-9, '.', '_' or '-')"
INVALID = [
    ("unknown region", "EU", [item("A1", 1, 1)], 'region "EU": unknown (want one of ch, eu, jp, uk, us)'),
    ("region quoted byte by byte", 'e"u\\\n\u00e9', [item("A1", 1, 1)],
     'region "e\\"u\\\\\\x0a\\xc3\\xa9": unknown (want one of ch, eu, jp, uk, us)'),
    ("no items", "eu", [], "items: 0 items (want 1 to 500)"),
    ("empty sku", "eu", [item("A", 1, 1), item("", 1, 1)], "items[1].sku: 0 bytes (want 1 to 32)"),
    ("long sku", "eu", [item("A" * 33, 1, 1)], "items[0].sku: 33 bytes (want 1 to 32)"),
    ("sku with a space", "eu", [item("A 1", 1, 1)], "items[0].sku: byte 1 is 0x20 " + SKU_RULE),
    ("non-ASCII sku", "eu", [item("Aé", 1, 1)], "items[0].sku: byte 1 is 0xc3 " + SKU_RULE),
    ("zero qty", "eu", [item("A", 0, 1)], "items[0].qty: 0 (want 1 to 10000)"),
    ("qty too big", "eu", [item("A", 10001, 1)], "items[0].qty: 10001 (want 1 to 10000)"),
    ("negative price", "eu", [item("A", 1, -1)], "items[0].unit_cents: -1 (want 0 to 10000000)"),
    ("price too big", "eu", [item("A", 1, 10000001)], "items[0].unit_cents: 10000001 (want 0 to 10000000)"),
]

out = {
    "valid": [
        {"name": n, "basket": {"region": r, "items": i}, "quote": quote({"region": r, "items": i}),
         "fingerprint": fingerprint({"region": r, "items": i})}
        for n, r, i in VALID
    ],
    "invalid": [{"name": n, "basket": {"region": r, "items": i}, "error": e} for n, r, i, e in INVALID],
}
with open("vectors.json", "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
