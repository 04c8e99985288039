//! The log's interchange format: one JSON object a record, with every field the chain covers,
//! so an exported log can be checked and imported elsewhere with its positions and hashes.
//! [`ExportedRecord`] is the JSON view of an [`Envelope`]: the same fields, hashes in hex, the
//! body spread over `payload`, `rationale` and `redacted`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::envelope::{hex, Body, Envelope, EventMetadata, RecordHeader, Scrubbed, StreamId};
use crate::error::Corruption;
use crate::record::{reseal, RawRecord};

/// A redaction, as exported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExportedRedaction {
    /// Why.
    pub reason: String,
    /// When.
    pub redacted_at: DateTime<Utc>,
    /// The schema version of the scrubbed payload the record's `payload` then holds; absent
    /// when the redaction kept no event (the record then has no payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
}

/// One record of an exported log.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExportedRecord {
    /// The global position.
    pub position: u64,
    /// The stream.
    pub stream: StreamId,
    /// The version in the stream.
    pub stream_version: u64,
    /// The event id.
    pub event_id: Uuid,
    /// The stored type name.
    pub event_type: String,
    /// The schema version.
    pub schema_version: u32,
    /// Who, when.
    pub metadata: EventMetadata,
    /// The payload, exactly as stored: as scrubbed when redacted, absent when redacted without
    /// a scrubbed event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Box<RawValue>>,
    /// The rationale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// The redaction, if the body was redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted: Option<ExportedRedaction>,
    /// SHA-256 of the body as first written, hex.
    pub body_digest: String,
    /// The previous record's hash, hex.
    pub previous_hash: String,
    /// This record's hash, hex.
    pub hash: String,
}

impl From<&Envelope> for ExportedRecord {
    fn from(envelope: &Envelope) -> Self {
        let (payload, rationale, redacted) = match &envelope.body {
            Body::Present { payload, rationale } => {
                (RawValue::from_string(payload.to_string()).ok(), rationale.clone(), None)
            }
            Body::Redacted { reason, redacted_at, scrubbed } => {
                let redaction = ExportedRedaction {
                    reason: reason.clone(),
                    redacted_at: *redacted_at,
                    schema_version: scrubbed.as_ref().map(|scrubbed| scrubbed.schema_version),
                };
                let payload = scrubbed
                    .as_ref()
                    .and_then(|scrubbed| RawValue::from_string(scrubbed.payload.to_string()).ok());
                (payload, scrubbed.as_ref().and_then(|scrubbed| scrubbed.rationale.clone()), Some(redaction))
            }
        };
        let header = &envelope.header;
        Self {
            position: header.position,
            stream: header.stream.clone(),
            stream_version: header.stream_version,
            event_id: header.event_id,
            event_type: header.event_type.clone(),
            schema_version: header.schema_version,
            metadata: header.metadata.clone(),
            payload,
            rationale,
            redacted,
            body_digest: hex(&header.body_digest),
            previous_hash: hex(&header.previous_hash),
            hash: hex(&envelope.hash),
        }
    }
}

fn unhex(text: &str, field: &str) -> Result<[u8; 32], Corruption> {
    let bad = || Corruption::BadHeader(format!("the {field} is not 64 hex digits"));
    if text.len() != 64 || !text.is_ascii() {
        return Err(bad());
    }
    let mut bytes = [0u8; 32];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16).map_err(|_| bad())?;
    }
    Ok(bytes)
}

impl ExportedRecord {
    /// The stored record these fields describe, if its hash and body digest hold.
    pub fn to_record(&self) -> Result<RawRecord, Corruption> {
        let envelope = Envelope::try_from(self)?;
        Ok(RawRecord { position: self.position, bytes: reseal(&envelope)? })
    }
}

impl TryFrom<&ExportedRecord> for Envelope {
    type Error = Corruption;

    /// The envelope these fields describe: hashes from hex, the body from `payload`,
    /// `rationale` and `redacted`. Whether the hashes hold is [`ExportedRecord::to_record`]'s
    /// check.
    fn try_from(record: &ExportedRecord) -> Result<Self, Corruption> {
        let body = match (&record.payload, &record.redacted) {
            (Some(payload), None) => {
                Body::Present { payload: payload.get().into(), rationale: record.rationale.clone() }
            }
            (payload, Some(redaction)) => {
                let scrubbed = match (payload, redaction.schema_version) {
                    (None, None) => None,
                    (Some(payload), Some(schema_version)) => Some(Scrubbed {
                        payload: payload.get().into(),
                        schema_version,
                        rationale: record.rationale.clone(),
                    }),
                    _ => {
                        return Err(Corruption::BadBody(
                            "a redacted record's payload and its schema version come together".into(),
                        ))
                    }
                };
                Body::Redacted {
                    reason: redaction.reason.clone(),
                    redacted_at: redaction.redacted_at,
                    scrubbed,
                }
            }
            (None, None) => return Err(Corruption::BadBody("a record has a payload or a redaction".into())),
        };
        let header = RecordHeader {
            position: record.position,
            stream: record.stream.clone(),
            stream_version: record.stream_version,
            event_id: record.event_id,
            event_type: record.event_type.clone(),
            schema_version: record.schema_version,
            metadata: record.metadata.clone(),
            body_digest: unhex(&record.body_digest, "body digest")?,
            previous_hash: unhex(&record.previous_hash, "previous hash")?,
        };
        Ok(Envelope { header, body, hash: unhex(&record.hash, "hash")? })
    }
}
