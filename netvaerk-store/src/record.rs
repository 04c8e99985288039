//! The stored form of one event, and the hash chain.
//!
//! ```text
//! record (integers big-endian)
//!   4   magic "NVR1"
//!   4   h: header length
//!   h   header
//!   4   b: body length
//!   b   body
//!   32  hash = SHA-256("netvaerk-chain-1" ‖ header)
//!   4   CRC-32 of every byte before it
//!
//! header
//!   8   position                    16  actor (person id)
//!   8   stream version               4  occurred_on (days from 0001-01-01, CE)
//!   16  event id                     8  recorded_at (seconds since 1970, signed)
//!   4   schema version               4  recorded_at (nanoseconds)
//!   1   flags: 1 = correlation id, 2 = causation id, 4 = command digest; then those ids,
//!       16 bytes each, then the command digest, 32 bytes (SHA-256 of the command's canonical
//!       form, on the first event of a command sent with a command id)
//!   2+n stream id (length, UTF-8)   2+n event type (length, UTF-8)
//!   32  body digest (SHA-256 of the body as first written)
//!   32  previous record's hash (zeros at position 1)
//!
//! body
//!   present:  0x00 ‖ rationale length u32 (0xFFFFFFFF: none) ‖ rationale ‖ payload JSON
//!   scrubbed: 0x02 ‖ n u32 ‖ JSON {"reason", "redacted_at", "schema_version"} (n bytes)
//!             ‖ the scrubbed event as a present body (0x00 ‖ ...)
//!   redacted: 0x01 ‖ JSON {"reason", "redacted_at"}  (no event kept: a `$` stream, an
//!             embedder's own type, or a redaction written before 0x02 existed)
//! ```
//!
//! A record whose chain the database wrote (PostgreSQL's `netvaerk_append_chained`, for a
//! writer that another process overtook) has the magic "NVR2" and the same layout; its CRC is
//! computed with the header's position, its previous record's hash and the record's hash taken
//! as zeros, since the writer sealed it before it knew them. The chain covers those 72 bytes,
//! and even a framing-only parse of such a record recomputes the hash, so no change to them
//! goes unnoticed either. "NVR1" records (every record the database did not chain) have their
//! CRC over every byte; imports reframe a chained record so, with the same hash, and so an
//! embedded store holds only "NVR1" records.
//!
//! The command digest came later than the rest, as flag 4: a header without it sets no such
//! flag and holds no such bytes, so every record written before it (and every record of a
//! command without an id) encodes to exactly the bytes it was sealed with, and its hash still
//! holds; a header with it has the digest inside the bytes the hash covers, so the chain covers
//! the digest as it covers the actor.
//!
//! The chain covers every header byte, and every body through its digest: a body can be
//! redacted (its bytes replaced, the CRC recomputed) while the chain still verifies. The CRC
//! catches accidental damage anywhere in a record, a redaction marker included; the chain
//! catches deliberate change of history. The payload's JSON is kept as written, so reading
//! decodes it straight into the typed event.

use chrono::{DateTime, Datelike, NaiveDate};
use netvaerk_core::PersonId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::envelope::{
    Body, CommandDigest, Envelope, EventMetadata, RecordHeader, RecordView, Scrubbed, StreamId,
};
use crate::error::{Corruption, StoreError};

const MAGIC: &[u8; 4] = b"NVR1";
/// The magic of a record the database chained (see above).
const CHAINED: &[u8; 4] = b"NVR2";
const CHAIN_DOMAIN: &[u8] = b"netvaerk-chain-1";
const PRESENT: u8 = 0x00;
const REDACTED: u8 = 0x01;
const SCRUBBED: u8 = 0x02;
const NO_RATIONALE: u32 = u32::MAX;

/// A record's bytes with the position it is stored at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    /// The position the backend stores it under.
    pub position: u64,
    /// The record's bytes.
    pub bytes: Vec<u8>,
}

/// The header's stored form (the layout above).
impl RecordHeader {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let stream = self.stream.as_str().as_bytes();
        let event_type = self.event_type.as_bytes();
        let mut bytes = Vec::with_capacity(150 + stream.len() + event_type.len());
        bytes.extend_from_slice(&self.position.to_be_bytes());
        bytes.extend_from_slice(&self.stream_version.to_be_bytes());
        bytes.extend_from_slice(self.event_id.as_bytes());
        bytes.extend_from_slice(&self.schema_version.to_be_bytes());
        let metadata = &self.metadata;
        bytes.extend_from_slice(metadata.actor.as_uuid().as_bytes());
        bytes.extend_from_slice(&metadata.occurred_on.num_days_from_ce().to_be_bytes());
        bytes.extend_from_slice(&metadata.recorded_at.timestamp().to_be_bytes());
        bytes.extend_from_slice(&metadata.recorded_at.timestamp_subsec_nanos().to_be_bytes());
        let flags = u8::from(metadata.correlation_id.is_some())
            | (u8::from(metadata.causation_id.is_some()) << 1)
            | (u8::from(metadata.command_digest.is_some()) << 2);
        bytes.push(flags);
        for id in [metadata.correlation_id, metadata.causation_id].into_iter().flatten() {
            bytes.extend_from_slice(id.as_bytes());
        }
        if let Some(digest) = &metadata.command_digest {
            bytes.extend_from_slice(digest.as_bytes());
        }
        for text in [stream, event_type] {
            // Stream ids are at most 200 bytes; type names are checked on append.
            bytes.extend_from_slice(&u16::try_from(text.len()).unwrap_or(u16::MAX).to_be_bytes());
            bytes.extend_from_slice(text);
        }
        bytes.extend_from_slice(&self.body_digest);
        bytes.extend_from_slice(&self.previous_hash);
        bytes
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, Corruption> {
        let view = HeaderView::decode(bytes)?;
        Ok(Self {
            position: view.position,
            // Checked by the view.
            stream: StreamId::from_valid(view.stream.to_owned()),
            stream_version: view.stream_version,
            event_id: view.event_id,
            event_type: view.event_type.to_owned(),
            schema_version: view.schema_version,
            metadata: view.metadata,
            body_digest: view.body_digest,
            previous_hash: view.previous_hash,
        })
    }
}

/// A header as stored, its texts borrowed from the record's bytes.
struct HeaderView<'a> {
    position: u64,
    stream: &'a str,
    stream_version: u64,
    event_id: Uuid,
    event_type: &'a str,
    schema_version: u32,
    metadata: EventMetadata,
    body_digest: [u8; 32],
    previous_hash: [u8; 32],
}

impl<'a> HeaderView<'a> {
    fn decode(bytes: &'a [u8]) -> Result<Self, Corruption> {
        let mut cursor = Cursor { bytes, at: 0 };
        let position = cursor.u64()?;
        let stream_version = cursor.u64()?;
        let event_id = Uuid::from_bytes(cursor.array()?);
        let schema_version = cursor.u32()?;
        let actor = PersonId::from_uuid(Uuid::from_bytes(cursor.array()?));
        let days = i32::from_be_bytes(cursor.array()?);
        let occurred_on = NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| bad("occurred_on"))?;
        let seconds = i64::from_be_bytes(cursor.array()?);
        let nanos = cursor.u32()?;
        let recorded_at = DateTime::from_timestamp(seconds, nanos).ok_or_else(|| bad("recorded_at"))?;
        let flags = cursor.take(1)?[0];
        if flags > 7 {
            return Err(bad("flags"));
        }
        let correlation_id = if flags & 1 != 0 { Some(Uuid::from_bytes(cursor.array()?)) } else { None };
        let causation_id = if flags & 2 != 0 { Some(Uuid::from_bytes(cursor.array()?)) } else { None };
        let command_digest =
            if flags & 4 != 0 { Some(CommandDigest::from_bytes(cursor.array()?)) } else { None };
        let stream = cursor.text()?;
        if !StreamId::is_valid(stream) {
            return Err(bad("stream id"));
        }
        let event_type = cursor.text()?;
        let body_digest = cursor.array()?;
        let previous_hash = cursor.array()?;
        if cursor.at != bytes.len() {
            return Err(bad("length"));
        }
        let metadata =
            EventMetadata { actor, occurred_on, recorded_at, correlation_id, causation_id, command_digest };
        Ok(Self {
            position,
            stream,
            stream_version,
            event_id,
            event_type,
            schema_version,
            metadata,
            body_digest,
            previous_hash,
        })
    }
}

fn bad(field: &str) -> Corruption {
    Corruption::BadHeader(format!("the {field} is malformed"))
}

/// Reads a header field by field.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], Corruption> {
        let end = self.at.checked_add(len).ok_or(Corruption::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or_else(|| bad("length"))?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Corruption> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn u64(&mut self) -> Result<u64, Corruption> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, Corruption> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn text(&mut self) -> Result<&'a str, Corruption> {
        let len = usize::from(u16::from_be_bytes(self.array()?));
        let bytes = self.take(len)?;
        std::str::from_utf8(bytes).map_err(|_| bad("text"))
    }
}

/// What a redacted body holds.
#[derive(Serialize, Deserialize)]
struct Redaction {
    reason: String,
    redacted_at: DateTime<chrono::Utc>,
    /// The scrubbed payload's schema version (a `SCRUBBED` body only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schema_version: Option<u32>,
}

/// The stored bytes of a body.
pub(crate) fn encode_body(body: &Body) -> Vec<u8> {
    match body {
        Body::Present { payload, rationale } => present_body(payload, rationale.as_deref()),
        Body::Redacted { reason, redacted_at, scrubbed } => {
            let record = Redaction {
                reason: reason.clone(),
                redacted_at: *redacted_at,
                schema_version: scrubbed.as_ref().map(|scrubbed| scrubbed.schema_version),
            };
            // Plain strings, a number and a date: serialising cannot fail.
            let marker = serde_json::to_vec(&record).unwrap_or_default();
            match scrubbed {
                None => [&[REDACTED][..], &marker].concat(),
                Some(scrubbed) => {
                    let mut bytes = vec![SCRUBBED];
                    bytes.extend_from_slice(&u32::try_from(marker.len()).unwrap_or(u32::MAX).to_be_bytes());
                    bytes.extend(marker);
                    bytes.extend(present_body(&scrubbed.payload, scrubbed.rationale.as_deref()));
                    bytes
                }
            }
        }
    }
}

/// The stored bytes of a present body: the rationale and the payload's JSON text.
pub(crate) fn present_body(payload_json: &str, rationale: Option<&str>) -> Vec<u8> {
    let rationale_len = rationale.map_or(0, str::len);
    let mut bytes = Vec::with_capacity(5 + rationale_len + payload_json.len());
    bytes.push(PRESENT);
    match rationale {
        Some(rationale) => {
            bytes
                .extend_from_slice(&u32::try_from(rationale.len()).unwrap_or(NO_RATIONALE - 1).to_be_bytes());
            bytes.extend_from_slice(rationale.as_bytes());
        }
        None => bytes.extend_from_slice(&NO_RATIONALE.to_be_bytes()),
    }
    bytes.extend_from_slice(payload_json.as_bytes());
    bytes
}

fn decode_body(bytes: &[u8]) -> Result<Body, Corruption> {
    Ok(match BodyView::decode(bytes)? {
        BodyView::Present { payload, rationale } => {
            Body::Present { payload: payload.into(), rationale: rationale.map(str::to_owned) }
        }
        BodyView::Redacted { reason, redacted_at, scrubbed } => Body::Redacted {
            reason,
            redacted_at,
            scrubbed: scrubbed.map(|(schema_version, payload, rationale)| Scrubbed {
                payload: payload.into(),
                schema_version,
                rationale: rationale.map(str::to_owned),
            }),
        },
    })
}

/// A body as stored, its texts borrowed from the record's bytes.
enum BodyView<'a> {
    Present {
        payload: &'a str,
        rationale: Option<&'a str>,
    },
    Redacted {
        reason: String,
        redacted_at: DateTime<chrono::Utc>,
        /// The scrubbed event: its schema version, payload and rationale.
        scrubbed: Option<(u32, &'a str, Option<&'a str>)>,
    },
}

impl<'a> BodyView<'a> {
    fn decode(bytes: &'a [u8]) -> Result<Self, Corruption> {
        let bad_body = |what: &str| Corruption::BadBody(what.to_owned());
        match bytes.split_first() {
            Some((&PRESENT, rest)) => {
                let (len, rest) =
                    rest.split_at_checked(4).ok_or_else(|| bad_body("the rationale's length is cut"))?;
                let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
                let (rationale, payload) = if len == NO_RATIONALE {
                    (None, rest)
                } else {
                    let len = usize::try_from(len).map_err(|_| bad_body("the rationale is too long"))?;
                    let (text, payload) =
                        rest.split_at_checked(len).ok_or_else(|| bad_body("the rationale is cut"))?;
                    let text =
                        std::str::from_utf8(text).map_err(|_| bad_body("the rationale is not UTF-8"))?;
                    (Some(text), payload)
                };
                let payload =
                    std::str::from_utf8(payload).map_err(|_| bad_body("the payload is not UTF-8"))?;
                Ok(Self::Present { payload, rationale })
            }
            Some((&REDACTED, rest)) => {
                let record: Redaction =
                    serde_json::from_slice(rest).map_err(|error| Corruption::BadBody(error.to_string()))?;
                if record.schema_version.is_some() {
                    return Err(bad_body("a redaction without its scrubbed event names a schema version"));
                }
                Ok(Self::Redacted { reason: record.reason, redacted_at: record.redacted_at, scrubbed: None })
            }
            Some((&SCRUBBED, rest)) => {
                let (len, rest) =
                    rest.split_at_checked(4).ok_or_else(|| bad_body("the redaction's length is cut"))?;
                let len = usize::try_from(u32::from_be_bytes([len[0], len[1], len[2], len[3]]))
                    .map_err(|_| bad_body("the redaction is too long"))?;
                let (marker, event) =
                    rest.split_at_checked(len).ok_or_else(|| bad_body("the redaction is cut"))?;
                let record: Redaction =
                    serde_json::from_slice(marker).map_err(|error| Corruption::BadBody(error.to_string()))?;
                let schema_version = record
                    .schema_version
                    .ok_or_else(|| bad_body("a scrubbed event names no schema version"))?;
                // Checked first, so that damaged bytes cannot nest redactions and recurse deeply.
                if event.first() != Some(&PRESENT) {
                    return Err(bad_body("a scrubbed event is not a present body"));
                }
                let Self::Present { payload, rationale } = Self::decode(event)? else {
                    return Err(bad_body("a scrubbed event is not a present body"));
                };
                Ok(Self::Redacted {
                    reason: record.reason,
                    redacted_at: record.redacted_at,
                    scrubbed: Some((schema_version, payload, rationale)),
                })
            }
            _ => Err(bad_body("unknown body kind")),
        }
    }
}

/// Checks what a record can check alone: its hash and, unless redacted, its body digest.
/// Returns the record for the checks that need its neighbours.
pub(crate) fn parse_and_check(bytes: &[u8]) -> Result<Envelope, Corruption> {
    let pieces = split(bytes)?;
    if chain_hash(pieces.header) != pieces.hash {
        return Err(Corruption::HashMismatch);
    }
    let parsed = parse_pieces(&pieces)?;
    let redacted = matches!(parsed.body, Body::Redacted { .. });
    if !redacted && sha256(pieces.body) != parsed.header.body_digest {
        return Err(Corruption::BodyDigestMismatch);
    }
    Ok(parsed)
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn chain_hash(header_bytes: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(CHAIN_DOMAIN);
    hasher.update(header_bytes);
    hasher.finalize().into()
}

/// Seals a new record from its header (with the body's digest in it) and the body's bytes:
/// computes the hash and the CRC.
pub(crate) fn seal(header: &RecordHeader, body: &[u8]) -> (Vec<u8>, [u8; 32]) {
    let header_bytes = header.encode();
    let hash = chain_hash(&header_bytes);
    (frame(&header_bytes, body, &hash), hash)
}

fn frame(header: &[u8], body: &[u8], hash: &[u8; 32]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(4 + 4 + header.len() + 4 + body.len() + 32 + 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&len32(header.len()).to_be_bytes());
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(&len32(body.len()).to_be_bytes());
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(hash);
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_be_bytes());
    bytes
}

fn len32(len: usize) -> u32 {
    // Headers and bodies are far below 4 GiB: events are decisions, not documents.
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// A record's pieces.
struct Pieces<'a> {
    header: &'a [u8],
    body: &'a [u8],
    hash: [u8; 32],
}

/// Splits a record into its pieces, checking framing and CRC only.
fn split(bytes: &[u8]) -> Result<Pieces<'_>, Corruption> {
    if bytes.len() < 4 + 4 + 4 + 32 + 4 {
        return Err(Corruption::Truncated);
    }
    let chained = match &bytes[..4] {
        magic if magic == MAGIC => false,
        magic if magic == CHAINED => true,
        _ => return Err(Corruption::BadMagic),
    };
    let (content, crc) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if !chained && crc32fast::hash(content) != stored {
        return Err(Corruption::BadChecksum);
    }
    let framed = frame_of(content);
    if chained {
        // Its CRC skips the chain's bytes, found by the lengths: lengths that do not frame
        // the record are damage the CRC would have caught.
        let Ok((header_end, _)) = framed else { return Err(Corruption::BadChecksum) };
        if chained_crc(content, header_end) != Some(stored) {
            return Err(Corruption::BadChecksum);
        }
        // The bytes the CRC skipped are the chain's: checked here too, so that a read that
        // checks only the framing (an open's scan, the head's hash) vouches for every byte.
        if chain_hash(&content[8..header_end]) != content[content.len() - 32..] {
            return Err(Corruption::HashMismatch);
        }
    }
    let (header_end, body_end) = framed?;
    let mut hash = [0; 32];
    hash.copy_from_slice(&content[body_end..]);
    Ok(Pieces { header: &content[8..header_end], body: &content[header_end + 4..body_end], hash })
}

/// Where a record's header and body end, from its lengths (`content`: the record without its
/// CRC).
fn frame_of(content: &[u8]) -> Result<(usize, usize), Corruption> {
    let header_len = read_len(content, 4)?;
    let header_end = 8usize.checked_add(header_len).ok_or(Corruption::Truncated)?;
    let body_len = read_len(content, header_end)?;
    let body_end = (header_end + 4).checked_add(body_len).ok_or(Corruption::Truncated)?;
    if content.len() != body_end + 32 {
        return Err(Corruption::Truncated);
    }
    Ok((header_end, body_end))
}

/// The CRC of a chained record's `content` (without its CRC): the position (the header's first
/// 8 bytes), the previous hash (its last 32) and the hash (the content's last 32) as zeros.
/// `None` if the header is too short to hold them.
fn chained_crc(content: &[u8], header_end: usize) -> Option<u32> {
    let previous = header_end.checked_sub(32).filter(|&at| at >= 16)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(&content[..8]);
    crc.update(&[0; 8]);
    crc.update(&content[16..previous]);
    crc.update(&[0; 32]);
    crc.update(&content[header_end..content.len() - 32]);
    crc.update(&[0; 32]);
    Some(crc.finalize())
}

/// The record framed as its writer would have framed it ("NVR1", the CRC over every byte):
/// the same header, body and hash. A chained record (see above) is reframed; any other is
/// returned as it is. Imports store this, so that a copy of a PostgreSQL log in an embedded
/// store holds only records an open's CRC scan checks whole.
pub(crate) fn writers_framing(bytes: &[u8]) -> Result<Vec<u8>, Corruption> {
    let pieces = split(bytes)?;
    if &bytes[..4] == CHAINED {
        Ok(frame(pieces.header, pieces.body, &pieces.hash))
    } else {
        Ok(bytes.to_vec())
    }
}

/// A sealed record as a template for the database to chain (PostgreSQL's
/// `netvaerk_append_chained`): the magic "NVR2", the position, the previous hash and the hash
/// zeroed, and the CRC taken so. The database writes those three and so seals it for whichever
/// position it gets; what the writer sealed (the body's digest, every other header field) it
/// cannot change without breaking the hash.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store sends templates
pub(crate) fn chain_template(bytes: &[u8]) -> Result<Vec<u8>, Corruption> {
    let header_len = split(bytes)?.header.len();
    if header_len < 40 {
        return Err(bad("length"));
    }
    let mut template = bytes.to_vec();
    let end = template.len() - 4;
    template[..4].copy_from_slice(CHAINED);
    template[8..16].fill(0);
    template[8 + header_len - 32..8 + header_len].fill(0);
    template[end - 32..end].fill(0);
    let crc = chained_crc(&template[..end], 8 + header_len).ok_or_else(|| bad("length"))?;
    template[end..].copy_from_slice(&crc.to_be_bytes());
    Ok(template)
}

fn read_len(bytes: &[u8], at: usize) -> Result<usize, Corruption> {
    let slice = bytes.get(at..at + 4).ok_or(Corruption::Truncated)?;
    let len = u32::from_be_bytes([slice[0], slice[1], slice[2], slice[3]]);
    usize::try_from(len).map_err(|_| Corruption::Truncated)
}

/// Parses a record, checking its framing and CRC (not yet its hash or links).
pub(crate) fn parse(bytes: &[u8]) -> Result<Envelope, Corruption> {
    parse_pieces(&split(bytes)?)
}

/// The envelope in the record stored at `position`, checked before anything folds it: its
/// framing and checksum, its hash and body digest, and that it names `position`. Damage is
/// [`StoreError::Corrupt`] there.
pub(crate) fn envelope_at(position: u64, bytes: &[u8]) -> Result<Envelope, StoreError> {
    let corrupt = |problem| StoreError::Corrupt { position, problem };
    let parsed = parse_and_check(bytes).map_err(corrupt)?;
    if parsed.header.position != position {
        return Err(corrupt(Corruption::PositionMismatch {
            stored: position,
            named: parsed.header.position,
        }));
    }
    Ok(parsed)
}

/// The record stored at `position` as a fold reads it, borrowed from `bytes`, after the same
/// checks as [`envelope_at`]: framing and checksum, hash, body digest (unless redacted), and
/// that it names `position`.
pub(crate) fn view_at(position: u64, bytes: &[u8]) -> Result<RecordView<'_>, StoreError> {
    let corrupt = |problem| StoreError::Corrupt { position, problem };
    let pieces = split(bytes).map_err(corrupt)?;
    if chain_hash(pieces.header) != pieces.hash {
        return Err(corrupt(Corruption::HashMismatch));
    }
    let header = HeaderView::decode(pieces.header).map_err(corrupt)?;
    let body = BodyView::decode(pieces.body).map_err(corrupt)?;
    let (payload, rationale) = match body {
        BodyView::Present { payload, rationale } => {
            if sha256(pieces.body) != header.body_digest {
                return Err(corrupt(Corruption::BodyDigestMismatch));
            }
            (Some((header.schema_version, payload)), rationale)
        }
        BodyView::Redacted { scrubbed: Some((schema_version, payload, rationale)), .. } => {
            (Some((schema_version, payload)), rationale)
        }
        BodyView::Redacted { scrubbed: None, .. } => (None, None),
    };
    if header.position != position {
        return Err(corrupt(Corruption::PositionMismatch { stored: position, named: header.position }));
    }
    Ok(RecordView {
        position,
        stream: header.stream,
        event_type: header.event_type,
        metadata: header.metadata,
        payload,
        rationale,
    })
}

fn parse_pieces(pieces: &Pieces<'_>) -> Result<Envelope, Corruption> {
    Ok(Envelope {
        header: RecordHeader::decode(pieces.header)?,
        body: decode_body(pieces.body)?,
        hash: pieces.hash,
    })
}

/// The bytes of the record an envelope describes, checking that its hash and (unless
/// redacted) its body digest hold.
pub(crate) fn reseal(envelope: &Envelope) -> Result<Vec<u8>, Corruption> {
    let body = encode_body(&envelope.body);
    if !envelope.is_redacted() && sha256(&body) != envelope.header.body_digest {
        return Err(Corruption::BodyDigestMismatch);
    }
    let (bytes, hash) = seal(&envelope.header, &body);
    if hash != envelope.hash {
        return Err(Corruption::HashMismatch);
    }
    Ok(bytes)
}

/// The same record with its body replaced (for redaction): header and hash stay, the CRC is
/// recomputed.
pub(crate) fn replace_body(bytes: &[u8], body: &Body) -> Result<Vec<u8>, Corruption> {
    let pieces = split(bytes)?;
    Ok(frame(pieces.header, &encode_body(body), &pieces.hash))
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use netvaerk_core::PersonId;
    use serde_json::json;

    use super::*;

    fn header() -> RecordHeader {
        RecordHeader {
            position: 1,
            stream: StreamId::new("organisation-x").unwrap(),
            stream_version: 1,
            event_id: Uuid::from_u128(1),
            event_type: "RoundOpened".into(),
            schema_version: 1,
            metadata: EventMetadata {
                actor: PersonId::from_uuid(Uuid::from_u128(2)),
                occurred_on: NaiveDate::from_ymd_opt(2016, 9, 1).unwrap(),
                recorded_at: Utc.with_ymd_and_hms(2016, 9, 2, 10, 0, 0).unwrap(),
                correlation_id: None,
                causation_id: None,
                command_digest: None,
            },
            body_digest: [0; 32],
            previous_hash: [0; 32],
        }
    }

    fn body() -> Body {
        Body::Present {
            payload: json!({"round": "2016H2"}).to_string().into(),
            rationale: Some("Spring meeting".into()),
        }
    }

    fn sealed() -> (Vec<u8>, [u8; 32]) {
        let body = encode_body(&body());
        let mut header = header();
        header.body_digest = sha256(&body);
        seal(&header, &body)
    }

    /// What `netvaerk_append_chained` does to a template, in Rust: writes the position, the
    /// previous hash and the chain hash.
    fn chain(template: &[u8], position: u64, previous: [u8; 32]) -> Vec<u8> {
        let mut record = template.to_vec();
        let header_len = read_len(&record, 4).unwrap();
        record[8..16].copy_from_slice(&position.to_be_bytes());
        record[8 + header_len - 32..8 + header_len].copy_from_slice(&previous);
        let hash = chain_hash(&record[8..8 + header_len]);
        let end = record.len() - 4;
        record[end - 32..end].copy_from_slice(&hash);
        record
    }

    /// A record the database chained reads as the one the writer would have sealed for the same
    /// place in the chain: same header, body and hash; only the magic and the CRC differ.
    #[test]
    fn a_record_chained_by_the_database_reads_as_the_one_sealed_for_its_place() {
        let (sealed, _) = sealed();
        let template = chain_template(&sealed).unwrap();
        assert_eq!(&template[..4], CHAINED);
        assert!(parse_and_check(&template).is_err(), "a template is no record: its hash is zeros");
        assert!(matches!(parse(&template), Err(Corruption::HashMismatch)), "not even to a framing check");
        let mut header = header();
        header.position = 7;
        header.previous_hash = [3; 32];
        let body = encode_body(&body());
        header.body_digest = sha256(&body);
        let (expected, hash) = seal(&header, &body);
        let chained = chain(&template, 7, [3; 32]);
        assert_eq!(chained.len(), expected.len());
        let read = parse_and_check(&chained).unwrap();
        assert_eq!((read.header, read.body, read.hash), (header, body_of(&expected), hash));
        assert!(envelope_at(7, &chained).is_ok());
        assert!(matches!(
            envelope_at(8, &chained),
            Err(StoreError::Corrupt { problem: Corruption::PositionMismatch { .. }, .. })
        ));
        // A template of a chained record is the same template; framed as its writer would
        // have, it is the record sealed for that place, byte for byte.
        assert_eq!(chain_template(&chained).unwrap(), template);
        assert_eq!(writers_framing(&chained).unwrap(), expected);
        assert_eq!(writers_framing(&expected).unwrap(), expected);
    }

    fn body_of(record: &[u8]) -> Body {
        parse(record).unwrap().body
    }

    /// Every byte of a chained record is checked, the 72 its CRC skips by the chain: a flip
    /// anywhere is refused.
    #[test]
    fn a_flip_anywhere_in_a_chained_record_is_refused() {
        let chained = chain(&chain_template(&sealed().0).unwrap(), 7, [3; 32]);
        assert!(parse_and_check(&chained).is_ok());
        for at in 0..chained.len() {
            let mut damaged = chained.clone();
            damaged[at] ^= 0x10;
            assert!(parse_and_check(&damaged).is_err(), "a flip at byte {at} went unnoticed");
        }
    }

    #[test]
    fn a_sealed_record_parses_and_checks() {
        let (bytes, hash) = sealed();
        let parsed = parse_and_check(&bytes).unwrap();
        assert_eq!(parsed.hash, hash);
        assert_eq!(parsed.body, body());
        assert_eq!(parsed.header.metadata, header().metadata);
        assert_eq!(parse(&bytes).unwrap().header, parsed.header);
    }

    #[test]
    fn headers_with_links_round_trip() {
        let mut header = header();
        header.metadata.correlation_id = Some(Uuid::from_u128(5));
        header.metadata.causation_id = Some(Uuid::from_u128(6));
        header.previous_hash = [7; 32];
        assert_eq!(RecordHeader::decode(&header.encode()).unwrap(), header);
        let without_rationale = Body::Present { payload: "{}".into(), rationale: None };
        assert_eq!(decode_body(&encode_body(&without_rationale)).unwrap(), without_rationale);
    }

    /// A record with a command digest: the digest round-trips, the chain covers it (a flip
    /// inside it breaks the hash), and the same header without one encodes to the bytes a
    /// header had before the digest existed (so old records keep their hashes; the fixtures
    /// below pin those bytes).
    #[test]
    fn a_command_digest_round_trips_inside_the_chain_and_its_absence_changes_no_byte() {
        let mut with = header();
        with.metadata.correlation_id = Some(Uuid::from_u128(5));
        with.metadata.command_digest = Some(CommandDigest::from_bytes([9; 32]));
        let encoded = with.encode();
        assert_eq!(RecordHeader::decode(&encoded).unwrap(), with);
        let mut without = with.clone();
        without.metadata.command_digest = None;
        assert_eq!(encoded.len(), without.encode().len() + 32);
        // Position, version, event id, schema version, actor, date, time: then the flags, the
        // correlation id, and the digest.
        let flags_at = 8 + 8 + 16 + 4 + 16 + 4 + 8 + 4;
        let digest_at = flags_at + 1 + 16;
        let mut expected = [&encoded[..digest_at], &encoded[digest_at + 32..]].concat();
        expected[flags_at] = 1;
        assert_eq!(encoded[flags_at], 1 | 4);
        assert_eq!(without.encode(), expected);
        let body = encode_body(&body());
        with.body_digest = sha256(&body);
        let (bytes, _) = seal(&with, &body);
        let at = bytes.iter().position(|byte| *byte == 9).unwrap();
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x20;
        // Recompute the CRC so that only the chain can notice.
        let crc_at = flipped.len() - 4;
        let crc = crc32fast::hash(&flipped[..crc_at]);
        flipped[crc_at..].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(parse_and_check(&flipped), Err(Corruption::HashMismatch)));
        let exported = crate::ExportedRecord::from(&parse_and_check(&bytes).unwrap());
        let json = serde_json::to_string(&exported).unwrap();
        assert!(json.contains(&"09".repeat(32)), "{json}");
        let back: crate::ExportedRecord = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_record().unwrap().bytes, bytes);
    }

    #[test]
    fn every_flipped_byte_is_caught() {
        let (bytes, _) = sealed();
        for index in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[index] ^= 0x20;
            assert!(
                parse_and_check(&flipped).is_err(),
                "a flip at byte {index} of {} went unnoticed",
                bytes.len()
            );
            // The borrowed read refuses what the owned one refuses, with the same error.
            assert_eq!(
                view_at(1, &flipped).map(|_| ()).unwrap_err().to_string(),
                envelope_at(1, &flipped).map(|_| ()).unwrap_err().to_string(),
                "byte {index}"
            );
        }
        let envelope = envelope_at(1, &bytes).unwrap();
        assert_eq!(view_at(1, &bytes).unwrap(), RecordView::of(&envelope));
    }

    #[test]
    fn truncation_is_caught_at_every_length() {
        let (bytes, _) = sealed();
        for len in 0..bytes.len() {
            assert!(parse(&bytes[..len]).is_err(), "truncated to {len} bytes went unnoticed");
        }
    }

    fn scrubbed_body() -> Body {
        Body::Redacted {
            reason: "a name in the rationale".into(),
            redacted_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            scrubbed: Some(Scrubbed {
                payload: json!({"round": "2016H2"}).to_string().into(),
                schema_version: 1,
                rationale: Some("(redacted)".into()),
            }),
        }
    }

    fn blank_body() -> Body {
        Body::Redacted {
            reason: "a name in the rationale".into(),
            redacted_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            scrubbed: None,
        }
    }

    #[test]
    fn redaction_keeps_hash_and_digest() {
        let (bytes, hash) = sealed();
        for redacted in [scrubbed_body(), blank_body()] {
            let rewritten = replace_body(&bytes, &redacted).unwrap();
            let parsed = parse_and_check(&rewritten).unwrap();
            assert_eq!(parsed.hash, hash);
            assert_eq!(parsed.body, redacted);
            assert_eq!(parsed.header.body_digest, parse(&bytes).unwrap().header.body_digest);
        }
    }

    #[test]
    fn a_scrubbed_body_cut_or_nested_is_refused() {
        let bytes = encode_body(&scrubbed_body());
        let marker_end =
            5 + usize::try_from(u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]])).unwrap();
        // Cut anywhere before the payload's text (whose cut the body digest and CRC catch).
        for len in 0..marker_end + 5 + "(redacted)".len() {
            assert!(decode_body(&bytes[..len]).is_err(), "cut to {len} bytes");
        }
        // A scrubbed body whose event is itself a redaction: refused before any recursion.
        let mut nested = bytes.clone();
        nested.truncate(marker_end);
        nested.extend(&bytes);
        assert!(matches!(decode_body(&nested), Err(Corruption::BadBody(_))));
    }

    /// The record format's golden fixtures: one record of each body kind, written once (with
    /// `NETVAERK_WRITE_FIXTURES=1`) and never edited, so stores written today read in ten
    /// years. Body kinds: 0x00 present, 0x01 redacted without its event, 0x02 scrubbed.
    #[test]
    fn the_record_format_matches_its_fixtures() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records");
        let (present, _) = sealed();
        let cases = [
            ("present", present.clone()),
            ("redacted", replace_body(&present, &blank_body()).unwrap()),
            ("scrubbed", replace_body(&present, &scrubbed_body()).unwrap()),
        ];
        for (name, bytes) in cases {
            let path = dir.join(format!("{name}.hex"));
            if std::env::var_os("NETVAERK_WRITE_FIXTURES").is_some() && !path.exists() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, crate::envelope::hex(&bytes) + "\n").unwrap();
            }
            let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
                panic!("{}: {error} (write it with NETVAERK_WRITE_FIXTURES=1)", path.display())
            });
            let stored: Vec<u8> = (0..text.trim().len())
                .step_by(2)
                .map(|index| u8::from_str_radix(&text.trim()[index..index + 2], 16).unwrap())
                .collect();
            assert_eq!(stored, bytes, "the {name} record's bytes changed: a format change needs a new kind");
            // The JSON view of the one record shape, there and back, gives the same record.
            let envelope = parse_and_check(&stored).unwrap();
            let json = serde_json::to_string(&crate::ExportedRecord::from(&envelope)).unwrap();
            let exported: crate::ExportedRecord = serde_json::from_str(&json).unwrap();
            assert_eq!(Envelope::try_from(&exported).unwrap(), envelope, "{name}");
            assert_eq!(exported.to_record().unwrap().bytes, stored, "{name}");
        }
    }
}
