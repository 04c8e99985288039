//! A fault-injecting backend: the log's behaviour when the engine fails under it.

use std::sync::atomic::{AtomicBool, Ordering};

use netvaerk_core::PersonId;
use netvaerk_store::*;
use uuid::Uuid;

use crate::support::*;

/// Wraps a backend; fails every commit and rewrite while `failing` is set.
struct Faulty<B> {
    inner: B,
    failing: AtomicBool,
}

impl<B: Backend> Faulty<B> {
    fn fault(&self) -> Result<(), StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            Err(StoreError::engine("injected fault: disk full"))
        } else {
            Ok(())
        }
    }
}

impl<B: Backend> Backend for Faulty<B> {
    fn last_record(&self) -> Result<Option<RawRecord>, StoreError> {
        self.inner.last_record()
    }
    fn records_from(&self, from_position: u64) -> RawRecords<'_> {
        self.inner.records_from(from_position)
    }
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        self.inner.stream_version(stream)
    }
    fn stream_positions(&self, stream: &StreamId, from_version: u64) -> Result<Vec<u64>, StoreError> {
        self.inner.stream_positions(stream, from_version)
    }
    fn event_position(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        self.inner.event_position(event_id)
    }
    fn index_lengths(&self) -> Result<(u64, u64), StoreError> {
        self.inner.index_lengths()
    }
    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        self.inner.stream_head(stream)
    }
    fn keeps_heads(&self) -> Result<bool, StoreError> {
        self.inner.keeps_heads()
    }
    fn write_heads(&self, heads: &[(StreamId, StreamHead)]) -> Result<(), StoreError> {
        self.fault()?;
        self.inner.write_heads(heads)
    }
    fn commit(&self, records: &[Prepared]) -> Result<(), StoreError> {
        self.fault()?;
        self.inner.commit(records)
    }
    fn rewrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        self.fault()?;
        self.inner.rewrite(position, bytes)
    }
    fn registry_read(&self, person: PersonId) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.registry_read(person)
    }
    fn registry_all(&self) -> Result<Vec<(PersonId, Vec<u8>)>, StoreError> {
        self.inner.registry_all()
    }

    fn registry_write(&self, person: PersonId, bytes: &[u8]) -> Result<(), StoreError> {
        self.fault()?;
        self.inner.registry_write(person, bytes)
    }

    fn snapshot_read(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        self.fault()?;
        self.inner.snapshot_read(stream)
    }

    fn snapshot_write(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        self.fault()?;
        self.inner.snapshot_write(stream, bytes)
    }

    fn snapshot_delete(&self, stream: &StreamId) -> Result<(), StoreError> {
        self.fault()?;
        self.inner.snapshot_delete(stream)
    }
}

fn faulty() -> LogStore<Faulty<MemoryBackend>> {
    LogStore::with_backend(Faulty { inner: MemoryBackend::default(), failing: AtomicBool::new(false) })
        .unwrap()
}

#[test]
fn a_failed_commit_appends_nothing_and_leaves_no_gap() {
    let store = faulty();
    let s = stream("org-a");
    store.append(&s, ExpectedVersion::Any, &events(2)).unwrap();
    store.backend().failing.store(true, Ordering::SeqCst);
    let batch = events(3);
    let error = store.append(&s, ExpectedVersion::Exact(2), &batch).unwrap_err();
    assert!(matches!(error, StoreError::Engine { .. }), "{error}");
    assert_eq!(store.head().unwrap().unwrap().position, 2);
    assert_eq!(store.stream_version(&s).unwrap(), 2);
    // The engine recovers; the same append (a retry) now succeeds at the next positions.
    store.backend().failing.store(false, Ordering::SeqCst);
    let appended = store.append(&s, ExpectedVersion::Exact(2), &batch).unwrap();
    assert_eq!(appended.positions, vec![3, 4, 5]);
    assert!(store.verify().unwrap().is_ok());
}

#[test]
fn concurrent_appenders_all_see_a_failed_group_commit() {
    let store = faulty();
    store.backend().failing.store(true, Ordering::SeqCst);
    let failures = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|t| {
                let store = &store;
                scope.spawn(move || {
                    store.append(&stream(&format!("org-{t}")), ExpectedVersion::Any, &events(2))
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).filter(Result::is_err).count()
    });
    assert_eq!(failures, 6);
    assert_eq!(store.head().unwrap(), None);
}

#[test]
fn a_failed_redaction_or_erasure_leaves_the_data_in_place() {
    let store = faulty();
    let s = stream("org-a");
    store.append(&s, ExpectedVersion::Any, &events(1)).unwrap();
    let person = PersonId::from_uuid(Uuid::from_u128(42));
    let data = PersonalData { name: "Ane Jensen".into(), email: None, title: None };
    store.register_person(person, data.clone(), person, chrono::Utc::now()).unwrap();
    store.backend().failing.store(true, Ordering::SeqCst);
    let at = chrono::Utc::now();
    assert!(store.redact(1, "a name", actor(), at).is_err());
    assert!(store.erase(person, actor(), at).is_err());
    assert!(!store.read_all(1).next().unwrap().unwrap().is_redacted());
    assert_eq!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Known(data)));
    // Position 2 is the record of the registration; nothing after it.
    assert_eq!(
        store.head().unwrap().unwrap().position,
        2,
        "no redaction or erasure record without the change"
    );
}

/// An engine's failure keeps the engine's own error as its source, for a caller that wants
/// more than the message (here PostgreSQL refusing the connection: a `postgres::Error`).
#[cfg(feature = "postgres")]
#[test]
fn an_engine_failure_keeps_the_engines_own_error_as_its_source() {
    let error = netvaerk_store::PostgresStore::open("postgres://nobody@127.0.0.1:1/nothing")
        .err()
        .expect("no server on port 1");
    assert!(matches!(error, StoreError::Engine { .. }), "{error}");
    let source = std::error::Error::source(&error).expect("the engine's error is kept");
    assert!(source.downcast_ref::<postgres::Error>().is_some(), "{source:?}");
    // A fault the store found itself has none.
    assert!(std::error::Error::source(&StoreError::engine("a record key is malformed")).is_none());
}
