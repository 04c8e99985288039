//! The conformance suite, instantiated for each backend.

use netvaerk_store::{MemoryStore, SledStore};

use crate::support::TempDir;

fn fresh_memory() -> (MemoryStore, ()) {
    (MemoryStore::new(), ())
}

fn reopen_memory(store: MemoryStore, _: &()) -> MemoryStore {
    store
}

fn fresh_sled() -> (SledStore, TempDir) {
    let dir = TempDir::new("sled");
    let store = SledStore::open(&dir.0).unwrap();
    (store, dir)
}

fn reopen_sled(store: SledStore, dir: &TempDir) -> SledStore {
    drop(store);
    SledStore::open(&dir.0).unwrap()
}

crate::conformance!(memory, fresh_memory, reopen_memory);
crate::conformance!(sled, fresh_sled, reopen_sled);
