//! The load ahead (PR-4, "ressourcetræk"): the intensive weeks each leader and co-driver is
//! planned to spend in the coming months, from the running networks' own plans; the days a
//! person is planned into more intensive periods at once than the policy allows; and, per
//! personnel leader, how much of their staff the networks will draw.
//!
//! The seed wants the estimates to "understøtte personalelederne i at prioritere
//! netværksledningens basisopgaver", and each network planned on its own ("ud fra de enkelte
//! netværksforløb"): the forecast places each running network's remaining phases on the
//! calendar by their estimates ([`PhasePlan::schedule`]), from the phase it is in.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use netvaerk_core::{
    seat_co_driver, Event, NetworkId, PersonId, PhaseKind, PhasePlan, Policy, PolicyHistory,
};
use serde::{Deserialize, Serialize};

use crate::leaders::{month_load, weeks, MonthLoad, Role};
use crate::names::{Names, PersonRef};
use crate::projection::{Fold, Recorded};

/// How many months the forecast looks ahead: half a year, the chief forum's planning cycle.
pub const FORECAST_MONTHS: u32 = 6;

/// A running network as the forecast needs it: its plan, where it is, who it draws on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Underway {
    /// The plan it runs by (its type's, or its own since a replan).
    pub plan: PhasePlan,
    /// The index of the phase it is in; `None` before its first.
    pub phase: Option<usize>,
    /// When it entered that phase (its start date before its first).
    pub since: NaiveDate,
    /// Its leader.
    pub leader: PersonId,
    /// Its co-drivers (CD-1).
    pub co_drivers: Vec<PersonId>,
    /// The personnel leader of its mandate contract, once agreed (RL-4: the leader's own).
    pub personnel_leader: Option<PersonId>,
}

/// The load-forecast read model: the running networks, and the policy history for the limit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadForecast {
    /// Each running network.
    pub underway: BTreeMap<NetworkId, Underway>,
    /// The policies recorded, for the limit in force on the forecast's first day.
    pub policies: PolicyHistory,
    /// The latest business date folded: the forecast's first day.
    pub last_date: Option<NaiveDate>,
}

/// An intensive period a person is planned into.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlannedPeriod {
    /// The network.
    pub network: NetworkId,
    /// The person's role there.
    pub role: Role,
    /// The phase, by its name in the network's plan.
    pub phase: String,
    /// Its first day in the forecast.
    pub from: NaiveDate,
    /// The day after its last in the forecast.
    pub to: NaiveDate,
}

/// Days on which a person is planned into more intensive periods at once than the limit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Overload {
    /// The first such day.
    pub from: NaiveDate,
    /// The day after the last.
    pub to: NaiveDate,
    /// The networks whose intensive periods meet there.
    pub networks: Vec<NetworkId>,
    /// The most intensive periods at once on those days.
    pub at_once: u32,
}

/// One person's planned load.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonForecast {
    /// The person.
    pub person: PersonRef,
    /// The intensive periods they are planned into, by start.
    pub periods: Vec<PlannedPeriod>,
    /// Their planned intensive weeks by month (months without any left out).
    pub load: Vec<MonthLoad>,
    /// Where the plans ask more of them at once than the policy allows.
    pub overloads: Vec<Overload>,
}

/// A member of a personnel leader's staff whom networks draw on.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffLoad {
    /// The network leader.
    pub person: PersonRef,
    /// The networks whose mandate contract names this personnel leader.
    pub networks: Vec<NetworkId>,
    /// Their planned intensive weeks in the forecast, all their networks together.
    pub intensive_weeks: f64,
}

/// What a personnel leader's staff are planned to give the networks.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffForecast {
    /// The personnel leader.
    pub personnel_leader: PersonRef,
    /// Their staff who lead networks, by name.
    pub staff: Vec<StaffLoad>,
}

/// The forecast as a report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForecastReport {
    /// The first day: the latest decision's business date.
    pub from: NaiveDate,
    /// The day after the last: [`FORECAST_MONTHS`] months on.
    pub until: NaiveDate,
    /// The most intensive periods one person should be in at once (the policy in force on
    /// `from`, PR-4).
    pub max_intensive_at_once: u32,
    /// Every leader and co-driver of a running network, by name.
    pub people: Vec<PersonForecast>,
    /// Every personnel leader of a running network's mandate contract, by name.
    pub personnel_leaders: Vec<StaffForecast>,
}

impl LoadForecast {
    /// The intensive phases ahead of each running network in `[from, until)`, clipped to it.
    fn intensive_ahead(
        &self,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Vec<(NetworkId, String, NaiveDate, NaiveDate)> {
        let mut ahead = Vec::new();
        for (network, underway) in &self.underway {
            for phase in underway.plan.schedule(underway.phase, underway.since, from) {
                let (start, end) = (phase.from.max(from), phase.to.min(until));
                if phase.kind == PhaseKind::Intensive && start < end {
                    ahead.push((*network, phase.name, start, end));
                }
            }
        }
        ahead
    }

    /// The forecast from the latest decision's date, [`FORECAST_MONTHS`] months ahead; `None`
    /// before any decision.
    pub fn report(&self, names: &Names) -> Option<ForecastReport> {
        let from = self.last_date?;
        let until = from.checked_add_months(Months::new(FORECAST_MONTHS)).unwrap_or(NaiveDate::MAX);
        let limit =
            self.policies.on(from).map_or(Policy::ns3().max_intensive_at_once, |p| p.max_intensive_at_once);
        let mut periods: BTreeMap<PersonId, Vec<PlannedPeriod>> = BTreeMap::new();
        for (network, phase, start, end) in self.intensive_ahead(from, until) {
            let underway = &self.underway[&network];
            let roles = std::iter::once((underway.leader, Role::NetworkLeader))
                .chain(underway.co_drivers.iter().map(|co| (*co, Role::CoDriver)));
            for (person, role) in roles {
                let period = PlannedPeriod { network, role, phase: phase.clone(), from: start, to: end };
                periods.entry(person).or_default().push(period);
            }
        }
        // Everyone a running network draws on, even with no intensive period ahead.
        for underway in self.underway.values() {
            for person in std::iter::once(&underway.leader).chain(&underway.co_drivers).copied() {
                periods.entry(person).or_default();
            }
        }
        let mut people: Vec<PersonForecast> = periods
            .into_iter()
            .map(|(person, mut periods)| {
                periods.sort_by_key(|period| (period.from, period.network));
                PersonForecast {
                    person: names.person(person),
                    load: month_load(periods.iter().map(|period| (period.from, period.to))),
                    overloads: overloads(&periods, limit),
                    periods,
                }
            })
            .collect();
        people.sort_by(|a, b| a.person.by_name().cmp(&b.person.by_name()));
        let weeks_of = |person: PersonId| {
            people.iter().find(|forecast| forecast.person.id == person).map_or(0.0, |forecast| {
                weeks(forecast.load.iter().fold(0.0, |sum, month| sum + month.intensive_weeks))
            })
        };
        let mut staff: BTreeMap<PersonId, BTreeMap<PersonId, Vec<NetworkId>>> = BTreeMap::new();
        for (network, underway) in &self.underway {
            if let Some(personnel_leader) = underway.personnel_leader {
                staff.entry(personnel_leader).or_default().entry(underway.leader).or_default().push(*network);
            }
        }
        let mut personnel_leaders: Vec<StaffForecast> = staff
            .into_iter()
            .map(|(personnel_leader, staff)| {
                let mut staff: Vec<StaffLoad> = staff
                    .into_iter()
                    .map(|(person, networks)| StaffLoad {
                        person: names.person(person),
                        networks,
                        intensive_weeks: weeks_of(person),
                    })
                    .collect();
                staff.sort_by(|a, b| a.person.by_name().cmp(&b.person.by_name()));
                StaffForecast { personnel_leader: names.person(personnel_leader), staff }
            })
            .collect();
        personnel_leaders.sort_by(|a, b| a.personnel_leader.by_name().cmp(&b.personnel_leader.by_name()));
        Some(ForecastReport { from, until, max_intensive_at_once: limit, people, personnel_leaders })
    }
}

/// The runs of days on which more than `limit` of `periods` (of different networks) meet.
fn overloads(periods: &[PlannedPeriod], limit: u32) -> Vec<Overload> {
    let Some(first) = periods.iter().map(|period| period.from).min() else { return Vec::new() };
    let last = periods.iter().map(|period| period.to).max().unwrap_or(first);
    let mut found: Vec<Overload> = Vec::new();
    let mut open: Option<(NaiveDate, BTreeSet<NetworkId>, u32)> = None;
    for day in first.iter_days().take_while(|day| *day <= last) {
        let networks: BTreeSet<NetworkId> = periods
            .iter()
            .filter(|period| period.from <= day && day < period.to)
            .map(|period| period.network)
            .collect();
        let at_once = u32::try_from(networks.len()).unwrap_or(u32::MAX);
        match (&mut open, at_once > limit) {
            (Some((_, meeting, most)), true) => {
                meeting.extend(networks);
                *most = (*most).max(at_once);
            }
            (None, true) => open = Some((day, networks, at_once)),
            (Some(_), false) => {
                if let Some((from, networks, at_once)) = open.take() {
                    found.push(Overload { from, to: day, networks: networks.into_iter().collect(), at_once });
                }
            }
            (None, false) => {}
        }
    }
    found
}

impl Fold for LoadForecast {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        let on = recorded.on();
        self.last_date = Some(self.last_date.map_or(on, |last| last.max(on)));
        match recorded.event {
            Event::PolicyChanged { policy, in_force_from } => {
                self.policies.record(policy.clone(), *in_force_from)
            }
            Event::NetworkStarted { network, leader, started_on, phase_plan, .. } => {
                let underway = Underway {
                    plan: phase_plan.clone(),
                    phase: None,
                    since: *started_on,
                    leader: *leader,
                    co_drivers: Vec::new(),
                    personnel_leader: None,
                };
                self.underway.insert(*network, underway);
            }
            Event::CoDriverAttached { network, person } => {
                if let Some(underway) = self.underway.get_mut(network) {
                    seat_co_driver(&mut underway.co_drivers, None, *person);
                }
            }
            Event::CoDriverChanged { network, from, to, .. } => {
                if let Some(underway) = self.underway.get_mut(network) {
                    seat_co_driver(&mut underway.co_drivers, Some(*from), *to);
                }
            }
            Event::MandateContractAgreed { network, personnel_leader, .. } => {
                if let Some(underway) = self.underway.get_mut(network) {
                    underway.personnel_leader = Some(*personnel_leader);
                }
            }
            Event::PhaseEntered { network, phase, .. } | Event::TestPhaseBegun { network, phase, .. } => {
                if let Some(underway) = self.underway.get_mut(network) {
                    underway.phase = underway.plan.position(phase);
                    underway.since = on;
                }
            }
            Event::NetworkReplanned { network, phase_plan, .. } => {
                if let Some(underway) = self.underway.get_mut(network) {
                    // PR-5: the new plan keeps the phases done so far, so the one it is in
                    // keeps its name.
                    let current = underway.phase.map(|index| underway.plan.phases[index].name.clone());
                    underway.plan = phase_plan.clone();
                    underway.phase = current.and_then(|name| underway.plan.position(&name));
                }
            }
            Event::NetworkClosed { network, .. } => {
                self.underway.remove(network);
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
            | Event::RoundOpened { .. }
            | Event::RoundClosed { .. }
            | Event::ThemeProposed { .. }
            | Event::ThemeQualified { .. }
            | Event::ThemePrioritised { .. }
            | Event::ThemeDeferred { .. }
            | Event::ThemeRejected { .. }
            | Event::ThemeWithdrawn { .. }
            | Event::ThemeRefined { .. }
            | Event::ReferenceLeaderAssigned { .. }
            | Event::ReferenceLeaderChanged { .. }
            | Event::ReferenceLeaderAccepted { .. }
            | Event::CompetencesAssessed { .. }
            | Event::CohortFormed { .. }
            | Event::TeachingDayAttended { .. }
            | Event::WrittenAssignmentPassed { .. }
            | Event::OralExamPassed { .. }
            | Event::DiplomaAwarded { .. }
            | Event::HelpRequested { .. }
            | Event::ParticipantsJoined { .. }
            | Event::OutputRecorded { .. }
            | Event::RotationStarted { .. }
            | Event::RotationEnded { .. } => {}
        }
    }
}
