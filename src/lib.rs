//! netvaerk: a municipality's network organisation (Albertslund's NS3) as an event-sourced log.
//!
//! The [`Service`] is the front door: opened from a store address, it decides commands for an
//! organisation and appends their events ([`Service::execute`], [`Service::execute_batch`]),
//! keeping each organisation's state in memory, retrying when another process wrote, and
//! keeping the read models live ([`Service::read_models`]). Every failure is one [`Error`] with
//! a stable machine code and a message in English or Danish ([`Lang`]). [`AsyncService`]
//! (feature `tokio`) is the same for async code.
//!
//! Underneath are three crates, whose names an embedder needs the facade re-exports: the domain
//! (`netvaerk-core`: ids, events, commands such as [`Action`] and [`Command`], the [`Policy`],
//! the rules) is pure; the log (`netvaerk-store`: [`EventStore`], [`PersonalData`]) and the read
//! models (`netvaerk-projections`: [`AsOf`], [`Portfolio`], [`AuditTrail`]) are built on it.
//! Above it, each in a crate of its own:
//! `netvaerk-report` renders the reports as documents, `netvaerk-http` serves the service over
//! HTTP/JSON with an event feed and an OpenAPI description, and `netvaerk-cli` is the
//! `netvaerk` program.
//!
//! Features: the engines, `redb` (the default), `sled` and `postgres`; an embedder compiles
//! only those it names (`netvaerk = { version = "0.1", default-features = false, features =
//! ["redb"] }`). `tokio` adds [`AsyncService`]; `schema` the JSON Schemas of the public types.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeSet;
//! use chrono::NaiveDate;
//! use netvaerk::{Action, Command, Metadata, OrganisationId, PersonId, Rule, Service, UnitId, UnitKind};
//!
//! # fn main() -> Result<(), netvaerk::Error> {
//! # let dir = std::env::temp_dir().join(format!("netvaerk-doc-{}", uuid::Uuid::now_v7()));
//! # std::fs::create_dir_all(&dir).ok();
//! let service = Service::open(&format!("redb:{}", dir.join("log.redb").display()))?;
//! let organisation = OrganisationId::generate();
//! let (secretary, chief) = (PersonId::generate(), PersonId::generate());
//! let on = NaiveDate::from_ymd_opt(2014, 1, 6).unwrap();
//! let unit = UnitId::generate();
//! let by = |actor, action| Command::new(Metadata::new(actor, on), action);
//!
//! // AU-2: the first decision founds the organisation, naming its chief forum and secretariat.
//! let outcome = service.execute(organisation, &by(secretary, Action::FoundOrganisation {
//!     chief_forum: BTreeSet::from([chief]), secretariat: BTreeSet::from([secretary]),
//! }))?;
//! assert_eq!(outcome.positions, [1]);
//! service.execute(organisation, &by(secretary, Action::RegisterUnit {
//!     unit, kind: UnitKind::Secretariat, parent: None,
//! }))?;
//!
//! // A refusal names its rule and has a stable code: the secretariat keeps the register (AU-3).
//! let error = service.execute(organisation, &by(chief, Action::MovePerson {
//!     person: secretary, unit,
//! })).unwrap_err();
//! assert_eq!((error.code(), error.rule()), ("not_entitled", Some(Rule::Au3)));
//! assert_eq!(service.state(organisation)?.version(), 2);
//! # drop(service); std::fs::remove_dir_all(&dir).ok();
//! # Ok(())
//! # }
//! ```

mod address;
#[cfg(feature = "tokio")]
mod asynchronous;
mod error;
mod lang;
mod service;
pub mod snapshot;

pub use address::Address;
#[cfg(feature = "tokio")]
pub use asynchronous::{off_the_runtime, AsyncService, EventStream};
pub use error::{Error, ErrorClass};
pub use lang::lang_from_env;
pub use service::{BatchMode, Outcome, ReadModels, Retry, Service, Snapshots};

// What an embedder needs, by name (the crates below stay the facade's own: a system that needs
// more depends on `netvaerk-core`, `netvaerk-store` or `netvaerk-projections` itself).

// The domain: commands and what they decide, ids, the vocabulary, the policy, the rules.
pub use netvaerk_core::{
    untranslated, AcknowledgedWarning, Acknowledgement, Action, CohortId, Command, Competence, CountRange,
    Criterion, CriterionAssessment, Decision, DiplomaCost, DomainError, Event, Hotspot, Lang, Metadata,
    NetworkId, NetworkType, OrganisationId, Origin, Outcome as NetworkOutcome, OutputKind, PersonId,
    PersonRole, PhasePlan, PhaseSpec, Policy, PolicyHistory, PolicyValue, PoliticalLink, RoundId, Rule,
    State, TeachingDay, ThemeId, UnitId, UnitKind, Warning, GLOSSARY, MAX_GOALS,
};
// The log: a store, what it holds, a person's data beside it.
pub use netvaerk_store::{
    Envelope, EventStore, ExpectedVersion, Head, MemoryStore, OpenCheck, PersonalData, PersonalDataPatch,
    StoreError, StreamId, Subscription, VerifyReport,
};
// The read models and how far they are folded.
pub use netvaerk_projections::{
    rebuild, All, AsOf, AuditTrail, CompetenceTracks, Directory, LeaderHistories, LoadForecast, Names,
    Portfolio, PortfolioReport, ProjectionError,
};
