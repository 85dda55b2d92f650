//! The route a rollout serves from, in one atomic word: every call reads it, only the flag
//! poller and the kill switch write it (under the rollout's lock).

use std::sync::atomic::{AtomicU32, Ordering};

use super::mode::{Mode, Route};

/// Bits 0..14 the basis points, 14..16 the mode, bit 16 tripped.
const BASIS_MASK: u32 = 0x3fff;
const MODE_SHIFT: u32 = 14;
const TRIPPED: u32 = 1 << 16;

/// The flags' route and whether the kill switch has tripped.
#[derive(Debug)]
pub(crate) struct RouteCell(AtomicU32);

/// What a call reads from the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// The route the flags ask for.
    pub(crate) route: Route,
    /// Whether the kill switch dropped the operation to its baseline.
    pub(crate) tripped: bool,
}

impl Snapshot {
    /// The route calls are served by: the baseline once tripped.
    pub(crate) fn effective(&self) -> Route {
        if self.tripped {
            Route::BASELINE
        } else {
            self.route
        }
    }
}

impl RouteCell {
    pub(crate) fn new(route: Route) -> Self {
        RouteCell(AtomicU32::new(pack(route, false)))
    }

    pub(crate) fn load(&self) -> Snapshot {
        // Relaxed: the word is the whole state; nothing else is published with it.
        let word = self.0.load(Ordering::Relaxed);
        let mode = match (word >> MODE_SHIFT) & 0b11 {
            0 => Mode::Baseline,
            1 => Mode::Shadow,
            2 => Mode::Canary,
            _ => Mode::Candidate,
        };
        Snapshot {
            route: Route::from_parts(mode, (word & BASIS_MASK) as u16),
            tripped: word & TRIPPED != 0,
        }
    }

    pub(crate) fn store(&self, snapshot: Snapshot) {
        self.0
            .store(pack(snapshot.route, snapshot.tripped), Ordering::Relaxed);
    }
}

fn pack(route: Route, tripped: bool) -> u32 {
    let mut word =
        (route.mode().index() as u32) << MODE_SHIFT | u32::from(route.basis_points()) & BASIS_MASK;
    if tripped {
        word |= TRIPPED;
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_round_trips() {
        let cell = RouteCell::new(Route::BASELINE);
        for mode in Mode::ALL {
            for percent in [0.0, 0.01, 25.0, 99.99, 100.0] {
                let Ok(route) = Route::new(mode, percent) else {
                    continue;
                };
                for tripped in [false, true] {
                    let snapshot = Snapshot { route, tripped };
                    cell.store(snapshot);
                    assert_eq!(cell.load(), snapshot);
                }
            }
        }
    }
}
