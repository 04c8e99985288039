//! The backend seam: what an embedded engine stores for [`LogStore`](crate::LogStore)
//! ([`Backend`]), the records it is handed ([`Prepared`]) and the stream heads it keeps
//! ([`StreamHead`]). `log.rs` holds the log's rules over it, `plan.rs` prepares the records
//! and `queue.rs` groups the commits.

use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::envelope::{Body, RecordHeader, StreamId};
use crate::error::StoreError;
use crate::record::RawRecord;
use crate::store::RawRecords;

/// A record ready to store: its bytes, and the header they were sealed from, which holds what
/// the backend indexes it by (position, stream and version, event id).
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The record's header.
    pub header: RecordHeader,
    /// The record's hash.
    pub hash: [u8; 32],
    /// The record's bytes.
    pub bytes: Vec<u8>,
    /// The body, kept where it comes for free (imports, parsed to check them) or when the
    /// planner is asked to: the PostgreSQL store writes its columns beside the bytes without
    /// parsing the record again.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store uses it
    pub(crate) body: Option<Body>,
}

/// What [`Backend::visit_records`] calls with each record: its position and bytes.
pub type VisitRecord<'a> = dyn FnMut(u64, &[u8]) -> Result<(), StoreError> + 'a;

/// The storage primitives a [`LogStore`](crate::LogStore) needs: bytes by position, and two indexes. An
/// embedded engine joins netvaerk by implementing this; the log's rules live in `LogStore`.
pub trait Backend: Send + Sync {
    /// The record at the highest position, if any.
    fn last_record(&self) -> Result<Option<RawRecord>, StoreError>;
    /// The records from `from_position` on, in order, lazily (no cap: `LogStore` caps).
    fn records_from(&self, from_position: u64) -> RawRecords<'_>;
    /// Calls `visit` with the position and bytes of each record from `first` to `last`, in
    /// order, stopping at the first error. Engines that can lend their bytes do, instead of
    /// copying each record as [`Backend::records_from`] does.
    fn visit_records(&self, first: u64, last: u64, visit: &mut VisitRecord<'_>) -> Result<(), StoreError> {
        for raw in self.records_from(first) {
            let raw = raw?;
            if raw.position > last {
                break;
            }
            visit(raw.position, &raw.bytes)?;
        }
        Ok(())
    }
    /// The record at `position`, if stored (a point read where the engine has one).
    fn record(&self, position: u64) -> Result<Option<RawRecord>, StoreError> {
        Ok(self.records_from(position).next().transpose()?.filter(|raw| raw.position == position))
    }
    /// The stream's version (0 if absent).
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError>;
    /// Whether the engine recovered its files from an unclean shutdown at open.
    fn recovered(&self) -> bool {
        false
    }
    /// [`EventStore::purge`](crate::EventStore::purge): makes the engine forget old copies of rewritten bytes, and names
    /// what it cannot reach. The default is an engine that keeps none.
    fn purge(&self) -> Result<crate::Purged, StoreError> {
        Ok(crate::Purged::nothing_kept())
    }
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
    /// The snapshot stored for `stream` (see [`EventStore::load_snapshot`](crate::EventStore::load_snapshot)).
    fn snapshot_read(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError>;
    /// Stores `bytes` as `stream`'s snapshot, replacing any before, durably; beside the records,
    /// never in them.
    fn snapshot_write(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError>;
    /// Deletes `stream`'s snapshot, if any, durably.
    fn snapshot_delete(&self, stream: &StreamId) -> Result<(), StoreError>;
    /// How many entries the stream index and the event-id index hold (for `verify`'s
    /// cross-check: each record indexed once in each).
    fn index_lengths(&self) -> Result<(u64, u64), StoreError>;
    /// The stream's head as kept beside the index (its last version and that record's
    /// position), written by [`Backend::commit`] in the same atomic write as the records and
    /// their index entries; `None` if the stream has none.
    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError>;
    /// Whether the store keeps stream heads: `false` for a store written before they were
    /// kept (or whose heads are gone), which [`LogStore`](crate::LogStore) then builds from the records.
    fn keeps_heads(&self) -> Result<bool, StoreError>;
    /// Stores heads built from the records, durably, and marks the store as keeping them (at
    /// a writing open of a store written before heads were kept). A read-only store answers
    /// [`StoreError::ReadOnly`].
    fn write_heads(&self, heads: &[(StreamId, StreamHead)]) -> Result<(), StoreError>;
    /// Rewrites (`Some(position)`) or removes (`None`) one stream-index entry behind the log's
    /// back, as damage would, leaving the records and the heads as they are: for the tests of
    /// the read checks only.
    #[doc(hidden)]
    fn tamper_stream_entry(
        &self,
        stream: &StreamId,
        version: u64,
        position: Option<u64>,
    ) -> Result<(), StoreError> {
        let _ = (stream, version, position);
        Err(StoreError::engine("this backend cannot tamper with its index"))
    }
}

/// A stream's head: the version of its last record and where that record is. Kept per stream
/// beside the stream index, so that a read can tell a whole stream from one whose index lost
/// entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamHead {
    /// The stream's version (its last record's).
    pub version: u64,
    /// The position of that record.
    pub position: u64,
}

/// The heads a batch of records leaves: per stream, its last record's.
pub(crate) fn heads_of(records: &[Prepared]) -> Vec<(&StreamId, StreamHead)> {
    let mut heads: Vec<(&StreamId, StreamHead)> = Vec::new();
    for record in records {
        let head = StreamHead { version: record.header.stream_version, position: record.header.position };
        match heads.iter_mut().find(|(stream, _)| **stream == record.header.stream) {
            Some((_, kept)) => *kept = head,
            None => heads.push((&record.header.stream, head)),
        }
    }
    heads
}
