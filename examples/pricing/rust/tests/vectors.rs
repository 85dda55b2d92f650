//! The Rust candidate against the shared vectors (testdata/vectors.json), which an
//! independent reference computed and the Go baseline's tests check too.

use pricing::basket::{Basket, BasketJson, Item, MAX_ITEMS};
use pricing::fingerprint::fingerprint;
use pricing::quote::{quote, Quote};

#[derive(serde::Deserialize)]
struct Vectors {
    valid: Vec<Valid>,
    invalid: Vec<Invalid>,
}

#[derive(serde::Deserialize)]
struct Valid {
    name: String,
    basket: BasketJson,
    quote: Quote,
    fingerprint: String,
}

#[derive(serde::Deserialize)]
struct Invalid {
    name: String,
    basket: BasketJson,
    error: String,
}

fn vectors() -> Vectors {
    serde_json::from_str(include_str!("../../testdata/vectors.json")).expect("vectors.json parses")
}

#[test]
fn valid_baskets_price_and_fingerprint_as_the_reference() {
    let v = vectors();
    assert!(!v.valid.is_empty());
    for case in &v.valid {
        let basket = case.basket.basket();
        assert_eq!(quote(&basket), Ok(case.quote), "{}", case.name);
        assert_eq!(
            fingerprint(&basket).as_deref(),
            Ok(case.fingerprint.as_str()),
            "{}",
            case.name
        );
    }
}

#[test]
fn invalid_baskets_fail_with_the_go_wording() {
    let v = vectors();
    assert!(!v.invalid.is_empty());
    for case in &v.invalid {
        let basket = case.basket.basket();
        let quoted = quote(&basket).expect_err(&case.name);
        assert_eq!(quoted.to_string(), case.error, "{}", case.name);
        let fingerprinted = fingerprint(&basket).expect_err(&case.name);
        assert_eq!(fingerprinted.to_string(), case.error, "{}", case.name);
    }
}

#[test]
fn too_many_items() {
    let mut basket = Basket {
        region: b"eu",
        items: vec![
            Item {
                sku: b"A",
                qty: 1,
                unit_cents: 0
            };
            MAX_ITEMS + 1
        ],
    };
    assert_eq!(
        quote(&basket).map_err(|e| e.to_string()),
        Err("items: 501 items (want 1 to 500)".to_owned())
    );
    basket.items.pop();
    assert!(quote(&basket).is_ok());
}

#[test]
fn fingerprint_ignores_item_order_but_not_content() {
    let items = [
        Item {
            sku: b"z.9",
            qty: 10,
            unit_cents: 4999,
        },
        Item {
            sku: b"A1",
            qty: 3,
            unit_cents: 1299,
        },
        Item {
            sku: b"A1",
            qty: 2,
            unit_cents: 1299,
        },
    ];
    let forward = Basket {
        region: b"jp",
        items: items.to_vec(),
    };
    let backward = Basket {
        region: b"jp",
        items: items.iter().rev().copied().collect(),
    };
    assert_eq!(fingerprint(&forward), fingerprint(&backward));
    let other_region = Basket {
        region: b"uk",
        items: items.to_vec(),
    };
    assert_ne!(fingerprint(&forward), fingerprint(&other_region));
}

#[test]
fn json_requires_every_field_and_no_other() {
    let missing =
        serde_json::from_str::<BasketJson>(r#"{"region":"eu","items":[{"sku":"A1","qty":2}]}"#);
    assert!(missing
        .expect_err("missing field")
        .to_string()
        .contains("missing field `unit_cents`"));
    let extra = serde_json::from_str::<BasketJson>(
        r#"{"region":"eu","items":[{"sku":"A1","qty":2,"unit_cents":1,"color":"red"}]}"#,
    );
    assert!(extra
        .expect_err("unknown field")
        .to_string()
        .contains("unknown field `color`"));
}

#[test]
fn quote_displays_as_the_go_baseline_logs_it() {
    let q = Quote {
        subtotal_cents: 2598,
        discount_cents: 0,
        tax_cents: 546,
        total_cents: 3144,
    };
    assert_eq!(
        q.to_string(),
        "total_cents=3144 subtotal_cents=2598 discount_cents=0 tax_cents=546"
    );
}
