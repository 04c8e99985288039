//! The event log of netvaerk: an append-only, hash-chained store of envelopes, with the
//! person registry beside it.
//!
//! [`EventStore`] is the contract: [`EventStore::append`] with an [`ExpectedVersion`]
//! (atomic, gapless positions, idempotent retry by event id), [`EventStore::read_stream`],
//! [`EventStore::read_all`], [`EventStore::subscribe`] (catch up, then live),
//! [`EventStore::verify`] (walks the chain, names the first bad position), and the registry:
//! [`EventStore::erase`] (GDPR) and [`EventStore::redact`]. [`MemoryStore`], `RedbStore` and
//! `SledStore` implement it over the [`Backend`] primitives, and `PostgresStore` directly; every
//! backend passes one conformance suite. The engines are features: `redb` (the default), `sled`
//! and `postgres`; the memory store is always there.
//!
//! Each record carries the SHA-256 hash of its predecessor and its own, computed over its
//! header, which holds the body's digest: history cannot change unnoticed, yet a body holding
//! personal data can be redacted and the chain still verifies. SHA-256 rather than BLAKE3:
//! an auditor can recompute it with standard tools (`sha256sum`), it is the standard
//! (FIPS 180-4) a municipality's auditors know, and at our volumes its cost is a rounding error
//! beside JSON and the disk.
//!
//! # Example
//!
//! Open a redb store, append a decision's events, read them back:
//!
//! ```
//! use std::collections::BTreeSet;
//! use netvaerk_core::{decide, Action, Command, Metadata, Policy, State, PersonId, OrganisationId};
//! use netvaerk_store::{EventStore, ExpectedVersion, NewEvent, RedbStore, StreamId};
//! use chrono::{NaiveDate, Utc};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = std::env::temp_dir().join(format!("netvaerk-doc-{}", uuid::Uuid::now_v7()));
//! # std::fs::create_dir_all(&dir)?;
//! let store = RedbStore::open(dir.join("log.redb"))?;
//! let stream = StreamId::organisation(OrganisationId::generate());
//!
//! let (founder, chief) = (PersonId::generate(), PersonId::generate());
//! let on = NaiveDate::from_ymd_opt(2014, 1, 6).unwrap();
//! let action = Action::FoundOrganisation {
//!     chief_forum: BTreeSet::from([chief]),
//!     secretariat: BTreeSet::from([founder]),
//! };
//! let decision = decide(&State::new(), &Command::new(Metadata::new(founder, on), action), &Policy::ns3(), Utc::now())?;
//!
//! let appended = store.append(&stream, ExpectedVersion::NoStream, &NewEvent::from_decision(&decision))?;
//! assert_eq!(appended.stream_version, 1);
//!
//! let envelopes = store.read_stream(&stream, 1)?;
//! assert_eq!(envelopes[0].decode()?, decision.events[0]);
//! assert!(store.verify()?.is_ok());
//! # drop(store); std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

mod backend;
mod envelope;
mod error;
mod exchange;
mod log;
mod memory;
#[cfg(feature = "postgres")]
mod pg;
mod plan;
mod purge;
mod queue;
mod record;
#[cfg(feature = "redb")]
mod redb;
mod registry;
mod shred;
#[cfg(feature = "sled")]
mod sled;
mod store;
mod subscription;
mod threads;

pub use backend::{Backend, Prepared, StreamHead, VisitRecord};
pub use envelope::{
    hex, AppendResult, Body, CommandDigest, Envelope, EventMetadata, ExpectedVersion, Head, NewEvent,
    RecordHeader, RecordView, Scrubbed, StreamId, MAX_STREAM_ID_LEN,
};
pub use error::{Corruption, StoreError};
pub use exchange::{ExportedRecord, ExportedRedaction};
pub use log::{LogStore, OpenCheck};
pub use memory::{MemoryBackend, MemoryStore};
#[cfg(feature = "postgres")]
pub use pg::{PostgresOptions, PostgresStore, SCHEMA_SQL};
pub use purge::{Kept, Purged};
pub use record::RawRecord;
#[cfg(feature = "redb")]
pub use redb::{RedbBackend, RedbOptions, RedbStore};
pub use registry::{
    PersonalData, PersonalDataPatch, RegistryEntry, PAYLOAD_REDACTED, PERSONAL_DATA_RECORDED, PERSON_ERASED,
};
#[cfg(feature = "sled")]
pub use sled::{SledBackend, SledOptions, SledStore};
pub use store::{Envelopes, EventStore, RawAccess, RawRecords, VerifyReport, VisitView};
pub use subscription::Subscription;
pub use threads::may_block;
