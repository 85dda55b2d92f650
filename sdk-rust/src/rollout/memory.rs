//! An OpenFeature provider whose rollout flags are set at run time, from code: for tests,
//! and for a service that takes its routes from an admin endpoint of its own.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use open_feature::provider::ProviderMetadata;
use open_feature::Value;

use super::flags::{mode_flag, percent_flag, FlagKind};
use super::mode::Route;
use super::provider::{feature_provider, route_flag};

/// Flags held in memory. Clones share the flags: keep one to change routes after handing
/// another to OpenFeature, which takes its provider by value.
///
/// ```
/// # #[cfg(feature = "rollout")] {
/// use seam::rollout::{InMemoryProvider, Mode, Route};
/// let flags = InMemoryProvider::new();
/// flags.set_route("pricing.quote", Route::new(Mode::Canary, 5.0).expect("a route"));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct InMemoryProvider {
    metadata: ProviderMetadata,
    flags: Arc<RwLock<HashMap<String, Value>>>,
}

impl Default for InMemoryProvider {
    fn default() -> Self {
        InMemoryProvider::new()
    }
}

impl InMemoryProvider {
    /// A provider with no flags: every operation on its baseline.
    pub fn new() -> Self {
        InMemoryProvider {
            metadata: ProviderMetadata::new("seam-rollout-memory"),
            flags: Arc::default(),
        }
    }

    /// Sets `operation`'s mode and percent flags to `route`.
    pub fn set_route(&self, operation: &str, route: Route) {
        let mut flags = self.write();
        flags.insert(mode_flag(operation), route_flag(&route, FlagKind::Mode));
        flags.insert(
            percent_flag(operation),
            route_flag(&route, FlagKind::Percent),
        );
    }

    /// Removes `operation`'s flags: it goes back to its baseline.
    pub fn clear_route(&self, operation: &str) {
        let mut flags = self.write();
        flags.remove(&mode_flag(operation));
        flags.remove(&percent_flag(operation));
    }

    /// Sets any flag to any value, valid or not (an unknown mode, a percent of 150).
    pub fn set_flag(&self, key: impl Into<String>, value: impl Into<Value>) {
        self.write().insert(key.into(), value.into());
    }

    /// Removes one flag.
    pub fn remove_flag(&self, key: &str) {
        self.write().remove(key);
    }

    /// The value of flag `key`.
    fn lookup(&self, key: &str) -> Option<Value> {
        let flags = self.flags.read().unwrap_or_else(|e| e.into_inner());
        flags.get(key).cloned()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Value>> {
        self.flags.write().unwrap_or_else(|e| e.into_inner())
    }
}

feature_provider!(InMemoryProvider);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::flags::parse_flag_key;
    use crate::rollout::Mode;

    #[test]
    fn a_route_sets_both_flags() {
        let flags = InMemoryProvider::new();
        let route = Route::new(Mode::Shadow, 10.0).expect("route");
        flags.set_route("a.b", route);
        for key in [mode_flag("a.b"), percent_flag("a.b")] {
            let (_, kind) = parse_flag_key(&key).expect("a rollout key");
            assert_eq!(flags.lookup(&key), Some(route_flag(&route, kind)));
        }
        flags.clear_route("a.b");
        assert_eq!(flags.lookup(&mode_flag("a.b")), None);
    }
}
