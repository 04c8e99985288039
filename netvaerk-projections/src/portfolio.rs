//! The portfolio: every theme with its status, every network with its roles and phase, and
//! the half-year counts against NW-2, NW-3 and NW-4 with every overridden warning.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use netvaerk_core::{
    seat_co_driver, AcknowledgedWarning, CountRange, Event, NetworkId, NetworkType, Origin, Outcome,
    OutputKind, PersonId, PhaseKind, Policy, PolicyHistory, PolicyValue, PoliticalLink, RoundId, ThemeId,
    ThemeStatus, UnitId,
};
use serde::{Deserialize, Serialize};

use crate::directory::RoundEntry;

use crate::names::{Names, PersonRef};
use crate::projection::{Fold, Recorded};

/// A theme in the portfolio.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThemeEntry {
    /// The theme.
    pub theme: ThemeId,
    /// Its title (latest refinement).
    pub title: String,
    /// Its challenge, the burning platform (latest refinement).
    pub challenge: String,
    /// Where the demand comes from.
    pub origins: BTreeSet<Origin>,
    /// Who proposed it.
    pub proposed_by: PersonId,
    /// When.
    pub proposed_on: NaiveDate,
    /// Where it stands.
    pub status: ThemeStatus,
    /// Since when.
    pub status_since: NaiveDate,
    /// The round of its latest decision.
    pub round: Option<RoundId>,
    /// Its rank, if prioritised.
    pub rank: Option<u32>,
    /// The recommended network type, if prioritised.
    pub recommended_type: Option<NetworkType>,
    /// The network working on it.
    pub network: Option<NetworkId>,
}

/// A network in the portfolio.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkEntry {
    /// The network.
    pub network: NetworkId,
    /// Its theme.
    pub theme: ThemeId,
    /// Its type.
    pub network_type: NetworkType,
    /// Its leader.
    pub leader: PersonId,
    /// Its co-driver.
    pub co_drivers: Vec<PersonId>,
    /// Its reference leader.
    pub reference_leader: Option<PersonId>,
    /// The phase it is in.
    pub phase: Option<String>,
    /// That phase's kind.
    pub phase_kind: Option<PhaseKind>,
    /// The start date.
    pub started_on: NaiveDate,
    /// The expected end from its phase plan.
    pub expected_end: NaiveDate,
    /// The actual end.
    pub ended_on: Option<NaiveDate>,
    /// How it ended.
    pub outcome: Option<Outcome>,
    /// Why, where it stopped.
    pub reason: Option<String>,
    /// Every phase it entered, with its kind and the business date it was entered (PR-5).
    pub phases: Vec<PhaseVisit>,
    /// What its test phase tests, where recorded (TP-1).
    pub tested: Option<String>,
    /// The base units that took ownership in its test phase (TP-1).
    pub owners: Vec<UnitId>,
    /// Its participants, in the order they joined (TP-3).
    pub participants: Vec<PersonId>,
    /// What it produced, in the order recorded (TP-4).
    pub outputs: Vec<OutputEntry>,
    /// ORG-2: where it plays up to the political level, as last judged; none until judged.
    pub political_link: Option<PoliticalLinkEntry>,
    /// NW-6: its goals and success criteria as last set; none until set.
    pub goals: Option<GoalsEntry>,
    /// NW-6: the numbers (from 1) of the success criteria its close judged met; `None` until a
    /// close judged them (or where it had none).
    pub criteria_met: Option<BTreeSet<u32>>,
}

/// A network's goals and success criteria as last set (NW-6), who set them and how often they
/// were revised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoalsEntry {
    /// The goals, in order.
    pub goals: Vec<String>,
    /// The success criteria, in order (numbered from 1).
    pub success_criteria: Vec<String>,
    /// Who set them last.
    pub set_by: PersonId,
    /// When they were set last.
    pub set_on: NaiveDate,
    /// How many times they were revised after they were first set.
    pub revisions: u32,
    /// The last revision's reason.
    pub reason: Option<String>,
}

/// A network's political link as judged (ORG-2), and who judged it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoliticalLinkEntry {
    /// The link.
    pub link: PoliticalLink,
    /// The subject committee, where named.
    pub committee: Option<String>,
    /// Who judged it (the reference leader, as a rule).
    pub judged_by: PersonId,
    /// When.
    pub judged_on: NaiveDate,
}

/// Something a network produced (TP-4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OutputEntry {
    /// When it was recorded.
    pub recorded_on: NaiveDate,
    /// Its kind.
    pub kind: OutputKind,
    /// What it is.
    pub description: String,
    /// The base units it concerns.
    pub units: Vec<UnitId>,
}

/// A phase a network entered (PR-5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhaseVisit {
    /// The phase's name.
    pub phase: String,
    /// Its kind.
    pub kind: PhaseKind,
    /// When it was entered.
    pub entered_on: NaiveDate,
}

/// An advisory warning a decision overrode.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Override {
    /// The position of the event that records it.
    pub position: u64,
    /// The business date.
    pub occurred_on: NaiveDate,
    /// Who decided.
    pub actor: PersonId,
    /// The event type.
    pub event_type: &'static str,
    /// The warning and the rationale.
    pub acknowledged: AcknowledgedWarning,
}

/// An [`Override`] as a snapshot reads it back: its event type by name, then found in the
/// catalogue.
#[derive(Deserialize)]
struct StoredOverride {
    position: u64,
    occurred_on: NaiveDate,
    actor: PersonId,
    event_type: String,
    acknowledged: AcknowledgedWarning,
}

impl<'de> Deserialize<'de> for Override {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredOverride::deserialize(deserializer)?;
        let event_type = netvaerk_core::CATALOGUE
            .iter()
            .find(|(known, _)| *known == stored.event_type)
            .map(|(known, _)| *known)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event type {:?}", stored.event_type)))?;
        let StoredOverride { position, occurred_on, actor, acknowledged, .. } = stored;
        Ok(Self { position, occurred_on, actor, event_type, acknowledged })
    }
}

/// The portfolio read model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Portfolio {
    /// Every theme.
    pub themes: BTreeMap<ThemeId, ThemeEntry>,
    /// Every network.
    pub networks: BTreeMap<NetworkId, NetworkEntry>,
    /// Every overridden warning, in log order.
    pub overrides: Vec<Override>,
    /// The policies put in force, with their dates (none: the NS3 defaults).
    pub policies: PolicyHistory,
    /// TH-3: each round, opened and (where NW-2 and NW-3 judged its mix) closed.
    pub rounds: BTreeMap<RoundId, RoundEntry>,
    /// ORG-5: the chief forum's meetings as scheduled.
    pub meetings: BTreeSet<NaiveDate>,
}

/// One half-year against NW-2 and NW-3, and the innovation networks running at its end
/// against NW-4.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HalfYearRow {
    /// The half-year.
    pub half_year: RoundId,
    /// Learning networks started.
    pub learning: u32,
    /// Welfare networks started.
    pub welfare: u32,
    /// Innovation networks started.
    pub innovation: u32,
    /// All started.
    pub total: u32,
    /// NW-2's range.
    pub expected_total: CountRange,
    /// NW-3's ranges for learning and welfare.
    pub expected_learning: CountRange,
    /// NW-3's range for welfare.
    pub expected_welfare: CountRange,
    /// Whether the half-year keeps NW-2 (true where the policy does not know the range).
    pub nw2_kept: bool,
    /// Whether it keeps NW-3 (true where the policy does not know the ranges).
    pub nw3_kept: bool,
    /// Innovation networks running on the half-year's last day.
    pub innovation_running_at_end: u32,
    /// NW-4's limit.
    pub innovation_limit: u32,
    /// Warnings overridden in decisions dated in the half-year.
    pub overrides: Vec<Override>,
    /// TH-3: when the chief forum opened the half-year's round ("drøfter chefforum halvårligt");
    /// `None`: no round, which the reports flag.
    pub round_opened_on: Option<NaiveDate>,
    /// ORG-5: the chief forum's meetings scheduled in the half-year.
    pub meetings: u32,
    /// ORG-5: how many the policy's rhythm asks of a half-year, where the organisation keeps
    /// the calendar in the log and the policy knows the rhythm.
    pub expected_meetings: Option<u32>,
    /// The values the policy judging the half-year does not give (an NS2 policy's): the
    /// reports say "unknown (not in the source)" for them, and their ranges above judge nothing.
    pub unknown: Vec<PolicyValue>,
    /// The structure the policy judging it describes, where named ("NS2", "NS3").
    pub structure: Option<String>,
}

/// The portfolio as a report shows it: names resolved.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PortfolioReport {
    /// Themes by status, then title.
    pub themes: Vec<ThemeEntry>,
    /// Networks, running first, then by start.
    pub networks: Vec<NetworkReportRow>,
    /// The half-year view.
    pub half_years: Vec<HalfYearRow>,
    /// Innovation networks running now, against NW-4.
    pub innovation_running: u32,
    /// NW-4's limit.
    pub innovation_limit: u32,
}

/// A network with its people named.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkReportRow {
    /// The network.
    #[serde(flatten)]
    pub network: NetworkEntry,
    /// The theme's title.
    pub theme_title: String,
    /// The leader.
    pub leader_name: PersonRef,
    /// The co-driver.
    pub co_driver_names: Vec<PersonRef>,
    /// The reference leader.
    pub reference_leader_name: Option<PersonRef>,
}

impl Portfolio {
    /// The title of the theme `network` works on, where both are known.
    pub fn theme_title(&self, network: NetworkId) -> Option<&str> {
        let theme = self.networks.get(&network)?.theme;
        self.themes.get(&theme).map(|theme| theme.title.as_str())
    }

    /// The policy in force on `date` (the NS3 defaults before any).
    fn policy_on(&self, date: NaiveDate) -> Policy {
        self.policies.on(date).cloned().unwrap_or_default()
    }

    /// Innovation networks running (NW-4).
    pub fn innovation_running(&self) -> u32 {
        let running = self
            .networks
            .values()
            .filter(|network| network.network_type == NetworkType::Innovation && network.outcome.is_none());
        u32::try_from(running.count()).unwrap_or(u32::MAX)
    }

    /// Every half-year from the first to the last with a start, an override or a round, in
    /// order, so that one without a round shows (TH-3). Its starts are judged by the policy in
    /// force when its round was closed, as the round's close judged its mix (NW-2, NW-3: the
    /// round plans the half-year's starts), else on its first day; its innovation networks
    /// running at its end by the limit in force on its last day (NW-4).
    pub fn half_years(&self) -> Vec<HalfYearRow> {
        let mut active: BTreeSet<RoundId> =
            self.networks.values().map(|network| RoundId::containing(network.started_on)).collect();
        active.extend(self.overrides.iter().map(|o| RoundId::containing(o.occurred_on)));
        active.extend(self.rounds.keys().copied());
        let (Some(first), Some(last)) = (active.first().copied(), active.last().copied()) else {
            return Vec::new();
        };
        std::iter::successors(Some(first), |half_year| Some(half_year.next()).filter(|next| *next <= last))
            .map(|half_year| {
                let started = |network_type| {
                    let count = self.networks.values().filter(|network| {
                        network.network_type == network_type
                            && RoundId::containing(network.started_on) == half_year
                    });
                    u32::try_from(count.count()).unwrap_or(u32::MAX)
                };
                let (learning, welfare, innovation) = (
                    started(NetworkType::Learning),
                    started(NetworkType::Welfare),
                    started(NetworkType::Innovation),
                );
                let total = learning + welfare + innovation;
                let end = half_year.last_day();
                let round = self.rounds.get(&half_year);
                let judged_on = round.and_then(|round| round.closed_on).unwrap_or(half_year.first_day());
                let policy = self.policy_on(judged_on);
                let in_half_year = |day: &&NaiveDate| RoundId::containing(**day) == half_year;
                let meetings =
                    u32::try_from(self.meetings.iter().filter(in_half_year).count()).unwrap_or(u32::MAX);
                let expected_meetings = (!self.meetings.is_empty()
                    && policy.knows(PolicyValue::ForumMeetings))
                .then(|| 6 / policy.forum_meeting_interval_months.max(1));
                let running_at_end = self.networks.values().filter(|network| {
                    network.network_type == NetworkType::Innovation
                        && network.started_on <= end
                        && network.ended_on.is_none_or(|ended| ended > end)
                });
                HalfYearRow {
                    half_year,
                    learning,
                    welfare,
                    innovation,
                    total,
                    expected_total: policy.starts_per_half_year,
                    expected_learning: policy.learning_per_half_year,
                    expected_welfare: policy.welfare_per_half_year,
                    nw2_kept: !policy.knows(PolicyValue::StartsPerHalfYear)
                        || policy.starts_per_half_year.contains(total),
                    nw3_kept: !policy.knows(PolicyValue::TypeMix)
                        || (policy.learning_per_half_year.contains(learning)
                            && policy.welfare_per_half_year.contains(welfare)),
                    innovation_running_at_end: u32::try_from(running_at_end.count()).unwrap_or(u32::MAX),
                    innovation_limit: self.policy_on(end).max_running_innovation_networks,
                    overrides: self
                        .overrides
                        .iter()
                        .filter(|o| RoundId::containing(o.occurred_on) == half_year)
                        .cloned()
                        .collect(),
                    round_opened_on: round.map(|round| round.opened_on),
                    meetings,
                    expected_meetings,
                    unknown: policy.unknown.iter().copied().collect(),
                    structure: policy.structure.clone(),
                }
            })
            .collect()
    }

    /// The report: themes, networks with names, the half-year view.
    pub fn report(&self, names: &Names) -> PortfolioReport {
        let mut themes: Vec<ThemeEntry> = self.themes.values().cloned().collect();
        themes.sort_by(|a, b| (a.status, &a.title).cmp(&(b.status, &b.title)));
        let mut networks: Vec<NetworkReportRow> = self
            .networks
            .values()
            .map(|network| NetworkReportRow {
                theme_title: self.themes.get(&network.theme).map(|t| t.title.clone()).unwrap_or_default(),
                leader_name: names.person(network.leader),
                co_driver_names: network.co_drivers.iter().map(|id| names.person(*id)).collect(),
                reference_leader_name: network.reference_leader.map(|id| names.person(id)),
                network: network.clone(),
            })
            .collect();
        networks
            .sort_by_key(|row| (row.network.outcome.is_some(), row.network.started_on, row.network.network));
        PortfolioReport {
            themes,
            networks,
            half_years: self.half_years(),
            innovation_running: self.innovation_running(),
            innovation_limit: self.policy_on(NaiveDate::MAX).max_running_innovation_networks,
        }
    }

    fn set_status(&mut self, theme: ThemeId, status: ThemeStatus, on: NaiveDate) {
        if let Some(entry) = self.themes.get_mut(&theme) {
            entry.status = status;
            entry.status_since = on;
        }
    }

    fn record_overrides(&mut self, recorded: &Recorded<'_>, acknowledged: &[AcknowledgedWarning]) {
        for warning in acknowledged {
            self.overrides.push(Override {
                position: recorded.position,
                occurred_on: recorded.on(),
                actor: recorded.actor(),
                event_type: recorded.event.type_name(),
                acknowledged: warning.clone(),
            });
        }
    }
}

impl Fold for Portfolio {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        let on = recorded.on();
        // Every event that carries acknowledged warnings (the core's one declaration) adds them
        // to the overrides, whatever else it does.
        self.record_overrides(recorded, recorded.event.acknowledged());
        match recorded.event {
            Event::PolicyChanged { policy, in_force_from } => {
                self.policies.record(policy.clone(), *in_force_from)
            }
            Event::RoundOpened { round, .. } => {
                self.rounds.entry(*round).or_insert(RoundEntry { opened_on: on, closed_on: None });
            }
            Event::ForumMeetingsScheduled { meetings, cancelled } => {
                self.meetings.extend(meetings.iter().copied());
                for day in cancelled {
                    self.meetings.remove(day);
                }
            }
            Event::ThemeProposed { theme, title, challenge, proposed_by, origins, .. } => {
                self.themes.insert(
                    *theme,
                    ThemeEntry {
                        theme: *theme,
                        title: title.clone(),
                        challenge: challenge.clone(),
                        origins: origins.clone(),
                        proposed_by: *proposed_by,
                        proposed_on: on,
                        status: ThemeStatus::Proposed,
                        status_since: on,
                        round: None,
                        rank: None,
                        recommended_type: None,
                        network: None,
                    },
                );
            }
            Event::ThemeRefined { theme, title, challenge, .. } => {
                if let Some(entry) = self.themes.get_mut(theme) {
                    if let Some(title) = title {
                        entry.title.clone_from(title);
                    }
                    if let Some(challenge) = challenge {
                        entry.challenge.clone_from(challenge);
                    }
                }
            }
            Event::ThemeQualified { theme, round, .. } | Event::ThemeDeferred { theme, round, .. } => {
                let status = match recorded.event {
                    Event::ThemeQualified { .. } => ThemeStatus::Qualified,
                    _ => ThemeStatus::Deferred,
                };
                self.set_status(*theme, status, on);
                if let Some(entry) = self.themes.get_mut(theme) {
                    entry.round = Some(*round);
                }
            }
            Event::ThemePrioritised { theme, round, rank, recommended_type, .. } => {
                self.set_status(*theme, ThemeStatus::Prioritised, on);
                if let Some(entry) = self.themes.get_mut(theme) {
                    entry.round = Some(*round);
                    entry.rank = Some(*rank);
                    entry.recommended_type = Some(*recommended_type);
                }
            }
            Event::ThemeRejected { theme, round, .. } => {
                self.set_status(*theme, ThemeStatus::Rejected, on);
                if let Some(entry) = self.themes.get_mut(theme) {
                    entry.round = Some(*round);
                }
            }
            Event::ThemeWithdrawn { theme, .. } => self.set_status(*theme, ThemeStatus::Withdrawn, on),
            Event::RoundClosed { round, .. } => {
                if let Some(entry) = self.rounds.get_mut(round) {
                    entry.closed_on = Some(on);
                }
            }
            Event::CohortFormed { .. } => {}
            Event::NetworkStarted {
                network, theme, network_type, leader, started_on, expected_end, ..
            } => {
                self.networks.insert(
                    *network,
                    NetworkEntry {
                        network: *network,
                        theme: *theme,
                        network_type: *network_type,
                        leader: *leader,
                        co_drivers: Vec::new(),
                        reference_leader: None,
                        phase: None,
                        phase_kind: None,
                        started_on: *started_on,
                        expected_end: *expected_end,
                        ended_on: None,
                        outcome: None,
                        reason: None,
                        phases: Vec::new(),
                        tested: None,
                        owners: Vec::new(),
                        participants: Vec::new(),
                        outputs: Vec::new(),
                        political_link: None,
                        goals: None,
                        criteria_met: None,
                    },
                );
                self.set_status(*theme, ThemeStatus::InNetwork, on);
                if let Some(entry) = self.themes.get_mut(theme) {
                    entry.network = Some(*network);
                }
            }
            Event::ReferenceLeaderAssigned { network, person }
            | Event::ReferenceLeaderChanged { network, to: person, .. } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    entry.reference_leader = Some(*person);
                }
            }
            Event::CoDriverAttached { network, person } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    seat_co_driver(&mut entry.co_drivers, None, *person);
                }
            }
            Event::CoDriverChanged { network, from, to, .. } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    seat_co_driver(&mut entry.co_drivers, Some(*from), *to);
                }
            }
            Event::PhaseEntered { network, phase, kind, .. } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    entry.phase = Some(phase.clone());
                    entry.phase_kind = Some(*kind);
                    entry.phases.push(PhaseVisit { phase: phase.clone(), kind: *kind, entered_on: on });
                }
            }
            Event::TestPhaseBegun { network, phase, tested, owners, .. } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    entry.tested.clone_from(tested);
                    entry.owners.clone_from(owners);
                    entry.phase = Some(phase.clone());
                    entry.phase_kind = Some(PhaseKind::Test);
                    entry.phases.push(PhaseVisit {
                        phase: phase.clone(),
                        kind: PhaseKind::Test,
                        entered_on: on,
                    });
                }
            }
            Event::NetworkClosed { network, outcome, reason, criteria_met, .. } => {
                let theme = self.networks.get_mut(network).map(|entry| {
                    entry.ended_on = Some(on);
                    entry.outcome = Some(*outcome);
                    entry.reason.clone_from(reason);
                    entry.criteria_met.clone_from(criteria_met);
                    entry.theme
                });
                if let Some(theme) = theme {
                    self.set_status(theme, ThemeStatus::Closed, on);
                }
            }
            Event::UnitRegistered { .. }
            | Event::UnitNamed { .. }
            | Event::OrganisationNamed { .. }
            | Event::PersonRegistered { .. }
            | Event::OrganisationFounded { .. }
            | Event::PersonMoved { .. }
            | Event::PersonRolesChanged { .. }
            | Event::PriorExperienceRegistered { .. }
            | Event::ReferenceLeaderAccepted { .. }
            | Event::MandateContractAgreed { .. }
            | Event::CompetencesAssessed { .. }
            | Event::TeachingDayAttended { .. }
            | Event::WrittenAssignmentPassed { .. }
            | Event::OralExamPassed { .. }
            | Event::DiplomaAwarded { .. }
            | Event::RotationStarted { .. }
            | Event::RotationEnded { .. }
            | Event::HelpRequested { .. } => {}
            Event::GoalsSet { network, goals, success_criteria, reason } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    let revisions = entry.goals.as_ref().map_or(0, |earlier| earlier.revisions + 1);
                    entry.goals = Some(GoalsEntry {
                        goals: goals.clone(),
                        success_criteria: success_criteria.clone(),
                        set_by: recorded.actor(),
                        set_on: on,
                        revisions,
                        reason: reason.clone(),
                    });
                }
            }
            Event::PoliticallyLinked { network, link, committee } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    let (link, committee, judged_by) = (*link, committee.clone(), recorded.actor());
                    entry.political_link =
                        Some(PoliticalLinkEntry { link, committee, judged_by, judged_on: on });
                }
            }
            Event::ParticipantsJoined { network, participants } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    entry.participants.extend(participants.iter().copied());
                }
            }
            Event::OutputRecorded { network, kind, description, units } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    let output = OutputEntry {
                        recorded_on: on,
                        kind: *kind,
                        description: description.clone(),
                        units: units.clone(),
                    };
                    entry.outputs.push(output);
                }
            }
            // PR-5: its own plan, and the end it gives.
            Event::NetworkReplanned { network, expected_end, .. } => {
                if let Some(entry) = self.networks.get_mut(network) {
                    entry.expected_end = *expected_end;
                }
            }
        }
    }
}
