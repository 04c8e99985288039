//! `LogStore`: the log's semantics (positions, chain, expected versions, live notification)
//! over a [`Backend`] that only stores bytes. The backend seam is `backend.rs`, the group
//! commit `queue.rs`, the planning of one commit and the import check `plan.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::backend::{Backend, StreamHead};
use crate::envelope::{AppendResult, Body, Envelope, ExpectedVersion, Head, NewEvent, StreamId};
use crate::error::Corruption;
use crate::error::StoreError;
use crate::plan::{append_nothing, check_import, stored, BackendIndex, Index, Location, Planner};
use crate::queue::{settle, Pending, Queue};
use crate::record::{envelope_at, parse, replace_body, sha256, view_at, RawRecord};
use crate::registry::{
    damaged_key, manifest_bytes, manifest_key, registry_bytes, registry_from_bytes, RegistryEntry,
    REGISTRY_MANIFEST,
};
use crate::shred::{key_id, KeyRecord, PersonKey};
use crate::store::{verify_chain, EventStore, RawAccess, RawRecords, VerifyReport, VisitView};
use crate::threads::lock;

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

    fn visit_range(&self, first: u64, last: u64, visit: &mut VisitView<'_>) -> Result<u64, StoreError> {
        // Only what is durable, as every read.
        let (first, last) = (first.max(1), last.min(self.committed_head()));
        let mut visited = 0;
        if first <= last {
            self.backend.visit_records(first, last, &mut |position, bytes| {
                visit(view_at(position, bytes)?)?;
                visited += 1;
                Ok(())
            })?;
        }
        Ok(visited)
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

    fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        self.backend.snapshot_read(stream)
    }

    fn save_snapshot(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        self.backend.snapshot_write(stream, bytes)
    }

    fn delete_snapshot(&self, stream: &StreamId) -> Result<(), StoreError> {
        self.backend.snapshot_delete(stream)
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
