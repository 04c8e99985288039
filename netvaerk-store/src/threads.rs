//! Which threads may block: a thread of tokio's blocking pool is inside a runtime's context as
//! a worker is, but may run blocking calls, which a worker may not. The caller that knows says
//! so with [`may_block`]. And how the store's threads take a lock ([`lock`]): a poisoned one
//! is still usable.

use std::cell::Cell;
use std::sync::{Mutex, MutexGuard, PoisonError};

thread_local! {
    /// Whether this thread was declared one where blocking is fine ([`may_block`]).
    static MAY_BLOCK: Cell<bool> = const { Cell::new(false) };
}

/// Restores the thread's declaration when `may_block`'s work ends, by returning or unwinding.
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        MAY_BLOCK.with(|flag| flag.set(self.0));
    }
}

/// Runs `work` declaring this thread one where blocking is fine although it may be inside a
/// tokio runtime's context: a thread of tokio's blocking pool (`spawn_blocking`). There the
/// PostgreSQL store runs its blocking client as it is; undeclared, a PostgreSQL call from inside
/// a runtime's context hands its work to a thread of its own (a spawn and a join, tens of
/// microseconds a call), because on a runtime's *worker* the client would panic ("Cannot start
/// a runtime from within a runtime"). Never declare a worker thread.
pub fn may_block<T>(work: impl FnOnce() -> T) -> T {
    let _restore = Restore(MAY_BLOCK.with(|flag| flag.replace(true)));
    work()
}

/// Whether this thread is inside [`may_block`].
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store asks
pub(crate) fn declared() -> bool {
    MAY_BLOCK.with(Cell::get)
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data half-changed (each
    // critical section assigns whole values), so a poisoned lock is still usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
