//! What goes into the log and what comes out: streams, expected versions, new events,
//! envelopes.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use netvaerk_core::codec::{decode_json, encode};
use netvaerk_core::{Command, Decision, DecodeError, Event, OrganisationId, PersonId, REDACTED_TEXT};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::error::StoreError;

/// The longest stream id, in bytes.
pub const MAX_STREAM_ID_LEN: usize = 200;

/// A stream's name. An organisation's stream is `organisation-<uuid>`; streams whose names
/// start with `$` belong to the store itself (`$registry` holds erasure records, `$redactions`
/// redaction records); the public `append` refuses them. Embedders may keep their own streams
/// beside these.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct StreamId(String);

impl StreamId {
    /// A stream id: 1 to 200 bytes, no control characters.
    pub fn new(name: impl Into<String>) -> Result<Self, StoreError> {
        let name = name.into();
        if Self::is_valid(&name) {
            Ok(Self(name))
        } else {
            Err(StoreError::InvalidStreamId { name })
        }
    }

    /// A name [`StreamId::is_valid`] already accepted (a stored header's, checked as it was
    /// read).
    pub(crate) fn from_valid(name: String) -> Self {
        debug_assert!(Self::is_valid(&name));
        Self(name)
    }

    /// Whether `name` is a stream id: 1 to 200 bytes, no control characters.
    pub fn is_valid(name: &str) -> bool {
        let control = if name.is_ascii() {
            name.bytes().any(|byte| byte.is_ascii_control())
        } else {
            name.chars().any(char::is_control)
        };
        !name.is_empty() && name.len() <= MAX_STREAM_ID_LEN && !control
    }

    /// The stream of an organisation's decisions.
    pub fn organisation(organisation: OrganisationId) -> Self {
        Self(format!("organisation-{organisation}"))
    }

    /// The organisation whose decisions the stream holds ([`StreamId::organisation`]'s
    /// inverse); `None` for every other stream.
    pub fn as_organisation(&self) -> Option<OrganisationId> {
        self.0.strip_prefix("organisation-")?.parse().ok()
    }

    /// The stream of the person registry's erasure records.
    pub fn registry() -> Self {
        Self("$registry".to_owned())
    }

    /// The stream of redaction records.
    pub fn redactions() -> Self {
        Self("$redactions".to_owned())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for StreamId {
    type Error = StoreError;

    fn try_from(name: String) -> Result<Self, StoreError> {
        Self::new(name)
    }
}

impl From<StreamId> for String {
    fn from(stream: StreamId) -> String {
        stream.0
    }
}

/// What the appender believes about the stream's version (its number of events).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ExpectedVersion {
    /// Append whatever the version (no concurrency check).
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must exist.
    StreamExists,
    /// The stream must hold exactly this many events (0 is the same as `NoStream`).
    Exact(u64),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` events meets the expectation.
    pub fn admits(&self, actual: u64) -> bool {
        match self {
            Self::Any => true,
            Self::NoStream => actual == 0,
            Self::StreamExists => actual > 0,
            Self::Exact(expected) => *expected == actual,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("any version"),
            Self::NoStream => f.write_str("no stream"),
            Self::StreamExists => f.write_str("an existing stream"),
            Self::Exact(version) => write!(f, "version {version}"),
        }
    }
}

/// Who decided and when, as the envelope records it. The chain covers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventMetadata {
    /// The person who decided.
    pub actor: PersonId,
    /// The business date.
    pub occurred_on: NaiveDate,
    /// When the store appended it (set by the store).
    pub recorded_at: DateTime<Utc>,
    /// Ties the decisions of one piece of work together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    /// The event or message that caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The digest of the command that decided it, on the first event of a command sent with a
    /// command id ([`NewEvent::from_command`]): what binds the id to the command's body, so the
    /// same id sent again with another body is told apart from a retry. Absent on other events
    /// and on every record written before it existed (such a record's header, and so its hash,
    /// is byte for byte what it was: see the record format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub command_digest: Option<CommandDigest>,
}

/// The SHA-256 of a command's canonical form: its action, its metadata without the command id,
/// and its acknowledgements, as JSON with the keys of every object sorted. Two commands with
/// the same digest ask for the same decision by the same actor on the same date with the same
/// words; the log keeps it beside a command id to tell a retry from a reused id. Serialised as
/// 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandDigest([u8; 32]);

impl CommandDigest {
    /// The digest of `command` (its command id left out: the digest is what the id is bound to).
    pub fn of(command: &Command) -> Self {
        let mut metadata = command.metadata.clone();
        metadata.command_id = None;
        let form = serde_json::json!({
            "action": &command.action,
            "metadata": metadata,
            "acknowledgements": &command.acknowledgements,
        });
        let mut text = String::from("netvaerk:command:1\n");
        canonical(&form, &mut text);
        Self(crate::record::sha256(text.as_bytes()))
    }

    /// A digest from its bytes (as the record format stores it).
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Its bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for CommandDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommandDigest({})", hex(&self.0))
    }
}

impl fmt::Display for CommandDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl Serialize for CommandDigest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex(&self.0))
    }
}

impl<'de> Deserialize<'de> for CommandDigest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut bytes = [0u8; 32];
        let well_formed = text.len() == 64
            && text.is_ascii()
            && bytes.iter_mut().enumerate().all(|(index, byte)| {
                u8::from_str_radix(&text[index * 2..index * 2 + 2], 16).map(|value| *byte = value).is_ok()
            });
        if !well_formed {
            return Err(serde::de::Error::custom("a command digest is 64 hex digits"));
        }
        Ok(Self(bytes))
    }
}

/// Writes `value` as JSON with every object's keys in sorted order (whatever order serde_json's
/// map keeps), so a digest over it does not depend on the order fields were written in.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();
            out.push('{');
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(&fields[key.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// An event to append: the caller chooses its id, so a retried append is recognised.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// The event's id (UUID v7). Appending an id that is stored already is an idempotent retry.
    pub event_id: Uuid,
    /// The stored type name.
    pub event_type: String,
    /// The schema version of the payload.
    pub schema_version: u32,
    /// The payload: a JSON object.
    pub payload: Value,
    /// The decision's rationale. It sits beside the payload, outside the header, so that it
    /// can be redacted with the payload.
    pub rationale: Option<String>,
    /// Who decided, on which business date, and the links.
    pub actor: PersonId,
    /// The business date.
    pub occurred_on: NaiveDate,
    /// Correlation id.
    pub correlation_id: Option<Uuid>,
    /// Causation id.
    pub causation_id: Option<Uuid>,
    /// The digest of the command, on the first event of a command with a command id (see
    /// [`EventMetadata::command_digest`]); `None` otherwise.
    pub command_digest: Option<CommandDigest>,
}

impl NewEvent {
    /// The events of a decision, ready to append, each with a fresh UUID v7: a retry must reuse
    /// the result. The command id in the decision's metadata is not used here; a command sent
    /// with an id is appended through [`NewEvent::from_command`], which binds the id to the
    /// stream and to the command's body.
    pub fn from_decision(decision: &Decision) -> Vec<NewEvent> {
        Self::events(decision, |_| Uuid::now_v7(), None)
    }

    /// The events `decision` decided for `command`, ready to append to `stream`. Where the
    /// command has an id, the events' ids are derived from the stream and the id
    /// ([`NewEvent::derived_id`]), so the same command appended again is an idempotent retry,
    /// and the first event carries the command's digest ([`CommandDigest::of`]), so the same
    /// id with another body can be told apart from it. Without an id, as
    /// [`NewEvent::from_decision`].
    pub fn from_command(stream: &StreamId, command: &Command, decision: &Decision) -> Vec<NewEvent> {
        match command.metadata.command_id {
            Some(command_id) => Self::events(
                decision,
                |index| Self::derived_id(stream, command_id, index),
                Some(CommandDigest::of(command)),
            ),
            None => Self::from_decision(decision),
        }
    }

    fn events(
        decision: &Decision,
        event_id: impl Fn(usize) -> Uuid,
        digest: Option<CommandDigest>,
    ) -> Vec<NewEvent> {
        let metadata = &decision.metadata;
        decision
            .events
            .iter()
            .enumerate()
            .map(|(index, event)| {
                let encoded = encode(event);
                NewEvent {
                    event_id: event_id(index),
                    event_type: encoded.type_name.to_owned(),
                    schema_version: encoded.schema_version,
                    payload: encoded.payload,
                    rationale: metadata.rationale.clone(),
                    actor: metadata.actor,
                    occurred_on: metadata.occurred_on,
                    correlation_id: metadata.correlation_id,
                    causation_id: metadata.causation_id,
                    command_digest: if index == 0 { digest } else { None },
                }
            })
            .collect()
    }
}

impl NewEvent {
    /// The id of the `index`th event (from 0) of the command `command_id` in `stream`: a UUID
    /// v8 made of the first 16 bytes of SHA-256 over the stream's name, the command id and the
    /// index. The same command in the same stream always gets the same event ids; different
    /// commands, or the same command id in two streams, practically never share one.
    ///
    /// The stream is part of the id, rather than only checked when a retry is looked for,
    /// because the event-id index spans the whole log: were ids derived from the command id
    /// alone, the same id used in a second organisation would find the first organisation's
    /// events (and its append would collide with them in the index), so it could neither replay
    /// nor decide. Bound to the stream, each organisation's command ids are its own. (Events
    /// appended before the stream was part of the id keep their ids; a command sent before and
    /// retried after that change is not recognised as a retry and is decided again, where the
    /// rules then usually refuse it as done, since the ids of what it creates are the caller's.)
    pub fn derived_id(stream: &StreamId, command_id: Uuid, index: usize) -> Uuid {
        let stream = stream.as_str().as_bytes();
        let mut input = Vec::with_capacity(13 + 2 + stream.len() + 16 + 8);
        input.extend_from_slice(b"netvaerk:cmd2");
        input.extend_from_slice(&(stream.len() as u16).to_be_bytes());
        input.extend_from_slice(stream);
        input.extend_from_slice(command_id.as_bytes());
        input.extend_from_slice(&(index as u64).to_be_bytes());
        let digest = crate::record::sha256(&input);
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Uuid::new_v8(bytes)
    }
}

/// The body of a stored event: what the chain covers by digest, so it can be redacted.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// The payload and the rationale as written.
    Present {
        /// The payload: the text of a JSON object, as written.
        payload: Box<str>,
        /// The rationale.
        rationale: Option<String>,
    },
    /// Redacted: the bytes were replaced; the digest in the header still chains.
    Redacted {
        /// Why.
        reason: String,
        /// When.
        redacted_at: DateTime<Utc>,
        /// The event with its words scrubbed, so the stream still folds and decides. `None`
        /// for a record that is not a domain event (a `$` stream, an embedder's own type) and
        /// for redactions written before the store kept the scrubbed event.
        scrubbed: Option<Scrubbed>,
    },
}

/// What a redacted body keeps: the event scrubbed of its words ([`Event::scrubbed`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Scrubbed {
    /// The scrubbed event's payload, JSON text.
    pub payload: Box<str>,
    /// The schema version `payload` is written in (the current one when it was redacted; the
    /// record's header keeps the version first written).
    pub schema_version: u32,
    /// The marker where the record had a rationale.
    pub rationale: Option<String>,
}

impl Scrubbed {
    /// The scrubbed form of `event`, whose record had a rationale or not.
    pub fn of(event: &Event, had_rationale: bool) -> Self {
        let encoded = encode(&event.scrubbed());
        Self {
            payload: encoded.payload.to_string().into(),
            schema_version: encoded.schema_version,
            rationale: had_rationale.then(|| REDACTED_TEXT.to_owned()),
        }
    }
}

/// What a record's header holds: every field the chain covers, the body through its digest.
/// One shape serves the whole store: the planner seals it, a read checks it against the key
/// that led to the record, PostgreSQL writes its columns, and [`crate::ExportedRecord`] is its
/// JSON view.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordHeader {
    /// The global position, from 1, gapless, in commit order.
    pub position: u64,
    /// The stream.
    pub stream: StreamId,
    /// The version in the stream, from 1.
    pub stream_version: u64,
    /// The event's id.
    pub event_id: Uuid,
    /// The stored type name.
    pub event_type: String,
    /// The stored schema version.
    pub schema_version: u32,
    /// Who, when.
    pub metadata: EventMetadata,
    /// SHA-256 of the body as first written.
    pub body_digest: [u8; 32],
    /// The hash of the record before (zeros for position 1).
    pub previous_hash: [u8; 32],
}

/// A stored event as read back: its header, its body, and the hash that seals the header.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// The fields the chain covers.
    pub header: RecordHeader,
    /// The payload and rationale, or the redaction record.
    pub body: Body,
    /// This record's hash: SHA-256 over the header (see the record format in `record.rs`).
    pub hash: [u8; 32],
}

impl Envelope {
    /// The payload's JSON text as written, or as scrubbed if redacted; `None` for a body
    /// redacted without a scrubbed event.
    pub fn payload_json(&self) -> Option<&str> {
        match &self.body {
            Body::Present { payload, .. } => Some(payload),
            Body::Redacted { scrubbed, .. } => scrubbed.as_ref().map(|scrubbed| &*scrubbed.payload),
        }
    }

    /// The payload as a JSON value (see [`Self::payload_json`]; `None` also if, which a sealed
    /// record cannot be, unreadable).
    pub fn payload(&self) -> Option<Value> {
        serde_json::from_str(self.payload_json()?).ok()
    }

    /// The rationale, unless absent; `(redacted)` where a redaction scrubbed it.
    pub fn rationale(&self) -> Option<&str> {
        match &self.body {
            Body::Present { rationale, .. } => rationale.as_deref(),
            Body::Redacted { scrubbed, .. } => {
                scrubbed.as_ref().and_then(|scrubbed| scrubbed.rationale.as_deref())
            }
        }
    }

    /// Whether the body was redacted.
    pub fn is_redacted(&self) -> bool {
        matches!(self.body, Body::Redacted { .. })
    }

    /// The domain event, upcast to the current schema; a redacted body gives its scrubbed
    /// event, and one redacted without it decodes as an error (`Ok(None)` from [`Self::event`]).
    pub fn decode(&self) -> Result<Event, DecodeError> {
        let (version, payload) = match &self.body {
            Body::Present { payload, .. } => (self.header.schema_version, &**payload),
            Body::Redacted { scrubbed: Some(scrubbed), .. } => (scrubbed.schema_version, &*scrubbed.payload),
            Body::Redacted { scrubbed: None, .. } => (self.header.schema_version, "null"),
        };
        decode_json(&self.header.event_type, version, payload)
    }

    /// The domain event (scrubbed if redacted); `None` if redacted without a scrubbed event, or
    /// if the stream is one of the store's own `$` streams.
    pub fn event(&self) -> Result<Option<Event>, DecodeError> {
        let unscrubbed = matches!(self.body, Body::Redacted { scrubbed: None, .. });
        if unscrubbed || self.header.stream.as_str().starts_with('$') {
            return Ok(None);
        }
        self.decode().map(Some)
    }
}

/// One record as a fold reads it, borrowed from the storage engine's bytes
/// ([`EventStore::visit_range`](crate::EventStore::visit_range)), after the same checks as every
/// read: framing and checksum, hash, body digest (unless redacted), and its position. The
/// rest of the header (ids, version, hashes) is checked and not kept.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordView<'a> {
    /// The global position.
    pub position: u64,
    /// The stream's id, as stored (a valid [`StreamId`]).
    pub stream: &'a str,
    /// The stored type name.
    pub event_type: &'a str,
    /// Who, when.
    pub metadata: EventMetadata,
    /// The payload's schema version and JSON text, the scrubbed ones if redacted; `None` if
    /// redacted without a scrubbed event.
    pub payload: Option<(u32, &'a str)>,
    /// The rationale (the scrubbed one if redacted), unless absent.
    pub rationale: Option<&'a str>,
}

impl RecordView<'_> {
    /// The domain event, as [`Envelope::event`] gives it: `None` if redacted without a scrubbed
    /// event, or if the stream is one of the store's own `$` streams.
    pub fn event(&self) -> Result<Option<Event>, DecodeError> {
        match self.payload {
            Some((version, payload)) if !self.stream.starts_with('$') => {
                decode_json(self.event_type, version, payload).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The view of a checked envelope (for stores that read owned envelopes).
    pub fn of(envelope: &Envelope) -> RecordView<'_> {
        let payload = match &envelope.body {
            Body::Present { payload, .. } => Some((envelope.header.schema_version, &**payload)),
            Body::Redacted { scrubbed, .. } => {
                scrubbed.as_ref().map(|scrubbed| (scrubbed.schema_version, &*scrubbed.payload))
            }
        };
        RecordView {
            position: envelope.header.position,
            stream: envelope.header.stream.as_str(),
            event_type: &envelope.header.event_type,
            metadata: envelope.header.metadata.clone(),
            payload,
            rationale: envelope.rationale(),
        }
    }
}

/// What an append did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendResult {
    /// The global positions of the appended events, in order.
    pub positions: Vec<u64>,
    /// The stream's version after the append.
    pub stream_version: u64,
}

/// The end of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// The last position.
    pub position: u64,
    /// The last record's hash.
    pub hash: [u8; 32],
}

/// Lower-case hex of a hash, for display.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}
