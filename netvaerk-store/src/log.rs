//! `LogStore`: the log's semantics (positions, chain, expected versions, idempotent retry,
//! group commit, live notification) over a [`Backend`] that only stores bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::envelope::{
    AppendResult, Body, Envelope, EventMetadata, ExpectedVersion, Head, NewEvent, StreamId,
};
use crate::error::Corruption;
use crate::error::StoreError;
use crate::record::{
    envelope_at, parse, parse_and_check, present_body, replace_body, seal, sha256, Header, RawRecord,
};
use crate::registry::RegistryEntry;
use crate::shred::{key_id, KeyRecord, PersonKey, ENCRYPTED};
use crate::store::{verify_chain, EventStore, RawAccess, RawRecords, VerifyReport};

/// A record ready to store, with what the backend indexes it by.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// Its global position.
    pub position: u64,
    /// Its stream.
    pub stream: StreamId,
    /// Its version in the stream.
    pub stream_version: u64,
    /// Its event id.
    pub event_id: Uuid,
    /// The record's bytes.
    pub bytes: Vec<u8>,
    /// What the record was sealed from, kept when the planner is asked to (the PostgreSQL
    /// store writes these columns beside the bytes without parsing the record again).
    pub(crate) sealed: Option<Box<Sealed>>,
}

/// A record's header, hash and body as sealed (see [`Prepared`]).
#[derive(Clone, Debug)]
pub(crate) struct Sealed {
    pub(crate) header: Header,
    pub(crate) hash: [u8; 32],
    pub(crate) payload: String,
    pub(crate) rationale: Option<String>,
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
}

/// An event made ready by its appender's own thread: everything but position and links.
pub(crate) struct Staged {
    event_id: Uuid,
    event_type: String,
    schema_version: u32,
    actor: PersonId,
    occurred_on: chrono::NaiveDate,
    correlation_id: Option<Uuid>,
    causation_id: Option<Uuid>,
    payload: String,
    rationale: Option<String>,
    body: Vec<u8>,
    body_digest: [u8; 32],
}

impl Staged {
    fn new(event: &NewEvent) -> Self {
        let payload = event.payload.to_string();
        let body = present_body(&payload, event.rationale.as_deref());
        Self {
            payload,
            rationale: event.rationale.clone(),
            event_id: event.event_id,
            event_type: event.event_type.clone(),
            schema_version: event.schema_version,
            actor: event.actor,
            occurred_on: event.occurred_on,
            correlation_id: event.correlation_id,
            causation_id: event.causation_id,
            body_digest: sha256(&body),
            body,
        }
    }
}

/// One append waiting for the writer.
pub(crate) struct Pending {
    stream: StreamId,
    expected: ExpectedVersion,
    events: Vec<Staged>,
    outcome: Mutex<Option<Result<AppendResult, StoreError>>>,
}

/// The appends waiting for the writer: group commit. Appenders queue their requests; one of
/// them at a time, the leader, takes everything queued and commits it in one transaction (one
/// flush), then wakes every waiting appender at once. Those whose requests were in the batch
/// return; the first of those queued meanwhile leads next and commits them all together (after
/// waiting up to [`GATHER`] for as many as the last batch held).
///
/// Waking all at once matters: when appenders waited on the writer lock instead, each woke the
/// next only as it let go of the lock, and the new appends arrived one by one, so a batch
/// seldom held more than two of eight concurrent writers' decisions (`netvaerk bench`).
#[derive(Default)]
pub(crate) struct Queue {
    state: Mutex<Waiting>,
    settled: Condvar,
}

/// How long a leader waits, yielding, for appends to queue while fewer are queued than the last
/// batch held. The appenders a commit wakes come back one by one; without the wait the first
/// would commit alone while the rest queued behind it (batches of 1, 8, 1, 8 with eight
/// writers, 3.7x one writer's rate in `netvaerk bench` on sled; with it, batches of 8 gathered
/// in about 40 µs, 5.2-6.0x). A lone appender never waits, and when fewer appenders come, one
/// commit waits this long.
const GATHER: Duration = Duration::from_micros(100);

/// The queued requests, whether a leader is committing, and the last batch's size.
#[derive(Default)]
struct Waiting {
    requests: Vec<Arc<Pending>>,
    leader: bool,
    /// How many requests the last batch held.
    last_batch: usize,
}

/// Ends a leader's turn, also if its commit panicked: clears the flag and wakes every waiter.
struct Turn<'a>(&'a Queue);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        lock(&self.0.state).leader = false;
        self.0.settled.notify_all();
    }
}

impl Queue {
    /// Checks and queues an append, then waits until a leader has committed it, leading itself
    /// when no one else is: `commit` runs under the `writer` lock and must settle every request
    /// it is given (see [`settle`]).
    pub(crate) fn append<W>(
        &self,
        writer: &Mutex<W>,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
        commit: impl FnOnce(&mut W, &[Arc<Pending>]),
    ) -> Result<AppendResult, StoreError> {
        check_events(events)?;
        let pending = Arc::new(Pending {
            stream: stream.clone(),
            expected,
            events: events.iter().map(Staged::new).collect(),
            outcome: Mutex::new(None),
        });
        let mut waiting = lock(&self.state);
        waiting.requests.push(Arc::clone(&pending));
        loop {
            if let Some(outcome) = lock(&pending.outcome).take() {
                return outcome;
            }
            if !waiting.leader {
                // Unsettled with no leader: the request is still queued, so it is in this batch.
                waiting.leader = true;
                // Commit delay: after a batch of several, wait briefly for as many to queue.
                let since = Instant::now();
                while waiting.requests.len() < waiting.last_batch && since.elapsed() < GATHER {
                    drop(waiting);
                    std::thread::yield_now();
                    waiting = lock(&self.state);
                }
                let batch = std::mem::take(&mut waiting.requests);
                waiting.last_batch = batch.len();
                drop(waiting);
                let turn = Turn(self);
                commit(&mut lock(writer), &batch);
                drop(turn);
                let outcome = lock(&pending.outcome).take();
                return outcome.unwrap_or_else(|| {
                    Err(StoreError::Engine { detail: "the append was not committed".to_owned() })
                });
            }
            waiting = self.settled.wait(waiting).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Hands each request of a batch its outcome. If the batch was `written`, the planned outcomes
/// stand; if not, nothing was stored, the planned successes get the error and the refusals
/// stand.
pub(crate) fn settle(
    batch: &[Arc<Pending>],
    outcomes: Vec<Result<AppendResult, StoreError>>,
    written: Result<(), StoreError>,
) {
    let mut error = written.err();
    let detail = error.as_ref().map(ToString::to_string);
    for (pending, outcome) in batch.iter().zip(outcomes) {
        let outcome = match (outcome, &detail) {
            (Ok(_), Some(detail)) => {
                Err(error.take().unwrap_or_else(|| StoreError::Engine { detail: detail.clone() }))
            }
            (outcome, _) => outcome,
        };
        *lock(&pending.outcome) = Some(outcome);
    }
}

/// Hands every request of a batch that could not be written the error: nothing was stored.
pub(crate) fn fail_all(batch: &[Arc<Pending>], error: StoreError) {
    let unwritten =
        batch.iter().map(|_| Ok(AppendResult { positions: Vec::new(), stream_version: 0 })).collect();
    settle(batch, unwritten, Err(error));
}

/// The log over a backend. Appends are group-committed: concurrent appends share one
/// [`Backend::commit`], so one flush.
pub struct LogStore<B> {
    backend: B,
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
    /// [`EventStore::verify`] on a schedule instead.
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
        Ok(Self {
            backend,
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
        let mut planner = Planner::new(BackendIndex(&self.backend), *head);
        let outcomes = planner.plan_all(batch);
        let written = if planner.records.is_empty() { Ok(()) } else { self.backend.commit(&planner.records) };
        if written.is_ok() {
            self.advance(head, planner.head);
        }
        // On failure nothing was stored; the positions are reused by the next commit.
        settle(batch, outcomes, written);
    }
}

/// Where a stored event is: its stream, its version there and its position.
pub(crate) type Location = (StreamId, u64, u64);

/// What planning an append or checking an import must know of the stored log. A
/// [`Backend`] answers through [`BackendIndex`]; PostgreSQL answers inside its transaction.
pub(crate) trait Index {
    /// The stream's version (0 if absent).
    fn stream_version(&mut self, stream: &StreamId) -> Result<u64, StoreError>;
    /// Where each of these events is stored, if it is, in the order asked.
    fn locate(&mut self, event_ids: &[Uuid]) -> Result<Vec<Option<Location>>, StoreError>;
}

/// The record at `position`, which an index or the head says is stored.
fn stored<B: Backend>(backend: &B, position: u64) -> Result<RawRecord, StoreError> {
    backend.record(position)?.ok_or(StoreError::NoSuchPosition(position))
}

/// A [`Backend`] as an [`Index`].
pub(crate) struct BackendIndex<'a, B>(pub(crate) &'a B);

impl<B: Backend> Index for BackendIndex<'_, B> {
    fn stream_version(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        self.0.stream_version(stream)
    }

    fn locate(&mut self, event_ids: &[Uuid]) -> Result<Vec<Option<Location>>, StoreError> {
        event_ids
            .iter()
            .map(|event_id| {
                let Some(position) = self.0.event_position(*event_id)? else { return Ok(None) };
                let raw = stored(self.0, position)?;
                let parsed =
                    parse(&raw.bytes).map_err(|problem| StoreError::Corrupt { position, problem })?;
                Ok(Some((parsed.header.stream, parsed.header.stream_version, position)))
            })
            .collect()
    }
}

/// Plans one group commit: assigns positions and versions, seals records, tracks what earlier
/// requests in the same batch did.
pub(crate) struct Planner<I> {
    index: I,
    pub(crate) head: Option<Head>,
    pub(crate) records: Vec<Prepared>,
    /// The versions of the streams planned (as of `head` once planned).
    pub(crate) versions: HashMap<StreamId, u64>,
    ids: HashMap<Uuid, Location>,
    keep_sealed: bool,
}

impl<I: Index> Planner<I> {
    pub(crate) fn new(index: I, head: Option<Head>) -> Self {
        Self {
            index,
            head,
            records: Vec::new(),
            versions: HashMap::new(),
            ids: HashMap::new(),
            keep_sealed: false,
        }
    }

    /// The same planner, keeping each record's [`Sealed`] parts in its [`Prepared`].
    pub(crate) fn keeping_sealed(mut self) -> Self {
        self.keep_sealed = true;
        self
    }

    /// Plans every request of a batch; each gets its own outcome.
    pub(crate) fn plan_all(&mut self, batch: &[Arc<Pending>]) -> Vec<Result<AppendResult, StoreError>> {
        batch.iter().map(|pending| self.plan(pending)).collect()
    }

    fn version(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        if let Some(version) = self.versions.get(stream) {
            return Ok(*version);
        }
        let version = self.index.stream_version(stream)?;
        self.versions.insert(stream.clone(), version);
        Ok(version)
    }

    /// An idempotent retry's original result, if every event is stored, consecutively, in
    /// this stream; `None` if none is stored.
    fn retried(&mut self, pending: &Pending) -> Result<Option<AppendResult>, StoreError> {
        let unplanned: Vec<Uuid> = pending
            .events
            .iter()
            .map(|event| event.event_id)
            .filter(|event_id| !self.ids.contains_key(event_id))
            .collect();
        let mut stored = self.index.locate(&unplanned)?.into_iter();
        let found: Vec<(Uuid, Option<Location>)> = pending
            .events
            .iter()
            .map(|event| match self.ids.get(&event.event_id) {
                Some(planned) => (event.event_id, Some(planned.clone())),
                None => (event.event_id, stored.next().flatten()),
            })
            .collect();
        if found.iter().all(|(_, stored)| stored.is_none()) {
            return Ok(None);
        }
        let mut positions = Vec::with_capacity(found.len());
        let mut last_version = None;
        for (event_id, stored) in found {
            let Some((stream, version, position)) = stored else {
                return Err(StoreError::NotARetry { event_id });
            };
            let follows = last_version.is_none_or(|last: u64| version == last + 1);
            if stream != pending.stream || !follows {
                return Err(StoreError::NotARetry { event_id });
            }
            last_version = Some(version);
            positions.push(position);
        }
        Ok(Some(AppendResult { positions, stream_version: last_version.unwrap_or(0) }))
    }

    fn plan(&mut self, pending: &Pending) -> Result<AppendResult, StoreError> {
        if let Some(original) = self.retried(pending)? {
            return Ok(original);
        }
        let current = self.version(&pending.stream)?;
        if !pending.expected.admits(current) {
            return Err(StoreError::WrongExpectedVersion {
                stream: pending.stream.clone(),
                expected: pending.expected,
                actual: current,
            });
        }
        let recorded_at = Utc::now();
        let mut positions = Vec::with_capacity(pending.events.len());
        let mut version = current;
        for event in &pending.events {
            let position = self.head.map_or(1, |head| head.position + 1);
            version += 1;
            let header = Header {
                position,
                stream: pending.stream.clone(),
                stream_version: version,
                event_id: event.event_id,
                event_type: event.event_type.clone(),
                schema_version: event.schema_version,
                metadata: EventMetadata {
                    actor: event.actor,
                    occurred_on: event.occurred_on,
                    recorded_at,
                    correlation_id: event.correlation_id,
                    causation_id: event.causation_id,
                },
                body_digest: event.body_digest,
                previous_hash: self.head.map_or([0; 32], |head| head.hash),
            };
            let (bytes, hash) = seal(&header, &event.body);
            let sealed = self.keep_sealed.then(|| {
                Box::new(Sealed {
                    header,
                    hash,
                    payload: event.payload.clone(),
                    rationale: event.rationale.clone(),
                })
            });
            self.records.push(Prepared {
                position,
                stream: pending.stream.clone(),
                stream_version: version,
                event_id: event.event_id,
                bytes,
                sealed,
            });
            self.ids.insert(event.event_id, (pending.stream.clone(), version, position));
            self.head = Some(Head { position, hash });
            positions.push(position);
        }
        self.versions.insert(pending.stream.clone(), version);
        Ok(AppendResult { positions, stream_version: version })
    }
}

/// An append of no events: it checks the expected version and appends nothing.
pub(crate) fn append_nothing(
    store: &dyn EventStore,
    stream: &StreamId,
    expected: ExpectedVersion,
) -> Result<AppendResult, StoreError> {
    let actual = store.stream_version(stream)?;
    if !expected.admits(actual) {
        return Err(StoreError::WrongExpectedVersion { stream: stream.clone(), expected, actual });
    }
    Ok(AppendResult { positions: Vec::new(), stream_version: actual })
}

/// Refuses the store's own streams (`$registry`, `$redactions`, any `$` name) to the public
/// `append`: their records come only from `erase` and `redact`.
pub(crate) fn refuse_own(stream: &StreamId) -> Result<(), StoreError> {
    if stream.as_str().starts_with('$') {
        return Err(StoreError::ReservedStream { name: stream.as_str().to_owned() });
    }
    Ok(())
}

impl<B: Backend> LogStore<B> {
    /// `append`, to any stream.
    fn append_checked(
        &self,
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

/// The registry key of the manifest: the nil id, which no person has.
fn manifest_key() -> PersonId {
    PersonId::from_uuid(Uuid::nil())
}

/// The marker of the registry's manifest.
const REGISTRY_MANIFEST: &[u8; 4] = b"NVM1";

/// The manifest's bytes: the marker, the SHA-256 of the ids, the ids (16 bytes each, in order).
fn manifest_bytes(persons: &BTreeSet<PersonId>) -> Vec<u8> {
    let ids: Vec<u8> = persons.iter().flat_map(|person| *person.as_uuid().as_bytes()).collect();
    let mut bytes = REGISTRY_MANIFEST.to_vec();
    bytes.extend_from_slice(&sha256(&ids));
    bytes.extend_from_slice(&ids);
    bytes
}

/// The marker of a registry entry stored with its digest.
const REGISTRY_SEALED: &[u8; 4] = b"NVR1";

/// A registry entry's stored bytes: the marker, the SHA-256 of the person's id and the JSON,
/// the JSON. The log's chain does not cover the registry (an erasure rewrites it), so each
/// entry carries its own digest, over its key too: a damaged entry, or one moved to another
/// person, is an error, not a wrong name in a report.
fn registry_bytes(person: PersonId, entry: &RegistryEntry) -> Vec<u8> {
    let json = serde_json::to_vec(entry).unwrap_or_default();
    let mut bytes = Vec::with_capacity(36 + json.len());
    bytes.extend_from_slice(REGISTRY_SEALED);
    bytes.extend_from_slice(&registry_digest(person, &json));
    bytes.extend_from_slice(&json);
    bytes
}

fn registry_digest(person: PersonId, json: &[u8]) -> [u8; 32] {
    let mut keyed = person.as_uuid().as_bytes().to_vec();
    keyed.extend_from_slice(json);
    sha256(&keyed)
}

/// The registry entry in `bytes`: decrypted with the key `key` reads (`NVR2`), or its digest
/// checked (`NVR1`; entries written before digests are plain JSON).
fn registry_from_bytes(
    person: PersonId,
    bytes: &[u8],
    key: impl FnOnce() -> Result<Option<Vec<u8>>, StoreError>,
) -> Result<RegistryEntry, StoreError> {
    if bytes.starts_with(ENCRYPTED) {
        let key = match key()?.as_deref().map(KeyRecord::parse) {
            Some(Some(KeyRecord::Live(key))) => key,
            _ => return Err(damaged_key(person)),
        };
        let json = key.open(person, bytes).ok_or_else(|| StoreError::Damaged {
            detail: format!("the registry entry of {person} does not decrypt under its key"),
        })?;
        return registry_from_json(person, &json);
    }
    let Some(sealed) = bytes.strip_prefix(REGISTRY_SEALED) else {
        return registry_from_json(person, bytes);
    };
    match sealed.split_at_checked(32) {
        Some((digest, json)) if registry_digest(person, json)[..] == *digest => {
            registry_from_json(person, json)
        }
        _ => Err(StoreError::Damaged {
            detail: format!("the registry entry of {person} does not match its digest"),
        }),
    }
}

pub(crate) fn damaged_key(person: PersonId) -> StoreError {
    StoreError::Damaged { detail: format!("the registry key of {person} is missing or damaged") }
}

pub(crate) fn registry_from_json(person: PersonId, bytes: &[u8]) -> Result<RegistryEntry, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| StoreError::Engine {
        detail: format!("registry entry of {person} is unreadable: {error}"),
    })
}

/// Refuses malformed events before they reach the writer.
fn check_events(events: &[NewEvent]) -> Result<(), StoreError> {
    let mut ids = HashSet::with_capacity(events.len());
    for event in events {
        let problem = if !ids.insert(event.event_id) {
            Some("its id appears twice in one append")
        } else if event.event_type.trim().is_empty() {
            Some("its type name is blank")
        } else if event.event_type.len() > 200 || event.event_type.chars().any(|c| c.is_control() || c == '"')
        {
            Some("its type name is longer than 200 bytes or has control characters or quotes")
        } else if event.schema_version == 0 {
            Some("schema versions start at 1")
        } else if !event.payload.is_object() {
            Some("its payload is not a JSON object")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(StoreError::InvalidEvent { event_id: event.event_id, problem });
        }
    }
    Ok(())
}

/// Checks records exported from another log against the stored log whose head is `head`
/// (see [`EventStore::import`]): each alone and in place. Returns them ready to store, with the
/// head they make.
pub(crate) fn check_import<I: Index>(
    index: &mut I,
    head: Option<Head>,
    records: &[RawRecord],
) -> Result<(Vec<Prepared>, Option<Head>), StoreError> {
    let mut versions: HashMap<StreamId, u64> = HashMap::new();
    let mut ids = HashSet::new();
    let mut link = head;
    let mut prepared = Vec::with_capacity(records.len());
    for raw in records {
        let corrupt = |problem| StoreError::Corrupt { position: raw.position, problem };
        let parsed = parse_and_check(&raw.bytes).map_err(corrupt)?;
        let header = parsed.header;
        let expected = link.map_or(1, |link| link.position + 1);
        if raw.position != expected || header.position != expected {
            return Err(corrupt(Corruption::Gap { missing: expected }));
        }
        if header.previous_hash != link.map_or([0; 32], |link| link.hash) {
            return Err(corrupt(Corruption::BrokenLink));
        }
        let version = match versions.get(&header.stream) {
            Some(version) => *version,
            None => index.stream_version(&header.stream)?,
        };
        if header.stream_version != version + 1 {
            let problem = Corruption::StreamVersionGap {
                stream: header.stream.to_string(),
                previous: version,
                found: header.stream_version,
            };
            return Err(corrupt(problem));
        }
        versions.insert(header.stream.clone(), header.stream_version);
        if !ids.insert(header.event_id) {
            return Err(StoreError::NotARetry { event_id: header.event_id });
        }
        link = Some(Head { position: header.position, hash: parsed.hash });
        prepared.push(Prepared {
            position: header.position,
            stream: header.stream,
            stream_version: header.stream_version,
            event_id: header.event_id,
            bytes: raw.bytes.clone(),
            sealed: None,
        });
    }
    let event_ids: Vec<Uuid> = prepared.iter().map(|record| record.event_id).collect();
    let stored = index.locate(&event_ids)?;
    if let Some((record, _)) = prepared.iter().zip(stored).find(|(_, stored)| stored.is_some()) {
        return Err(StoreError::NotARetry { event_id: record.event_id });
    }
    Ok((prepared, link))
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
            Err(StoreError::Damaged { detail } | StoreError::Engine { detail }) => {
                Ok(report.index_problem(records + 1, Corruption::Registry { detail }))
            }
            Err(other) => Err(other),
        }
    }
}

impl<B: Backend> EventStore for LogStore<B> {
    fn verify_with(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, StoreError> {
        self.verify_indexes(progress)
    }

    fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        refuse_own(stream)?;
        self.append_checked(stream, expected, events)
    }

    fn append_own(
        &self,
        _: RawAccess,
        stream: &StreamId,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        self.append_checked(stream, ExpectedVersion::Any, events)
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        // Only count what is durable: read under the writer lock, which a commit holds.
        let _writer = lock(&self.writer);
        self.backend.stream_version(stream)
    }

    fn read_stream(&self, stream: &StreamId, from_version: u64) -> Result<Vec<Envelope>, StoreError> {
        let committed = self.committed_head();
        let from = from_version.max(1);
        let positions = self.backend.stream_positions(stream, from)?;
        let mut envelopes = Vec::with_capacity(positions.len());
        for (version, position) in
            (from..).zip(positions.into_iter().filter(|position| *position <= committed))
        {
            let envelope = envelope_at(position, &stored(&self.backend, position)?.bytes)?;
            // The index led here by (stream, version): the record must be that one.
            if envelope.stream != *stream || envelope.stream_version != version {
                let detail = format!(
                    "{stream} version {version} leads to position {position}, which holds {} version {}",
                    envelope.stream, envelope.stream_version
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
        let committed = self.committed_head();
        let Some(position) = self.backend.event_position(event_id)?.filter(|position| *position <= committed)
        else {
            return Ok(None);
        };
        // The index led here by the event's id: the record must hold that event.
        let envelope = envelope_at(position, &stored(&self.backend, position)?.bytes)?;
        if envelope.event_id != event_id {
            let detail = format!(
                "event {event_id} leads to position {position}, which holds event {}",
                envelope.event_id
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use chrono::NaiveDate;
    use serde_json::json;

    use super::*;

    fn one_event() -> [NewEvent; 1] {
        [NewEvent {
            event_id: Uuid::now_v7(),
            event_type: "TestHappened".into(),
            schema_version: 1,
            payload: json!({}),
            rationale: None,
            actor: PersonId::from_uuid(Uuid::from_u128(1)),
            occurred_on: NaiveDate::from_ymd_opt(2016, 9, 1).unwrap(),
            correlation_id: None,
            causation_id: None,
        }]
    }

    /// A commit that stores nothing and hands every request a success, noting the batch's size.
    fn note_and_settle(sizes: &mut Vec<usize>, batch: &[Arc<Pending>]) {
        sizes.push(batch.len());
        let outcomes =
            batch.iter().map(|_| Ok(AppendResult { positions: vec![1], stream_version: 1 })).collect();
        settle(batch, outcomes, Ok(()));
    }

    #[test]
    fn appends_queued_while_a_leader_commits_go_together_in_the_next_and_a_lone_one_after_still_commits() {
        let queue = Queue::default();
        let sizes = Mutex::new(Vec::new());
        let stream = StreamId::new("org-a").unwrap();
        let (entered, has_entered) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let outcomes = std::thread::scope(|scope| {
            let (queue, sizes, stream) = (&queue, &sizes, &stream);
            let first = scope.spawn(move || {
                queue.append(sizes, stream, ExpectedVersion::Any, &one_event(), |sizes, batch| {
                    entered.send(()).unwrap();
                    released.recv().unwrap();
                    note_and_settle(sizes, batch);
                })
            });
            has_entered.recv().unwrap();
            let others: Vec<_> = (0..7)
                .map(|_| {
                    scope.spawn(move || {
                        queue.append(sizes, stream, ExpectedVersion::Any, &one_event(), note_and_settle)
                    })
                })
                .collect();
            while lock(&queue.state).requests.len() < 7 {
                std::thread::yield_now();
            }
            release.send(()).unwrap();
            std::iter::once(first).chain(others).map(|handle| handle.join().unwrap()).collect::<Vec<_>>()
        });
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        assert_eq!(*lock(&sizes), vec![1, 7], "the seven queued during the first commit share the second");
        // A lone append after a batch of seven waits at most GATHER for company, then commits.
        queue.append(&sizes, &stream, ExpectedVersion::Any, &one_event(), note_and_settle).unwrap();
        assert_eq!(*lock(&sizes), vec![1, 7, 1]);
    }
}
