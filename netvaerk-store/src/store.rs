//! The `EventStore` trait: the contract every backend keeps.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use netvaerk_core::{OrganisationId, PersonId};
use serde_json::json;
use uuid::Uuid;

use crate::envelope::{
    hex, AppendResult, Body, Envelope, ExpectedVersion, Head, NewEvent, RecordHeader, RecordView, Scrubbed,
    StreamId,
};
use crate::error::{Corruption, StoreError};
use crate::record::{encode_body, envelope_at, parse_and_check, sha256, RawRecord};
use crate::registry::{PersonalData, RegistryEntry, PAYLOAD_REDACTED, PERSONAL_DATA_RECORDED, PERSON_ERASED};
use crate::subscription::Subscription;

/// What [`EventStore::visit_range`] calls with each record.
pub type VisitView<'a> = dyn FnMut(RecordView<'_>) -> Result<(), StoreError> + 'a;

/// Raw records in position order.
pub type RawRecords<'a> = Box<dyn Iterator<Item = Result<RawRecord, StoreError>> + 'a>;

/// Envelopes in position order.
pub type Envelopes<'a> = Box<dyn Iterator<Item = Result<Envelope, StoreError>> + 'a>;

/// An append-only, hash-chained event log with a person registry beside it.
///
/// Every backend passes the same conformance suite (`tests/it/conformance.rs`). The required
/// methods state their contract with "must"; the rest are provided on top of them.
pub trait EventStore: Send + Sync {
    /// Appends `events` to `stream` if its version meets `expected`. The store's own streams
    /// (names starting with `$`) are refused with [`StoreError::ReservedStream`]: their
    /// records come only from `erase` and `redact`. The rest is [`EventStore::append_any`]'s.
    fn append(
        &self,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        if stream.as_str().starts_with('$') {
            return Err(StoreError::ReservedStream { name: stream.as_str().to_owned() });
        }
        self.append_any(RawAccess(()), stream, expected, events)
    }

    /// Appends `events` to any stream, the store's own included, if its version meets
    /// `expected`. Only [`EventStore::append`] (after refusing the store's own streams),
    /// `erase` and `redact` call it: the [`RawAccess`] it takes only this crate makes (a
    /// wrapping store passes on the one it is given).
    ///
    /// It must append all events or none, at gapless global positions in commit order, and
    /// return only once they are durable. If every event id is stored already, as the events of
    /// one earlier append to this stream, it must return that append's result and append
    /// nothing (an idempotent retry); if only some are, or elsewhere, it must refuse with
    /// [`StoreError::NotARetry`]. A version conflict must be
    /// [`StoreError::WrongExpectedVersion`] carrying the actual version.
    fn append_any(
        &self,
        access: RawAccess,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError>;

    /// The stream's version: its number of events (0 if it does not exist).
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError>;

    /// The stream's events from `from_version` (1 is the first) on, in order.
    fn read_stream(&self, stream: &StreamId, from_version: u64) -> Result<Vec<Envelope>, StoreError>;

    /// The raw records from `from_position` on, up to the head when called, in order, lazily.
    /// It must yield only durable records.
    fn read_raw(&self, from_position: u64) -> RawRecords<'_>;

    /// The last position and its hash, `None` while the log is empty.
    fn head(&self) -> Result<Option<Head>, StoreError>;

    /// Blocks until the head is beyond `position` or `timeout` passes; returns the head's
    /// position (0 while empty).
    fn wait_beyond(&self, position: u64, timeout: Duration) -> Result<u64, StoreError>;

    /// Replaces the body of the record at `position`, keeping its header and hash; it must be
    /// durable on return. Only [`EventStore::redact`] calls it: the [`RawAccess`] it takes
    /// cannot be made outside this crate, so no caller can blank a body without the
    /// `$redactions` record (a wrapping store passes on the one it is given).
    fn rewrite_body(&self, access: RawAccess, position: u64, body: &Body) -> Result<(), StoreError>;

    /// Appends records exported from another log (with their positions and hashes) after
    /// this log's head: all or none.
    ///
    /// It must check each record alone (checksum, hash, body digest) and in place: the first
    /// must follow the head, each must link to the one before, stream versions must follow,
    /// event ids must be new. A record that fails is refused with
    /// [`StoreError::Corrupt`] naming its position (or [`StoreError::NotARetry`] for a
    /// known event id), and nothing is appended.
    fn import(&self, records: &[RawRecord]) -> Result<(), StoreError>;

    /// The registry's entry for `person`.
    fn registry_entry(&self, person: PersonId) -> Result<Option<RegistryEntry>, StoreError>;

    /// Writes the registry's entry for `person`, durably. Only this crate's rules call it
    /// ([`EventStore::register_person`], [`EventStore::erase`],
    /// [`EventStore::import_registry`]), through the [`RawAccess`] no one else can make: a
    /// caller cannot un-erase a person.
    fn write_registry_entry(
        &self,
        access: RawAccess,
        person: PersonId,
        entry: &RegistryEntry,
    ) -> Result<(), StoreError>;

    /// Every registry entry, in person id order (to copy the registry with the log).
    fn registry_entries(&self) -> Result<Vec<(PersonId, RegistryEntry)>, StoreError>;

    /// The snapshot kept for `stream` ([`EventStore::save_snapshot`]), if any: the bytes as
    /// saved. The store does not read them; whether they still hold is the caller's to check
    /// against the log (a snapshot names the record it folds up to, and that record's hash).
    fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError>;

    /// Keeps `bytes` as `stream`'s snapshot, replacing the one before. A snapshot lives beside
    /// the log, outside its chain: it must be durable on return, must never be readable as a
    /// record, and changes nothing [`EventStore::verify`] checks. [`EventStore::redact`]
    /// deletes the snapshot of the stream it redacts, since a snapshot holds the words it was
    /// folded from.
    fn save_snapshot(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError>;

    /// Deletes `stream`'s snapshot, if any (none is no error); durable on return.
    fn delete_snapshot(&self, stream: &StreamId) -> Result<(), StoreError>;

    /// Whether opening the store recovered it from an unclean shutdown (a crash while a writer
    /// had it open): every committed append is there, and the caller may say so. Not damage.
    fn recovered(&self) -> bool {
        false
    }

    /// Makes the storage engine forget the old copies that redactions and erasures leave in
    /// its files (dead rows, log segments), as far as it can, and names what it cannot reach
    /// ([`Kept`](crate::Kept)). It changes no record: the log, its chain and its registry read
    /// the same before and after. Engines that keep no old copies (redb, memory) have nothing
    /// to do. PostgreSQL rewrites its tables and writes through its write-ahead log, which
    /// needs privileges ([`StoreError::NotPermitted`]) and holds the tables' locks meanwhile.
    fn purge(&self) -> Result<crate::Purged, StoreError> {
        Ok(crate::Purged::nothing_kept())
    }

    /// The position of the event with this id, `None` if the log does not hold it. Backends
    /// answer from their event-id index; this default walks the log.
    fn position_of(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        for raw in self.read_raw(1) {
            let raw = raw?;
            let envelope = envelope_at(raw.position, &raw.bytes)?;
            if envelope.header.event_id == event_id {
                return Ok(Some(raw.position));
            }
        }
        Ok(None)
    }

    /// The envelope at `position`, `None` if the log does not (yet) hold it.
    fn read_at(&self, position: u64) -> Result<Option<Envelope>, StoreError> {
        Ok(self
            .read_all(position)
            .next()
            .transpose()?
            .filter(|envelope| envelope.header.position == position))
    }

    /// All envelopes from `from_position` on, lazily, in commit order.
    fn read_all(&self, from_position: u64) -> Envelopes<'_> {
        Box::new(
            self.read_raw(from_position).map(|raw| raw.and_then(|raw| envelope_at(raw.position, &raw.bytes))),
        )
    }

    /// The envelopes at positions `first..=last` (fewer where the log ends), checked as
    /// [`EventStore::read_all`] checks each, in commit order. A store that reads in pages
    /// knows from `last` where to stop, and asks for no more.
    fn read_range(&self, first: u64, last: u64) -> Envelopes<'_> {
        Box::new(self.read_all(first).take_while(move |envelope| {
            envelope.as_ref().map_or(true, |envelope| envelope.header.position <= last)
        }))
    }

    /// Calls `visit` with each record at positions `first..=last` (fewer where the log ends), in
    /// commit order, checked as [`EventStore::read_range`] checks each, and borrowed where the
    /// engine lends its bytes: nothing is copied or kept that a fold does not read. Stops at the
    /// first error, `visit`'s or a record's ([`StoreError::Corrupt`] at its position); returns
    /// how many records it visited.
    fn visit_range(&self, first: u64, last: u64, visit: &mut VisitView<'_>) -> Result<u64, StoreError> {
        let mut visited = 0;
        for envelope in self.read_range(first, last) {
            visit(RecordView::of(&envelope?))?;
            visited += 1;
        }
        Ok(visited)
    }

    /// Follows the log from `from_position`: first what is there, then each new event as it
    /// is appended, every event once, in order.
    fn subscribe(&self, from_position: u64) -> Subscription<'_>
    where
        Self: Sized,
    {
        Subscription::new(self, from_position)
    }

    /// Walks the whole chain: every record's checksum, hash, body digest, link to the one
    /// before, position and stream version. Reads only.
    fn verify(&self) -> Result<VerifyReport, StoreError> {
        self.verify_with(&mut |_| {})
    }

    /// [`EventStore::verify`], calling `progress` with each position checked (for a progress
    /// bar over a large log).
    fn verify_with(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, StoreError> {
        verify_chain(self.read_raw(1), progress, &mut |_, _| None)
    }

    /// Puts `person`'s personal data in the registry (or replaces it), recorded `by` at `at`;
    /// [`EventStore::record_personal_data`] without naming an organisation.
    fn register_person(
        &self,
        person: PersonId,
        data: PersonalData,
        by: PersonId,
        at: DateTime<Utc>,
    ) -> Result<Option<AppendResult>, StoreError> {
        self.record_personal_data(None, person, data, by, at)
    }

    /// Puts `person`'s personal data in the registry (or replaces it), recorded `by` at `at`
    /// for `organisation`: a `PersonalDataRecorded` record in the `$registry` stream names the
    /// person, the organisation, who changed their data, when, and which fields (`name`,
    /// `email`, `title`), never the data. Returns where that record went, or nothing was
    /// appended when the data is what the registry holds already. An erased person stays
    /// erased. Whether `by` may, and whether the person is that organisation's
    /// ([`EventStore::registry_owner`]), is the application service's question to the core's
    /// authority table.
    fn record_personal_data(
        &self,
        organisation: Option<OrganisationId>,
        person: PersonId,
        data: PersonalData,
        by: PersonId,
        at: DateTime<Utc>,
    ) -> Result<Option<AppendResult>, StoreError> {
        data.validate()?;
        let before = match self.registry_entry(person)? {
            Some(RegistryEntry::Erased { .. }) => return Err(StoreError::Erased(person)),
            Some(RegistryEntry::Known(before)) => Some(before),
            None => None,
        };
        let fields = data.changed_fields(before.as_ref());
        if fields.is_empty() {
            return Ok(None);
        }
        let mut payload = json!({ "person": person, "fields": fields });
        if let Some(organisation) = organisation {
            payload["organisation"] = json!(organisation);
        }
        let record = system_event(PERSONAL_DATA_RECORDED, payload, by, at);
        let appended =
            self.append_any(RawAccess(()), &StreamId::registry(), ExpectedVersion::Any, &[record])?;
        self.write_registry_entry(RawAccess(()), person, &RegistryEntry::Known(data))?;
        Ok(Some(appended))
    }

    /// The organisation whose personal data `person`'s is: the one named by the first
    /// `PersonalDataRecorded` record of the person that names one. `None` when no record names
    /// one (data recorded before records named their organisation, or none recorded).
    fn registry_owner(&self, person: PersonId) -> Result<Option<OrganisationId>, StoreError> {
        let wanted = person.to_string();
        for record in self.read_stream(&StreamId::registry(), 1)? {
            if record.header.event_type != PERSONAL_DATA_RECORDED {
                continue;
            }
            let Some(payload) = record.payload() else { continue };
            if payload.get("person").and_then(|value| value.as_str()) != Some(wanted.as_str()) {
                continue;
            }
            let owner = payload.get("organisation").and_then(|value| value.as_str());
            if let Some(owner) = owner.and_then(|owner| owner.parse().ok()) {
                return Ok(Some(owner));
            }
        }
        Ok(None)
    }

    /// Copies registry entries from another store's [`EventStore::registry_entries`] (as
    /// `migrate` does), erasures included: an entry this registry lacks is written, an
    /// erasure replaces known data, an equal entry is left as it is. Refuses, before writing
    /// anything, to bring back the data of a person erased here ([`StoreError::Erased`]) or to
    /// replace one person's data with different data ([`StoreError::RegistryConflict`]), and
    /// an erasure this log holds no `PersonErased` record of ([`StoreError::UnrecordedErasure`]:
    /// import the log first).
    fn import_registry(&self, entries: &[(PersonId, RegistryEntry)]) -> Result<usize, StoreError> {
        let recorded: BTreeSet<String> = self
            .read_stream(&StreamId::registry(), 1)?
            .iter()
            .filter(|record| record.header.event_type == PERSON_ERASED)
            .filter_map(|record| Some(record.payload()?.get("person")?.as_str()?.to_owned()))
            .collect();
        let mut writes = Vec::new();
        for (person, entry) in entries {
            match entry {
                RegistryEntry::Known(data) => data.validate()?,
                RegistryEntry::Erased { .. } if !recorded.contains(&person.to_string()) => {
                    return Err(StoreError::UnrecordedErasure(*person));
                }
                RegistryEntry::Erased { .. } => {}
            }
            match (self.registry_entry(*person)?, entry) {
                (None, _) | (Some(RegistryEntry::Known(_)), RegistryEntry::Erased { .. }) => {
                    writes.push((*person, entry));
                }
                (Some(here), _) if here == *entry => {}
                (Some(RegistryEntry::Erased { .. }), RegistryEntry::Known(_)) => {
                    return Err(StoreError::Erased(*person));
                }
                (Some(_), _) => return Err(StoreError::RegistryConflict(*person)),
            }
        }
        for (person, entry) in &writes {
            self.write_registry_entry(RawAccess(()), *person, entry)?;
        }
        Ok(writes.len())
    }

    /// Erases `person`'s personal data (GDPR): appends an erasure record to the `$registry`
    /// stream (who, when; no personal data), then replaces the data with an erasure marker.
    /// The log and its chain are untouched.
    fn erase(&self, person: PersonId, by: PersonId, at: DateTime<Utc>) -> Result<AppendResult, StoreError> {
        match self.registry_entry(person)? {
            None => return Err(StoreError::NotInRegistry(person)),
            Some(RegistryEntry::Erased { .. }) => return Err(StoreError::Erased(person)),
            Some(RegistryEntry::Known(_)) => {}
        }
        let record = system_event(PERSON_ERASED, json!({ "person": person }), by, at);
        let appended =
            self.append_any(RawAccess(()), &StreamId::registry(), ExpectedVersion::Any, &[record])?;
        self.write_registry_entry(RawAccess(()), person, &RegistryEntry::Erased { by, at })?;
        Ok(appended)
    }

    /// Redacts the words at `position`: its body (payload and rationale) is replaced by a
    /// redaction marker and the event scrubbed of every free text ([`Scrubbed`]), so that the
    /// stream still folds and decides. A record that is no domain event (a `$` stream, a type
    /// the core does not know) keeps no event.
    ///
    /// First a `PayloadRedacted` record (who, when, why, and the digest of the new body) is
    /// appended to the `$redactions` stream, then the body's bytes are replaced, then the
    /// stream's snapshot (which holds the old words) is deleted. The chain
    /// covers the old body's digest, so `verify` still passes, and binds the new body through
    /// the record's digest, so a body replaced any other way fails it. Returns where the
    /// redaction record went.
    fn redact(
        &self,
        position: u64,
        reason: &str,
        by: PersonId,
        at: DateTime<Utc>,
    ) -> Result<AppendResult, StoreError> {
        let envelope = self.read_at(position)?.ok_or(StoreError::NoSuchPosition(position))?;
        if envelope.is_redacted() {
            return Err(StoreError::AlreadyRedacted(position));
        }
        let scrubbed = match envelope.event() {
            Ok(Some(event)) => Some(Scrubbed::of(&event, envelope.rationale().is_some())),
            Ok(None) | Err(_) => None,
        };
        let body = Body::Redacted { reason: reason.to_owned(), redacted_at: at, scrubbed };
        let digest = hex(&sha256(&encode_body(&body)));
        let payload = json!({ "position": position, "reason": reason, "body_digest": digest });
        let record = system_event(PAYLOAD_REDACTED, payload, by, at);
        let appended =
            self.append_any(RawAccess(()), &StreamId::redactions(), ExpectedVersion::Any, &[record])?;
        self.rewrite_body(RawAccess(()), position, &body)?;
        // The stream's snapshot holds the words just removed. Should this fail, the
        // `$redactions` record appended above still keeps the snapshot from being trusted.
        self.delete_snapshot(&envelope.header.stream)?;
        Ok(appended)
    }
}

/// The permission to call [`EventStore::rewrite_body`], [`EventStore::write_registry_entry`]
/// and [`EventStore::append_any`], the methods that skip the rules of redaction and erasure.
/// Only this crate makes one, inside `redact`, `erase`, `register_person` and
/// `import_registry`; a backend receives it and a wrapping store passes it on.
#[derive(Clone, Copy, Debug)]
pub struct RawAccess(());

impl dyn EventStore + '_ {
    /// [`EventStore::subscribe`] for a trait object.
    pub fn subscribe_dyn(&self, from_position: u64) -> Subscription<'_> {
        Subscription::new(self, from_position)
    }
}

/// What is wrong with a record's place in the log: its position, its link to the record
/// before, its stream version. Advances the stream's version when all is well.
/// Walks `records` from position 1: each record's checksum, hash, body digest, position, link
/// to the one before and stream version; `observe` sees each sound record's header and may
/// name a problem of its own (an index that disagrees). Stops at the first bad record.
pub(crate) fn verify_chain(
    records: RawRecords<'_>,
    progress: &mut dyn FnMut(u64),
    observe: &mut dyn FnMut(&RecordHeader, u64) -> Option<Corruption>,
) -> Result<VerifyReport, StoreError> {
    let mut previous = [0u8; 32];
    let mut expected = 1u64;
    let mut versions: HashMap<StreamId, u64> = HashMap::new();
    // A redacted body is valid only with a `$redactions` record that names it and, since
    // redactions keep the scrubbed event, its digest (position → the body's digest, and
    // position → the digests recorded: a retried redaction records twice).
    let (mut redacted, mut recorded) = (BTreeMap::new(), BTreeMap::<u64, Vec<Option<String>>>::new());
    let redactions = StreamId::redactions();
    for raw in records {
        let raw = match raw {
            Ok(raw) => raw,
            Err(StoreError::Corrupt { position, problem }) => {
                return Ok(VerifyReport::bad(expected - 1, position, problem));
            }
            Err(other) => return Err(other),
        };
        let position = raw.position;
        if position != expected {
            return Ok(VerifyReport::bad(expected - 1, expected, Corruption::Gap { missing: expected }));
        }
        let parsed = match parse_and_check(&raw.bytes) {
            Ok(parsed) => parsed,
            Err(problem) => return Ok(VerifyReport::bad(expected - 1, position, problem)),
        };
        if let Some(problem) = link_problem(&parsed.header, position, &previous, &mut versions) {
            return Ok(VerifyReport::bad(expected - 1, position, problem));
        }
        if let Some(problem) = observe(&parsed.header, position) {
            return Ok(VerifyReport::bad(expected - 1, position, problem));
        }
        match &parsed.body {
            body @ Body::Redacted { scrubbed, .. } => {
                redacted.insert(position, (hex(&sha256(&encode_body(body))), scrubbed.is_some()));
            }
            Body::Present { payload, .. }
                if parsed.header.stream == redactions && parsed.header.event_type == PAYLOAD_REDACTED =>
            {
                let record = serde_json::from_str::<serde_json::Value>(payload).ok();
                let field = |name: &str| record.as_ref().and_then(|record| record.get(name).cloned());
                if let Some(named) = field("position").and_then(|value| value.as_u64()) {
                    let digest = field("body_digest").and_then(|value| value.as_str().map(str::to_owned));
                    recorded.entry(named).or_default().push(digest);
                }
            }
            Body::Present { .. } => {}
        }
        previous = parsed.hash;
        progress(position);
        expected += 1;
    }
    let checked = expected - 1;
    for (position, (digest, scrubbed)) in &redacted {
        let Some(records) = recorded.get(position) else {
            return Ok(VerifyReport::bad(checked, *position, Corruption::UnrecordedRedaction));
        };
        // A record from before redactions kept the scrubbed event names no digest; the body it
        // allows keeps no event, so no fact can be changed behind it.
        let bound = records.iter().any(|recorded| match recorded {
            Some(recorded) => recorded == digest,
            None => !scrubbed,
        });
        if !bound {
            return Ok(VerifyReport::bad(checked, *position, Corruption::RedactedBodyMismatch));
        }
    }
    let head = (expected > 1).then_some(Head { position: checked, hash: previous });
    Ok(VerifyReport { checked, head, first_bad: None })
}

impl VerifyReport {
    /// The report of a chain that verified up to its head, with an index problem found after.
    pub(crate) fn index_problem(self, position: u64, problem: Corruption) -> Self {
        Self {
            checked: position.saturating_sub(1).min(self.checked),
            head: None,
            first_bad: Some((position, problem)),
        }
    }
}

fn link_problem(
    header: &RecordHeader,
    position: u64,
    previous: &[u8; 32],
    versions: &mut HashMap<StreamId, u64>,
) -> Option<Corruption> {
    if header.position != position {
        return Some(Corruption::PositionMismatch { stored: position, named: header.position });
    }
    if header.previous_hash != *previous {
        return Some(Corruption::BrokenLink);
    }
    let version = versions.entry(header.stream.clone()).or_insert(0);
    if header.stream_version != *version + 1 {
        return Some(Corruption::StreamVersionGap {
            stream: header.stream.to_string(),
            previous: *version,
            found: header.stream_version,
        });
    }
    *version += 1;
    None
}

fn system_event(event_type: &str, payload: serde_json::Value, by: PersonId, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: event_type.to_owned(),
        schema_version: 1,
        payload,
        rationale: None,
        actor: by,
        occurred_on: at.date_naive(),
        correlation_id: None,
        causation_id: None,
        command_digest: None,
    }
}

/// What [`EventStore::verify`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many records passed, from position 1.
    pub checked: u64,
    /// The head, if the whole log passed and is not empty.
    pub head: Option<Head>,
    /// The first bad record and what is wrong with it.
    pub first_bad: Option<(u64, Corruption)>,
}

impl VerifyReport {
    fn bad(checked: u64, position: u64, problem: Corruption) -> Self {
        Self { checked, head: None, first_bad: Some((position, problem)) }
    }

    /// Whether the whole chain verified.
    pub fn is_ok(&self) -> bool {
        self.first_bad.is_none()
    }
}
