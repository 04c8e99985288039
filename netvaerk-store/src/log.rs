//! The backend seam and `LogStore`: the log's semantics (positions, chain, expected versions,
//! live notification) over a [`Backend`] that only stores bytes. The group commit is
//! `queue.rs`, the planning of one commit and the import check `plan.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::envelope::{
    AppendResult, Body, Envelope, ExpectedVersion, Head, NewEvent, RecordHeader, StreamId,
};
use crate::error::Corruption;
use crate::error::StoreError;
use crate::plan::{append_nothing, check_import, stored, BackendIndex, Index, Location, Planner};
use crate::queue::{settle, Pending, Queue};
use crate::record::{envelope_at, parse, replace_body, sha256, RawRecord};
use crate::registry::{
    damaged_key, manifest_bytes, manifest_key, registry_bytes, registry_from_bytes, RegistryEntry,
    REGISTRY_MANIFEST,
};
use crate::shred::{key_id, KeyRecord, PersonKey};
use crate::store::{verify_chain, EventStore, RawAccess, RawRecords, VerifyReport};

/// A record ready to store: its bytes, and the header they were sealed from, which holds what
/// the backend indexes it by (position, stream and version, event id).
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The record's header.
    pub header: RecordHeader,
    /// The record's hash.
    pub hash: [u8; 32],
    /// The record's bytes.
    pub bytes: Vec<u8>,
    /// The body, kept where it comes for free (imports, parsed to check them) or when the
    /// planner is asked to: the PostgreSQL store writes its columns beside the bytes without
    /// parsing the record again.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store uses it
    pub(crate) body: Option<Body>,
}

/// The storage primitives a [`LogStore`] needs: bytes by position, and two indexes. An
/// embedded engine joins netvaerk by implementing this; the log's rules live in `LogStore`.
pub trait Backend: Send + Sync {
    /// The record at the highest position, if any.
    fn last_record(&self) -> Result<Option<RawRecord>, StoreError>;
    /// The records from `from_position` on, in order, lazily (no cap: `LogStore` caps).
    fn records_from(&self, from_position: u64) -> RawRecords<'_>;
    /// The record at `position`, if stored (a point read where the engine has one).
    fn record(&self, position: u64) -> Result<Option<RawRecord>, StoreError> {
        Ok(self.records_from(position).next().transpose()?.filter(|raw| raw.position == position))
    }
    /// The stream's version (0 if absent).
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError>;
    /// Whether the engine recovered its files from an unclean shutdown at open.
    fn recovered(&self) -> bool {
        false
    }
    /// [`EventStore::purge`]: makes the engine forget old copies of rewritten bytes, and names
    /// what it cannot reach. The default is an engine that keeps none.
    fn purge(&self) -> Result<crate::Purged, StoreError> {
        Ok(crate::Purged::nothing_kept())
    }
    /// The positions of the stream's events from `from_version` on, in order.
    fn stream_positions(&self, stream: &StreamId, from_version: u64) -> Result<Vec<u64>, StoreError>;
    /// The position of the event with this id, if stored.
    fn event_position(&self, event_id: Uuid) -> Result<Option<u64>, StoreError>;
    /// Stores the records and their index entries atomically (all or none) and durably:
    /// when it returns `Ok`, a crash or power loss must not lose them.
    fn commit(&self, records: &[Prepared]) -> Result<(), StoreError>;
    /// Replaces the bytes at `position`, durably.
    fn rewrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError>;
    /// The registry's stored entry for a person.
    fn registry_read(&self, person: PersonId) -> Result<Option<Vec<u8>>, StoreError>;
    /// Writes the registry's entry for a person, durably.
    fn registry_write(&self, person: PersonId, bytes: &[u8]) -> Result<(), StoreError>;
    /// Every registry entry, in person id order.
    fn registry_all(&self) -> Result<Vec<(PersonId, Vec<u8>)>, StoreError>;
    /// How many entries the stream index and the event-id index hold (for `verify`'s
    /// cross-check: each record indexed once in each).
    fn index_lengths(&self) -> Result<(u64, u64), StoreError>;
    /// The stream's head as kept beside the index (its last version and that record's
    /// position), written by [`Backend::commit`] in the same atomic write as the records and
    /// their index entries; `None` if the stream has none.
    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError>;
    /// Whether the store keeps stream heads: `false` for a store written before they were
    /// kept (or whose heads are gone), which [`LogStore`] then builds from the records.
    fn keeps_heads(&self) -> Result<bool, StoreError>;
    /// Stores heads built from the records, durably, and marks the store as keeping them (at
    /// a writing open of a store written before heads were kept). A read-only store answers
    /// [`StoreError::ReadOnly`].
    fn write_heads(&self, heads: &[(StreamId, StreamHead)]) -> Result<(), StoreError>;
    /// Rewrites (`Some(position)`) or removes (`None`) one stream-index entry behind the log's
    /// back, as damage would, leaving the records and the heads as they are: for the tests of
    /// the read checks only.
    #[doc(hidden)]
    fn tamper_stream_entry(
        &self,
        stream: &StreamId,
        version: u64,
        position: Option<u64>,
    ) -> Result<(), StoreError> {
        let _ = (stream, version, position);
        Err(StoreError::engine("this backend cannot tamper with its index"))
    }
}

/// A stream's head: the version of its last record and where that record is. Kept per stream
/// beside the stream index, so that a read can tell a whole stream from one whose index lost
/// entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamHead {
    /// The stream's version (its last record's).
    pub version: u64,
    /// The position of that record.
    pub position: u64,
}

/// The heads a batch of records leaves: per stream, its last record's.
pub(crate) fn heads_of(records: &[Prepared]) -> Vec<(&StreamId, StreamHead)> {
    let mut heads: Vec<(&StreamId, StreamHead)> = Vec::new();
    for record in records {
        let head = StreamHead { version: record.header.stream_version, position: record.header.position };
        match heads.iter_mut().find(|(stream, _)| **stream == record.header.stream) {
            Some((_, kept)) => *kept = head,
            None => heads.push((&record.header.stream, head)),
        }
    }
    heads
}

/// The log over a backend. Appends are group-committed: concurrent appends share one
/// [`Backend::commit`], so one flush.
pub struct LogStore<B> {
    backend: B,
    /// The stream heads built from the records at open, for a store that keeps none and was
    /// opened read-only (so they could not be stored); `None` when the backend keeps them.
    built_heads: Option<HashMap<StreamId, StreamHead>>,
    queue: Queue,
    writer: Mutex<Option<Head>>,
    committed: Mutex<u64>,
    appended: Condvar,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data half-changed (each
    // critical section assigns whole values), so a poisoned lock is still usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How much a store checks when it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenCheck {
    /// Reads every record and checks its checksum, framing and position (the default): a
    /// damaged record is reported at open. Linear in the log's size.
    Records,
    /// Checks only the last record: constant time, for very large logs; run
    /// [`EventStore::verify`] on a schedule instead. (A store written before stream heads
    /// were kept is read whole once either way, to build them from its records.)
    Head,
}

impl<B: Backend> LogStore<B> {
    /// The log over `backend`, taking its head from the last stored record.
    pub fn with_backend(backend: B) -> Result<Self, StoreError> {
        let head = match backend.last_record()? {
            None => None,
            Some(raw) => {
                let parsed = parse(&raw.bytes)
                    .map_err(|problem| StoreError::Corrupt { position: raw.position, problem })?;
                Some(Head { position: raw.position, hash: parsed.hash })
            }
        };
        let committed = head.map_or(0, |head| head.position);
        let built_heads = Self::heads_at_open(&backend)?;
        Ok(Self {
            backend,
            built_heads,
            queue: Queue::default(),
            writer: Mutex::new(head),
            committed: Mutex::new(committed),
            appended: Condvar::new(),
        })
    }

    /// The log over `backend` after the open `check`: with [`OpenCheck::Records`], every record's
    /// framing, checksum and position, so a damaged one is named before anything is read.
    pub fn open_checked(backend: B, check: OpenCheck) -> Result<Self, StoreError> {
        if check == OpenCheck::Records {
            for (expected, raw) in (1u64..).zip(backend.records_from(1)) {
                let raw = raw?;
                if raw.position != expected {
                    let problem = Corruption::Gap { missing: expected };
                    return Err(StoreError::Corrupt { position: expected, problem });
                }
                let parsed = parse(&raw.bytes)
                    .map_err(|problem| StoreError::Corrupt { position: raw.position, problem })?;
                if parsed.header.position != raw.position {
                    let problem =
                        Corruption::PositionMismatch { stored: raw.position, named: parsed.header.position };
                    return Err(StoreError::Corrupt { position: raw.position, problem });
                }
            }
        }
        Self::with_backend(backend)
    }

    /// A store written before stream heads were kept (or whose heads are gone): its heads are
    /// built once from the records themselves (never from the index, which they are there to
    /// check), and stored if the store is writable. A read-only open keeps them in memory: the
    /// scan is linear in the log, but a read-only store is the one a report runs on alone, and
    /// skipping the check there would bring back the silent short answer.
    fn heads_at_open(backend: &B) -> Result<Option<HashMap<StreamId, StreamHead>>, StoreError> {
        if backend.keeps_heads()? {
            return Ok(None);
        }
        let mut heads: HashMap<StreamId, StreamHead> = HashMap::new();
        for raw in backend.records_from(1) {
            let raw = raw?;
            let parsed = parse(&raw.bytes)
                .map_err(|problem| StoreError::Corrupt { position: raw.position, problem })?;
            let head = StreamHead { version: parsed.header.stream_version, position: raw.position };
            heads.insert(parsed.header.stream, head);
        }
        let mut listed: Vec<(StreamId, StreamHead)> = heads.iter().map(|(s, h)| (s.clone(), *h)).collect();
        listed.sort_by_key(|(_, head)| head.position);
        match backend.write_heads(&listed) {
            Ok(()) => Ok(None),
            Err(StoreError::ReadOnly { .. }) => Ok(Some(heads)),
            Err(other) => Err(other),
        }
    }

    /// The stream's head: kept by the backend, or built at open.
    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        match &self.built_heads {
            Some(heads) => Ok(heads.get(stream).copied()),
            None => self.backend.stream_head(stream),
        }
    }

    /// The stream's version, checked: the head says it, and the index's entry for it must lead
    /// to the head's position with no entry after it. Called under the writer lock, so nothing
    /// is committed meanwhile.
    fn checked_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        let head = self.stream_head(stream)?;
        let version = head.map_or(0, |head| head.version);
        let indexed = self.backend.stream_positions(stream, version.max(1))?;
        let whole = match head {
            Some(head) => indexed == [head.position],
            None => indexed.is_empty(),
        };
        if whole {
            return Ok(version);
        }
        let position = head.map_or_else(|| indexed.first().copied().unwrap_or(0), |head| head.position);
        let detail = format!(
            "{stream}'s head is version {version} at position {}, but the index holds {} entries from version {}",
            head.map_or(0, |head| head.position),
            indexed.len(),
            version.max(1)
        );
        Err(StoreError::Corrupt { position, problem: Corruption::IndexMismatch { index: "streams", detail } })
    }

    /// The backend (for tools and tests that need its raw bytes).
    pub fn backend(&self) -> &B {
        &self.backend
    }

    fn committed_head(&self) -> u64 {
        *lock(&self.committed)
    }

    /// Records a new durable head and wakes the waiters.
    fn advance(&self, head: &mut Option<Head>, new: Option<Head>) {
        *head = new;
        *lock(&self.committed) = new.map_or(0, |head| head.position);
        self.appended.notify_all();
    }

    /// Commits a batch of queued appends. Called with the writer lock held.
    fn commit_batch(&self, head: &mut Option<Head>, batch: &[Arc<Pending>]) {
        let mut planner = Planner::new(CheckedIndex(self), *head);
        let outcomes = planner.plan_all(batch);
        let written = if planner.records.is_empty() { Ok(()) } else { self.backend.commit(&planner.records) };
        if written.is_ok() {
            self.advance(head, planner.head);
        }
        // On failure nothing was stored; the positions are reused by the next commit.
        settle(batch, outcomes, written);
    }
}

/// The log's index for the planner: event ids as the backend has them (each leads to a record
/// the planner parses), stream versions checked against the heads, so that a damaged index
/// never makes a commit reuse a version.
struct CheckedIndex<'a, B>(&'a LogStore<B>);

impl<B: Backend> Index for CheckedIndex<'_, B> {
    fn stream_version(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        self.0.checked_version(stream)
    }

    fn locate(&mut self, event_ids: &[Uuid]) -> Result<Vec<Option<Location>>, StoreError> {
        BackendIndex(&self.0.backend).locate(event_ids)
    }
}

/// A stored registry entry, read.
impl<B: Backend> LogStore<B> {
    /// The persons the registry holds entries for, by its manifest; `None` for a registry
    /// written before manifests.
    fn registry_manifest(&self) -> Result<Option<BTreeSet<PersonId>>, StoreError> {
        let Some(bytes) = self.backend.registry_read(manifest_key())? else { return Ok(None) };
        let damaged = || StoreError::Damaged { detail: "the registry's manifest is damaged".to_owned() };
        let listed = bytes.strip_prefix(REGISTRY_MANIFEST).ok_or_else(damaged)?;
        let (digest, ids) = listed.split_at_checked(32).ok_or_else(damaged)?;
        if sha256(ids)[..] != *digest || ids.len() % 16 != 0 {
            return Err(damaged());
        }
        Ok(Some(
            ids.chunks_exact(16)
                .map(|id| PersonId::from_uuid(Uuid::from_slice(id).unwrap_or_default()))
                .collect(),
        ))
    }
}

impl<B: Backend> LogStore<B> {
    /// `verify`'s index cross-check, after the chain: each record indexed once under its
    /// stream and version and under its event id, each entry leading to the record it names,
    /// and no entry beyond the records.
    fn verify_indexes(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, StoreError> {
        let mut streams: HashMap<StreamId, Vec<u64>> = HashMap::new();
        let mut report = verify_chain(self.read_raw(1), progress, &mut |header, position| {
            streams.entry(header.stream.clone()).or_default().push(position);
            match self.backend.event_position(header.event_id) {
                Ok(Some(indexed)) if indexed == position => None,
                Ok(found) => Some(Corruption::IndexMismatch {
                    index: "event ids",
                    detail: format!(
                        "event {} at position {position} is indexed at {}",
                        header.event_id,
                        found.map_or_else(|| "no position".to_owned(), |p| p.to_string())
                    ),
                }),
                Err(error) => {
                    Some(Corruption::IndexMismatch { index: "event ids", detail: error.to_string() })
                }
            }
        })?;
        if !report.is_ok() {
            return Ok(report);
        }
        let mut streams: Vec<(StreamId, Vec<u64>)> = streams.into_iter().collect();
        streams.sort_by_key(|(_, positions)| positions[0]);
        for (stream, positions) in &streams {
            let indexed = self.backend.stream_positions(stream, 1)?;
            if indexed != *positions {
                let at = positions
                    .iter()
                    .zip(&indexed)
                    .position(|(a, b)| a != b)
                    .unwrap_or(positions.len().min(indexed.len()));
                let position = positions.get(at).or(indexed.get(at)).copied().unwrap_or(0);
                let detail = format!(
                    "{stream} has {} records but {} index entries; version {} is where they part",
                    positions.len(),
                    indexed.len(),
                    at + 1
                );
                report =
                    report.index_problem(position, Corruption::IndexMismatch { index: "streams", detail });
                return Ok(report);
            }
        }
        let records = report.checked;
        let (stream_entries, id_entries) = self.backend.index_lengths()?;
        for (index, entries) in [("streams", stream_entries), ("event ids", id_entries)] {
            if entries != records {
                let detail = format!("{entries} entries for {records} records");
                return Ok(report.index_problem(records + 1, Corruption::IndexMismatch { index, detail }));
            }
        }
        // The registry beside the log: every entry whole (each carries its digest).
        match self.registry_entries() {
            Ok(_) => Ok(report),
            Err(StoreError::Damaged { detail } | StoreError::Engine { detail, .. }) => {
                Ok(report.index_problem(records + 1, Corruption::Registry { detail }))
            }
            Err(other) => Err(other),
        }
    }
}

impl<B: Backend> EventStore for LogStore<B> {
    fn recovered(&self) -> bool {
        self.backend().recovered()
    }

    fn purge(&self) -> Result<crate::Purged, StoreError> {
        self.backend().purge()
    }

    fn verify_with(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, StoreError> {
        self.verify_indexes(progress)
    }

    fn append_any(
        &self,
        _: RawAccess,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        if events.is_empty() {
            return append_nothing(self, stream, expected);
        }
        self.queue
            .append(&self.writer, stream, expected, events, |head, batch| self.commit_batch(head, batch))
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        // Only count what is durable: read under the writer lock, which a commit holds.
        let _writer = lock(&self.writer);
        self.checked_version(stream)
    }

    fn read_stream(&self, stream: &StreamId, from_version: u64) -> Result<Vec<Envelope>, StoreError> {
        let mut committed = self.committed_head();
        let from = from_version.max(1);
        // The head first, then the index: a commit between the two only adds entries after it.
        let head = self.stream_head(stream)?;
        // An entry after the head's version at or before this position was there when the head
        // was read: the head should have counted it.
        let settled = head.map_or(committed, |head| head.position.max(committed));
        if let Some(head) = head.filter(|head| head.position > committed) {
            // A commit the backend holds but the log has not announced yet (it does so at once),
            // or a head naming a record that is not there.
            if self.backend.record(head.position)?.is_some() {
                committed = self.wait_beyond(head.position - 1, Duration::from_secs(5))?;
            }
            if head.position > committed {
                let detail = format!(
                    "{stream}'s head names position {}, beyond the log's head {committed}",
                    head.position
                );
                return Err(StoreError::Corrupt {
                    position: head.position,
                    problem: Corruption::IndexMismatch { index: "stream heads", detail },
                });
            }
        }
        let version = head.map_or(0, |head| head.version);
        let mut positions = self.backend.stream_positions(stream, from)?;
        // The entries from `from` to the head's version, each one: as many as the versions, the
        // last at the head's position, none after it that the log already holds.
        let wanted = usize::try_from((version + 1).saturating_sub(from)).unwrap_or(usize::MAX);
        let beyond = positions.get(wanted..).unwrap_or_default();
        let whole = positions.len() >= wanted
            && beyond.iter().all(|position| *position > settled)
            && (wanted == 0 || head.is_some_and(|head| positions[wanted - 1] == head.position));
        if !whole {
            let position = head.map_or_else(|| positions.first().copied().unwrap_or(0), |head| head.position);
            let detail = format!(
                "{stream}'s head is version {version} at position {}, but the index holds {} entries from version {from}",
                head.map_or(0, |head| head.position),
                positions.len()
            );
            return Err(StoreError::Corrupt {
                position,
                problem: Corruption::IndexMismatch { index: "streams", detail },
            });
        }
        positions.truncate(wanted);
        let mut envelopes = Vec::with_capacity(positions.len());
        for (version, position) in (from..).zip(positions) {
            let envelope = envelope_at(position, &stored(&self.backend, position)?.bytes)?;
            // The index led here by (stream, version): the record must be that one.
            if envelope.header.stream != *stream || envelope.header.stream_version != version {
                let detail = format!(
                    "{stream} version {version} leads to position {position}, which holds {} version {}",
                    envelope.header.stream, envelope.header.stream_version
                );
                return Err(StoreError::Corrupt {
                    position,
                    problem: Corruption::IndexMismatch { index: "streams", detail },
                });
            }
            envelopes.push(envelope);
        }
        Ok(envelopes)
    }

    fn read_at(&self, position: u64) -> Result<Option<Envelope>, StoreError> {
        if position == 0 || position > self.committed_head() {
            return Ok(None);
        }
        let raw = self.backend.record(position)?;
        raw.map(|raw| envelope_at(position, &raw.bytes)).transpose()
    }

    fn position_of(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        let mut committed = self.committed_head();
        let Some(position) = self.backend.event_position(event_id)? else { return Ok(None) };
        if position > committed {
            // A commit the backend holds but the log has not announced yet (it does so at
            // once), or an entry naming a record that is not there: never "not stored".
            if self.backend.record(position)?.is_some() {
                committed = self.wait_beyond(position - 1, Duration::from_secs(5))?;
            }
            if position > committed {
                let detail =
                    format!("event {event_id} is indexed at {position}, beyond the log's head {committed}");
                return Err(StoreError::Corrupt {
                    position,
                    problem: Corruption::IndexMismatch { index: "event ids", detail },
                });
            }
        }
        // The index led here by the event's id: the record must hold that event.
        let envelope = envelope_at(position, &stored(&self.backend, position)?.bytes)?;
        if envelope.header.event_id != event_id {
            let detail = format!(
                "event {event_id} leads to position {position}, which holds event {}",
                envelope.header.event_id
            );
            return Err(StoreError::Corrupt {
                position,
                problem: Corruption::IndexMismatch { index: "event ids", detail },
            });
        }
        Ok(Some(position))
    }

    fn read_raw(&self, from_position: u64) -> RawRecords<'_> {
        let committed = self.committed_head();
        Box::new(
            self.backend
                .records_from(from_position.max(1))
                .take_while(move |raw| raw.as_ref().map_or(true, |raw| raw.position <= committed)),
        )
    }

    fn head(&self) -> Result<Option<Head>, StoreError> {
        Ok(*lock(&self.writer))
    }

    fn wait_beyond(&self, position: u64, timeout: Duration) -> Result<u64, StoreError> {
        let deadline = Instant::now() + timeout;
        let mut committed = lock(&self.committed);
        while *committed <= position {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            committed = self.appended.wait_timeout(committed, left).unwrap_or_else(PoisonError::into_inner).0;
        }
        Ok(*committed)
    }

    fn rewrite_body(&self, _: RawAccess, position: u64, body: &Body) -> Result<(), StoreError> {
        // Under the writer lock, so a rewrite never races a commit.
        let _writer = lock(&self.writer);
        let raw = stored(&self.backend, position)?;
        let bytes =
            replace_body(&raw.bytes, body).map_err(|problem| StoreError::Corrupt { position, problem })?;
        self.backend.rewrite(position, &bytes)
    }

    fn import(&self, records: &[RawRecord]) -> Result<(), StoreError> {
        let mut head = lock(&self.writer);
        let (prepared, link) = check_import(&mut BackendIndex(&self.backend), *head, records)?;
        if prepared.is_empty() {
            return Ok(());
        }
        self.backend.commit(&prepared)?;
        self.advance(&mut head, link);
        Ok(())
    }

    fn registry_entry(&self, person: PersonId) -> Result<Option<RegistryEntry>, StoreError> {
        let Some(bytes) = self.backend.registry_read(person)? else {
            // Absent: the manifest must agree that there is no entry.
            if self.registry_manifest()?.is_some_and(|persons| persons.contains(&person)) {
                return Err(StoreError::Damaged {
                    detail: format!("the registry entry of {person} is missing"),
                });
            }
            return Ok(None);
        };
        let key = || self.backend.registry_read(key_id(person));
        registry_from_bytes(person, &bytes, key).map(Some)
    }

    fn write_registry_entry(
        &self,
        _: RawAccess,
        person: PersonId,
        entry: &RegistryEntry,
    ) -> Result<(), StoreError> {
        // The manifest first: a crash between the two leaves an entry listed but missing,
        // which reads as damage, never as a person silently not in the registry.
        let mut persons = match self.registry_manifest()? {
            Some(persons) => persons,
            // A registry written before manifests: list what it holds.
            None => self
                .backend
                .registry_all()?
                .into_iter()
                .filter(|(person, bytes)| *person != manifest_key() && !KeyRecord::is_key(bytes))
                .map(|(person, _)| person)
                .collect(),
        };
        if persons.insert(person) {
            self.backend.registry_write(manifest_key(), &manifest_bytes(&persons))?;
        }
        match entry {
            // Known data is encrypted under the person's key, made with their first entry.
            RegistryEntry::Known(_) => {
                let key = match self.backend.registry_read(key_id(person))?.as_deref().map(KeyRecord::parse) {
                    Some(Some(KeyRecord::Live(key))) => key,
                    Some(Some(KeyRecord::Destroyed)) => return Err(StoreError::Erased(person)),
                    Some(None) => return Err(damaged_key(person)),
                    None => {
                        let key = PersonKey::generate();
                        self.backend.registry_write(key_id(person), &key.record())?;
                        key
                    }
                };
                let json = serde_json::to_vec(entry).unwrap_or_default();
                self.backend.registry_write(person, &key.seal(person, &json))
            }
            // An erasure replaces the entry, then destroys the key: what the engine keeps of
            // the old entry can no longer be read. (A crash between the two leaves the key of
            // an erased person, which decrypts nothing the registry still points to.)
            RegistryEntry::Erased { .. } => {
                self.backend.registry_write(person, &registry_bytes(person, entry))?;
                self.backend.registry_write(key_id(person), &KeyRecord::Destroyed.bytes())
            }
        }
    }

    fn registry_entries(&self) -> Result<Vec<(PersonId, RegistryEntry)>, StoreError> {
        let manifest = self.registry_manifest()?;
        type Stored = Vec<(PersonId, Vec<u8>)>;
        let (keys, stored): (Stored, Stored) = self
            .backend
            .registry_all()?
            .into_iter()
            .filter(|(person, _)| *person != manifest_key())
            .partition(|(_, bytes)| KeyRecord::is_key(bytes));
        let keys: BTreeMap<PersonId, Vec<u8>> = keys.into_iter().collect();
        let entries: Vec<(PersonId, RegistryEntry)> = stored
            .into_iter()
            .map(|(person, bytes)| {
                let key = || Ok(keys.get(&key_id(person)).cloned());
                Ok((person, registry_from_bytes(person, &bytes, key)?))
            })
            .collect::<Result<_, StoreError>>()?;
        if let Some(persons) = manifest {
            let stored: BTreeSet<PersonId> = entries.iter().map(|(person, _)| *person).collect();
            if stored != persons {
                let missing = persons.difference(&stored).count();
                let unlisted = stored.difference(&persons).count();
                return Err(StoreError::Damaged {
                    detail: format!(
                        "the registry has {missing} entries missing and {unlisted} not in its manifest"
                    ),
                });
            }
        }
        Ok(entries)
    }
}
