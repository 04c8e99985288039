//! The read models of netvaerk, folded deterministically from an organisation's log and
//! answerable as of any business date or log position.
//!
//! Four read models answer what users ask of NS3: the [`Portfolio`] (themes by status,
//! networks by type and phase, the half-year counts against NW-2..NW-4 with every overridden
//! warning), [`LeaderHistories`] (every role held, and the load of intensive weeks a month,
//! PR-4) with the [`LoadForecast`] (the load ahead from the running networks' plans),
//! [`CompetenceTracks`] (from candidate to qualified leader, the pool, cohorts against
//! CO-2 and their cost split, CO-4) and the [`AuditTrail`] (how each theme was decided, among
//! the round's other themes, and what its network did).
//!
//! Each is a [`Fold`]; a [`Projector`] wraps a fold with its checkpoint and implements
//! [`Projection`]. [`catch_up`] brings a projection up to date from any store; [`rebuild`]
//! folds one organisation's stream from the start, [`AsOf`] a position or a date. [`All`]
//! folds the four at once, decoding each event once. Reports name persons from the registry
//! at report time ([`Names`]); an erased person shows as `(erased)`.
//!
//! # Example
//!
//! How was a theme prioritised? Rebuild its audit trail from the log alone:
//!
//! ```
//! use std::collections::BTreeSet;
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use netvaerk_core::*;
//! use netvaerk_store::{EventStore, ExpectedVersion, MemoryStore, NewEvent, StreamId};
//! use netvaerk_projections::{rebuild, AsOf, AuditTrail, Names};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryStore::new();
//! let stream = StreamId::organisation(OrganisationId::generate());
//! let (chief, secretary) = (PersonId::generate(), PersonId::generate());
//! let (area, department, theme) = (UnitId::generate(), UnitId::generate(), ThemeId::generate());
//! let on = NaiveDate::from_ymd_opt(2016, 9, 1).unwrap();
//! let now = Utc.with_ymd_and_hms(2016, 9, 30, 12, 0, 0).unwrap();
//!
//! let mut state = State::new();
//! let mut decide_and_append = |by: PersonId, action: Action| -> Result<(), Box<dyn std::error::Error>> {
//!     let command = Command::new(Metadata::new(by, on).with_rationale("CF meeting"), action);
//!     let decision = decide(&state, &command, &Policy::ns3(), now)?;
//!     store.append(&stream, ExpectedVersion::Exact(state.version()), &NewEvent::from_decision(&decision))?;
//!     state = decision.fold(std::mem::take(&mut state));
//!     Ok(())
//! };
//! let found = Action::FoundOrganisation { chief_forum: BTreeSet::from([chief]), secretariat: BTreeSet::from([secretary]) };
//! decide_and_append(secretary, found)?;
//! decide_and_append(secretary, Action::RegisterUnit { unit: area, kind: UnitKind::DirectorArea, parent: None })?;
//! decide_and_append(secretary, Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent: Some(area) })?;
//! decide_and_append(chief, Action::OpenRound { round: "2016H2".parse()? })?;
//! decide_and_append(chief, Action::ProposeTheme {
//!     theme, title: "Urban farming".into(), challenge: "Vacant land".into(), proposed_by: chief,
//!     departments: vec![department], origins: BTreeSet::from([Origin::Above]),
//! })?;
//! let assessments = Criterion::ALL.into_iter().map(|criterion| CriterionAssessment { criterion, met: true, note: "yes".into() }).collect();
//! decide_and_append(chief, Action::QualifyTheme { theme, assessments })?;
//! decide_and_append(chief, Action::PrioritiseTheme { theme, rank: 1, recommended_type: NetworkType::Innovation })?;
//!
//! let trail = rebuild::<AuditTrail>(&store, &stream, AsOf::Date(on))?;
//! let audit = trail.get().theme(theme, &Names::from_store(&store), &store)?.expect("the theme has a trail");
//! let steps: Vec<&str> = audit.decisions.iter().map(|d| d.event_type).collect();
//! assert_eq!(steps, ["ThemeProposed", "ThemeQualified", "ThemePrioritised"]);
//! assert_eq!(audit.decisions[2].rationale.as_deref(), Some("CF meeting"));
//! # Ok(())
//! # }
//! ```

mod audit;
mod competence;
mod directory;
mod forecast;
mod leaders;
mod names;
mod portfolio;
mod projection;
mod snapshot;

pub use audit::{
    group_thousands, summary, summary_in, AuditEntry, AuditTrail, DecisionRef, English, NetworkAudit,
    RedactionNote, RoundAudit, RoundContext, RoundOutcome, RoundPeer, RoundTheme, ThemeAudit, Wording,
};
pub use competence::{
    CohortEntry, CohortRow, CompetenceReport, CompetenceTracks, CostShare, Stage, Track, TrackRow,
};
pub use directory::{Directory, PersonEntry, RoundEntry, UnitEntry};
pub use forecast::{
    ForecastReport, LoadForecast, Overload, PersonForecast, PlannedPeriod, StaffForecast, StaffLoad,
    Underway, FORECAST_MONTHS,
};
pub use leaders::{LeaderHistories, MonthLoad, PersonHistory, Role, Spell};
pub use names::{Names, PersonRef};
pub use portfolio::{
    GoalsEntry, HalfYearRow, NetworkEntry, NetworkReportRow, Override, PhaseVisit, PoliticalLinkEntry,
    Portfolio, PortfolioReport, ThemeEntry,
};
pub use projection::{
    catch_up, fold_envelopes, rebuild, rebuild_all, AsOf, Fold, Projection, ProjectionError, Projector,
    Recorded,
};
pub use snapshot::{decode_folds, encode_folds, SNAPSHOT_FORMAT};

use serde::{Deserialize, Serialize};

/// The read models folded together, each event decoded once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct All {
    /// The portfolio.
    pub portfolio: Portfolio,
    /// The leader histories.
    pub leaders: LeaderHistories,
    /// The load ahead (PR-4).
    pub forecast: LoadForecast,
    /// The competence tracks.
    pub competence: CompetenceTracks,
    /// The audit trail.
    pub audit: AuditTrail,
    /// Units, persons and rounds.
    pub directory: Directory,
}

impl Fold for All {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        self.portfolio.fold(recorded);
        self.leaders.fold(recorded);
        self.forecast.fold(recorded);
        self.competence.fold(recorded);
        self.audit.fold(recorded);
        self.directory.fold(recorded);
    }
}
