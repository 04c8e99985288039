//! The in-memory backend: for tests and for embedders that keep the log elsewhere.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::backend::{heads_of, Backend, Prepared, StreamHead};
use crate::envelope::StreamId;
use crate::error::StoreError;
use crate::log::LogStore;
use crate::record::RawRecord;
use crate::store::RawRecords;

/// An event store in memory. It keeps every guarantee but durability.
pub type MemoryStore = LogStore<MemoryBackend>;

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        match Self::with_backend(MemoryBackend::default()) {
            Ok(store) => store,
            // An empty backend has no record to be corrupt.
            Err(_) => unreachable!("an empty memory backend always opens"),
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Default)]
struct Memory {
    records: Vec<Vec<u8>>,
    streams: HashMap<StreamId, Vec<u64>>,
    ids: HashMap<Uuid, u64>,
    heads: HashMap<StreamId, StreamHead>,
    registry: HashMap<PersonId, Vec<u8>>,
    snapshots: HashMap<StreamId, Vec<u8>>,
}

/// The in-memory [`Backend`].
#[derive(Default)]
pub struct MemoryBackend {
    inner: RwLock<Memory>,
}

impl MemoryBackend {
    fn read(&self) -> RwLockReadGuard<'_, Memory> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Memory> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

fn index(position: u64) -> Option<usize> {
    usize::try_from(position).ok()?.checked_sub(1)
}

impl Backend for MemoryBackend {
    fn last_record(&self) -> Result<Option<RawRecord>, StoreError> {
        let memory = self.read();
        let position = memory.records.len() as u64;
        Ok(memory.records.last().map(|bytes| RawRecord { position, bytes: bytes.clone() }))
    }

    fn records_from(&self, from_position: u64) -> RawRecords<'_> {
        let mut position = from_position.max(1);
        Box::new(std::iter::from_fn(move || {
            let memory = self.read();
            let bytes = memory.records.get(index(position)?)?.clone();
            let raw = RawRecord { position, bytes };
            position += 1;
            Some(Ok(raw))
        }))
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        Ok(self.read().streams.get(stream).map_or(0, |positions| positions.len() as u64))
    }

    fn stream_positions(&self, stream: &StreamId, from_version: u64) -> Result<Vec<u64>, StoreError> {
        let memory = self.read();
        let positions = memory.streams.get(stream).map(Vec::as_slice).unwrap_or_default();
        let skip = index(from_version).unwrap_or(0);
        Ok(positions.iter().skip(skip).copied().collect())
    }

    fn event_position(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        Ok(self.read().ids.get(&event_id).copied())
    }

    fn index_lengths(&self) -> Result<(u64, u64), StoreError> {
        let memory = self.read();
        let streams = memory.streams.values().map(Vec::len).sum::<usize>();
        Ok((streams as u64, memory.ids.len() as u64))
    }

    fn commit(&self, records: &[Prepared]) -> Result<(), StoreError> {
        let mut memory = self.write();
        for record in records {
            memory.records.push(record.bytes.clone());
            memory.streams.entry(record.header.stream.clone()).or_default().push(record.header.position);
            memory.ids.insert(record.header.event_id, record.header.position);
        }
        for (stream, head) in heads_of(records) {
            memory.heads.insert(stream.clone(), head);
        }
        Ok(())
    }

    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        Ok(self.read().heads.get(stream).copied())
    }

    fn keeps_heads(&self) -> Result<bool, StoreError> {
        Ok(true)
    }

    fn write_heads(&self, heads: &[(StreamId, StreamHead)]) -> Result<(), StoreError> {
        self.write().heads.extend(heads.iter().cloned());
        Ok(())
    }

    fn tamper_stream_entry(
        &self,
        stream: &StreamId,
        version: u64,
        position: Option<u64>,
    ) -> Result<(), StoreError> {
        let mut memory = self.write();
        let positions = memory.streams.entry(stream.clone()).or_default();
        let at =
            index(version).filter(|at| *at <= positions.len()).ok_or(StoreError::NoSuchPosition(version))?;
        match position {
            Some(position) if at == positions.len() => positions.push(position),
            Some(position) => positions[at] = position,
            // The memory index is a list by version: removing one shifts the rest down, as a
            // lost entry does to a range read.
            None if at < positions.len() => {
                positions.remove(at);
            }
            None => return Err(StoreError::NoSuchPosition(version)),
        }
        Ok(())
    }

    fn rewrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        let mut memory = self.write();
        let slot = index(position)
            .and_then(|index| memory.records.get_mut(index))
            .ok_or(StoreError::NoSuchPosition(position))?;
        *slot = bytes.to_vec();
        Ok(())
    }

    fn registry_read(&self, person: PersonId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.read().registry.get(&person).cloned())
    }

    fn registry_all(&self) -> Result<Vec<(PersonId, Vec<u8>)>, StoreError> {
        let mut all: Vec<_> =
            self.read().registry.iter().map(|(person, bytes)| (*person, bytes.clone())).collect();
        all.sort_by_key(|(person, _)| *person);
        Ok(all)
    }

    fn registry_write(&self, person: PersonId, bytes: &[u8]) -> Result<(), StoreError> {
        self.write().registry.insert(person, bytes.to_vec());
        Ok(())
    }

    fn snapshot_read(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.read().snapshots.get(stream).cloned())
    }

    fn snapshot_write(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        self.write().snapshots.insert(stream.clone(), bytes.to_vec());
        Ok(())
    }

    fn snapshot_delete(&self, stream: &StreamId) -> Result<(), StoreError> {
        self.write().snapshots.remove(stream);
        Ok(())
    }
}
