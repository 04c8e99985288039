//! Snapshots: an organisation's state and read models as folded up to one record of its
//! stream, kept beside the log ([`EventStore::save_snapshot`]) so that opening an organisation
//! folds only the events after it.
//!
//! A snapshot is bytes the store keeps without reading them:
//!
//! ```text
//! "NVS1"                          magic
//! format        u32 BE            SNAPSHOT_FORMAT when written
//! version       u64 BE            the stream version folded up to
//! position      u64 BE            that record's global position
//! redactions    u64 BE            the `$redactions` stream's version when folded
//! hash          32 bytes          that record's hash
//! digest        32 bytes          SHA-256 of everything before it and the body
//! body          MessagePack       (State, All), structs as maps
//! ```
//!
//! It is trusted ([`trusted`]) only if its format is this build's, its digest holds, its body
//! decodes, the `$redactions` stream has not moved since it was folded, and the log's record
//! at its position is of its stream, at its version, with exactly its hash (so the position is
//! not past the head, and the history it folded is the one the chain holds). Anything else and
//! the service folds from the start, as if there were none: a bad snapshot costs time, never an
//! error or a wrong answer.

use netvaerk_core::State;
pub use netvaerk_projections::SNAPSHOT_FORMAT;
use netvaerk_projections::{decode_folds, encode_folds, All};
use netvaerk_store::{EventStore, StreamId};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 4] = b"NVS1";
/// The header's length: magic, format, version, position, redactions, hash.
const HEADER: usize = 4 + 4 + 8 + 8 + 8 + 32;

/// An organisation's state and read models as folded up to one record, and that record.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The stream version folded up to (the state's version).
    pub version: u64,
    /// The global position of the record at that version (the read models' checkpoint).
    pub position: u64,
    /// That record's hash.
    pub hash: [u8; 32],
    /// The `$redactions` stream's version when it was folded.
    pub redactions: u64,
    /// The state the rules decide on.
    pub state: State,
    /// The read models.
    pub all: All,
}

/// Why a snapshot was not trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejected {
    /// Shorter than its header, or without its magic.
    Malformed,
    /// Written by a build with another [`SNAPSHOT_FORMAT`].
    Format(u32),
    /// Its digest does not hold: bytes changed since it was written.
    Digest,
    /// Its body does not decode (or says another version than its header).
    Body,
    /// A redaction happened since it was folded.
    Redacted,
    /// The log holds no record of its stream at its position, version and hash.
    NotTheLog,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

fn digest(header: &[u8], body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(header);
    hasher.update(body);
    hasher.finalize().into()
}

impl Snapshot {
    /// The snapshot's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let body = encode_folds(&self.state, &self.all);
        let mut bytes = Vec::with_capacity(HEADER + 32 + body.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&SNAPSHOT_FORMAT.to_be_bytes());
        bytes.extend_from_slice(&self.version.to_be_bytes());
        bytes.extend_from_slice(&self.position.to_be_bytes());
        bytes.extend_from_slice(&self.redactions.to_be_bytes());
        bytes.extend_from_slice(&self.hash);
        let sealed = digest(&bytes, &body);
        bytes.extend_from_slice(&sealed);
        bytes.extend_from_slice(&body);
        bytes
    }

    /// Reads a snapshot back from its bytes, checking its format and digest (not yet against
    /// the log: see [`trusted`]). Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, Rejected> {
        if bytes.len() < HEADER + 32 || !bytes.starts_with(MAGIC) {
            return Err(Rejected::Malformed);
        }
        let format = u32_at(bytes, 4).ok_or(Rejected::Malformed)?;
        if format != SNAPSHOT_FORMAT {
            return Err(Rejected::Format(format));
        }
        let (header, rest) = bytes.split_at(HEADER);
        let (sealed, body) = rest.split_at(32);
        if digest(header, body)[..] != *sealed {
            return Err(Rejected::Digest);
        }
        let version = u64_at(bytes, 8).ok_or(Rejected::Malformed)?;
        let position = u64_at(bytes, 16).ok_or(Rejected::Malformed)?;
        let redactions = u64_at(bytes, 24).ok_or(Rejected::Malformed)?;
        let hash: [u8; 32] = header[32..64].try_into().map_err(|_| Rejected::Malformed)?;
        let (state, all) = decode_folds(body).ok_or(Rejected::Body)?;
        if state.version() != version {
            return Err(Rejected::Body);
        }
        Ok(Self { version, position, hash, redactions, state, all })
    }
}

/// The snapshot `store` keeps for `stream`, if it holds: see the [module](self). `redactions`
/// is the `$redactions` stream's version now. A store that fails to answer is no snapshot.
pub fn trusted(
    store: &dyn EventStore,
    stream: &StreamId,
    redactions: u64,
) -> Result<Snapshot, Option<Rejected>> {
    let bytes = store.load_snapshot(stream).ok().flatten().ok_or(None)?;
    let snapshot = Snapshot::decode(&bytes)?;
    if snapshot.redactions != redactions {
        return Err(Some(Rejected::Redacted));
    }
    let record = store.read_at(snapshot.position).ok().flatten();
    let holds = record.is_some_and(|record| {
        record.header.stream == *stream
            && record.header.stream_version == snapshot.version
            && record.hash == snapshot.hash
    });
    if !holds {
        return Err(Some(Rejected::NotTheLog));
    }
    Ok(snapshot)
}
