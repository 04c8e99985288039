//! The conformance suite, instantiated for each backend.

use netvaerk_store::{Backend, LogStore, MemoryStore, RedbStore, SledStore};

use crate::support::TempDir;

/// Overwrites a record in a backend behind the log's back.
fn tamper<B: Backend>(store: &LogStore<B>, position: u64, bytes: &[u8]) {
    store.backend().rewrite(position, bytes).unwrap();
}

fn fresh_memory() -> Option<(MemoryStore, ())> {
    Some((MemoryStore::new(), ()))
}

fn reopen_memory(store: MemoryStore, _: &()) -> MemoryStore {
    store
}

fn fresh_sled() -> Option<(SledStore, TempDir)> {
    let dir = TempDir::new("sled");
    let store = SledStore::open(&dir.0).unwrap();
    Some((store, dir))
}

fn reopen_sled(store: SledStore, dir: &TempDir) -> SledStore {
    drop(store);
    SledStore::open(&dir.0).unwrap()
}

fn fresh_redb() -> Option<(RedbStore, TempDir)> {
    let dir = TempDir::new("redb");
    let store = RedbStore::open(dir.0.join("log.redb")).unwrap();
    Some((store, dir))
}

fn reopen_redb(store: RedbStore, dir: &TempDir) -> RedbStore {
    drop(store);
    RedbStore::open(dir.0.join("log.redb")).unwrap()
}

crate::conformance!(memory, fresh_memory, reopen_memory, tamper);
crate::conformance!(sled, fresh_sled, reopen_sled, tamper);
crate::conformance!(redb, fresh_redb, reopen_redb, tamper);
