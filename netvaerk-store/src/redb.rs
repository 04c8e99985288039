//! The redb backend (`redb` feature): one file, a copy-on-write B-tree, durable on every commit.
//!
//! Layout: four tables in one database, written in one write transaction per group commit.
//!
//! ```text
//! records    position u64              → record bytes (see `record.rs`)
//! streams    (stream, version u64)     → position u64
//! event_ids  event id u128             → position u64
//! heads      stream                    → (version u64, position u64) of its last record
//! registry   person id u128            → registry entry (JSON)
//! snapshots  stream                    → the stream's snapshot (the service's bytes; not a record)
//! ```
//!
//! `snapshots` is created by the first snapshot written; a store without it has none.
//!
//! `heads` is written in the same transaction as the records and the index; a store written
//! before it existed lacks the table, and `LogStore` builds it from the records at open.
//!
//! Durability: redb's default `Durability::Immediate` fdatasyncs before `commit` returns, so an
//! acknowledged append survives power loss; a crashed commit is never visible (redb keeps the
//! last committed root). Positions come from the single writer (the group commit in
//! `LogStore`). redb locks the file, so a second opener gets [`StoreError::InUse`].

use std::path::{Path, PathBuf};

use ::redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, TableDefinition};
use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::backend::{heads_of, Backend, Prepared, StreamHead, VisitRecord};
use crate::envelope::StreamId;
use crate::error::{guard, lend, Guarded, StoreError};
use crate::log::{LogStore, OpenCheck};
use crate::record::RawRecord;
use crate::store::RawRecords;

const RECORDS: TableDefinition<u64, &[u8]> = TableDefinition::new("records");
const STREAMS: TableDefinition<(&str, u64), u64> = TableDefinition::new("streams");
const EVENT_IDS: TableDefinition<u128, u64> = TableDefinition::new("event_ids");
const REGISTRY: TableDefinition<u128, &[u8]> = TableDefinition::new("registry");
const HEADS: TableDefinition<&str, (u64, u64)> = TableDefinition::new("heads");
const SNAPSHOTS: TableDefinition<&str, &[u8]> = TableDefinition::new("snapshots");

/// An event store in one file, on redb.
pub type RedbStore = LogStore<RedbBackend>;

/// Options for opening a [`RedbStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedbOptions {
    /// redb's page cache in bytes (default 64 MiB, as for sled: measured to cut memory 4x at no
    /// cost in throughput).
    pub cache_size: usize,
    /// What to check at open.
    pub check: OpenCheck,
    /// Open an existing store read-only: nothing is written, not even at close (redb otherwise
    /// commits its allocator state on close), so reading a damaged file can never make redb
    /// write to it. Appends are refused, and a path where nothing is is
    /// [`StoreError::NotFound`]: reading creates no store. A file left unclean by a crash is
    /// recovered first, under the store's lock (`EventStore::recovered` then says so).
    pub read_only: bool,
}

impl Default for RedbOptions {
    fn default() -> Self {
        Self { cache_size: 64 * 1024 * 1024, check: OpenCheck::Records, read_only: false }
    }
}

/// The database, as opened.
enum Db {
    Writable(Database),
    ReadOnly(::redb::ReadOnlyDatabase),
}

/// A redb error as a store error: damage redb detects is [`StoreError::Damaged`].
fn engine(error: impl Into<::redb::Error>) -> StoreError {
    match error.into() {
        ::redb::Error::Corrupted(detail) => StoreError::Damaged { detail: format!("redb: {detail}") },
        other => StoreError::engine_error(other.to_string(), other),
    }
}

/// The redb [`Backend`].
pub struct RedbBackend {
    /// `None` only while dropping.
    db: Option<Db>,
    path: PathBuf,
    /// Whether the open recovered the file from an unclean shutdown.
    recovered: bool,
}

impl Drop for RedbBackend {
    /// redb commits on close, and can panic doing so on a damaged file: contained here, so a
    /// damaged store never takes the process down (the error was reported by the call that met
    /// the damage).
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(db)));
        }
    }
}

impl RedbStore {
    /// Opens the store in file `path`, with the default options; creates it only where no file
    /// is. An existing file that is empty or not a redb database is
    /// [`StoreError::Damaged`], never a new empty log.
    ///
    /// Fails with [`StoreError::InUse`] if another process (or handle) has it open, and with
    /// [`StoreError::Corrupt`] naming the position if a record is damaged.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, RedbOptions::default())
    }

    /// Opens the store in `path` with `options`.
    pub fn open_with(path: impl AsRef<Path>, options: RedbOptions) -> Result<Self, StoreError> {
        Self::open_checked(RedbBackend::open(path.as_ref(), options)?, options.check)
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        let path = &self.backend().path;
        std::fs::metadata(path)
            .map(|metadata| metadata.len())
            .map_err(|error| StoreError::io(format!("reading the size of {}", path.display()), error))
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.backend().path
    }
}

impl RedbBackend {
    fn open(path: &Path, options: RedbOptions) -> Result<Self, StoreError> {
        let in_use = |error: DatabaseError| match error {
            DatabaseError::DatabaseAlreadyOpen => StoreError::InUse { path: path.to_owned() },
            other => engine(other),
        };
        let repaired = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut builder = Database::builder();
        builder.set_cache_size(options.cache_size);
        let noted = std::sync::Arc::clone(&repaired);
        builder.set_repair_callback(move |_| noted.store(true, std::sync::atomic::Ordering::SeqCst));
        let (db, created) = match std::fs::metadata(path) {
            // Reading creates no store.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && options.read_only => {
                return Err(StoreError::not_found_for_reading(path.display()));
            }
            // A store is created only where nothing is, in a directory that exists.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty());
                if parent.is_some_and(|parent| !parent.is_dir()) {
                    return Err(StoreError::no_parent(path));
                }
                (Db::Writable(guard(|| builder.create(path).map_err(in_use))?), true)
            }
            Err(error) => return Err(StoreError::io(format!("reading {}", path.display()), error)),
            Ok(metadata) if metadata.len() == 0 => {
                return Err(StoreError::Damaged {
                    detail: format!(
                        "{} is empty: the store it held was cut short or replaced",
                        path.display()
                    ),
                });
            }
            Ok(_) => {
                let damaged = |error: DatabaseError| match error {
                    DatabaseError::DatabaseAlreadyOpen => StoreError::InUse { path: path.to_owned() },
                    other => StoreError::Damaged {
                        detail: format!("{} cannot be opened as a store: {other}", path.display()),
                    },
                };
                let opened = if options.read_only {
                    match guard(|| Ok(builder.open_read_only(path)))? {
                        Ok(db) => Db::ReadOnly(db),
                        // Left unclean by a crash: recovery, not damage. redb repairs only on a
                        // writing open, which takes the store's lock (a live writer makes it
                        // `InUse`); it is closed at once, and the file opened read-only again.
                        Err(DatabaseError::RepairAborted) => {
                            drop(guard(|| builder.open(path).map_err(damaged))?);
                            repaired.store(true, std::sync::atomic::Ordering::SeqCst);
                            Db::ReadOnly(guard(|| builder.open_read_only(path).map_err(damaged))?)
                        }
                        Err(other) => return Err(damaged(other)),
                    }
                } else {
                    Db::Writable(guard(|| builder.open(path).map_err(damaged))?)
                };
                (opened, false)
            }
        };
        // Held by the backend from here, so that closing it (redb commits on close) is
        // guarded too, whatever fails next.
        let recovered = repaired.load(std::sync::atomic::Ordering::SeqCst);
        let backend = Self { db: Some(db), path: path.to_owned(), recovered };
        if created {
            // Create the tables once, so that readers never meet a missing one.
            guard(|| {
                let txn = backend.db()?.begin_write().map_err(engine)?;
                txn.open_table(RECORDS).map_err(engine)?;
                txn.open_table(STREAMS).map_err(engine)?;
                txn.open_table(EVENT_IDS).map_err(engine)?;
                txn.open_table(REGISTRY).map_err(engine)?;
                txn.open_table(HEADS).map_err(engine)?;
                txn.commit().map_err(engine)
            })?;
        } else {
            // An existing store is only read at open (a write on a damaged file can take redb
            // down in ways no guard contains): its tables must be there.
            guard(|| {
                let txn = backend.begin_read()?;
                let missing = |error: ::redb::TableError| StoreError::Damaged {
                    detail: format!("{} lacks the store's tables: {error}", path.display()),
                };
                txn.open_table(RECORDS).map_err(missing)?;
                txn.open_table(STREAMS).map_err(missing)?;
                txn.open_table(EVENT_IDS).map_err(missing)?;
                txn.open_table(REGISTRY).map_err(missing)?;
                Ok(())
            })?;
        }
        Ok(backend)
    }

    /// The database, to write.
    fn db(&self) -> Result<&Database, StoreError> {
        match &self.db {
            Some(Db::Writable(db)) => Ok(db),
            Some(Db::ReadOnly(_)) => Err(StoreError::ReadOnly { path: self.path.clone() }),
            None => Err(StoreError::engine("the database is closed")),
        }
    }

    /// A read transaction.
    fn begin_read(&self) -> Result<::redb::ReadTransaction, StoreError> {
        match &self.db {
            Some(Db::Writable(db)) => db.begin_read().map_err(engine),
            Some(Db::ReadOnly(db)) => db.begin_read().map_err(engine),
            None => Err(StoreError::engine("the database is closed")),
        }
    }

    fn read<K: ::redb::Key + 'static, V: ::redb::Value + 'static>(
        &self,
        table: TableDefinition<K, V>,
    ) -> Result<::redb::ReadOnlyTable<K, V>, StoreError> {
        self.begin_read()?.open_table(table).map_err(engine)
    }
}

impl Backend for RedbBackend {
    /// A crash or kill -9 while a writer had the file open: redb repaired its allocator state
    /// at open, and every committed transaction is there.
    fn recovered(&self) -> bool {
        self.recovered
    }

    fn last_record(&self) -> Result<Option<RawRecord>, StoreError> {
        guard(|| {
            let records = self.read(RECORDS)?;
            let last = records.last().map_err(engine)?;
            Ok(last.map(|(position, bytes)| RawRecord {
                position: position.value(),
                bytes: bytes.value().to_vec(),
            }))
        })
    }

    fn records_from(&self, from_position: u64) -> RawRecords<'_> {
        // The range keeps its read transaction alive, so it is a consistent snapshot.
        let range = guard(|| {
            self.read(RECORDS).and_then(|records| records.range(from_position.max(1)..).map_err(engine))
        });
        match range {
            Ok(range) => Box::new(Guarded::new(Box::new(range.map(|item| {
                let (position, bytes) = item.map_err(engine)?;
                Ok(RawRecord { position: position.value(), bytes: bytes.value().to_vec() })
            })))),
            Err(error) => Box::new(std::iter::once(Err(error))),
        }
    }

    fn visit_records(&self, first: u64, last: u64, visit: &mut VisitRecord<'_>) -> Result<(), StoreError> {
        // redb lends each value from its page cache: no copy.
        let mut panicked = None;
        let walked = guard(|| {
            let records = self.read(RECORDS)?;
            for item in records.range(first.max(1)..=last).map_err(engine)? {
                let (position, bytes) = item.map_err(engine)?;
                if !lend(visit, position.value(), bytes.value(), &mut panicked)? {
                    break;
                }
            }
            Ok(())
        });
        if let Some(panic) = panicked {
            std::panic::resume_unwind(panic);
        }
        walked
    }

    fn record(&self, position: u64) -> Result<Option<RawRecord>, StoreError> {
        guard(|| {
            let bytes = self.read(RECORDS)?.get(position).map_err(engine)?;
            Ok(bytes.map(|bytes| RawRecord { position, bytes: bytes.value().to_vec() }))
        })
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        guard(|| {
            let streams = self.read(STREAMS)?;
            let name = stream.as_str();
            let last = streams.range((name, 0)..=(name, u64::MAX)).map_err(engine)?.next_back();
            Ok(last.transpose().map_err(engine)?.map_or(0, |(key, _)| key.value().1))
        })
    }

    fn stream_positions(&self, stream: &StreamId, from_version: u64) -> Result<Vec<u64>, StoreError> {
        guard(|| {
            let streams = self.read(STREAMS)?;
            let name = stream.as_str();
            let range = streams.range((name, from_version)..=(name, u64::MAX)).map_err(engine)?;
            range.map(|item| item.map(|(_, position)| position.value()).map_err(engine)).collect()
        })
    }

    fn event_position(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        guard(|| {
            let ids = self.read(EVENT_IDS)?;
            let position = ids.get(event_id.as_u128()).map_err(engine)?;
            Ok(position.map(|position| position.value()))
        })
    }

    fn commit(&self, records: &[Prepared]) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            {
                let mut stored = txn.open_table(RECORDS).map_err(engine)?;
                let mut streams = txn.open_table(STREAMS).map_err(engine)?;
                let mut ids = txn.open_table(EVENT_IDS).map_err(engine)?;
                let mut heads = txn.open_table(HEADS).map_err(engine)?;
                for (stream, head) in heads_of(records) {
                    heads.insert(stream.as_str(), (head.version, head.position)).map_err(engine)?;
                }
                for record in records {
                    stored.insert(record.header.position, record.bytes.as_slice()).map_err(engine)?;
                    streams
                        .insert(
                            (record.header.stream.as_str(), record.header.stream_version),
                            record.header.position,
                        )
                        .map_err(engine)?;
                    ids.insert(record.header.event_id.as_u128(), record.header.position).map_err(engine)?;
                }
            }
            // Dropping an uncommitted transaction aborts it: all or nothing.
            txn.commit().map_err(engine)
        })
    }

    fn rewrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            txn.open_table(RECORDS).map_err(engine)?.insert(position, bytes).map_err(engine)?;
            txn.commit().map_err(engine)
        })
    }

    fn registry_read(&self, person: PersonId) -> Result<Option<Vec<u8>>, StoreError> {
        guard(|| {
            let registry = self.read(REGISTRY)?;
            let entry = registry.get(person.as_uuid().as_u128()).map_err(engine)?;
            Ok(entry.map(|entry| entry.value().to_vec()))
        })
    }

    fn registry_all(&self) -> Result<Vec<(PersonId, Vec<u8>)>, StoreError> {
        guard(|| {
            let registry = self.read(REGISTRY)?;
            let all = registry.range::<u128>(..).map_err(engine)?;
            all.map(|item| {
                let (person, bytes) = item.map_err(engine)?;
                Ok((PersonId::from_uuid(Uuid::from_u128(person.value())), bytes.value().to_vec()))
            })
            .collect()
        })
    }

    fn registry_write(&self, person: PersonId, bytes: &[u8]) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            txn.open_table(REGISTRY)
                .map_err(engine)?
                .insert(person.as_uuid().as_u128(), bytes)
                .map_err(engine)?;
            txn.commit().map_err(engine)
        })
    }

    fn snapshot_read(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        guard(|| match self.begin_read()?.open_table(SNAPSHOTS) {
            Ok(table) => Ok(table.get(stream.as_str()).map_err(engine)?.map(|bytes| bytes.value().to_vec())),
            Err(::redb::TableError::TableDoesNotExist(_)) => Ok(None),
            Err(other) => Err(engine(other)),
        })
    }

    fn snapshot_write(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            txn.open_table(SNAPSHOTS).map_err(engine)?.insert(stream.as_str(), bytes).map_err(engine)?;
            txn.commit().map_err(engine)
        })
    }

    fn snapshot_delete(&self, stream: &StreamId) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            txn.open_table(SNAPSHOTS).map_err(engine)?.remove(stream.as_str()).map_err(engine)?;
            txn.commit().map_err(engine)
        })
    }

    fn index_lengths(&self) -> Result<(u64, u64), StoreError> {
        guard(|| {
            use ::redb::ReadableTableMetadata;
            Ok((self.read(STREAMS)?.len().map_err(engine)?, self.read(EVENT_IDS)?.len().map_err(engine)?))
        })
    }

    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        guard(|| {
            let heads = self.read(HEADS)?;
            let head = heads.get(stream.as_str()).map_err(engine)?;
            Ok(head.map(|head| {
                let (version, position) = head.value();
                StreamHead { version, position }
            }))
        })
    }

    fn keeps_heads(&self) -> Result<bool, StoreError> {
        guard(|| match self.begin_read()?.open_table(HEADS) {
            Ok(_) => Ok(true),
            Err(::redb::TableError::TableDoesNotExist(_)) => Ok(false),
            Err(other) => Err(engine(other)),
        })
    }

    fn write_heads(&self, heads: &[(StreamId, StreamHead)]) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            {
                let mut table = txn.open_table(HEADS).map_err(engine)?;
                for (stream, head) in heads {
                    table.insert(stream.as_str(), (head.version, head.position)).map_err(engine)?;
                }
            }
            txn.commit().map_err(engine)
        })
    }

    fn tamper_stream_entry(
        &self,
        stream: &StreamId,
        version: u64,
        position: Option<u64>,
    ) -> Result<(), StoreError> {
        guard(|| {
            let txn = self.db()?.begin_write().map_err(engine)?;
            {
                let mut streams = txn.open_table(STREAMS).map_err(engine)?;
                match position {
                    Some(position) => {
                        drop(streams.insert((stream.as_str(), version), position).map_err(engine)?)
                    }
                    None => drop(streams.remove((stream.as_str(), version)).map_err(engine)?),
                }
            }
            txn.commit().map_err(engine)
        })
    }
}
