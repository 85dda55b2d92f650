//! Allocation metrics for the Rust global allocator.
//!
//! Install the wrapper once, in the final binary or staticlib:
//!
//! ```
//! use std::alloc::System;
//!
//! #[global_allocator]
//! static ALLOC: seam::alloc::Counting<System> = seam::alloc::Counting::new(System);
//! # fn main() {}
//! ```
//!
//! [`crate::init`] then exports `seam.rust.memory.allocated`,
//! `seam.rust.memory.allocations` and `seam.rust.memory.used`. Nothing is
//! registered at link time, so the same works inside a staticlib linked into a
//! Go binary (the Go heap is not counted, only Rust's).
//!
//! Counters live in cache-line-padded slots. Each thread claims its own slot on
//! its first allocation, updates it with plain loads and stores (one writer,
//! so no read-modify-write is needed) and gives it back when it exits; a
//! single shared atomic would bounce one cache line between every core.
//! Threads beyond the owned slots share a few overflow slots updated
//! atomically.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicU64, AtomicUsize};

/// Slots that one thread owns for its whole life.
const OWNED_SLOTS: usize = 256;
/// Slots shared, with atomic adds, by threads that found no free owned slot.
const SHARED_SLOTS: usize = 16;
/// Marks a thread that has not picked a slot yet.
const UNASSIGNED: usize = usize::MAX;

/// A `#[global_allocator]` wrapper that counts what passes through it, then
/// delegates to `A`.
#[derive(Debug, Default)]
pub struct Counting<A> {
    inner: A,
}

impl<A> Counting<A> {
    /// Wraps `inner`. `const` so it can initialise a `static`.
    pub const fn new(inner: A) -> Self {
        Counting { inner }
    }
}

// SAFETY: every method forwards to `inner` with the caller's arguments
// unchanged and returns its result unchanged; the counting only touches
// atomics and a const-initialised thread-local that never allocates.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = self.inner.alloc(layout);
        if !ptr.is_null() {
            record(layout.size(), 0);
        }
        ptr
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = self.inner.alloc_zeroed(layout);
        if !ptr.is_null() {
            record(layout.size(), 0);
        }
        ptr
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.inner.dealloc(ptr, layout);
        record_free(layout.size());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_ptr = self.inner.realloc(ptr, layout, new_size);
        if !new_ptr.is_null() {
            // A reallocation is counted as one allocation of the new size that
            // frees the old block, as the Go runtime counts a grown slice.
            record(new_size, layout.size());
        }
        new_ptr
    }
}

/// A point-in-time sum of all slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Bytes ever allocated (`seam.rust.memory.allocated`).
    pub allocated_bytes: u64,
    /// Allocations ever made (`seam.rust.memory.allocations`).
    pub allocations: u64,
    /// Bytes currently live (`seam.rust.memory.used`).
    pub used_bytes: i64,
}

/// Sums every slot. Slots are read one by one while other threads keep
/// allocating, so the figures are consistent to within in-flight allocations.
pub fn stats() -> Stats {
    let mut allocated = 0u64;
    let mut allocations = 0u64;
    let mut freed = 0u64;
    for slot in OWNED.iter().chain(SHARED.iter()) {
        allocated = allocated.wrapping_add(slot.allocated.load(Relaxed));
        allocations = allocations.wrapping_add(slot.allocations.load(Relaxed));
        freed = freed.wrapping_add(slot.freed.load(Relaxed));
    }
    Stats {
        allocated_bytes: allocated,
        allocations,
        used_bytes: allocated.wrapping_sub(freed) as i64,
    }
}

/// Whether a [`Counting`] allocator is installed in this process: it is if
/// anything was ever counted, since the runtime allocates before `main`.
pub fn is_installed() -> bool {
    stats().allocations > 0
}

#[repr(align(128))] // two cache lines: adjacent-line prefetch pairs them on x86
struct Slot {
    claimed: AtomicBool,
    allocated: AtomicU64,
    allocations: AtomicU64,
    freed: AtomicU64,
}

impl Slot {
    const fn new() -> Self {
        Slot {
            claimed: AtomicBool::new(false),
            allocated: AtomicU64::new(0),
            allocations: AtomicU64::new(0),
            freed: AtomicU64::new(0),
        }
    }
}

#[allow(clippy::declare_interior_mutable_const)] // only used to build the arrays below
const EMPTY: Slot = Slot::new();
static OWNED: [Slot; OWNED_SLOTS] = [EMPTY; OWNED_SLOTS];
static SHARED: [Slot; SHARED_SLOTS] = [EMPTY; SHARED_SLOTS];
static NEXT_OWNED: AtomicUsize = AtomicUsize::new(0);
static NEXT_SHARED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Const-initialised and without Drop: accessing it never allocates and
    // never registers a destructor, so it is safe inside the allocator, even
    // while the thread's other thread-locals are being destroyed.
    static SLOT: Cell<usize> = const { Cell::new(UNASSIGNED) };
    // Gives the owned slot back when the thread exits.
    static RELEASE: SlotRelease = const { SlotRelease };
}

/// The calling thread's slot index: below OWNED_SLOTS it is owned,
/// otherwise it indexes SHARED after subtracting OWNED_SLOTS.
#[inline]
fn slot_index() -> usize {
    SLOT.with(|cell| {
        let index = cell.get();
        if index != UNASSIGNED {
            return index;
        }
        claim_slot(cell)
    })
}

#[cold]
fn claim_slot(cell: &Cell<usize>) -> usize {
    let start = NEXT_OWNED.fetch_add(1, Relaxed);
    for k in 0..OWNED_SLOTS {
        let index = (start + k) % OWNED_SLOTS;
        // Acquire pairs with the Release in SlotRelease: the previous
        // owner's last plain stores are visible before this thread adds.
        if OWNED[index]
            .claimed
            .compare_exchange(false, true, Acquire, Relaxed)
            .is_ok()
        {
            cell.set(index);
            // Registered only now that the slot is set: if registering the
            // destructor allocates, that allocation finds the slot and does
            // not come back here. If the thread is already tearing down, the
            // slot is simply never given back.
            let _ = RELEASE.try_with(|_| ());
            return index;
        }
    }
    let index = shared_index();
    cell.set(index);
    index
}

fn shared_index() -> usize {
    OWNED_SLOTS + NEXT_SHARED.fetch_add(1, Relaxed) % SHARED_SLOTS
}

struct SlotRelease;

impl Drop for SlotRelease {
    fn drop(&mut self) {
        // Later frees on this thread (other thread-locals' destructors) go
        // to a shared slot; only then may another thread own this one.
        let index = SLOT.with(|cell| cell.replace(shared_index()));
        if let Some(slot) = OWNED.get(index) {
            slot.claimed.store(false, Release);
        }
    }
}

#[inline]
fn record(allocated: usize, freed: usize) {
    let index = slot_index();
    if let Some(slot) = OWNED.get(index) {
        // Single writer: a load and a store cannot lose an update.
        add_owned(&slot.allocated, allocated as u64);
        add_owned(&slot.allocations, 1);
        if freed != 0 {
            add_owned(&slot.freed, freed as u64);
        }
    } else {
        let slot = &SHARED[index - OWNED_SLOTS];
        slot.allocated.fetch_add(allocated as u64, Relaxed);
        slot.allocations.fetch_add(1, Relaxed);
        if freed != 0 {
            slot.freed.fetch_add(freed as u64, Relaxed);
        }
    }
}

#[inline]
fn record_free(freed: usize) {
    let index = slot_index();
    if let Some(slot) = OWNED.get(index) {
        add_owned(&slot.freed, freed as u64);
    } else {
        SHARED[index - OWNED_SLOTS]
            .freed
            .fetch_add(freed as u64, Relaxed);
    }
}

#[inline]
fn add_owned(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    static WRAPPED: Counting<System> = Counting::new(System);

    #[test]
    fn counts_alloc_realloc_and_free() {
        let before = stats();
        let layout = Layout::from_size_align(1000, 8).expect("layout");
        // SAFETY: layout is non-zero sized; every pointer is freed with the
        // layout it was allocated with.
        unsafe {
            let p = WRAPPED.alloc(layout);
            assert!(!p.is_null());
            let p = WRAPPED.realloc(p, layout, 3000);
            assert!(!p.is_null());
            let mid = stats();
            WRAPPED.dealloc(p, Layout::from_size_align(3000, 8).expect("layout"));
            // Other test threads may allocate through the same counters only
            // if this test binary installed Counting, which it does not.
            assert_eq!(mid.allocations - before.allocations, 2);
            assert_eq!(mid.allocated_bytes - before.allocated_bytes, 4000);
            assert_eq!(mid.used_bytes - before.used_bytes, 3000);
        }
        let after = stats();
        assert_eq!(after.used_bytes, before.used_bytes);
    }

    #[test]
    fn live_threads_own_distinct_slots_and_give_them_back() {
        let barrier = std::sync::Barrier::new(2);
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| {
                let i = slot_index();
                barrier.wait();
                i
            });
            let b = s.spawn(|| {
                let i = slot_index();
                barrier.wait();
                i
            });
            (a.join().expect("thread"), b.join().expect("thread"))
        });
        assert_ne!(a, b);
        assert!(a < OWNED_SLOTS && b < OWNED_SLOTS);
        // Both threads exited: far more threads than owned slots, one after
        // another, still each get an owned slot.
        for _ in 0..2 * OWNED_SLOTS {
            let i = std::thread::spawn(slot_index).join().expect("thread");
            assert!(
                i < OWNED_SLOTS,
                "slot {i} is shared: slots are not given back"
            );
        }
    }
}
