//! A bounded set of attribute values: the first `limit` distinct values are
//! kept (and interned for the life of the process), later ones fold into an
//! overflow value so that no metric grows without bound.

use std::collections::HashMap;
use std::sync::RwLock;

/// Up to `limit` distinct values, each with a cached `V`.
#[derive(Debug)]
pub(crate) struct Bounded<V> {
    limit: usize,
    values: RwLock<HashMap<&'static str, V>>,
}

impl<V: Clone> Bounded<V> {
    pub(crate) fn new(limit: usize) -> Self {
        Bounded {
            limit,
            values: RwLock::new(HashMap::new()),
        }
    }

    /// The cached `V` for `value`, creating it with `make` while fewer than
    /// `limit` values are known; `None` once the limit is reached.
    ///
    /// Admitted values are leaked to get `&'static str`s that attributes and
    /// span names can share without copying; the limit bounds the leak.
    pub(crate) fn get_or_admit(&self, value: &str, make: impl FnOnce(&'static str) -> V) -> Option<V> {
        // A poisoned lock only means another thread panicked mid-insert;
        // the map itself is still consistent.
        if let Some(v) = self.values.read().unwrap_or_else(|e| e.into_inner()).get(value) {
            return Some(v.clone());
        }
        let mut values = self.values.write().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = values.get(value) {
            return Some(v.clone());
        }
        if values.len() >= self.limit {
            return None;
        }
        let key: &'static str = Box::leak(value.to_owned().into_boxed_str());
        let v = make(key);
        values.insert(key, v.clone());
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_past_limit() {
        let b: Bounded<&'static str> = Bounded::new(2);
        assert_eq!(b.get_or_admit("a", |k| k), Some("a"));
        assert_eq!(b.get_or_admit("b", |k| k), Some("b"));
        assert_eq!(b.get_or_admit("c", |k| k), None);
        assert_eq!(b.get_or_admit("a", |_| "new"), Some("a"));
    }
}
