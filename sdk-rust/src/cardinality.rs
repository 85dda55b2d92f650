//! A bounded set of attribute values: the first `limit` distinct values are
//! kept, each with a cached value; later ones are refused so that the caller
//! folds them into an overflow value and no metric grows without bound.

use std::collections::HashMap;
use std::sync::RwLock;

/// Up to `limit` distinct values, each with a cached `V`.
#[derive(Debug)]
pub(crate) struct Bounded<V> {
    limit: usize,
    values: RwLock<HashMap<Box<str>, V>>,
}

impl<V: Clone> Bounded<V> {
    pub(crate) fn new(limit: usize) -> Self {
        Bounded {
            limit,
            values: RwLock::new(HashMap::new()),
        }
    }

    /// The cached `V` for `value` if it was admitted already.
    pub(crate) fn get(&self, value: &str) -> Option<V> {
        // A poisoned lock only means another thread panicked mid-insert;
        // the map itself is still consistent.
        self.values
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(value)
            .cloned()
    }

    /// The cached `V` for `value`, creating it with `make` while fewer than
    /// `limit` values are known; `None` once the limit is reached.
    pub(crate) fn get_or_admit(&self, value: &str, make: impl FnOnce(&str) -> V) -> Option<V> {
        if let Some(v) = self.get(value) {
            return Some(v);
        }
        let mut values = self.values.write().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = values.get(value) {
            return Some(v.clone());
        }
        if values.len() >= self.limit {
            return None;
        }
        let v = make(value);
        values.insert(value.into(), v.clone());
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_limit() {
        let b: Bounded<String> = Bounded::new(2);
        assert_eq!(b.get_or_admit("a", str::to_owned).as_deref(), Some("a"));
        assert_eq!(b.get_or_admit("b", str::to_owned).as_deref(), Some("b"));
        assert_eq!(b.get_or_admit("c", str::to_owned), None);
        assert_eq!(
            b.get_or_admit("a", |_| "new".to_owned()).as_deref(),
            Some("a")
        );
    }
}
