//! The conformance suite, instantiated for each backend.

use netvaerk_store::{Backend, LogStore, MemoryStore, PostgresStore, RedbStore, SledStore, StreamId};

use crate::support::{PgSchema, TempDir};

/// Overwrites a record in a backend behind the log's back.
fn tamper<B: Backend>(store: &LogStore<B>, position: u64, bytes: &[u8]) {
    store.backend().rewrite(position, bytes).unwrap();
}

/// Rewrites or removes a stream-index entry behind the log's back; `true` once done.
fn tamper_index<B: Backend>(
    store: &LogStore<B>,
    stream: &StreamId,
    version: u64,
    position: Option<u64>,
) -> bool {
    store.backend().tamper_stream_entry(stream, version, position).unwrap();
    true
}

/// PostgreSQL's stream index is the database's own (a primary key over the events table),
/// which it keeps with the rows; tampering with it is out of the store's scope here.
fn tamper_index_postgres(_: &PostgresStore, _: &StreamId, _: u64, _: Option<u64>) -> bool {
    false
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

fn fresh_postgres() -> Option<(PostgresStore, PgSchema)> {
    let schema = PgSchema::new()?;
    Some((schema.open(), schema))
}

fn reopen_postgres(store: PostgresStore, schema: &PgSchema) -> PostgresStore {
    drop(store);
    schema.open()
}

/// Overwrites a record as someone with database access would: through the redaction path,
/// the one UPDATE the triggers let through. `verify` must still catch it.
fn tamper_postgres(store: &PostgresStore, position: u64, bytes: &[u8]) {
    let url = std::env::var("NETVAERK_TEST_POSTGRES").unwrap();
    let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let mut txn = client.transaction().unwrap();
    let schema = store.schema();
    txn.batch_execute(&format!("SET LOCAL search_path TO \"{schema}\"; SET LOCAL netvaerk.redacting = 'on'"))
        .unwrap();
    let position = i64::try_from(position).unwrap();
    let updated =
        txn.execute("UPDATE events SET record = $2 WHERE position = $1", &[&position, &bytes]).unwrap();
    assert_eq!(updated, 1);
    txn.commit().unwrap();
}

crate::conformance!(memory, fresh_memory, reopen_memory, tamper, tamper_index);
crate::conformance!(sled, fresh_sled, reopen_sled, tamper, tamper_index);
crate::conformance!(redb, fresh_redb, reopen_redb, tamper, tamper_index);
crate::conformance!(postgres, fresh_postgres, reopen_postgres, tamper_postgres, tamper_index_postgres);
