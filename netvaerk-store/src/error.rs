//! The store's errors.

use std::path::PathBuf;

use netvaerk_core::PersonId;
use thiserror::Error;
use uuid::Uuid;

use crate::envelope::{ExpectedVersion, StreamId};

/// What is wrong with a stored record.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Corruption {
    /// The record is shorter than its lengths say.
    #[error("the record is truncated")]
    Truncated,
    /// The record does not start with the format's magic bytes.
    #[error("the record does not start with the netvaerk record marker")]
    BadMagic,
    /// The checksum over the record's bytes does not match: some byte changed.
    #[error("the record's checksum does not match its bytes")]
    BadChecksum,
    /// The header is not readable.
    #[error("the record's header is unreadable: {0}")]
    BadHeader(String),
    /// The body is not readable.
    #[error("the record's body is unreadable: {0}")]
    BadBody(String),
    /// The body's digest differs from the one the chain covers.
    #[error("the body does not match the digest the chain covers")]
    BodyDigestMismatch,
    /// The record's hash differs from the hash of its header.
    #[error("the record's hash does not match its header")]
    HashMismatch,
    /// The record does not link to the hash of the record before.
    #[error("the record does not link to the record before it")]
    BrokenLink,
    /// The record is stored under another position than its header names.
    #[error("the record is stored at position {stored} but names position {named}")]
    PositionMismatch {
        /// The position it is stored at.
        stored: u64,
        /// The position its header names.
        named: u64,
    },
    /// A position is missing.
    #[error("position {missing} is missing")]
    Gap {
        /// The missing position.
        missing: u64,
    },
    /// A stream's versions do not follow each other.
    #[error("stream {stream} jumps from version {previous} to {found}")]
    StreamVersionGap {
        /// The stream.
        stream: String,
        /// The version before.
        previous: u64,
        /// The version found.
        found: u64,
    },
    /// An index entry does not match the record it leads to, or a record is missing from an
    /// index (or indexed twice): the index is damaged, the records may be sound.
    #[error("the {index} index does not match the records: {detail}")]
    IndexMismatch {
        /// Which index: `streams`, `event ids`, `registry`, or on PostgreSQL `columns` (the
        /// `payload` and `rationale` columns SQL users read).
        index: &'static str,
        /// What was found.
        detail: String,
    },
    /// A body is redacted, but no `$redactions` record names it: a forged redaction.
    #[error("the body is redacted, but no redaction record names it")]
    UnrecordedRedaction,
    /// A body is redacted, but not into the body its `$redactions` record names by digest:
    /// the scrubbed event was changed afterwards.
    #[error("the redacted body is not the one its redaction record names")]
    RedactedBodyMismatch,
    /// The storage engine's file is damaged in the bytes of a record whose own position is
    /// unreadable: it lies between the error's position and `last` (sled names only an offset
    /// in its file; the store reads its records there to name positions).
    #[error("the storage engine's file is damaged in a record between this position and position {last}")]
    DamagedThrough {
        /// The last position the damaged record can have.
        last: u64,
    },
    /// A person's entry in the registry disagrees with their key or with what the log records
    /// of them (on PostgreSQL, where a database administrator can change the tables with the
    /// triggers off): the person is named, so their entry can be restored from a backup.
    #[error("the registry entry of person {person} {detail}")]
    RegistryPerson {
        /// The person.
        person: PersonId,
        /// What disagrees.
        detail: String,
    },
    /// An entry of the person registry (beside the log) is damaged.
    #[error("the person registry is damaged: {detail}")]
    Registry {
        /// What was found.
        detail: String,
    },
}

/// Why a store operation failed. Nothing is appended when an append fails.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The stream name is empty, too long or has control characters.
    #[error("{name:?} is not a valid stream id (1 to 200 bytes, no control characters)")]
    InvalidStreamId {
        /// The name given.
        name: String,
    },
    /// The stream is not at the version the appender expected; re-read it, decide again, retry.
    #[error("stream {stream} is at version {actual}, not at {expected}")]
    WrongExpectedVersion {
        /// The stream.
        stream: StreamId,
        /// What the appender expected.
        expected: ExpectedVersion,
        /// The stream's actual version.
        actual: u64,
    },
    /// Some of the events are stored already and some are not, or they are stored elsewhere:
    /// this is not a retry of an earlier append.
    #[error("event {event_id} is stored already, but this append is not a retry of the one that stored it")]
    NotARetry {
        /// The event id found.
        event_id: Uuid,
    },
    /// An event to append is malformed.
    #[error("event {event_id} cannot be appended: {problem}")]
    InvalidEvent {
        /// The event.
        event_id: Uuid,
        /// What is wrong.
        problem: &'static str,
    },
    /// A stored record is damaged or was changed.
    #[error("the record at position {position} is corrupt: {problem}")]
    Corrupt {
        /// The position.
        position: u64,
        /// What is wrong.
        problem: Corruption,
    },
    /// Another process (or another handle in this one) has the store open.
    #[error("the store at {} is in use by another process", path.display())]
    InUse {
        /// The store's directory.
        path: PathBuf,
    },
    /// No store is at the address, and the command does not create one: a command that only
    /// reads creates none, and a store is created only where its parent directory exists.
    #[error("there is no store at {store}: {why}")]
    NotFound {
        /// The store's path or schema.
        store: String,
        /// Why none is created there, and what to do.
        why: String,
    },
    /// A store's address (a database URL, a schema name) is malformed.
    #[error("{address:?} is not a usable store address: {problem}")]
    InvalidAddress {
        /// The address given.
        address: String,
        /// What is wrong.
        problem: String,
    },
    /// No record at the position.
    #[error("there is no record at position {0}")]
    NoSuchPosition(u64),
    /// A stream of the store's own (its name starts with `$`) was given to `append`.
    #[error("the stream {name:?} is the store's own: its records come only from erasures and redactions")]
    ReservedStream {
        /// The stream's name.
        name: String,
    },
    /// The record is redacted already.
    #[error("the record at position {0} is redacted already")]
    AlreadyRedacted(u64),
    /// Personal data that cannot be stored (a blank name, a too-long field, a control character).
    #[error("the person's {field} cannot be stored: {problem}")]
    InvalidPersonalData {
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The person is not in the registry.
    #[error("person {0} is not in the registry")]
    NotInRegistry(PersonId),
    /// The person was erased; their data cannot come back.
    #[error("person {0} has been erased")]
    Erased(PersonId),
    /// The registry already holds other personal data for the person an import brings.
    #[error("the registry already holds other data for person {0}")]
    RegistryConflict(PersonId),
    /// An imported erasure whose `PersonErased` record this log does not hold (import the log
    /// first, then its registry).
    #[error("the erasure of person {0} has no PersonErased record in this log; import the log before its registry")]
    UnrecordedErasure(PersonId),
    /// An operating-system error.
    #[error("{context}: {source}")]
    Io {
        /// What the store was doing.
        context: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The storage engine failed (its message, and its own error where there is one).
    #[error("the storage engine failed: {detail}")]
    Engine {
        /// The engine's message.
        detail: String,
        /// The engine's error (a `postgres::Error`, a `sled::Error`, a `redb::Error`, ...), for
        /// a caller that wants more than the message; `None` where the store itself found the
        /// fault.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The store's engine refused the operation for want of privileges (PostgreSQL: the
    /// role lacks what `purge` needs). Nothing was changed; run it as a role that has them.
    #[error("{operation} is not permitted to this database role: {detail}")]
    NotPermitted {
        /// The operation (`purge`).
        operation: &'static str,
        /// What is missing, and how to grant it.
        detail: String,
    },
    /// The store was opened read-only, and this would write.
    #[error("the store at {} is open read-only", path.display())]
    ReadOnly {
        /// The store's file.
        path: PathBuf,
    },
    /// The store's files are damaged: an existing store's file is empty, cut short or missing,
    /// or the storage engine failed (or panicked) reading it. Nothing was appended.
    #[error("the store's files are damaged: {detail}; restore from an export or a backup")]
    Damaged {
        /// What was found.
        detail: String,
    },
}

/// Runs `work`, which calls into a storage engine, turning a panic of the engine (as redb and
/// sled can on damaged files) into [`StoreError::Damaged`].
#[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
pub(crate) fn guard<T>(work: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Err(StoreError::Damaged { detail: format!("the storage engine panicked ({message})") })
    })
}

/// Calls `visit` with a record an engine lends inside [`guard`], and keeps a panic of the
/// visitor's own in `panicked` (ending the walk) for the caller to resume once out of the
/// guard: it is the caller's, not the engine's damage.
#[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
pub(crate) fn lend(
    visit: &mut crate::backend::VisitRecord<'_>,
    position: u64,
    bytes: &[u8],
    panicked: &mut Option<Box<dyn std::any::Any + Send>>,
) -> Result<bool, StoreError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| visit(position, bytes))) {
        Ok(result) => result.map(|()| true),
        Err(panic) => {
            *panicked = Some(panic);
            Ok(false)
        }
    }
}

/// An engine's iterator whose every step is [`guard`]ed; after a panic it ends.
#[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
pub(crate) struct Guarded<'a> {
    inner: Option<crate::store::RawRecords<'a>>,
}

#[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
impl<'a> Guarded<'a> {
    pub(crate) fn new(inner: crate::store::RawRecords<'a>) -> Self {
        Self { inner: Some(inner) }
    }
}

impl Iterator for Guarded<'_> {
    type Item = Result<crate::record::RawRecord, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        let inner = self.inner.as_mut()?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.next())) {
            Ok(item) => item,
            Err(_) => {
                self.inner = None;
                Some(Err(StoreError::Damaged {
                    detail: "the storage engine panicked reading the records".into(),
                }))
            }
        }
    }
}

impl StoreError {
    /// An engine failure the store found itself, with no error of the engine's behind it.
    pub fn engine(detail: impl Into<String>) -> Self {
        Self::Engine { detail: detail.into(), source: None }
    }

    /// An engine failure with the engine's own error as its source.
    pub fn engine_error(
        detail: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Engine { detail: detail.into(), source: Some(Box::new(source)) }
    }

    /// A stable machine code (snake case) for the failure. Codes are a contract: a variant keeps
    /// its code, and a new variant gets a new one.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidStreamId { .. } => "invalid_stream_id",
            Self::WrongExpectedVersion { .. } => "wrong_expected_version",
            Self::NotARetry { .. } => "not_a_retry",
            Self::InvalidEvent { .. } => "invalid_event",
            Self::Corrupt { .. } => "corrupt_record",
            Self::InUse { .. } => "store_in_use",
            Self::NotFound { .. } => "store_not_found",
            Self::InvalidAddress { .. } => "invalid_address",
            Self::NoSuchPosition(_) => "no_such_position",
            Self::AlreadyRedacted(_) => "already_redacted",
            Self::ReservedStream { .. } => "reserved_stream",
            Self::InvalidPersonalData { .. } => "invalid_personal_data",
            Self::NotInRegistry(_) => "not_in_registry",
            Self::Erased(_) => "person_erased",
            Self::RegistryConflict(_) => "registry_conflict",
            Self::UnrecordedErasure(_) => "unrecorded_erasure",
            Self::Io { .. } => "io",
            Self::Engine { .. } => "engine",
            Self::Damaged { .. } => "store_damaged",
            Self::ReadOnly { .. } => "store_read_only",
            Self::NotPermitted { .. } => "not_permitted",
        }
    }

    /// Whether the failure is the caller's input (an unknown position or person, a malformed
    /// address or event), as opposed to the store or its engine failing.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Self::InvalidStreamId { .. }
                | Self::NotARetry { .. }
                | Self::InvalidEvent { .. }
                | Self::InvalidAddress { .. }
                | Self::NotFound { .. }
                | Self::NoSuchPosition(_)
                | Self::AlreadyRedacted(_)
                | Self::ReservedStream { .. }
                | Self::NotInRegistry(_)
                | Self::InvalidPersonalData { .. }
                | Self::Erased(_)
                | Self::RegistryConflict(_)
                | Self::UnrecordedErasure(_)
                | Self::NotPermitted { .. }
        )
    }

    /// [`StoreError::NotFound`] for a reading open: nothing is made there.
    #[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
    pub(crate) fn not_found_for_reading(store: impl std::fmt::Display) -> Self {
        Self::NotFound {
            store: store.to_string(),
            why: "a command that only reads creates none; check the address, or write to the store first \
                  (e.g. netvaerk demo)"
                .to_owned(),
        }
    }

    /// [`StoreError::NotFound`] for a new store whose parent directory is missing.
    #[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
    pub(crate) fn no_parent(store: &std::path::Path) -> Self {
        let parent = store.parent().map(|parent| parent.display().to_string()).unwrap_or_default();
        Self::NotFound {
            store: store.display().to_string(),
            why: format!(
                "its directory {parent} does not exist; a store is created only in a directory that does"
            ),
        }
    }

    #[cfg_attr(not(any(feature = "redb", feature = "sled")), allow(dead_code))] // for the embedded engines
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { context: context.into(), source }
    }
}
