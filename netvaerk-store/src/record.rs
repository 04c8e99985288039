//! The stored form of one event, and the hash chain.
//!
//! ```text
//! offset      size  field (integers big-endian)
//! 0           4     magic "NVR1"
//! 4           4     h: header length
//! 8           h     header: compact JSON {position, stream, stream_version, event_id,
//!                   event_type, schema_version, metadata, body_digest, previous_hash}
//! 8+h         4     b: body length
//! 12+h        b     body: JSON, {"present": {payload, rationale}} or {"redacted": {...}}
//! 12+h+b      32    hash = SHA-256("netvaerk-chain-1" ‖ header bytes)
//! 44+h+b      4     CRC-32 of every byte before it
//! ```
//!
//! The header holds the body's SHA-256 digest and the previous record's hash, so the chain
//! covers every header byte and every body by digest: a body can be redacted (its bytes
//! replaced, the CRC recomputed) while the chain still verifies. The CRC catches accidental
//! damage anywhere in the record, including a redaction record; the chain catches deliberate
//! change of history.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::envelope::{hex, Body, Envelope, EventMetadata, StreamId};
use crate::error::Corruption;

const MAGIC: &[u8; 4] = b"NVR1";
const CHAIN_DOMAIN: &[u8] = b"netvaerk-chain-1";

/// A record's bytes with the position it is stored at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    /// The position the backend stores it under.
    pub position: u64,
    /// The record's bytes.
    pub bytes: Vec<u8>,
}

/// The header as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Header {
    pub position: u64,
    pub stream: StreamId,
    pub stream_version: u64,
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u32,
    pub metadata: EventMetadata,
    #[serde(with = "hex32")]
    pub body_digest: [u8; 32],
    #[serde(with = "hex32")]
    pub previous_hash: [u8; 32],
}

/// A record taken apart; its CRC and framing checked, nothing else yet.
#[derive(Clone, Debug)]
pub(crate) struct Parsed {
    pub header: Header,
    pub body: Body,
    pub body_bytes_digest: [u8; 32],
    pub hash: [u8; 32],
    pub computed_hash: [u8; 32],
}

impl Parsed {
    /// Checks what a record can check alone: its hash and, unless redacted, its body digest.
    pub fn check_alone(&self) -> Result<(), Corruption> {
        if self.hash != self.computed_hash {
            return Err(Corruption::HashMismatch);
        }
        let redacted = matches!(self.body, Body::Redacted { .. });
        if !redacted && self.body_bytes_digest != self.header.body_digest {
            return Err(Corruption::BodyDigestMismatch);
        }
        Ok(())
    }

    pub fn into_envelope(self) -> Envelope {
        let header = self.header;
        Envelope {
            position: header.position,
            stream: header.stream,
            stream_version: header.stream_version,
            event_id: header.event_id,
            event_type: header.event_type,
            schema_version: header.schema_version,
            metadata: header.metadata,
            body: self.body,
            body_digest: header.body_digest,
            previous_hash: header.previous_hash,
            hash: self.hash,
        }
    }
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

fn body_bytes(body: &Body) -> Vec<u8> {
    // A `Body` is JSON values and strings; serialising it cannot fail.
    serde_json::to_vec(body).unwrap_or_default()
}

/// Seals a new record: computes the body digest, the header, the hash and the CRC.
pub(crate) fn seal(mut header: Header, body: &Body) -> (Vec<u8>, [u8; 32]) {
    let body = body_bytes(body);
    header.body_digest = sha256(&body);
    let header_bytes = serde_json::to_vec(&header).unwrap_or_default();
    let hash = chain_hash(&header_bytes);
    (frame(&header_bytes, &body, &hash), hash)
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
    if &bytes[..4] != MAGIC {
        return Err(Corruption::BadMagic);
    }
    let (content, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(content) != u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]) {
        return Err(Corruption::BadChecksum);
    }
    let header_len = read_len(content, 4)?;
    let header_end = 8usize.checked_add(header_len).ok_or(Corruption::Truncated)?;
    let body_len = read_len(content, header_end)?;
    let body_start = header_end + 4;
    let body_end = body_start.checked_add(body_len).ok_or(Corruption::Truncated)?;
    if content.len() != body_end + 32 {
        return Err(Corruption::Truncated);
    }
    let mut hash = [0; 32];
    hash.copy_from_slice(&content[body_end..]);
    Ok(Pieces { header: &content[8..header_end], body: &content[body_start..body_end], hash })
}

fn read_len(bytes: &[u8], at: usize) -> Result<usize, Corruption> {
    let slice = bytes.get(at..at + 4).ok_or(Corruption::Truncated)?;
    let len = u32::from_be_bytes([slice[0], slice[1], slice[2], slice[3]]);
    usize::try_from(len).map_err(|_| Corruption::Truncated)
}

/// Parses a record, checking its framing and CRC (not yet its hash or links).
pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed, Corruption> {
    let pieces = split(bytes)?;
    let header: Header =
        serde_json::from_slice(pieces.header).map_err(|error| Corruption::BadHeader(error.to_string()))?;
    let body: Body =
        serde_json::from_slice(pieces.body).map_err(|error| Corruption::BadBody(error.to_string()))?;
    Ok(Parsed {
        header,
        body,
        body_bytes_digest: sha256(pieces.body),
        hash: pieces.hash,
        computed_hash: chain_hash(pieces.header),
    })
}

/// The same record with its body replaced (for redaction): header and hash stay, the CRC is
/// recomputed.
pub(crate) fn replace_body(bytes: &[u8], body: &Body) -> Result<Vec<u8>, Corruption> {
    let pieces = split(bytes)?;
    Ok(frame(pieces.header, &body_bytes(body), &pieces.hash))
}

/// Hex (de)serialisation of 32-byte hashes in headers.
mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = <&str>::deserialize(deserializer)?;
        let mut bytes = [0u8; 32];
        if text.len() != 64 || !text.is_ascii() {
            return Err(serde::de::Error::custom("expected 64 hex digits"));
        }
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16)
                .map_err(|_| serde::de::Error::custom("expected 64 hex digits"))?;
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use netvaerk_core::PersonId;
    use serde_json::json;

    use super::*;

    fn header() -> Header {
        Header {
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
            },
            body_digest: [0; 32],
            previous_hash: [0; 32],
        }
    }

    fn body() -> Body {
        Body::Present { payload: json!({"round": "2016H2"}), rationale: Some("Spring meeting".into()) }
    }

    #[test]
    fn a_sealed_record_parses_and_checks() {
        let (bytes, hash) = seal(header(), &body());
        let parsed = parse(&bytes).unwrap();
        assert_eq!(parsed.hash, hash);
        assert_eq!(parsed.body, body());
        parsed.check_alone().unwrap();
    }

    #[test]
    fn every_flipped_byte_is_caught() {
        let (bytes, _) = seal(header(), &body());
        for index in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[index] ^= 0x20;
            let caught = parse(&flipped).and_then(|parsed| parsed.check_alone());
            assert!(caught.is_err(), "a flip at byte {index} of {} went unnoticed", bytes.len());
        }
    }

    #[test]
    fn truncation_is_caught_at_every_length() {
        let (bytes, _) = seal(header(), &body());
        for len in 0..bytes.len() {
            assert!(parse(&bytes[..len]).is_err(), "truncated to {len} bytes went unnoticed");
        }
    }

    #[test]
    fn redaction_keeps_hash_and_digest() {
        let (bytes, hash) = seal(header(), &body());
        let redacted = Body::Redacted {
            reason: "a name in the rationale".into(),
            redacted_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
        };
        let rewritten = replace_body(&bytes, &redacted).unwrap();
        let parsed = parse(&rewritten).unwrap();
        assert_eq!(parsed.hash, hash);
        assert_eq!(parsed.body, redacted);
        parsed.check_alone().unwrap();
        assert_eq!(parsed.header.body_digest, parse(&bytes).unwrap().header.body_digest);
    }
}
