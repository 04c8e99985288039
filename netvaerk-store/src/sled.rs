//! The sled backend: the embedded default, one directory.
//!
//! Layout: one sled tree with prefixed keys, so that one `Batch` writes a record and its index
//! entries atomically.
//!
//! ```text
//! 0x00 ‖ position u64 BE                        → record bytes (see `record.rs`)
//! 0x01 ‖ stream length u16 BE ‖ stream ‖ version u64 BE → position u64 BE
//! 0x02 ‖ event id (16 bytes)                     → position u64 BE
//! 0x03 ‖ stream                                  → version u64 BE ‖ position u64 BE (its head)
//! 0x04                                           → (empty: this store keeps heads)
//! 0x10 ‖ person id (16 bytes)                    → registry entry (JSON)
//! 0x20 ‖ stream                                  → the stream's snapshot (the service's bytes; not a record)
//! ```
//!
//! Damage: sled checks its own pages with CRCs and answers a damaged one with an error that
//! names, at best, an offset in its file. Sled keeps each value's bytes as written (no
//! compression), so on such an error the store reads the data file itself, finds its records by
//! their marker and checks each one's own checksum: the error names the position of the first
//! damaged record (or the range of positions, where the damage hit the position's own bytes),
//! as [`StoreError::Corrupt`]. Damage in sled's own bytes, outside any record, names no
//! position: it is [`StoreError::Damaged`] with sled's words.
//!
//! Durability: sled 0.34's `flush` writes with `sync_file_range`, which survives a process
//! crash but not a power loss; after each flush the store also calls `sync_data` on sled's
//! data file, so an acknowledged append survives power loss too. Positions come from the
//! single writer (the group commit in `LogStore`), never from sled's `generate_id`.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::backend::{heads_of, Backend, Prepared, StreamHead, VisitRecord};
use crate::envelope::{RecordHeader, StreamId};
use crate::error::{guard, lend, Corruption, Guarded, StoreError};
use crate::log::{LogStore, OpenCheck};
use crate::record::{parse, RawRecord};
use crate::store::RawRecords;

/// An event store in a directory, on sled.
pub type SledStore = LogStore<SledBackend>;

/// Options for opening a [`SledStore`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SledOptions {
    /// sled's page cache in bytes (default 64 MiB: measured here to cut memory 4x at no cost
    /// in throughput).
    pub cache_capacity: u64,
    /// What to check at open.
    pub check: OpenCheck,
    /// Whether to create a store where none is (default): a command that only reads sets
    /// `false`, so that a missing or empty directory is [`StoreError::NotFound`], not a new
    /// empty log. A store is created only in a directory whose parent exists.
    pub create: bool,
}

impl Default for SledOptions {
    fn default() -> Self {
        Self { cache_capacity: 64 * 1024 * 1024, check: OpenCheck::Records, create: true }
    }
}

const RECORD: u8 = 0x00;
const STREAM: u8 = 0x01;
const EVENT_ID: u8 = 0x02;
const HEAD: u8 = 0x03;
const KEEPS_HEADS: u8 = 0x04;
const REGISTRY: u8 = 0x10;
const SNAPSHOT: u8 = 0x20;

fn record_key(position: u64) -> [u8; 9] {
    let mut key = [RECORD; 9];
    key[1..].copy_from_slice(&position.to_be_bytes());
    key
}

fn stream_prefix(stream: &StreamId) -> Vec<u8> {
    let name = stream.as_str().as_bytes();
    let mut key = Vec::with_capacity(3 + name.len() + 8);
    key.push(STREAM);
    // Stream ids are at most 200 bytes, so the length fits.
    key.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_be_bytes());
    key.extend_from_slice(name);
    key
}

fn stream_key(stream: &StreamId, version: u64) -> Vec<u8> {
    let mut key = stream_prefix(stream);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn head_key(stream: &StreamId) -> Vec<u8> {
    let mut key = vec![HEAD];
    key.extend_from_slice(stream.as_str().as_bytes());
    key
}

fn head_value(head: StreamHead) -> [u8; 16] {
    let mut value = [0; 16];
    value[..8].copy_from_slice(&head.version.to_be_bytes());
    value[8..].copy_from_slice(&head.position.to_be_bytes());
    value
}

fn snapshot_key(stream: &StreamId) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + stream.as_str().len());
    key.push(SNAPSHOT);
    key.extend_from_slice(stream.as_str().as_bytes());
    key
}

fn id_key(prefix: u8, id: Uuid) -> [u8; 17] {
    let mut key = [prefix; 17];
    key[1..].copy_from_slice(id.as_bytes());
    key
}

fn u64_at(bytes: &[u8], offset: usize) -> Option<u64> {
    let slice: [u8; 8] = bytes.get(offset..offset + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(slice))
}

fn engine(error: sled::Error) -> StoreError {
    StoreError::engine_error(error.to_string(), error)
}

/// The marker a record starts with (`record.rs`).
const RECORD_MARKER: &[u8; 4] = b"NVR1";
/// The shortest and longest header a record can have (`record.rs`: 137 fixed bytes; a stream
/// id and an event type of at most a few hundred bytes, three optional ids and a digest).
const HEADER_LENGTHS: std::ops::RangeInclusive<usize> = 137..=4096;

/// The longest body a record is taken to have while scanning sled's file for records: a longer
/// length is damage (or not a record).
const LONGEST_BODY: usize = 64 * 1024 * 1024;

/// The records found in sled's data file, read byte by byte without sled: each with the
/// position it names and, where its own checksum or framing fails, what is wrong with it.
///
/// Sled answers a damaged page with an error naming at best an offset in its file, and a failed
/// open rewrites the damaged segment with zeros (measured with sled 0.34.7: 269,541 bytes of a
/// 512 KiB file), so the records are read before sled opens the file.
#[derive(Default)]
struct FileScan {
    frames: Vec<Frame>,
}

/// A record found in sled's file.
struct Frame {
    /// The position its header names (for a damaged record, perhaps hit itself).
    named: u64,
    /// What is wrong with it; `None` if it passes its own checks.
    problem: Option<Corruption>,
    /// Its hash and the hash it links to, where readable: they place a damaged record whose
    /// position was hit next to the sound records it links to.
    hash: Option<[u8; 32]>,
    previous: Option<[u8; 32]>,
}

impl FileScan {
    /// Scans the file at `path` in chunks; `None` if it cannot be read.
    fn of(path: &Path) -> Option<Self> {
        use std::io::Read;
        let mut file = File::open(path).ok()?;
        let (mut scan, mut buffer, mut chunk) = (Self::default(), Vec::new(), vec![0u8; 8 * 1024 * 1024]);
        loop {
            let read = file.read(&mut chunk).ok()?;
            buffer.extend_from_slice(&chunk[..read]);
            let done = scan.feed(&buffer, read == 0);
            buffer.drain(..done);
            if read == 0 {
                return Some(scan);
            }
        }
    }

    /// Scans `buffer`, the file's bytes from where the last call stopped; returns how many of
    /// them are done with (the rest begin a record the buffer cuts, unless `last`).
    fn feed(&mut self, buffer: &[u8], last: bool) -> usize {
        let u32_at = |offset: usize| -> Option<usize> {
            let bytes: [u8; 4] = buffer.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
            usize::try_from(u32::from_be_bytes(bytes)).ok()
        };
        let mut offset = 0;
        loop {
            let Some(found) = buffer.get(offset..).and_then(|rest| {
                rest.windows(RECORD_MARKER.len()).position(|window| window == RECORD_MARKER)
            }) else {
                return if last {
                    buffer.len()
                } else {
                    buffer.len().saturating_sub(RECORD_MARKER.len() - 1)
                };
            };
            let start = offset + found;
            offset = start + 1;
            let Some(header_length) = u32_at(start + 4) else {
                return if last { buffer.len() } else { start };
            };
            if !HEADER_LENGTHS.contains(&header_length) {
                // Not a record (a registry entry's marker, or chance), or one whose length was hit.
                continue;
            }
            let body_start = start + 8 + header_length + 4;
            let (Some(named), Some(body_length)) = (u64_at(buffer, start + 8), u32_at(body_start - 4)) else {
                if last {
                    continue;
                }
                return start;
            };
            let named_problem = |problem, frame: Option<&[u8]>| {
                let header = buffer.get(start + 8..body_start - 4).map(RecordHeader::decode);
                let hash = frame.and_then(|frame| frame.get(frame.len().checked_sub(36)?..frame.len() - 4));
                Frame {
                    named,
                    problem: Some(problem),
                    hash: hash.and_then(|hash| hash.try_into().ok()),
                    previous: header.and_then(Result::ok).map(|header| header.previous_hash),
                }
            };
            if body_length > LONGEST_BODY {
                self.frames.push(named_problem(Corruption::Truncated, None));
                continue;
            }
            let end = body_start + body_length + 36;
            let Some(frame) = buffer.get(start..end) else {
                if last {
                    self.frames.push(named_problem(Corruption::Truncated, None));
                    continue;
                }
                return start;
            };
            match parse(frame) {
                Ok(envelope) => {
                    self.frames.push(Frame {
                        named: envelope.header.position,
                        problem: None,
                        hash: Some(envelope.hash),
                        previous: Some(envelope.header.previous_hash),
                    });
                    offset = end;
                }
                Err(problem) => self.frames.push(named_problem(problem, Some(frame))),
            }
        }
    }

    /// The first damaged record in log order, as a [`StoreError::Corrupt`] naming its position;
    /// where the damage hit the bytes that name the position, the first position of the range
    /// it must lie in, with [`Corruption::DamagedThrough`] naming the last. `None` when every
    /// record found passes its own checks.
    fn first_damage(&self) -> Option<StoreError> {
        let frames = &self.frames;
        let sound = || frames.iter().filter(|frame| frame.problem.is_none());
        // Sound records by their hash and by the hash they link to.
        let by_hash: HashMap<[u8; 32], u64> =
            sound().filter_map(|frame| Some((frame.hash?, frame.named))).collect();
        let by_previous: HashMap<[u8; 32], u64> =
            sound().filter_map(|frame| Some((frame.previous?, frame.named))).collect();
        let mut damaged: Vec<(u64, u64, Corruption)> = Vec::new();
        for (index, frame) in frames.iter().enumerate() {
            let Some(problem) = &frame.problem else { continue };
            // Where the chain places it: after the record it links to, before the one that
            // links to it.
            let linked = match (frame.previous, frame.hash) {
                (Some(previous), _) if previous == [0; 32] => Some(1),
                (Some(previous), _) if by_hash.contains_key(&previous) => {
                    by_hash.get(&previous).map(|position| position + 1)
                }
                (_, Some(hash)) => by_previous.get(&hash).map(|position| position.saturating_sub(1)),
                _ => None,
            };
            if let Some(position) = linked {
                damaged.push((position, position, problem.clone()));
                continue;
            }
            // Else between the sound records beside it in the file (sled keeps a page's records
            // in key order), unless the position it names lies there.
            let before = frames[..index].iter().rev().find(|frame| frame.problem.is_none()).map(|f| f.named);
            let after = frames[index + 1..].iter().find(|frame| frame.problem.is_none()).map(|f| f.named);
            let named = frame.named;
            let believable =
                before.is_none_or(|before| before < named) && after.is_none_or(|after| named < after);
            match (before, after) {
                (Some(before), Some(after)) if !believable && before + 1 < after => {
                    damaged.push((before + 1, after - 1, problem.clone()));
                }
                _ => damaged.push((named, named, problem.clone())),
            }
        }
        let (first, last, problem) = damaged.into_iter().min_by_key(|(first, last, _)| (*first, *last))?;
        let problem = if first == last { problem } else { Corruption::DamagedThrough { last } };
        Some(StoreError::Corrupt { position: first, problem })
    }
}

/// The sled [`Backend`].
pub struct SledBackend {
    db: sled::Db,
    data_file: File,
    path: PathBuf,
    // Held for the store's life: the exclusive lock that makes a second opener fail fast.
    _lock: File,
}

impl SledStore {
    /// Opens (creating if needed) the store in directory `path`, with the default options.
    ///
    /// Fails with [`StoreError::InUse`] if another process has it open, and with
    /// [`StoreError::Corrupt`] naming the position if a record is damaged.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, SledOptions::default())
    }

    /// Opens the store in `path` with `options`.
    pub fn open_with(path: impl AsRef<Path>, options: SledOptions) -> Result<Self, StoreError> {
        Self::open_checked(SledBackend::open(path.as_ref(), options)?, options.check)
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.backend().db.size_on_disk().map_err(engine)
    }

    /// The store's directory.
    pub fn path(&self) -> &Path {
        &self.backend().path
    }
}

/// The error for sled's `error`, which reports damage: the first damaged record `scan` found
/// in the data file, else [`StoreError::Damaged`] with sled's words.
fn damage(scan: Option<FileScan>, error: &dyn std::fmt::Display) -> StoreError {
    scan.and_then(|scan| scan.first_damage()).unwrap_or_else(|| StoreError::Damaged {
        detail: format!(
            "sled found its data file damaged outside the log's records, so no position can be named ({error})"
        ),
    })
}

impl SledBackend {
    /// The error for a failed call into sled: damage named by position where sled found some.
    fn failed(&self, error: sled::Error) -> StoreError {
        match error {
            sled::Error::Corruption { .. } => {
                damage(FileScan::of(&self.path.join("sled").join("db")), &error)
            }
            other => engine(other),
        }
    }

    fn open(path: &Path, options: SledOptions) -> Result<Self, StoreError> {
        let sled_path = path.join("sled");
        let data_path = sled_path.join("db");
        // A store is created only where nothing is: a directory that holds a store whose data
        // file is gone or empty is damaged, never a new empty log.
        let holds_anything =
            std::fs::read_dir(path).map(|mut entries| entries.next().is_some()).unwrap_or(false);
        if !holds_anything && !options.create {
            return Err(StoreError::not_found_for_reading(path.display()));
        }
        if !path.is_dir() {
            let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty());
            if parent.is_some_and(|parent| !parent.is_dir()) {
                return Err(StoreError::no_parent(path));
            }
            std::fs::create_dir(path)
                .map_err(|error| StoreError::io(format!("creating {}", path.display()), error))?;
        }
        let lock_path = path.join("netvaerk.lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|error| StoreError::io(format!("opening {}", lock_path.display()), error))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::InUse { path: path.to_owned() })
            }
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(StoreError::io(format!("locking {}", lock_path.display()), error));
            }
        }
        // Checked holding the lock: another opener's store, not yet flushed, is in use, not
        // damaged.
        if holds_anything {
            let data = std::fs::metadata(&data_path).map(|metadata| metadata.len()).unwrap_or(0);
            if data == 0 {
                return Err(StoreError::Damaged {
                    detail: format!("{} holds no sled data (sled/db is missing or empty)", path.display()),
                });
            }
        }
        // Sled rewrites a damaged segment with zeros when it fails to open it: the records are
        // read first, so that the error can name the positions (with the full open check only,
        // the one that reads every record anyway).
        let scan = match options.check {
            OpenCheck::Records => FileScan::of(&data_path),
            OpenCheck::Head => None,
        };
        let config = sled::Config::new().path(&sled_path).cache_capacity(options.cache_capacity);
        // We hold netvaerk.lock, so no other store has this directory open. sled's own file
        // lock can still be held for a moment by the threads of a sled instance this process
        // just dropped (after a failed open check, say), which release it asynchronously: wait
        // for them, up to two seconds. sled 0.34.7 (pinned) reports that case only in words.
        let mut attempts = 0;
        let db = loop {
            let opened = match guard(|| Ok(config.open())) {
                Ok(opened) => opened,
                // sled panics on some damage: the records may still say where.
                Err(panicked) => return Err(damage(scan, &panicked)),
            };
            match opened {
                Err(sled::Error::Io(error))
                    if attempts < 200 && error.to_string().starts_with("could not acquire lock") =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(error @ sled::Error::Corruption { .. }) => return Err(damage(scan, &error)),
                opened => break opened.map_err(engine)?,
            }
        };
        let data_file = File::open(&data_path)
            .map_err(|error| StoreError::io(format!("opening {}", data_path.display()), error))?;
        Ok(Self { db, data_file, path: path.to_owned(), _lock: lock })
    }

    /// Makes everything written so far durable: sled's flush, then fdatasync of its file.
    fn sync(&self) -> Result<(), StoreError> {
        self.db.flush().map_err(|error| self.failed(error))?;
        self.data_file.sync_data().map_err(|error| StoreError::io("syncing the sled data file", error))
    }
}

impl Backend for SledBackend {
    /// sled has no call that makes it rewrite the segments holding old copies.
    fn purge(&self) -> Result<crate::Purged, StoreError> {
        Ok(crate::Purged::keeping(vec![crate::Kept::SledSegments]))
    }

    fn last_record(&self) -> Result<Option<RawRecord>, StoreError> {
        guard(|| {
            let last = self.db.get_lt([STREAM]).map_err(|error| self.failed(error))?;
            Ok(last.and_then(|(key, value)| {
                let position = u64_at(&key, 1)?;
                Some(RawRecord { position, bytes: value.to_vec() })
            }))
        })
    }

    fn records_from(&self, from_position: u64) -> RawRecords<'_> {
        let start = record_key(from_position.max(1)).to_vec();
        let range = match guard(|| Ok(self.db.range(start..vec![STREAM]))) {
            Ok(range) => range,
            Err(error) => return Box::new(std::iter::once(Err(error))),
        };
        Box::new(Guarded::new(Box::new(range.map(|item| {
            let (key, value) = item.map_err(|error| self.failed(error))?;
            let position = u64_at(&key, 1).ok_or_else(|| StoreError::engine("a record key is malformed"))?;
            Ok(RawRecord { position, bytes: value.to_vec() })
        }))))
    }

    fn visit_records(&self, first: u64, last: u64, visit: &mut VisitRecord<'_>) -> Result<(), StoreError> {
        // sled's values are shared buffers: lent, not copied.
        let mut panicked = None;
        let walked = guard(|| {
            for item in self.db.range(record_key(first.max(1))..=record_key(last)) {
                let (key, value) = item.map_err(|error| self.failed(error))?;
                let position =
                    u64_at(&key, 1).ok_or_else(|| StoreError::engine("a record key is malformed"))?;
                if !lend(visit, position, &value, &mut panicked)? {
                    break;
                }
            }
            Ok(())
        });
        if let Some(panic) = panicked {
            std::panic::resume_unwind(panic);
        }
        walked
    }

    fn record(&self, position: u64) -> Result<Option<RawRecord>, StoreError> {
        guard(|| {
            let bytes = self.db.get(record_key(position)).map_err(|error| self.failed(error))?;
            Ok(bytes.map(|bytes| RawRecord { position, bytes: bytes.to_vec() }))
        })
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        guard(|| {
            let prefix = stream_prefix(stream);
            let last =
                self.db.scan_prefix(&prefix).next_back().transpose().map_err(|error| self.failed(error))?;
            Ok(last.and_then(|(key, _)| u64_at(&key, prefix.len())).unwrap_or(0))
        })
    }

    fn stream_positions(&self, stream: &StreamId, from_version: u64) -> Result<Vec<u64>, StoreError> {
        guard(|| {
            let range = self.db.range(stream_key(stream, from_version)..=stream_key(stream, u64::MAX));
            range
                .map(|item| {
                    let (_, value) = item.map_err(|error| self.failed(error))?;
                    u64_at(&value, 0).ok_or_else(|| StoreError::engine("a stream index entry is malformed"))
                })
                .collect()
        })
    }

    fn index_lengths(&self) -> Result<(u64, u64), StoreError> {
        guard(|| {
            let count = |prefix: u8| -> Result<u64, StoreError> {
                let mut count = 0;
                for item in self.db.scan_prefix([prefix]) {
                    item.map_err(|error| self.failed(error))?;
                    count += 1;
                }
                Ok(count)
            };
            Ok((count(STREAM)?, count(EVENT_ID)?))
        })
    }

    fn event_position(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        guard(|| {
            let value = self.db.get(id_key(EVENT_ID, event_id)).map_err(|error| self.failed(error))?;
            Ok(value.and_then(|value| u64_at(&value, 0)))
        })
    }

    fn commit(&self, records: &[Prepared]) -> Result<(), StoreError> {
        guard(|| {
            let mut batch = sled::Batch::default();
            for record in records {
                let header = &record.header;
                let position = header.position.to_be_bytes();
                batch.insert(&record_key(header.position)[..], record.bytes.as_slice());
                batch.insert(stream_key(&header.stream, header.stream_version), &position[..]);
                batch.insert(&id_key(EVENT_ID, header.event_id)[..], &position[..]);
            }
            for (stream, head) in heads_of(records) {
                batch.insert(head_key(stream), &head_value(head)[..]);
            }
            batch.insert(&[KEEPS_HEADS][..], &[][..]);
            self.db.apply_batch(batch).map_err(|error| self.failed(error))?;
            self.sync()
        })
    }

    fn rewrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        guard(|| {
            self.db.insert(record_key(position), bytes).map_err(|error| self.failed(error))?;
            self.sync()
        })
    }

    fn registry_read(&self, person: PersonId) -> Result<Option<Vec<u8>>, StoreError> {
        guard(|| {
            let value =
                self.db.get(id_key(REGISTRY, person.as_uuid())).map_err(|error| self.failed(error))?;
            Ok(value.map(|value| value.to_vec()))
        })
    }

    fn registry_all(&self) -> Result<Vec<(PersonId, Vec<u8>)>, StoreError> {
        guard(|| {
            self.db
                .scan_prefix([REGISTRY])
                .map(|item| {
                    let (key, value) = item.map_err(|error| self.failed(error))?;
                    let id: [u8; 16] = key
                        .get(1..17)
                        .and_then(|id| id.try_into().ok())
                        .ok_or_else(|| StoreError::engine("a registry key is malformed"))?;
                    Ok((PersonId::from_uuid(Uuid::from_bytes(id)), value.to_vec()))
                })
                .collect()
        })
    }

    fn registry_write(&self, person: PersonId, bytes: &[u8]) -> Result<(), StoreError> {
        guard(|| {
            self.db.insert(id_key(REGISTRY, person.as_uuid()), bytes).map_err(|error| self.failed(error))?;
            self.sync()
        })
    }

    fn snapshot_read(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        guard(|| {
            let value = self.db.get(snapshot_key(stream)).map_err(|error| self.failed(error))?;
            Ok(value.map(|value| value.to_vec()))
        })
    }

    fn snapshot_write(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        guard(|| {
            self.db.insert(snapshot_key(stream), bytes).map_err(|error| self.failed(error))?;
            self.sync()
        })
    }

    fn snapshot_delete(&self, stream: &StreamId) -> Result<(), StoreError> {
        guard(|| {
            self.db.remove(snapshot_key(stream)).map_err(|error| self.failed(error))?;
            self.sync()
        })
    }

    fn stream_head(&self, stream: &StreamId) -> Result<Option<StreamHead>, StoreError> {
        guard(|| {
            let value = self.db.get(head_key(stream)).map_err(|error| self.failed(error))?;
            let Some(value) = value else { return Ok(None) };
            match (u64_at(&value, 0), u64_at(&value, 8), value.len()) {
                (Some(version), Some(position), 16) => Ok(Some(StreamHead { version, position })),
                _ => Err(StoreError::Corrupt {
                    position: 0,
                    problem: Corruption::IndexMismatch {
                        index: "stream heads",
                        detail: format!("{stream}'s head entry is malformed"),
                    },
                }),
            }
        })
    }

    fn keeps_heads(&self) -> Result<bool, StoreError> {
        guard(|| {
            let marked = self.db.contains_key([KEEPS_HEADS]).map_err(|error| self.failed(error))?;
            // An empty store keeps its heads from its first commit on.
            Ok(marked || self.last_record()?.is_none())
        })
    }

    fn write_heads(&self, heads: &[(StreamId, StreamHead)]) -> Result<(), StoreError> {
        guard(|| {
            let mut batch = sled::Batch::default();
            for (stream, head) in heads {
                batch.insert(head_key(stream), &head_value(*head)[..]);
            }
            batch.insert(&[KEEPS_HEADS][..], &[][..]);
            self.db.apply_batch(batch).map_err(|error| self.failed(error))?;
            self.sync()
        })
    }

    fn tamper_stream_entry(
        &self,
        stream: &StreamId,
        version: u64,
        position: Option<u64>,
    ) -> Result<(), StoreError> {
        guard(|| {
            let key = stream_key(stream, version);
            match position {
                Some(position) => self.db.insert(key, &position.to_be_bytes()[..]),
                None => self.db.remove(key),
            }
            .map_err(|error| self.failed(error))?;
            self.sync()
        })
    }
}
