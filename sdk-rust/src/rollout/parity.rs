//! The shared rollout cases (`schema/testdata/parity/rollout.json`), which the Go suite
//! runs too: every spec must parse to its `want` or be refused with an error naming each
//! string of `error`, and every sticky key must land in its bucket. A key this runner
//! does not know fails the case: every case runs whole.

use std::path::PathBuf;

use serde_json::{Map, Value as Json};

use super::{bucket, parse_spec, Mode};

fn file() -> Map<String, Json> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/testdata/parity/rollout.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    match serde_json::from_str(&text).expect("rollout.json is JSON") {
        Json::Object(map) => map,
        other => panic!("rollout.json: want an object, got {other}"),
    }
}

/// The keys of `object` outside `known`.
fn unknown<'a>(object: &'a Map<String, Json>, known: &[&str]) -> Vec<&'a str> {
    object
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k))
        .collect()
}

fn object<'a>(v: &'a Json, what: &str) -> Result<&'a Map<String, Json>, String> {
    v.as_object().ok_or(format!("{what}: want an object"))
}

/// What is wrong with one spec case, if anything.
fn check_spec(case: &Map<String, Json>) -> Result<(), String> {
    let extra = unknown(case, &["name", "spec", "want", "error"]);
    if !extra.is_empty() {
        return Err(format!("keys {extra:?} are not ones this runner knows"));
    }
    let spec = case["spec"].as_str().ok_or("spec: want a string")?;
    let parsed = parse_spec(spec);
    match (case.get("want"), case.get("error")) {
        (Some(want), None) => {
            let routes = parsed.map_err(|e| format!("refused: {e}"))?;
            let want = object(want, "want")?;
            let mut wrong = Vec::new();
            for (operation, route) in want {
                let route = object(route, operation)?;
                let extra = unknown(route, &["mode", "percent"]);
                if !extra.is_empty() {
                    return Err(format!(
                        "{operation}: keys {extra:?} are not ones this runner knows"
                    ));
                }
                let mode: Mode = route["mode"]
                    .as_str()
                    .ok_or("mode: want a string")?
                    .parse()
                    .map_err(|e| format!("{operation}: {e}"))?;
                let percent = route["percent"].as_f64().ok_or("percent: want a number")?;
                match routes.get(operation) {
                    Some(got) if got.mode() == mode && got.percent() == percent => {}
                    got => wrong.push(format!("{operation} = {got:?}, want {mode}:{percent}")),
                }
            }
            for operation in routes.keys().filter(|op| !want.contains_key(*op)) {
                wrong.push(format!("{operation} parsed, not wanted"));
            }
            if wrong.is_empty() {
                Ok(())
            } else {
                Err(wrong.join("; "))
            }
        }
        (None, Some(error)) => {
            let wanted = error.as_array().ok_or("error: want a list")?;
            let err = match parsed {
                Ok(routes) => return Err(format!("accepted as {routes:?}; want an error")),
                Err(err) => err.to_string(),
            };
            let missing: Vec<&Json> = wanted
                .iter()
                .filter(|w| !w.as_str().is_some_and(|w| err.contains(w)))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("error {err:?} does not name {missing:?}"))
            }
        }
        _ => Err("a case needs one of want and error".to_owned()),
    }
}

/// What is wrong with one sticky case, if anything.
fn check_sticky(case: &Map<String, Json>) -> Result<(), String> {
    let extra = unknown(case, &["operation", "key", "bucket"]);
    if !extra.is_empty() {
        return Err(format!("keys {extra:?} are not ones this runner knows"));
    }
    let operation = case["operation"]
        .as_str()
        .ok_or("operation: want a string")?;
    let key = case["key"].as_str().ok_or("key: want a string")?;
    let want = case["bucket"].as_u64().ok_or("bucket: want a number")?;
    let got = bucket(operation, key);
    if u64::from(got) == want {
        Ok(())
    } else {
        Err(format!("{operation} {key:?}: bucket {got}, want {want}"))
    }
}

#[test]
fn every_shared_case_is_read_as_in_go() {
    let file = file();
    let extra = unknown(&file, &["about", "spec", "sticky"]);
    assert!(
        extra.is_empty(),
        "rollout.json: keys {extra:?} are not ones this runner knows"
    );
    let mut failures = Vec::new();
    let mut ran = 0;
    for (group, check) in [
        (
            "spec",
            check_spec as fn(&Map<String, Json>) -> Result<(), String>,
        ),
        ("sticky", check_sticky),
    ] {
        let cases = file[group].as_array().expect("a list of cases");
        assert!(!cases.is_empty(), "rollout.json has no {group} cases");
        for (i, case) in cases.iter().enumerate() {
            ran += 1;
            let name = case["name"]
                .as_str()
                .map_or_else(|| format!("#{i}"), str::to_owned);
            let result = case
                .as_object()
                .ok_or_else(|| "want an object".to_owned())
                .and_then(check);
            if let Err(e) = result {
                failures.push(format!("{group} {name}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
