//! The state `decide` needs, and `evolve`, which folds one event into it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::chronology::{established, Since};
use crate::event::Event;
use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId, UnitId};
use crate::policy::{LeaderQualification, PhasePlan, Policy, PolicyHistory};
use crate::vocabulary::{CriterionAssessment, NetworkType, Outcome, PersonRole, TeachingDay, UnitKind};

/// An organisation's state as the rules see it, folded from its stream by [`evolve`].
///
/// It holds only what the rules need; reports come from the projections. Fields are private:
/// the state changes only by folding events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    version: u64,
    policies: PolicyHistory,
    units: BTreeMap<UnitId, Unit>,
    persons: BTreeMap<PersonId, Person>,
    rounds: BTreeMap<RoundId, Round>,
    themes: BTreeMap<ThemeId, Theme>,
    networks: BTreeMap<NetworkId, Network>,
    cohorts: BTreeMap<CohortId, Cohort>,
    /// AU-2: founded (by `OrganisationFounded`, or, in logs written before it existed, by the
    /// first person registered).
    founded: bool,
    /// AU-8: the date of each fact later decisions presuppose, where the fold knew it.
    dates: BTreeMap<Since, NaiveDate>,
    /// ORG-5: the chief forum's meetings as scheduled (none: the organisation keeps no
    /// calendar in the log).
    forum_meetings: BTreeSet<NaiveDate>,
}

/// A registered unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Director area, department or secretariat.
    pub kind: UnitKind,
    /// The unit above it.
    pub parent: Option<UnitId>,
    /// Its name in force, once named (ORG-1).
    pub name: Option<String>,
}

/// What the rules know of a person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Their unit.
    pub unit: Option<UnitId>,
    /// Standing roles.
    pub roles: BTreeSet<PersonRole>,
    /// NL-1: experience from generations 1-2, if registered.
    pub prior: Option<PriorExperience>,
    /// CO-3: holds the diploma in network leadership.
    pub diploma: bool,
    /// Networks started with them as leader.
    pub networks_led: u32,
    /// Networks they were attached to as co-driver.
    pub networks_co_driven: u32,
    /// SN-1: in rotation in the secretariat now.
    pub in_rotation: bool,
    /// SN-1: the last day of the rotation, while in one (a rotation is bounded: after it, the
    /// person no longer acts as the secretariat, ended or not).
    pub rotation_until: Option<NaiveDate>,
}

/// NL-1: experience from NS1/NS2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorExperience {
    /// 1 or 2.
    pub generation: u8,
    /// Networks led before NS3.
    pub networks_led: u32,
    /// Networks co-driven before NS3.
    pub networks_co_driven: u32,
}

impl Person {
    /// Whether they have driven a network, as leader or co-driver, here or before NS3.
    pub fn has_driven_a_network(&self) -> bool {
        self.networks_led + self.prior.map_or(0, |p| p.networks_led) > 0 || self.has_co_driven()
    }

    /// Whether they have co-driven a network, here or before NS3 (CO-1).
    pub fn has_co_driven(&self) -> bool {
        self.networks_co_driven + self.prior.map_or(0, |p| p.networks_co_driven) > 0
    }

    /// NL-1: a qualified network leader has the diploma and has driven a network before.
    /// Experienced leaders of generations 1-2 who led a network belong to the pool as well
    /// ("Erfarne netværksledere fra generation 1 og 2 samt uddannede co-drivere indgår i en
    /// pulje"), diploma or not. Judged by the default [`LeaderQualification`].
    pub fn is_qualified(&self) -> bool {
        self.qualifies_under(LeaderQualification::default())
    }

    /// NL-1 or CO-1, as `rule` reads it: the experienced leaders of NS1-NS2, and those with the
    /// diploma who drove a network before (as leader or co-driver), or co-drove one (CO-1).
    pub fn qualifies_under(&self, rule: LeaderQualification) -> bool {
        let experienced = self.prior.is_some_and(|p| p.networks_led > 0);
        let driven = match rule {
            LeaderQualification::DiplomaAndDriven => self.has_driven_a_network(),
            LeaderQualification::DiplomaAndCoDriven => self.has_co_driven(),
        };
        experienced || (self.diploma && driven)
    }

    /// Whether they sit in the chief forum (directors do).
    pub fn is_chief_forum(&self) -> bool {
        self.roles.contains(&PersonRole::ChiefForum) || self.roles.contains(&PersonRole::Director)
    }
}

/// A half-year round.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Whether it is open.
    pub open: bool,
    /// The prioritised themes by rank.
    pub ranks: BTreeMap<u32, ThemeId>,
}

/// Where a theme stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThemeStatus {
    /// Proposed, not yet assessed.
    Proposed,
    /// Assessed on the criteria (TH-2).
    Qualified,
    /// Prioritised in a round (TH-3).
    Prioritised,
    /// Deferred to a later round.
    Deferred,
    /// Rejected.
    Rejected,
    /// Withdrawn.
    Withdrawn,
    /// A network works on it.
    InNetwork,
    /// Its network has closed.
    Closed,
}

impl fmt::Display for ThemeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Proposed => "proposed",
            Self::Qualified => "qualified",
            Self::Prioritised => "prioritised",
            Self::Deferred => "deferred",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
            Self::InNetwork => "in a network",
            Self::Closed => "closed",
        })
    }
}

/// What the rules know of a theme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Where it stands.
    pub status: ThemeStatus,
    /// The chief forum member who proposed it.
    pub proposed_by: PersonId,
    /// The round of its latest qualification and the assessments then.
    pub qualification: Option<(RoundId, Vec<CriterionAssessment>)>,
    /// The round, rank and recommended type it was prioritised with.
    pub prioritised: Option<(RoundId, u32, NetworkType)>,
    /// RL-2: who opted in as reference leader on it.
    pub reference_acceptances: BTreeSet<PersonId>,
    /// The network working on it.
    pub network: Option<NetworkId>,
}

/// What the rules know of a network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// The theme it works on.
    pub theme: ThemeId,
    /// Its type.
    pub network_type: NetworkType,
    /// Its leader.
    pub leader: PersonId,
    /// Its co-drivers, in the order they joined (CD-1: as many as the policy allows, one by
    /// default).
    pub co_drivers: Vec<PersonId>,
    /// Its reference leader (RL-1: exactly one at a time).
    pub reference_leader: Option<PersonId>,
    /// The start date.
    pub started_on: NaiveDate,
    /// The plan it runs by: the type's at the start, or its own since (PR-5).
    pub plan: PhasePlan,
    /// The index in the plan of the phase it is in.
    pub phase: Option<usize>,
    /// The outcome, once closed.
    pub closed: Option<Outcome>,
    /// Its participants (TP-3).
    pub participants: BTreeSet<PersonId>,
    /// RL-4: whether a mandate contract has been agreed for it.
    pub mandate_contract: bool,
    /// NW-6: whether its goals have been set (a later setting is a revision).
    pub goals_set: bool,
    /// NW-6: how many success criteria its goals have (its close judges them).
    pub success_criteria: usize,
}

/// CD-1, CD-2: `joining` becomes a co-driver among `co_drivers`, in the place of `leaving`
/// where that one is among them (a change), else after them (an attachment); never twice. The
/// read models keep a network's co-drivers the same way.
pub fn seat_co_driver(co_drivers: &mut Vec<PersonId>, leaving: Option<PersonId>, joining: PersonId) {
    match leaving.and_then(|leaving| co_drivers.iter().position(|co| *co == leaving)) {
        Some(index) => co_drivers[index] = joining,
        None if !co_drivers.contains(&joining) => co_drivers.push(joining),
        None => {}
    }
}

impl Network {
    /// Whether its plan has a test phase and it has begun it (TP-1): it is in the test phase or
    /// past it.
    pub fn test_begun(&self) -> bool {
        self.plan.test_position().is_some_and(|test| self.phase.is_some_and(|index| index >= test))
    }

    /// Whether `person` co-drives it.
    pub fn has_co_driver(&self, person: PersonId) -> bool {
        self.co_drivers.contains(&person)
    }

    /// Whether it still runs.
    pub fn is_running(&self) -> bool {
        self.closed.is_none()
    }
}

/// A diploma cohort.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    /// Each member's progress.
    pub members: BTreeMap<PersonId, DiplomaProgress>,
}

/// CO-3: one person's progress through the diploma.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiplomaProgress {
    /// Teaching days attended.
    pub days: BTreeSet<TeachingDay>,
    /// Written assignment passed.
    pub written: bool,
    /// Oral exam passed.
    pub oral: bool,
    /// Diploma awarded.
    pub awarded: bool,
}

impl State {
    /// The state of an organisation with no events.
    pub fn new() -> Self {
        Self::default()
    }

    /// The state after folding `events` from scratch, without their dates (see [`evolve`]).
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(Self::new(), evolve)
    }

    /// The state after folding `events`, each with its business date, from scratch (see
    /// [`evolve_on`]).
    pub fn from_dated<'a>(events: impl IntoIterator<Item = (&'a Event, NaiveDate)>) -> Self {
        events.into_iter().fold(Self::new(), |state, (event, on)| evolve_on(state, event, on))
    }

    /// How many events have been folded: the stream version to append at.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The policy in force from the latest date: the `PolicyChanged` with the latest
    /// `in_force_from` (the last recorded among equals), else `fallback` (the embedder's
    /// configuration, NS3 defaults unless changed).
    pub fn policy_in_force<'a>(&'a self, fallback: &'a Policy) -> &'a Policy {
        self.policy_on(NaiveDate::MAX, fallback)
    }

    /// The policy in force on `date`: the `PolicyChanged` in force from the latest date on or
    /// before `date` (one without a date is in force from the beginning; among equal dates the
    /// last recorded), else `fallback`.
    pub fn policy_on<'a>(&'a self, date: NaiveDate, fallback: &'a Policy) -> &'a Policy {
        self.policies.on(date).unwrap_or(fallback)
    }

    /// Every policy put in force, with its date.
    pub fn policies(&self) -> &PolicyHistory {
        &self.policies
    }

    /// Every registered unit, by id.
    pub fn units(&self) -> impl Iterator<Item = (UnitId, &Unit)> {
        self.units.iter().map(|(id, unit)| (*id, unit))
    }

    /// Every registered person, by id.
    pub fn persons(&self) -> impl Iterator<Item = (PersonId, &Person)> {
        self.persons.iter().map(|(id, person)| (*id, person))
    }

    /// Every cohort, by id.
    pub fn cohorts(&self) -> impl Iterator<Item = (CohortId, &Cohort)> {
        self.cohorts.iter().map(|(id, cohort)| (*id, cohort))
    }

    /// ORG-5: the chief forum's meetings as scheduled, in order (empty: no calendar is kept in
    /// the log, and no decision is held against one).
    pub fn forum_meetings(&self) -> &BTreeSet<NaiveDate> {
        &self.forum_meetings
    }

    /// Every round, by half-year.
    pub fn rounds(&self) -> impl Iterator<Item = (RoundId, &Round)> {
        self.rounds.iter().map(|(id, round)| (*id, round))
    }

    /// A unit, if registered.
    pub fn unit(&self, unit: UnitId) -> Option<&Unit> {
        self.units.get(&unit)
    }

    /// A person.
    pub fn person(&self, person: PersonId) -> Option<&Person> {
        self.persons.get(&person)
    }

    /// AU-2: whether the organisation has been founded.
    pub fn is_founded(&self) -> bool {
        self.founded
    }

    /// AU-8: the business date of `since`, if the fold knew it.
    pub fn since(&self, since: Since) -> Option<NaiveDate> {
        self.dates.get(&since).copied()
    }

    /// How many persons sit in the chief forum, directors included (AU-4: it is never emptied).
    pub fn chief_forum_members(&self) -> usize {
        self.persons.values().filter(|person| person.is_chief_forum()).count()
    }

    /// NL-1: whether the person is a qualified network leader.
    pub fn is_qualified(&self, person: PersonId) -> bool {
        self.person(person).is_some_and(Person::is_qualified)
    }

    /// A theme.
    pub fn theme(&self, theme: ThemeId) -> Option<&Theme> {
        self.themes.get(&theme)
    }

    /// All themes.
    pub fn themes(&self) -> impl Iterator<Item = (ThemeId, &Theme)> {
        self.themes.iter().map(|(id, theme)| (*id, theme))
    }

    /// A network.
    pub fn network(&self, network: NetworkId) -> Option<&Network> {
        self.networks.get(&network)
    }

    /// All networks.
    pub fn networks(&self) -> impl Iterator<Item = (NetworkId, &Network)> {
        self.networks.iter().map(|(id, network)| (*id, network))
    }

    /// A cohort.
    pub fn cohort(&self, cohort: CohortId) -> Option<&Cohort> {
        self.cohorts.get(&cohort)
    }

    /// A round.
    pub fn round(&self, round: RoundId) -> Option<&Round> {
        self.rounds.get(&round)
    }

    /// The open round, if any.
    pub fn open_round(&self) -> Option<RoundId> {
        self.rounds.iter().find(|(_, round)| round.open).map(|(id, _)| *id)
    }

    /// The latest round opened.
    pub fn latest_round(&self) -> Option<RoundId> {
        self.rounds.keys().next_back().copied()
    }

    /// The themes prioritised in `round`, by rank.
    pub fn round_ranking(&self, round: RoundId) -> Vec<(u32, ThemeId)> {
        self.rounds
            .get(&round)
            .map(|round| round.ranks.iter().map(|(rank, theme)| (*rank, *theme)).collect())
            .unwrap_or_default()
    }

    /// How many networks of `network_type` run now.
    pub fn running_networks(&self, network_type: NetworkType) -> u32 {
        let running = self
            .networks
            .values()
            .filter(|network| network.is_running() && network.network_type == network_type);
        u32::try_from(running.count()).unwrap_or(u32::MAX)
    }

    /// How many networks of each type were started in `half_year` (NW-2, NW-3).
    pub fn started_in(&self, half_year: RoundId) -> BTreeMap<NetworkType, u32> {
        let mut counts = BTreeMap::new();
        for network in self.networks.values() {
            if RoundId::containing(network.started_on) == half_year {
                *counts.entry(network.network_type).or_insert(0) += 1;
            }
        }
        counts
    }
}

/// Folds one event decided on `on` into the state: [`evolve`], and the dates of the facts it
/// establishes, which later decisions must not precede (AU-8). The service folds this way.
pub fn evolve_on(state: State, event: &Event, on: NaiveDate) -> State {
    let mut state = evolve(state, event);
    for since in established(event) {
        state.dates.insert(since, on);
    }
    state
}

/// Folds one event into the state, without its date: where a history's dates are unknown, AU-8
/// has nothing to check ([`evolve_on`] folds with the date). Total: an event that names
/// something unknown (which `decide` never produces) changes nothing rather than failing.
pub fn evolve(mut state: State, event: &Event) -> State {
    state.version += 1;
    match event {
        Event::OrganisationFounded { chief_forum, secretariat } => {
            state.founded = true;
            for (members, role) in
                [(chief_forum, PersonRole::ChiefForum), (secretariat, PersonRole::Secretariat)]
            {
                for member in members {
                    state.persons.entry(*member).or_default().roles.insert(role);
                }
            }
        }
        Event::PersonMoved { person, unit } => {
            if let Some(person) = state.persons.get_mut(person) {
                person.unit = Some(*unit);
            }
        }
        Event::UnitRegistered { unit, kind, parent } => {
            state.units.insert(*unit, Unit { kind: *kind, parent: *parent, name: None });
        }
        Event::UnitNamed { unit, name } => {
            if let Some(unit) = state.units.get_mut(unit) {
                unit.name = Some(name.clone());
            }
        }
        // The name is the reports' (the directory's); no decision depends on it.
        Event::OrganisationNamed { .. } => {}
        Event::PersonRegistered { person, unit, roles } => {
            state.founded = true;
            let registered = Person { unit: *unit, roles: roles.clone(), ..Person::default() };
            state.persons.insert(*person, registered);
        }
        Event::PersonRolesChanged { person, roles } => {
            if let Some(person) = state.persons.get_mut(person) {
                person.roles = roles.clone();
            }
        }
        Event::PriorExperienceRegistered { person, generation, networks_led, networks_co_driven } => {
            if let Some(person) = state.persons.get_mut(person) {
                person.prior = Some(PriorExperience {
                    generation: *generation,
                    networks_led: *networks_led,
                    networks_co_driven: *networks_co_driven,
                });
            }
        }
        Event::PolicyChanged { policy, in_force_from } => {
            state.policies.record(policy.clone(), *in_force_from)
        }
        Event::RoundOpened { round, .. } => {
            state.rounds.entry(*round).or_default().open = true;
        }
        Event::RoundClosed { round, .. } => {
            if let Some(round) = state.rounds.get_mut(round) {
                round.open = false;
            }
        }
        Event::ThemeProposed { theme, proposed_by, .. } => {
            let proposed = Theme {
                status: ThemeStatus::Proposed,
                proposed_by: *proposed_by,
                qualification: None,
                prioritised: None,
                reference_acceptances: BTreeSet::new(),
                network: None,
            };
            state.themes.insert(*theme, proposed);
        }
        Event::ThemeQualified { theme, round, assessments, .. } => {
            if let Some(theme) = state.themes.get_mut(theme) {
                theme.status = ThemeStatus::Qualified;
                theme.qualification = Some((*round, assessments.clone()));
            }
        }
        Event::ThemePrioritised { theme, round, rank, recommended_type, .. } => {
            if let Some(prioritised) = state.themes.get_mut(theme) {
                prioritised.status = ThemeStatus::Prioritised;
                prioritised.prioritised = Some((*round, *rank, *recommended_type));
                state.rounds.entry(*round).or_default().ranks.insert(*rank, *theme);
            }
        }
        Event::ThemeDeferred { theme, .. } => set_status(&mut state, *theme, ThemeStatus::Deferred),
        Event::ThemeRejected { theme, .. } => set_status(&mut state, *theme, ThemeStatus::Rejected),
        Event::ThemeWithdrawn { theme, .. } => set_status(&mut state, *theme, ThemeStatus::Withdrawn),
        Event::ThemeRefined { .. }
        | Event::CompetencesAssessed { .. }
        | Event::HelpRequested { .. }
        | Event::PoliticallyLinked { .. } => {}
        Event::ForumMeetingsScheduled { meetings, cancelled } => {
            state.forum_meetings.extend(meetings.iter().copied());
            for day in cancelled {
                state.forum_meetings.remove(day);
            }
        }
        Event::GoalsSet { network, success_criteria, .. } => {
            if let Some(network) = state.networks.get_mut(network) {
                network.goals_set = true;
                network.success_criteria = success_criteria.len();
            }
        }
        Event::MandateContractAgreed { network, .. } => {
            if let Some(network) = state.networks.get_mut(network) {
                network.mandate_contract = true;
            }
        }
        Event::ReferenceLeaderAccepted { theme, person, .. } => {
            if let Some(theme) = state.themes.get_mut(theme) {
                theme.reference_acceptances.insert(*person);
            }
        }
        Event::ReferenceLeaderAssigned { network, person } => {
            if let Some(network) = state.networks.get_mut(network) {
                network.reference_leader = Some(*person);
            }
        }
        Event::ReferenceLeaderChanged { network, to, .. } => {
            if let Some(network) = state.networks.get_mut(network) {
                network.reference_leader = Some(*to);
            }
        }
        Event::CoDriverAttached { network, person } | Event::CoDriverChanged { network, to: person, .. } => {
            if let Some(network) = state.networks.get_mut(network) {
                let leaving = match event {
                    Event::CoDriverChanged { from, .. } => Some(*from),
                    _ => None,
                };
                seat_co_driver(&mut network.co_drivers, leaving, *person);
                if let Some(person) = state.persons.get_mut(person) {
                    person.networks_co_driven += 1;
                }
            }
        }
        Event::NetworkStarted { network, theme, network_type, leader, started_on, phase_plan, .. } => {
            let started = Network {
                theme: *theme,
                network_type: *network_type,
                leader: *leader,
                co_drivers: Vec::new(),
                reference_leader: None,
                started_on: *started_on,
                plan: phase_plan.clone(),
                phase: None,
                closed: None,
                participants: BTreeSet::new(),
                mandate_contract: false,
                goals_set: false,
                success_criteria: 0,
            };
            state.networks.insert(*network, started);
            if let Some(theme) = state.themes.get_mut(theme) {
                theme.status = ThemeStatus::InNetwork;
                theme.network = Some(*network);
            }
            if let Some(leader) = state.persons.get_mut(leader) {
                leader.networks_led += 1;
            }
        }
        Event::PhaseEntered { network, phase, .. } | Event::TestPhaseBegun { network, phase, .. } => {
            if let Some(network) = state.networks.get_mut(network) {
                if let Some(index) = network.plan.position(phase) {
                    network.phase = Some(index);
                }
            }
        }
        Event::NetworkReplanned { network, phase_plan, .. } => {
            if let Some(network) = state.networks.get_mut(network) {
                network.plan = phase_plan.clone();
            }
        }
        Event::ParticipantsJoined { network, participants } => {
            if let Some(network) = state.networks.get_mut(network) {
                network.participants.extend(participants.iter().copied());
            }
        }
        // What a network produced is the read models'; no rule depends on it.
        Event::OutputRecorded { .. } => {}
        Event::NetworkClosed { network, outcome, .. } => {
            if let Some(closed) = state.networks.get_mut(network) {
                closed.closed = Some(*outcome);
                let theme = closed.theme;
                set_status(&mut state, theme, ThemeStatus::Closed);
            }
        }
        Event::CohortFormed { cohort, members, .. } => {
            let members = members.iter().map(|person| (*person, DiplomaProgress::default())).collect();
            state.cohorts.insert(*cohort, Cohort { members });
        }
        Event::TeachingDayAttended { cohort, person, day } => {
            if let Some(progress) = progress_mut(&mut state, *cohort, *person) {
                progress.days.insert(*day);
            }
        }
        Event::WrittenAssignmentPassed { cohort, person } => {
            if let Some(progress) = progress_mut(&mut state, *cohort, *person) {
                progress.written = true;
            }
        }
        Event::OralExamPassed { cohort, person } => {
            if let Some(progress) = progress_mut(&mut state, *cohort, *person) {
                progress.oral = true;
            }
        }
        Event::DiplomaAwarded { cohort, person } => {
            if let Some(progress) = progress_mut(&mut state, *cohort, *person) {
                progress.awarded = true;
            }
            if let Some(person) = state.persons.get_mut(person) {
                person.diploma = true;
            }
        }
        Event::RotationStarted { person, until, .. } => set_rotation(&mut state, *person, Some(*until)),
        Event::RotationEnded { person } => set_rotation(&mut state, *person, None),
    }
    state
}

fn set_status(state: &mut State, theme: ThemeId, status: ThemeStatus) {
    if let Some(theme) = state.themes.get_mut(&theme) {
        theme.status = status;
    }
}

fn set_rotation(state: &mut State, person: PersonId, until: Option<NaiveDate>) {
    if let Some(person) = state.persons.get_mut(&person) {
        person.in_rotation = until.is_some();
        person.rotation_until = until;
    }
}

fn progress_mut(state: &mut State, cohort: CohortId, person: PersonId) -> Option<&mut DiplomaProgress> {
    state.cohorts.get_mut(&cohort)?.members.get_mut(&person)
}
