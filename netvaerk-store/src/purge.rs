//! What [`EventStore::purge`](crate::EventStore::purge) did, and what it could not reach.
//!
//! A redaction replaces a record's words and an erasure destroys a person's key, but storage
//! engines keep bytes they no longer use until they reuse the space: PostgreSQL in dead tuples
//! until `VACUUM` and in its write-ahead log until the segment is overwritten, sled in its log
//! segments until it rewrites them. A purge makes the engine forget those copies where it can,
//! and names every place it cannot reach ([`Kept`]), so that an operator knows what else to
//! clear (an archive, a standby, a backup).

use std::fmt;

use serde::Serialize;

/// A place that may still hold old copies of redacted words or of an erased person's key
/// after a purge, out of the store's reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kept {
    /// sled keeps old versions of a record in its log-structured segments until it rewrites
    /// them, and has no call that forces it: `migrate` into a new store leaves them behind.
    SledSegments,
    /// PostgreSQL archives its write-ahead log (`archive_mode` is on): the archive keeps the
    /// segments written before the purge.
    WalArchive {
        /// The `archive_mode` setting (`on` or `always`).
        mode: String,
    },
    /// A replication slot keeps the write-ahead log from its restart point for a consumer
    /// that has not read it yet.
    ReplicationSlot {
        /// The slot's name.
        name: String,
    },
    /// A standby server replays the write-ahead log: it forgets the old rows with the primary
    /// but keeps its own copies of the segments until it recycles them; purge it too.
    Standby {
        /// The standby's `application_name`.
        name: String,
    },
}

impl fmt::Display for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SledSegments => f.write_str(
                "sled keeps old copies in its log segments until it rewrites them; `migrate` the log into a \
                 new store and delete the old directory to remove them",
            ),
            Self::WalArchive { mode } => write!(
                f,
                "PostgreSQL archives its write-ahead log (archive_mode = {mode}): the archive keeps the \
                 segments written before the purge; remove them there"
            ),
            Self::ReplicationSlot { name } => write!(
                f,
                "the replication slot {name:?} keeps write-ahead log for its consumer until the consumer \
                 reads past it"
            ),
            Self::Standby { name } => write!(
                f,
                "the standby {name:?} keeps its own write-ahead log segments until it recycles them; \
                 run a CHECKPOINT there"
            ),
        }
    }
}

/// What a purge did, and where old copies may still be.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Purged {
    /// The tables rewritten whole, so that no dead row is left in their files (PostgreSQL:
    /// `VACUUM FULL`); empty for the embedded stores.
    pub tables_rewritten: Vec<String>,
    /// How many write-ahead log segments were written through (each ended with a zero-filled
    /// switch, PostgreSQL), so that none from before the purge still holds its bytes.
    pub wal_segments_cycled: u64,
    /// What the purge could not reach: empty when no copy is left in any file the store's
    /// engine writes.
    pub kept: Vec<Kept>,
}

impl Purged {
    /// A store with nothing to purge: the engine keeps no old copies (redb, memory).
    pub fn nothing_kept() -> Self {
        Self::default()
    }

    /// A store whose engine keeps old copies that it cannot be made to forget.
    pub fn keeping(kept: Vec<Kept>) -> Self {
        Self { kept, ..Self::default() }
    }
}
