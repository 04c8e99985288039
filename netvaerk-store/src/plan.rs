//! Planning a group commit against what is stored: positions, versions, expected versions,
//! idempotent retries, sealing; and the check of an imported log. `LogStore` and PostgreSQL
//! share it through [`Index`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use uuid::Uuid;

use crate::backend::{Backend, Prepared};
use crate::envelope::{
    AppendResult, Body, Envelope, EventMetadata, ExpectedVersion, Head, RecordHeader, StreamId,
};
use crate::error::{Corruption, StoreError};
use crate::queue::Pending;
use crate::record::{parse, parse_and_check, seal, writers_framing, RawRecord};
use crate::store::EventStore;

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
pub(crate) fn stored<B: Backend>(backend: &B, position: u64) -> Result<RawRecord, StoreError> {
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
    keep_bodies: bool,
}

impl<I: Index> Planner<I> {
    pub(crate) fn new(index: I, head: Option<Head>) -> Self {
        Self {
            index,
            head,
            records: Vec::new(),
            versions: HashMap::new(),
            ids: HashMap::new(),
            keep_bodies: false,
        }
    }

    /// The same planner, keeping each record's body in its [`Prepared`].
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store uses it
    pub(crate) fn keeping_bodies(mut self) -> Self {
        self.keep_bodies = true;
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
            let header = RecordHeader {
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
                    command_digest: event.command_digest,
                },
                body_digest: event.body_digest,
                previous_hash: self.head.map_or([0; 32], |head| head.hash),
            };
            let (bytes, hash) = seal(&header, &event.body);
            let body = self.keep_bodies.then(|| Body::Present {
                payload: event.payload.as_str().into(),
                rationale: event.rationale.clone(),
            });
            self.records.push(Prepared { header, hash, bytes, body });
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
        let Envelope { header, body, hash } = parse_and_check(&raw.bytes).map_err(corrupt)?;
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
        link = Some(Head { position: header.position, hash });
        // A record PostgreSQL chained is stored as its writer would have framed it.
        let bytes = writers_framing(&raw.bytes).map_err(corrupt)?;
        prepared.push(Prepared { header, hash, bytes, body: Some(body) });
    }
    let event_ids: Vec<Uuid> = prepared.iter().map(|record| record.header.event_id).collect();
    let stored = index.locate(&event_ids)?;
    if let Some((record, _)) = prepared.iter().zip(stored).find(|(_, stored)| stored.is_some()) {
        return Err(StoreError::NotARetry { event_id: record.header.event_id });
    }
    Ok((prepared, link))
}
