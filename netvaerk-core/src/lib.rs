//! The pure domain of netvaerk: Albertslund's network structure (NS3) as commands, rules and
//! events, with no I/O and no clock.
//!
//! An organisation's history is a sequence of [`Event`]s. [`evolve_on`] folds them, each with
//! its business date, into a [`State`]; [`decide`] judges a [`Command`] against that state and
//! the [`Policy`] in force and returns a [`Decision`] (the events to append) or a
//! [`DomainError`] that names the NS3 rule it breaks. Before any rule of the domain, the
//! authority table ([`requirements`], [`check_authority`]) asks whether the actor may take the
//! action at all, and [`check_dates`] whether its date lies within the life of its subject. Advisory rules (TH-2, NW-2, NW-3, CO-2) and the advisory parts of NW-5 and
//! RL-3 raise [`Warning`]s, which the command must acknowledge with a rationale; the
//! acknowledgement is written into the event.
//! The [`codec`] turns events into stored JSON and back, upcasting old schema versions.
//!
//! Rule ids (`NW-4`, `NL-2`, ...) refer to `docs/NS3.md`; [`Rule`] lists them.
//!
//! # Glossary (da. → en.)
//!
//! | Danish | here |
//! |---|---|
//! | basisorganisation, direktørområde, afdeling | base organisation, director area ([`UnitKind::DirectorArea`]), department |
//! | chefforum (CF) | chief forum ([`PersonRole::ChiefForum`]) |
//! | Sekretariat for Netværksstrukturen (SNS) | secretariat |
//! | tema, brændende platform | theme ([`ThemeId`]), challenge (burning platform) |
//! | netværksleder, co-driver, referenceleder | network leader, co-driver, reference leader |
//! | personaleleder, mandatkontrakt | personnel leader, mandate contract |
//! | lærings-, velfærds-, innovationsnetværk | [`NetworkType`] learning, welfare, innovation |
//! | netværksturnus, hotspots for hjælp | rotation, help hotspots ([`Hotspot`]) |
//!
//! # Example
//!
//! Found an organisation, then propose, qualify and prioritise a theme in a round:
//!
//! ```
//! use std::collections::BTreeSet;
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use netvaerk_core::*;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::ns3();
//! let now = Utc.with_ymd_and_hms(2016, 9, 30, 12, 0, 0).unwrap();
//! let on = NaiveDate::from_ymd_opt(2016, 9, 1).unwrap();
//! let (chief, secretary) = (PersonId::generate(), PersonId::generate());
//! let (area, department) = (UnitId::generate(), UnitId::generate());
//! let theme = ThemeId::generate();
//!
//! let mut state = State::new();
//! let mut run = |state: &mut State, by: PersonId, action: Action| -> Result<Decision, DomainError> {
//!     let decision = decide(state, &Command::new(Metadata::new(by, on), action), &policy, now)?;
//!     *state = decision.fold(std::mem::take(state));
//!     Ok(decision)
//! };
//!
//! // AU-2: the first decision founds the organisation with its first chief forum and
//! // secretariat; AU-3: the secretariat keeps the register.
//! run(&mut state, secretary, Action::FoundOrganisation {
//!     chief_forum: BTreeSet::from([chief]),
//!     secretariat: BTreeSet::from([secretary]),
//! })?;
//! run(&mut state, secretary, Action::RegisterUnit { unit: area, kind: UnitKind::DirectorArea, parent: None })?;
//! run(&mut state, secretary, Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent: Some(area) })?;
//! run(&mut state, secretary, Action::MovePerson { person: chief, unit: department })?;
//! // ORG-3: the chief forum decides on rounds and themes.
//! run(&mut state, chief, Action::OpenRound { round: "2016H2".parse()? })?;
//! run(&mut state, chief, Action::ProposeTheme {
//!     theme,
//!     title: "Urban farming in Albertslund?".into(),
//!     challenge: "Vacant land, lonely citizens and a green plan without hands".into(),
//!     proposed_by: chief,
//!     departments: vec![department],
//!     origins: BTreeSet::from([Origin::Above, Origin::Outside]),
//! })?;
//! let assessments = Criterion::ALL
//!     .into_iter()
//!     .map(|criterion| CriterionAssessment { criterion, met: true, note: "yes".into() })
//!     .collect();
//! run(&mut state, chief, Action::QualifyTheme { theme, assessments })?;
//! let decision = run(&mut state, chief, Action::PrioritiseTheme {
//!     theme, rank: 1, recommended_type: NetworkType::Innovation,
//! })?;
//! // The secretariat may not decide in the chief forum (ORG-3, ORG-4).
//! let refused = run(&mut state, secretary, Action::CloseRound { round: "2016H2".parse()? });
//! assert_eq!(refused.unwrap_err().code(), "not_entitled");
//!
//! assert_eq!(decision.events[0].type_name(), "ThemePrioritised");
//! assert_eq!(state.theme(theme).unwrap().status, ThemeStatus::Prioritised);
//! assert_eq!(state.round_ranking("2016H2".parse()?), vec![(1, theme)]);
//! # Ok(())
//! # }
//! ```
//!
//! # Architecture invariant
//!
//! This crate knows nothing of storage, envelopes, clocks or personal data: it depends on no
//! other netvaerk crate, and `decide` is a function of its arguments alone.

mod authority;
mod chronology;
pub mod codec;
mod command;
mod dansk;
mod decide;
mod error;
mod event;
mod id;
mod lang;
mod policy;
mod rule;
mod state;
mod vocabulary;
mod warning;

pub use authority::{check_authority, requirements, Act, Authority, Standing};
pub use chronology::{check_dates, presupposed, Since};
pub use codec::DecodeError;
pub use command::{Action, Command, Decision, Metadata, TextKind, MAX_GOALS};
pub use dansk::Dansk;
pub use decide::{check_redaction, decide};
pub use error::DomainError;
pub use event::{current_version, Event, CATALOGUE, REDACTED_TEXT};
pub use id::{
    parse_date, CohortId, Half, IdError, NetworkId, OrganisationId, PersonId, RoundId, ThemeId, UnitId,
};
pub use lang::{untranslated, Lang, UnsupportedLanguage, GLOSSARY};
pub use policy::{
    CostSplit, CountRange, DecidingBody, DiplomaCost, LeaderQualification, PhasePlan, PhaseSpec, Policy,
    PolicyChange, PolicyHistory, PolicyProblem, PolicyValue, ScheduledPhase,
};
pub use rule::{Rule, LEFT_TO_PEOPLE};
pub use state::{
    evolve, evolve_on, seat_co_driver, Cohort, DiplomaProgress, Network, Person, PriorExperience, Round,
    State, Theme, ThemeStatus, Unit,
};
pub use vocabulary::{
    Competence, Criterion, CriterionAssessment, Hotspot, NetworkRole, NetworkType, Origin, Outcome,
    OutputKind, PersonRole, PhaseKind, PoliticalLink, TeachingDay, UnitKind,
};
pub use warning::{AcknowledgedWarning, Acknowledgement, Warning};
