//! netvaerk: a municipality's network organisation (Albertslund's NS3) as an event-sourced log.
//!
//! This facade re-exports what an embedder needs. The domain ([`core`]: ids, events, commands,
//! the policy, `decide` and `evolve`) is pure; the log ([`store`]) and the read models
//! ([`projections`]) are built on it.
//!
//! # Example
//!
//! ```
//! use netvaerk::core::{decide, Action, Command, Metadata, Policy, State, PersonId, UnitId, UnitKind};
//! use chrono::{NaiveDate, Utc};
//!
//! let founder = PersonId::generate();
//! let on = NaiveDate::from_ymd_opt(2014, 1, 6).unwrap();
//! let command = Command::new(
//!     Metadata::new(founder, on),
//!     Action::RegisterUnit { unit: UnitId::generate(), kind: UnitKind::DirectorArea, parent: None },
//! );
//! let decision = decide(&State::new(), &command, &Policy::ns3(), Utc::now()).unwrap();
//! assert_eq!(decision.events[0].type_name(), "UnitRegistered");
//! ```

pub use netvaerk_core as core;
pub use netvaerk_projections as projections;
pub use netvaerk_store as store;
