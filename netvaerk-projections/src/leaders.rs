//! Leader histories: every role each person held, with the interval and the network, and
//! their load in intensive weeks a month from the phases they were in (PR-4).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use netvaerk_core::{Event, NetworkId, PersonId, PhaseKind};
use serde::{Deserialize, Serialize};

use crate::names::{Names, PersonRef};
use crate::projection::{Fold, Recorded};

/// A role a person held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Network leader (da. *netværksleder*).
    NetworkLeader,
    /// Co-driver.
    CoDriver,
    /// Reference leader (da. *referenceleder*).
    ReferenceLeader,
    /// Personnel leader in a mandate contract (da. *personaleleder*).
    PersonnelLeader,
    /// Rotation in the secretariat (da. *netværksturnus*, SN-1).
    Rotation,
    /// A network's participant (da. *netværksdeltager*, TP-3).
    Participant,
}

/// A spell in a role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Spell {
    /// The role.
    pub role: Role,
    /// The network, for network roles.
    pub network: Option<NetworkId>,
    /// From (business date).
    pub from: NaiveDate,
    /// To, once ended.
    pub to: Option<NaiveDate>,
    /// For a rotation: the skills and the planned end.
    pub note: Option<String>,
}

/// One month of a person's load.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MonthLoad {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Weeks spent in intensive periods of networks they led or co-drove.
    pub intensive_weeks: f64,
}

/// The days of the intervals `[from, to)` by month, in weeks to one decimal (PR-4: the load
/// behind, and the forecast's ahead).
pub(crate) fn month_load(intervals: impl IntoIterator<Item = (NaiveDate, NaiveDate)>) -> Vec<MonthLoad> {
    let mut days: BTreeMap<(i32, u32), u32> = BTreeMap::new();
    for (from, to) in intervals {
        for day in from.iter_days().take_while(|day| *day < to) {
            *days.entry((day.year(), day.month())).or_insert(0) += 1;
        }
    }
    days.into_iter()
        .map(|((year, month), days)| MonthLoad {
            month: format!("{year:04}-{month:02}"),
            intensive_weeks: weeks(f64::from(days) / 7.0),
        })
        .collect()
}

/// Weeks to one decimal.
pub(crate) fn weeks(weeks: f64) -> f64 {
    (weeks * 10.0).round() / 10.0
}

/// One person's history as a report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonHistory {
    /// The person.
    pub person: PersonRef,
    /// Their spells, by start.
    pub spells: Vec<Spell>,
    /// Their load by month.
    pub load: Vec<MonthLoad>,
}

/// The leader-histories read model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LeaderHistories {
    /// Each person's spells, in the order they began.
    pub spells: BTreeMap<PersonId, Vec<Spell>>,
    /// Each network's intensive periods.
    pub intensive: BTreeMap<NetworkId, Vec<(NaiveDate, Option<NaiveDate>)>>,
    /// The latest business date folded: open intervals end here.
    pub last_date: Option<NaiveDate>,
}

impl LeaderHistories {
    fn open(&mut self, person: PersonId, role: Role, network: Option<NetworkId>, from: NaiveDate) {
        let spell = Spell { role, network, from, to: None, note: None };
        self.spells.entry(person).or_default().push(spell);
    }

    fn close(&mut self, person: PersonId, role: Role, network: Option<NetworkId>, to: NaiveDate) {
        if let Some(spells) = self.spells.get_mut(&person) {
            for spell in
                spells.iter_mut().filter(|s| s.role == role && s.network == network && s.to.is_none())
            {
                spell.to = Some(to);
            }
        }
    }

    fn close_network(&mut self, network: NetworkId, to: NaiveDate) {
        for spells in self.spells.values_mut() {
            for spell in spells.iter_mut().filter(|s| s.network == Some(network) && s.to.is_none()) {
                spell.to = Some(to);
            }
        }
        self.end_intensive(network, to);
    }

    fn end_intensive(&mut self, network: NetworkId, to: NaiveDate) {
        if let Some(periods) = self.intensive.get_mut(&network) {
            for period in periods.iter_mut().filter(|(_, end)| end.is_none()) {
                period.1 = Some(to);
            }
        }
    }

    /// A person's intensive days by month, from the networks they led or co-drove while those
    /// were in intensive periods (PR-4).
    pub fn load(&self, person: PersonId) -> Vec<MonthLoad> {
        let end_of_history = self.last_date.unwrap_or(NaiveDate::MIN);
        let spells = self.spells.get(&person).map(Vec::as_slice).unwrap_or_default();
        let mut intervals = Vec::new();
        for spell in spells.iter().filter(|s| matches!(s.role, Role::NetworkLeader | Role::CoDriver)) {
            let Some(network) = spell.network else { continue };
            let spell_end = spell.to.unwrap_or(end_of_history);
            for (start, end) in self.intensive.get(&network).map(Vec::as_slice).unwrap_or_default() {
                intervals.push(((*start).max(spell.from), end.unwrap_or(end_of_history).min(spell_end)));
            }
        }
        month_load(intervals)
    }

    /// The report: every person with a role, their spells and load.
    pub fn report(&self, names: &Names) -> Vec<PersonHistory> {
        self.spells
            .iter()
            .map(|(person, spells)| PersonHistory {
                person: names.person(*person),
                spells: spells.clone(),
                load: self.load(*person),
            })
            .collect()
    }
}

impl Fold for LeaderHistories {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        let on = recorded.on();
        self.last_date = Some(self.last_date.map_or(on, |last| last.max(on)));
        match recorded.event {
            Event::NetworkStarted { network, leader, .. } => {
                self.open(*leader, Role::NetworkLeader, Some(*network), on)
            }
            Event::ReferenceLeaderAssigned { network, person } => {
                self.open(*person, Role::ReferenceLeader, Some(*network), on);
            }
            Event::ReferenceLeaderChanged { network, from, to, .. } => {
                self.close(*from, Role::ReferenceLeader, Some(*network), on);
                self.open(*to, Role::ReferenceLeader, Some(*network), on);
            }
            Event::CoDriverAttached { network, person } => {
                self.open(*person, Role::CoDriver, Some(*network), on)
            }
            Event::CoDriverChanged { network, from, to, .. } => {
                self.close(*from, Role::CoDriver, Some(*network), on);
                self.open(*to, Role::CoDriver, Some(*network), on);
            }
            Event::MandateContractAgreed { network, personnel_leader, .. } => {
                self.close(*personnel_leader, Role::PersonnelLeader, Some(*network), on);
                self.open(*personnel_leader, Role::PersonnelLeader, Some(*network), on);
            }
            Event::PhaseEntered { network, kind, .. } => {
                self.end_intensive(*network, on);
                if *kind == PhaseKind::Intensive {
                    self.intensive.entry(*network).or_default().push((on, None));
                }
            }
            Event::TestPhaseBegun { network, .. } => self.end_intensive(*network, on),
            Event::NetworkClosed { network, .. } => self.close_network(*network, on),
            Event::RotationStarted { person, skills, until } => {
                let note = format!("{skills} (planned until {until})");
                let spell =
                    Spell { role: Role::Rotation, network: None, from: on, to: None, note: Some(note) };
                self.spells.entry(*person).or_default().push(spell);
            }
            Event::RotationEnded { person } => self.close(*person, Role::Rotation, None, on),
            Event::ParticipantsJoined { network, participants } => {
                for person in participants {
                    self.open(*person, Role::Participant, Some(*network), on);
                }
            }
            Event::UnitRegistered { .. }
            | Event::UnitNamed { .. }
            | Event::OrganisationNamed { .. }
            | Event::PoliticallyLinked { .. }
            | Event::GoalsSet { .. }
            | Event::ForumMeetingsScheduled { .. }
            | Event::PersonRegistered { .. }
            | Event::OrganisationFounded { .. }
            | Event::PersonMoved { .. }
            | Event::PersonRolesChanged { .. }
            | Event::PriorExperienceRegistered { .. }
            | Event::PolicyChanged { .. }
            | Event::RoundOpened { .. }
            | Event::RoundClosed { .. }
            | Event::ThemeProposed { .. }
            | Event::ThemeQualified { .. }
            | Event::ThemePrioritised { .. }
            | Event::ThemeDeferred { .. }
            | Event::ThemeRejected { .. }
            | Event::ThemeWithdrawn { .. }
            | Event::ThemeRefined { .. }
            | Event::ReferenceLeaderAccepted { .. }
            | Event::CompetencesAssessed { .. }
            | Event::CohortFormed { .. }
            | Event::TeachingDayAttended { .. }
            | Event::WrittenAssignmentPassed { .. }
            | Event::OralExamPassed { .. }
            | Event::DiplomaAwarded { .. }
            | Event::HelpRequested { .. }
            | Event::OutputRecorded { .. }
            | Event::NetworkReplanned { .. } => {}
        }
    }
}
