//! Competence tracks: where each person stands from candidate to qualified leader, what they
//! may lead (NL-1, NL-2), the pool of qualified leaders, cohorts against CO-2 and the cost split
//! per department (CO-4).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use netvaerk_core::{
    CohortId, Competence, CostSplit, CountRange, DiplomaCost, Event, LeaderQualification, NetworkType,
    Person, PersonId, PolicyHistory, PolicyValue, PriorExperience, TeachingDay, UnitId,
};
use serde::{Deserialize, Serialize};

use crate::names::{Names, PersonRef};
use crate::projection::{Fold, Recorded};

/// Where a person stands (CO-1, NL-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Registered, no network driven, no diploma begun.
    Candidate,
    /// Has co-driven (CO-1: the first stage).
    CoDriver,
    /// In a diploma cohort, without the diploma yet.
    InDiploma,
    /// Holds the diploma, and has driven no network yet (NL-1 asks for both): trained, not in
    /// training.
    DiplomaHolder,
    /// Diploma and a network driven (NL-1).
    QualifiedLeader,
    /// A leader of generation 1 or 2 (NS1, NS2), in the pool by experience (NL-1).
    ExperiencedLeader,
}

/// One person's track.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Track {
    /// Their unit.
    pub unit: Option<UnitId>,
    /// NS1/NS2 experience.
    pub prior: Option<(u8, u32, u32)>,
    /// Networks they started as leader.
    pub networks_led: u32,
    /// Networks they were attached to as co-driver.
    pub networks_co_driven: u32,
    /// Their latest cohort.
    pub cohort: Option<CohortId>,
    /// Teaching days attended.
    pub days: BTreeSet<TeachingDay>,
    /// Written assignment passed.
    pub written: bool,
    /// Oral exam passed.
    pub oral: bool,
    /// Diploma awarded, on.
    pub diploma_on: Option<NaiveDate>,
    /// NL-3, CD-3: the latest score (1-5) of each competence assessed.
    pub competences: BTreeMap<Competence, u8>,
}

impl Track {
    /// NL-3: the mean of the latest scores, if any competence was assessed.
    pub fn competence_mean(&self) -> Option<f64> {
        let scores: Vec<f64> = self.competences.values().map(|score| f64::from(*score)).collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    }
}

impl Track {
    fn as_core(&self) -> Person {
        Person {
            prior: self.prior.map(|(generation, networks_led, networks_co_driven)| PriorExperience {
                generation,
                networks_led,
                networks_co_driven,
            }),
            diploma: self.diploma_on.is_some(),
            networks_led: self.networks_led,
            networks_co_driven: self.networks_co_driven,
            ..Person::default()
        }
    }

    /// NL-1 (or CO-1, as `rule` reads it), judged exactly as `decide` judges it.
    pub fn is_qualified(&self, rule: LeaderQualification) -> bool {
        self.as_core().qualifies_under(rule)
    }

    /// The stage, with `rule` saying what qualifies a leader.
    pub fn stage(&self, rule: LeaderQualification) -> Stage {
        if self.prior.is_some_and(|(_, led, _)| led > 0) {
            Stage::ExperiencedLeader
        } else if self.is_qualified(rule) {
            Stage::QualifiedLeader
        } else if self.diploma_on.is_some() {
            Stage::DiplomaHolder
        } else if self.cohort.is_some() {
            Stage::InDiploma
        } else if self.networks_co_driven > 0 {
            Stage::CoDriver
        } else {
            Stage::Candidate
        }
    }

    /// The network types they may lead now (NL-2: untried leaders lead learning networks).
    pub fn may_lead(&self, rule: LeaderQualification) -> Vec<NetworkType> {
        if self.is_qualified(rule) {
            NetworkType::ALL.to_vec()
        } else {
            vec![NetworkType::Learning]
        }
    }
}

/// A cohort as formed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CohortEntry {
    /// Formed on.
    pub formed_on: NaiveDate,
    /// Its members.
    pub members: BTreeSet<PersonId>,
    /// CO-2's range when it was formed.
    pub expected: CountRange,
    /// CO-4's split and price in force when it was formed.
    pub cost: DiplomaCost,
    /// Whether the size warning was overridden.
    pub size_overridden: bool,
    /// CO-2's range or CO-4's cost where the policy then did not give them (NS2's).
    pub unknown: Vec<PolicyValue>,
}

/// The competence read model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompetenceTracks {
    /// Each registered person's track.
    pub tracks: BTreeMap<PersonId, Track>,
    /// Each cohort.
    pub cohorts: BTreeMap<CohortId, CohortEntry>,
    /// The policies put in force, with their dates (none: the NS3 defaults).
    pub policies: PolicyHistory,
}

/// A person's track as a report shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TrackRow {
    /// The person.
    pub person: PersonRef,
    /// The stage.
    pub stage: Stage,
    /// Their cohort.
    pub cohort: Option<CohortId>,
    /// Teaching days done, of five.
    pub teaching_days: usize,
    /// Written assignment passed.
    pub written: bool,
    /// Oral exam passed.
    pub oral: bool,
    /// Holds the diploma.
    pub diploma: bool,
    /// What they may lead now.
    pub may_lead: Vec<NetworkType>,
    /// NL-3: the latest score of each competence assessed.
    pub competences: BTreeMap<Competence, u8>,
    /// NL-3: their mean, if any was assessed.
    pub competence_mean: Option<f64>,
}

/// One department's share of a cohort's cost (CO-4: by default 2/3 the department, 1/3 the
/// secretariat; the split and the price in force when the cohort was formed).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostShare {
    /// The members' unit (their base department).
    pub unit: Option<UnitId>,
    /// How many members it sends.
    pub members: u32,
    /// Who pays for their places, in places and, where the policy prices a place, kroner.
    #[serde(flatten)]
    pub split: CostSplit,
}

/// A cohort as a report shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CohortRow {
    /// The cohort.
    pub cohort: CohortId,
    /// Formed on.
    pub formed_on: NaiveDate,
    /// Its size.
    pub size: u32,
    /// CO-2's range.
    pub expected: CountRange,
    /// Whether the size keeps CO-2.
    pub within_range: bool,
    /// Members with the diploma.
    pub diplomas: u32,
    /// The cost split per department.
    pub cost_split: Vec<CostShare>,
    /// What the policy in force when it was formed did not give: CO-2's range (then
    /// `within_range` is true and judges nothing), CO-4's cost (then the split is NS3's,
    /// standing in).
    pub unknown: Vec<PolicyValue>,
}

/// The competence report.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompetenceReport {
    /// Every person's track, by stage.
    pub tracks: Vec<TrackRow>,
    /// The pool of qualified leaders (NL-1).
    pub pool: Vec<PersonRef>,
    /// Every cohort.
    pub cohorts: Vec<CohortRow>,
}

impl CompetenceTracks {
    fn track(&mut self, person: PersonId) -> &mut Track {
        self.tracks.entry(person).or_default()
    }

    /// The report, judging qualification by the latest policy folded in (NL-1, CO-1).
    pub fn report(&self, names: &Names) -> CompetenceReport {
        let rule = self.policies.latest().map(|policy| policy.leader_qualification).unwrap_or_default();
        let mut tracks: Vec<TrackRow> = self
            .tracks
            .iter()
            .map(|(person, track)| TrackRow {
                person: names.person(*person),
                stage: track.stage(rule),
                cohort: track.cohort,
                teaching_days: track.days.len(),
                written: track.written,
                oral: track.oral,
                diploma: track.diploma_on.is_some(),
                may_lead: track.may_lead(rule),
                competences: track.competences.clone(),
                competence_mean: track.competence_mean(),
            })
            .collect();
        tracks.sort_by(|a, b| (b.stage, &a.person.name).cmp(&(a.stage, &b.person.name)));
        let pool =
            self.tracks.iter().filter(|(_, t)| t.is_qualified(rule)).map(|(p, _)| names.person(*p)).collect();
        let cohorts = self
            .cohorts
            .iter()
            .map(|(cohort, entry)| {
                let size = u32::try_from(entry.members.len()).unwrap_or(u32::MAX);
                let mut by_unit: BTreeMap<Option<UnitId>, u32> = BTreeMap::new();
                for member in &entry.members {
                    *by_unit.entry(self.tracks.get(member).and_then(|t| t.unit)).or_insert(0) += 1;
                }
                let diplomas = entry
                    .members
                    .iter()
                    .filter(|m| {
                        self.tracks
                            .get(m)
                            .is_some_and(|t| t.cohort == Some(*cohort) && t.diploma_on.is_some())
                    })
                    .count();
                CohortRow {
                    cohort: *cohort,
                    formed_on: entry.formed_on,
                    size,
                    expected: entry.expected,
                    within_range: entry.unknown.contains(&PolicyValue::CohortSize)
                        || entry.expected.contains(size),
                    diplomas: u32::try_from(diplomas).unwrap_or(u32::MAX),
                    cost_split: by_unit
                        .into_iter()
                        .map(|(unit, members)| CostShare { unit, members, split: entry.cost.split(members) })
                        .collect(),
                    unknown: entry.unknown.clone(),
                }
            })
            .collect();
        CompetenceReport { tracks, pool, cohorts }
    }
}

impl Fold for CompetenceTracks {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        match recorded.event {
            Event::PolicyChanged { policy, in_force_from } => {
                self.policies.record(policy.clone(), *in_force_from)
            }
            Event::PersonRegistered { person, unit, .. } => self.track(*person).unit = *unit,
            Event::PersonMoved { person, unit } => self.track(*person).unit = Some(*unit),
            Event::OrganisationFounded { chief_forum, secretariat } => {
                for founder in chief_forum.iter().chain(secretariat) {
                    self.track(*founder);
                }
            }
            Event::PriorExperienceRegistered { person, generation, networks_led, networks_co_driven } => {
                self.track(*person).prior = Some((*generation, *networks_led, *networks_co_driven));
            }
            Event::NetworkStarted { leader, .. } => self.track(*leader).networks_led += 1,
            Event::CoDriverAttached { person, .. } | Event::CoDriverChanged { to: person, .. } => {
                self.track(*person).networks_co_driven += 1;
            }
            Event::CohortFormed { cohort, members, acknowledged } => {
                // CO-2: the cohort size in force on the day it was formed.
                let policy = self.policies.on(recorded.on()).cloned().unwrap_or_default();
                let (expected, cost) = (policy.cohort_size, policy.diploma_cost);
                for member in members {
                    self.track(*member).cohort = Some(*cohort);
                }
                let entry = CohortEntry {
                    formed_on: recorded.on(),
                    members: members.clone(),
                    expected,
                    cost,
                    size_overridden: !acknowledged.is_empty(),
                    unknown: [PolicyValue::CohortSize, PolicyValue::DiplomaCost]
                        .into_iter()
                        .filter(|value| !policy.knows(*value))
                        .collect(),
                };
                self.cohorts.insert(*cohort, entry);
            }
            Event::CompetencesAssessed { person, scores } => {
                self.track(*person).competences.extend(scores.iter().map(|(c, s)| (*c, *s)));
            }
            Event::TeachingDayAttended { person, day, .. } => {
                self.track(*person).days.insert(*day);
            }
            Event::WrittenAssignmentPassed { person, .. } => self.track(*person).written = true,
            Event::OralExamPassed { person, .. } => self.track(*person).oral = true,
            Event::DiplomaAwarded { person, .. } => self.track(*person).diploma_on = Some(recorded.on()),
            Event::UnitRegistered { .. }
            | Event::UnitNamed { .. }
            | Event::OrganisationNamed { .. }
            | Event::PoliticallyLinked { .. }
            | Event::GoalsSet { .. }
            | Event::ForumMeetingsScheduled { .. }
            | Event::PersonRolesChanged { .. }
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
            | Event::ReferenceLeaderAssigned { .. }
            | Event::ReferenceLeaderChanged { .. }
            | Event::MandateContractAgreed { .. }
            | Event::PhaseEntered { .. }
            | Event::TestPhaseBegun { .. }
            | Event::NetworkClosed { .. }
            | Event::RotationStarted { .. }
            | Event::RotationEnded { .. }
            | Event::HelpRequested { .. }
            | Event::ParticipantsJoined { .. }
            | Event::OutputRecorded { .. }
            | Event::NetworkReplanned { .. } => {}
        }
    }
}
