//! The policy: every number and plan NS3 leaves open or may change in NS4, as data.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::vocabulary::{Criterion, NetworkType, PhaseKind};

/// What is wrong with a policy an embedder tried to put in force.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyProblem {
    /// A range whose minimum is above its maximum.
    #[error("the range {field} has its minimum above its maximum")]
    EmptyRange {
        /// The policy field.
        field: &'static str,
    },
    /// A phase plan without phases.
    #[error("the {network_type} phase plan has no phases (PR-5)")]
    EmptyPhasePlan {
        /// The plan's network type.
        network_type: NetworkType,
    },
    /// A phase with a blank name.
    #[error("the {network_type} phase plan has a phase without a name (PR-5)")]
    UnnamedPhase {
        /// The plan's network type.
        network_type: NetworkType,
    },
    /// Two phases with one name.
    #[error("the {network_type} phase plan names the phase {name:?} twice (PR-5)")]
    DuplicatePhase {
        /// The plan's network type.
        network_type: NetworkType,
        /// The repeated name.
        name: String,
    },
    /// More than one test phase.
    #[error("the {network_type} phase plan has more than one test phase (TP-1)")]
    SeveralTestPhases {
        /// The plan's network type.
        network_type: NetworkType,
    },
    /// A value outside what the policy can sensibly hold.
    #[error("the policy's {field} is {value}, outside {bounds}")]
    OutOfBounds {
        /// The policy field.
        field: &'static str,
        /// The value given.
        value: u64,
        /// The bounds.
        bounds: &'static str,
    },
    /// A test phase in a learning network's plan.
    #[error("a learning network's phase plan has no test phase (NW-1, TP-1)")]
    TestInLearningPlan,
    /// Implementation before the test phase, or another phase after it.
    #[error(
        "in the {network_type} phase plan implementation may only follow the test phase, and only it (TP-1)"
    )]
    TestNotLastBeforeImplementation {
        /// The plan's network type.
        network_type: NetworkType,
    },
}

/// An inclusive range of counts, e.g. 4-5 starts a half-year (NW-2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CountRange {
    /// The fewest the rule expects.
    pub min: u32,
    /// The most the rule expects.
    pub max: u32,
}

impl CountRange {
    /// The range `min..=max`.
    pub const fn new(min: u32, max: u32) -> Self {
        Self { min, max }
    }

    /// Whether `count` lies in the range.
    pub const fn contains(&self, count: u32) -> bool {
        self.min <= count && count <= self.max
    }
}

/// One phase of a phase plan (PR-5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhaseSpec {
    /// The phase's name, unique within its plan (e.g. `intensive 2`).
    pub name: String,
    /// What kind of phase it is.
    pub kind: PhaseKind,
    /// The estimated length in weeks (PR-4: estimates must be visible).
    pub weeks: u32,
}

impl PhaseSpec {
    /// A phase named `name` of `kind` lasting about `weeks` weeks.
    pub fn new(name: &str, kind: PhaseKind, weeks: u32) -> Self {
        Self { name: name.to_owned(), kind, weeks }
    }
}

/// The phases a network of one type goes through, in order (PR-1..PR-5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PhasePlan {
    /// The phases in order.
    pub phases: Vec<PhaseSpec>,
}

impl PhasePlan {
    /// The default welfare plan (PR-1, PR-5): four intensive periods of about 9 weeks in all,
    /// with breaks between, then test, then implementation.
    pub fn ns3_welfare() -> Self {
        use PhaseKind::{Break, Implementation, Intensive, Test};
        Self {
            phases: vec![
                PhaseSpec::new("intensive 1", Intensive, 2),
                PhaseSpec::new("break 1", Break, 3),
                PhaseSpec::new("intensive 2", Intensive, 2),
                PhaseSpec::new("break 2", Break, 3),
                PhaseSpec::new("intensive 3", Intensive, 3),
                PhaseSpec::new("break 3", Break, 3),
                PhaseSpec::new("intensive 4", Intensive, 2),
                PhaseSpec::new("test", Test, 8),
                PhaseSpec::new("implementation", Implementation, 4),
            ],
        }
    }

    /// The default learning plan (PR-3, PR-5): start with the chief forum, working sessions,
    /// close with the chief forum; about 4-5 months.
    pub fn ns3_learning() -> Self {
        use PhaseKind::{Close, Start, Working};
        Self {
            phases: vec![
                PhaseSpec::new("start", Start, 1),
                PhaseSpec::new("working sessions", Working, 17),
                PhaseSpec::new("close", Close, 1),
            ],
        }
    }

    /// The total estimated length in weeks.
    pub fn total_weeks(&self) -> u32 {
        self.phases.iter().map(|phase| phase.weeks).sum()
    }

    /// The index of the phase called `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.phases.iter().position(|phase| phase.name == name)
    }

    /// The phases of a network that runs by this plan, from the one it is in, placed on the
    /// calendar by their estimates (PR-4: the load ahead). The phase at index `current`,
    /// entered on `since`, ends when its estimate runs out, or on `today` if it has run over
    /// (the next phase can begin no earlier); each later phase follows the one before. A
    /// network that has entered no phase yet (`current` is `None`) begins its first phase on
    /// `since` or `today`, whichever is later.
    pub fn schedule(
        &self,
        current: Option<usize>,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Vec<ScheduledPhase> {
        let weeks = |phase: &PhaseSpec| chrono::Days::new(u64::from(phase.weeks) * 7);
        let (first, mut from) = match current {
            Some(index) => (index, since),
            None => (0, since.max(today)),
        };
        let mut scheduled = Vec::new();
        for (index, phase) in self.phases.iter().enumerate().skip(first) {
            let mut to = from.checked_add_days(weeks(phase)).unwrap_or(NaiveDate::MAX);
            if index == first && current.is_some() {
                to = to.max(today);
            }
            scheduled.push(ScheduledPhase { name: phase.name.clone(), kind: phase.kind, from, to });
            from = to;
        }
        scheduled
    }

    /// The index of the test phase, if the plan has one.
    pub fn test_position(&self) -> Option<usize> {
        self.phases.iter().position(|phase| phase.kind == PhaseKind::Test)
    }

    /// Checks the plan for a network of `network_type`: phases named uniquely, each of 1-104
    /// weeks, at most 50 of them, at most one test phase and it last before implementation
    /// (TP-1), and none in a learning network's plan (NW-1).
    pub fn validate(&self, network_type: NetworkType) -> Result<(), PolicyProblem> {
        if self.phases.is_empty() {
            return Err(PolicyProblem::EmptyPhasePlan { network_type });
        }
        let mut names = BTreeSet::new();
        for phase in &self.phases {
            if phase.name.trim().is_empty() {
                return Err(PolicyProblem::UnnamedPhase { network_type });
            }
            if !names.insert(phase.name.as_str()) {
                return Err(PolicyProblem::DuplicatePhase { network_type, name: phase.name.clone() });
            }
        }
        let tests = self.phases.iter().filter(|phase| phase.kind == PhaseKind::Test).count();
        if tests > 1 {
            return Err(PolicyProblem::SeveralTestPhases { network_type });
        }
        if tests > 0 && network_type == NetworkType::Learning {
            return Err(PolicyProblem::TestInLearningPlan);
        }
        // A phase of at most two years, and plans of at most fifty phases.
        if let Some(phase) = self.phases.iter().find(|phase| phase.weeks == 0 || phase.weeks > 104) {
            let value = u64::from(phase.weeks);
            return Err(PolicyProblem::OutOfBounds { field: "weeks", value, bounds: "1 to 104" });
        }
        if self.phases.len() > 50 {
            let value = self.phases.len() as u64;
            return Err(PolicyProblem::OutOfBounds { field: "phases", value, bounds: "1 to 50" });
        }
        // TP-1: the test phase is the last phase before implementation.
        if let Some(test) = self.test_position() {
            let (before, after) = self.phases.split_at(test);
            let implementation_before = before.iter().any(|phase| phase.kind == PhaseKind::Implementation);
            let other_after = after[1..].iter().any(|phase| phase.kind != PhaseKind::Implementation);
            if implementation_before || other_after {
                return Err(PolicyProblem::TestNotLastBeforeImplementation { network_type });
            }
        }
        Ok(())
    }
}

/// A phase of a network's plan placed on the calendar ([`PhasePlan::schedule`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScheduledPhase {
    /// The phase's name in the plan.
    pub name: String,
    /// Its kind.
    pub kind: PhaseKind,
    /// Its first day.
    pub from: NaiveDate,
    /// The day after its last (its estimated end).
    pub to: NaiveDate,
}

/// NL-1 and CO-1: what qualifies a network leader, besides leading networks in NS1 or NS2.
///
/// The seed says it twice, differently: NL-1 "når man har netværksledelse på diplomniveau og
/// når man har drevet netværk tidligere – enten som netværksleder eller co-driver", and CO-1
/// "For at blive netværksleder, skal man derfor have været co-driver og gennemført
/// diplomuddannelsen". The default is NL-1's, the definition of a qualified leader, under which
/// an untried leader's learning network (NL-2) counts as driving one; CO-1's stricter reading is
/// the switch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaderQualification {
    /// NL-1 (default): the diploma, and a network driven before as leader or co-driver.
    #[default]
    DiplomaAndDriven,
    /// CO-1: the diploma, and a network co-driven before; leading one is not enough.
    DiplomaAndCoDriven,
}

impl DiplomaCost {
    fn is_ns3(&self) -> bool {
        *self == Self::ns3()
    }
}

impl LeaderQualification {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// CO-4: how a diploma place is paid for, and what it costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiplomaCost {
    /// The share of a place the member's base department pays, as a fraction
    /// (`department_pays`/`out_of`; NS3: 2/3, the secretariat the rest).
    pub department_pays: u32,
    /// The fraction's denominator.
    pub out_of: u32,
    /// The price of one place in Danish kroner, where the organisation records it (the seed
    /// gives none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_place_kr: Option<u64>,
    /// Whether the price is an example rather than the organisation's own (a demo's, or a
    /// planning figure): reports then say so beside every amount. Stored only where set.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub price_is_example: bool,
}

impl DiplomaCost {
    /// NS3's split ("udgiften finansieres 2/3 af basisafdelingen hvori netværkslederen er
    /// ansat, mens 1/3 af udgiften finansieres af Sekretariat for Netværksstrukturen"), with no
    /// price recorded.
    pub const fn ns3() -> Self {
        Self { department_pays: 2, out_of: 3, price_per_place_kr: None, price_is_example: false }
    }

    /// The department's and the secretariat's shares of `places` places, in places (two
    /// decimals) and, where the price is known, in whole kroner (the department's rounded, the
    /// secretariat's the rest, so the two add up to the price).
    pub fn split(&self, places: u32) -> CostSplit {
        let share = f64::from(self.department_pays) / f64::from(self.out_of.max(1));
        let department_share = (f64::from(places) * share * 100.0).round() / 100.0;
        let secretariat_share = (f64::from(places) * 100.0 - department_share * 100.0).round() / 100.0;
        let kroner = self.price_per_place_kr.map(|price| {
            let total = price.saturating_mul(u64::from(places));
            let numerator = u128::from(total) * u128::from(self.department_pays);
            let denominator = u128::from(self.out_of.max(1));
            let department = u64::try_from((numerator + denominator / 2) / denominator).unwrap_or(u64::MAX);
            (department, total.saturating_sub(department))
        });
        CostSplit {
            department_share,
            secretariat_share,
            department_kr: kroner.map(|(department, _)| department),
            secretariat_kr: kroner.map(|(_, secretariat)| secretariat),
            price_is_example: self.price_is_example && self.price_per_place_kr.is_some(),
        }
    }
}

impl Default for DiplomaCost {
    fn default() -> Self {
        Self::ns3()
    }
}

/// What a department and the secretariat pay for some places ([`DiplomaCost::split`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostSplit {
    /// The department's share, in places.
    pub department_share: f64,
    /// The secretariat's share, in places.
    pub secretariat_share: f64,
    /// The department's share in kroner, where the price is recorded.
    pub department_kr: Option<u64>,
    /// The secretariat's share in kroner, where the price is recorded.
    pub secretariat_kr: Option<u64>,
    /// Whether the price behind the kroner is an example ([`DiplomaCost::price_is_example`]).
    pub price_is_example: bool,
}

/// The policies an organisation put in force, each with the business date it is in force from
/// (`None`: from the beginning, as for events written before policies had dates).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyHistory {
    changes: Vec<(Option<NaiveDate>, Policy)>,
}

impl PolicyHistory {
    /// Records `policy` as in force from `in_force_from`.
    pub fn record(&mut self, policy: Policy, in_force_from: Option<NaiveDate>) {
        self.changes.push((in_force_from, policy));
    }

    /// The policy in force on `date`: the one in force from the latest date on or before it;
    /// among equal dates the last recorded. `None` if none was in force yet.
    pub fn on(&self, date: NaiveDate) -> Option<&Policy> {
        self.change_on(date).map(|change| change.policy)
    }

    /// The change in force on `date`, with its number and date (see [`PolicyHistory::on`]).
    pub fn change_on(&self, date: NaiveDate) -> Option<PolicyChange<'_>> {
        self.changes
            .iter()
            .enumerate()
            .filter(|(_, (from, _))| from.is_none_or(|from| from <= date))
            .max_by_key(|(index, (from, _))| (*from, *index))
            .map(|(index, (in_force_from, policy))| PolicyChange {
                number: index + 1,
                in_force_from: *in_force_from,
                policy,
            })
    }

    /// How many changes were recorded.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// The policy in force from the latest date.
    pub fn latest(&self) -> Option<&Policy> {
        self.on(NaiveDate::MAX)
    }

    /// Whether no policy was put in force.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One recorded policy change: what a report's stamp names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyChange<'a> {
    /// Its number, from 1, in the order the changes were recorded.
    pub number: usize,
    /// The business date it is in force from (`None`: from the beginning).
    pub in_force_from: Option<NaiveDate>,
    /// The policy.
    pub policy: &'a Policy,
}

/// A body of the organisation that a policy may entrust with a decision the seed leaves open
/// (AU-4, AU-5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecidingBody {
    /// The chief forum (da. *chefforum*), directors included.
    #[default]
    ChiefForum,
    /// The secretariat's staff (da. *Sekretariat for Netværksstrukturen*), recording a
    /// decision taken elsewhere (by the municipal director, say).
    Secretariat,
}

impl DecidingBody {
    /// Whether this is the default, the chief forum (for `skip_serializing_if`).
    pub fn is_chief_forum(&self) -> bool {
        *self == Self::ChiefForum
    }
}

/// The rules' numbers as data, with the NS3 defaults ([`Policy::ns3`], also `Default`).
///
/// An embedder changes them by deciding a `ChangePolicy` command, which appends a
/// `PolicyChanged` event in force from the command's business date: `decide` judges each
/// decision by the policy in force on its own business date ([`PolicyHistory::on`]), and so do
/// the reports for their periods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Policy {
    /// NW-4: at most this many innovation networks run at once (hard).
    pub max_running_innovation_networks: u32,
    /// NW-2: networks started a half-year (advisory).
    pub starts_per_half_year: CountRange,
    /// NW-3: learning networks started a half-year (advisory).
    pub learning_per_half_year: CountRange,
    /// NW-3: welfare networks started a half-year (advisory).
    pub welfare_per_half_year: CountRange,
    /// CO-2: co-drivers in a diploma cohort (advisory).
    pub cohort_size: CountRange,
    /// TH-2: whether prioritising a theme needs a recorded qualification in the round (hard).
    pub require_qualification: bool,
    /// TH-2: the criteria whose "not met" raises a warning when the theme is prioritised.
    pub required_criteria: BTreeSet<Criterion>,
    /// PR-3, PR-5: the learning network's phases.
    pub learning_plan: PhasePlan,
    /// PR-1, PR-5: the welfare network's phases.
    pub welfare_plan: PhasePlan,
    /// PR-2, PR-5: the innovation network's phases (the source gives no figures: as welfare).
    pub innovation_plan: PhasePlan,
    /// NL-1, CO-1: what qualifies a leader (hard, through NL-2). The three switches below are
    /// stored only where they differ from the default, and are the default in policies
    /// recorded before they existed.
    #[serde(default, skip_serializing_if = "LeaderQualification::is_default")]
    pub leader_qualification: LeaderQualification,
    /// RL-1: a network leader has one reference leader at a time, across all the networks they
    /// lead ("har netværksledere kun én referenceleder ad gangen", the default); `false`: one
    /// reference leader per network.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub one_reference_leader_per_leader: bool,
    /// RL-3: reference leaders come from the chief forum ("som udgangspunkt placeret i
    /// chefforum"): at the start a hard rule, a later change outside it a warning (the default);
    /// `false`: from anywhere. An innovation network's is a director either way.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub reference_leaders_from_chief_forum: bool,
    /// RL-1, NW-1: whether a learning network needs a reference leader too. By default it
    /// does not: it is coupled to the chief forum at its start and close ("ved særligt to
    /// nedslag: igangsættelse og afslutning"), so one is not forced on it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub learning_needs_reference_leader: bool,
    /// CO-4: the diploma's cost split and price (used by the competence report; no decision
    /// depends on it). Stored only where it differs from NS3's 2/3 with no price.
    #[serde(default, skip_serializing_if = "DiplomaCost::is_ns3")]
    pub diploma_cost: DiplomaCost,
    /// PR-4: the most intensive periods one person should be in at once, as leader or
    /// co-driver (advisory: the load forecast flags where the networks' plans ask for more).
    /// The seed gives no number; one is the reading that "intensiteten" of a period is what the
    /// personnel leader plans the base work around. Stored only where it differs from 1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub max_intensive_at_once: u32,
    /// CD-1: how many co-drivers a network may have at once ("har alle netværksledere
    /// mulighed for at tilknytte en co-driver": one, the default; 1 to 5). Stored only where it
    /// differs from 1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub max_co_drivers: u32,
    /// CO-5: the months between one cohort and the next ("afholdes uddannelse hvert 1½ år":
    /// 18, the default; 1 to 120). A cohort formed sooner warns. Stored only where it differs
    /// from 18.
    #[serde(default = "eighteen", skip_serializing_if = "is_eighteen")]
    pub cohort_interval_months: u32,
    /// AU-4: who admits members to the chief forum and names directors (the seed is silent):
    /// the chief forum itself (the default), or the secretariat's staff recording an
    /// appointment made by the municipal director. Stored only where it differs.
    #[serde(default, skip_serializing_if = "DecidingBody::is_chief_forum")]
    pub chief_forum_admitted_by: DecidingBody,
    /// AU-5: who changes the policy, the numbers behind every rule (the seed is silent): the
    /// chief forum, which owns the structure (the default), or the secretariat's staff.
    /// Stored only where it differs.
    #[serde(default, skip_serializing_if = "DecidingBody::is_chief_forum")]
    pub policy_changed_by: DecidingBody,
    /// ORG-5: the months between the chief forum's meetings ("chefforums løbende møder én gang
    /// månedligt": 1, the default; 1 to 6, so a half-year holds at least one): how many meetings
    /// a half-year's calendar should hold. Stored only where it differs from 1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub forum_meeting_interval_months: u32,
    /// The structure the policy describes, where named ("NS3"; "NS2" for the one before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<String>,
    /// The values the source does not give (NS2's numbers are not in the seed): while a value
    /// is unknown, the rule it feeds raises no warning and refuses nothing, and the reports say
    /// "unknown (not in the source)" where they would show it. Stored only where some are.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unknown: BTreeSet<PolicyValue>,
}

/// A value of the policy that may be unknown ([`Policy::unknown`]): each names the numbers one
/// rule judges by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PolicyValue {
    /// NW-2: the networks started a half-year.
    StartsPerHalfYear,
    /// NW-3: the learning and welfare networks a half-year.
    TypeMix,
    /// NW-4: the innovation networks running at once.
    InnovationLimit,
    /// CO-2: the size of a cohort.
    CohortSize,
    /// CO-5: the months between cohorts.
    CohortInterval,
    /// CO-4: the diploma's cost split and price.
    DiplomaCost,
    /// ORG-5: the chief forum's meeting rhythm.
    ForumMeetings,
}

impl PolicyValue {
    /// Every value that may be unknown.
    pub const ALL: [Self; 7] = [
        Self::StartsPerHalfYear,
        Self::TypeMix,
        Self::InnovationLimit,
        Self::CohortSize,
        Self::CohortInterval,
        Self::DiplomaCost,
        Self::ForumMeetings,
    ];

    /// The id of the rule that uses it, as `docs/NS3.md` writes it (CO-4's cost is left to
    /// people: it refuses nothing).
    pub const fn rule_id(self) -> &'static str {
        match self {
            Self::StartsPerHalfYear => "NW-2",
            Self::TypeMix => "NW-3",
            Self::InnovationLimit => "NW-4",
            Self::CohortSize => "CO-2",
            Self::CohortInterval => "CO-5",
            Self::DiplomaCost => "CO-4",
            Self::ForumMeetings => "ORG-5",
        }
    }
}

/// The default of a switch that is on unless a policy turns it off.
const fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `skip_serializing_if` passes a reference
const fn is_yes(value: &bool) -> bool {
    *value
}

const fn one() -> u32 {
    1
}

#[allow(clippy::trivially_copy_pass_by_ref)] // as `is_yes`
const fn is_one(value: &u32) -> bool {
    *value == 1
}

const fn eighteen() -> u32 {
    18
}

#[allow(clippy::trivially_copy_pass_by_ref)] // as `is_yes`
const fn is_eighteen(value: &u32) -> bool {
    *value == 18
}

impl Policy {
    /// The NS3 defaults: innovation limit 2, 4-5 starts a half-year of which 1 learning and
    /// 3-4 welfare, cohorts of 12-15, qualification required and all seven criteria required,
    /// the default phase plans of PR-5, NL-1's qualification, one reference leader per leader
    /// (RL-1), reference leaders from the chief forum (RL-3), one intensive period at once for
    /// a person (PR-4), one co-driver a network (CD-1) and a cohort every 18 months (CO-5).
    pub fn ns3() -> Self {
        Self {
            max_running_innovation_networks: 2,
            starts_per_half_year: CountRange::new(4, 5),
            learning_per_half_year: CountRange::new(1, 1),
            welfare_per_half_year: CountRange::new(3, 4),
            cohort_size: CountRange::new(12, 15),
            require_qualification: true,
            required_criteria: Criterion::ALL.into_iter().collect(),
            learning_plan: PhasePlan::ns3_learning(),
            welfare_plan: PhasePlan::ns3_welfare(),
            innovation_plan: PhasePlan::ns3_welfare(),
            leader_qualification: LeaderQualification::DiplomaAndDriven,
            one_reference_leader_per_leader: true,
            reference_leaders_from_chief_forum: true,
            learning_needs_reference_leader: false,
            diploma_cost: DiplomaCost::ns3(),
            max_intensive_at_once: 1,
            max_co_drivers: 1,
            cohort_interval_months: 18,
            chief_forum_admitted_by: DecidingBody::ChiefForum,
            policy_changed_by: DecidingBody::ChiefForum,
            forum_meeting_interval_months: 1,
            structure: None,
            unknown: BTreeSet::new(),
        }
    }

    /// The structure before NS3, NS2, as far as the seed tells it: the same three network
    /// types, phases, roles, diploma cohorts and rotations ("er der fortsat 3 netværkstyper"),
    /// with NS3's plans standing in for its own, but every number NS3 set or changed unknown
    /// ([`PolicyValue::ALL`]): the seed gives none of NS2's. A history that starts before spring
    /// 2016 puts it in force first and NS3 from the day it took over.
    pub fn ns2() -> Self {
        Self {
            structure: Some("NS2".to_owned()),
            unknown: PolicyValue::ALL.into_iter().collect(),
            ..Self::ns3()
        }
    }

    /// Whether the policy gives `value` (it is not among [`Policy::unknown`]).
    pub fn knows(&self, value: PolicyValue) -> bool {
        !self.unknown.contains(&value)
    }

    /// The phase plan for networks of `network_type`.
    pub fn plan(&self, network_type: NetworkType) -> &PhasePlan {
        match network_type {
            NetworkType::Learning => &self.learning_plan,
            NetworkType::Welfare => &self.welfare_plan,
            NetworkType::Innovation => &self.innovation_plan,
        }
    }

    /// Checks that the policy makes sense: ranges with `min <= max`, plans with unique phase
    /// names and the test phase last before implementation (TP-1).
    pub fn validate(&self) -> Result<(), PolicyProblem> {
        let ranges = [
            ("starts_per_half_year", self.starts_per_half_year),
            ("learning_per_half_year", self.learning_per_half_year),
            ("welfare_per_half_year", self.welfare_per_half_year),
            ("cohort_size", self.cohort_size),
        ];
        for (field, range) in ranges {
            if range.min > range.max {
                return Err(PolicyProblem::EmptyRange { field });
            }
            // Sane bounds: no half-year starts or cohort trains more than a hundred.
            if range.max > 100 {
                return Err(PolicyProblem::OutOfBounds {
                    field,
                    value: u64::from(range.max),
                    bounds: "0 to 100",
                });
            }
        }
        // CO-4: a share from 0 to the whole, of a positive denominator up to 100.
        let cost = self.diploma_cost;
        if cost.out_of == 0 || cost.out_of > 100 {
            return Err(PolicyProblem::OutOfBounds {
                field: "diploma_cost.out_of",
                value: u64::from(cost.out_of),
                bounds: "1 to 100",
            });
        }
        if cost.department_pays > cost.out_of {
            return Err(PolicyProblem::OutOfBounds {
                field: "diploma_cost.department_pays",
                value: u64::from(cost.department_pays),
                bounds: "0 to out_of",
            });
        }
        if cost.price_per_place_kr.is_some_and(|price| price > 10_000_000) {
            let value = cost.price_per_place_kr.unwrap_or_default();
            return Err(PolicyProblem::OutOfBounds {
                field: "diploma_cost.price_per_place_kr",
                value,
                bounds: "0 to 10,000,000",
            });
        }
        if self.cohort_size.min == 0 {
            return Err(PolicyProblem::OutOfBounds { field: "cohort_size", value: 0, bounds: "1 to 100" });
        }
        if self.max_running_innovation_networks > 100 {
            let value = u64::from(self.max_running_innovation_networks);
            return Err(PolicyProblem::OutOfBounds {
                field: "max_running_innovation_networks",
                value,
                bounds: "0 to 100",
            });
        }
        if !(1..=10).contains(&self.max_intensive_at_once) {
            let value = u64::from(self.max_intensive_at_once);
            return Err(PolicyProblem::OutOfBounds {
                field: "max_intensive_at_once",
                value,
                bounds: "1 to 10",
            });
        }
        if !(1..=120).contains(&self.cohort_interval_months) {
            let value = u64::from(self.cohort_interval_months);
            return Err(PolicyProblem::OutOfBounds {
                field: "cohort_interval_months",
                value,
                bounds: "1 to 120",
            });
        }
        // At least one meeting a half-year ("drøfter chefforum halvårligt").
        if !(1..=6).contains(&self.forum_meeting_interval_months) {
            let value = u64::from(self.forum_meeting_interval_months);
            return Err(PolicyProblem::OutOfBounds {
                field: "forum_meeting_interval_months",
                value,
                bounds: "1 to 6",
            });
        }
        if self.structure.as_ref().is_some_and(|name| name.trim().is_empty() || name.chars().count() > 40) {
            return Err(PolicyProblem::OutOfBounds {
                field: "structure",
                value: self.structure.as_ref().map_or(0, |name| name.chars().count() as u64),
                bounds: "1 to 40 characters",
            });
        }
        if !(1..=5).contains(&self.max_co_drivers) {
            let value = u64::from(self.max_co_drivers);
            return Err(PolicyProblem::OutOfBounds { field: "max_co_drivers", value, bounds: "1 to 5" });
        }
        for network_type in NetworkType::ALL {
            self.plan(network_type).validate(network_type)?;
        }
        Ok(())
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::ns3()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pr1_pr2_pr3_ns3_defaults_are_valid_and_match_the_text() {
        let policy = Policy::ns3();
        policy.validate().unwrap();
        // PR-1: four intensive periods of about nine weeks in all.
        let intensive: Vec<_> =
            policy.welfare_plan.phases.iter().filter(|phase| phase.kind == PhaseKind::Intensive).collect();
        assert_eq!(intensive.len(), 4);
        assert_eq!(intensive.iter().map(|phase| phase.weeks).sum::<u32>(), 9);
        // PR-2: the innovation network's phases, with no figures in the source, are the welfare
        // network's.
        assert_eq!(policy.innovation_plan, policy.welfare_plan);
        // PR-3: a learning network takes about 4-5 months.
        assert!((17..=22).contains(&policy.learning_plan.total_weeks()));
    }

    #[test]
    fn pr4_a_plan_is_placed_on_the_calendar_from_the_phase_a_network_is_in() {
        let date = |month, day| NaiveDate::from_ymd_opt(2017, month, day).unwrap();
        let plan = PhasePlan::ns3_welfare();
        // In intensive 2 (index 2, two weeks) since 1 March: it ends 15 March, break 2 (three
        // weeks) follows to 5 April, and so on to implementation's end.
        let ahead = plan.schedule(Some(2), date(3, 1), date(3, 8));
        let spans: Vec<_> = ahead.iter().map(|phase| (phase.name.as_str(), phase.from, phase.to)).collect();
        assert_eq!(spans[0], ("intensive 2", date(3, 1), date(3, 15)));
        assert_eq!(spans[1], ("break 2", date(3, 15), date(4, 5)));
        assert_eq!(spans.len(), plan.phases.len() - 2);
        assert_eq!(ahead.last().unwrap().to, date(3, 1) + chrono::Days::new(7 * (2 + 3 + 3 + 3 + 2 + 8 + 4)));
        // Run over its estimate: the phase it is in lasts until today, and the next begins then.
        let late = plan.schedule(Some(2), date(3, 1), date(4, 1));
        assert_eq!((late[0].from, late[0].to), (date(3, 1), date(4, 1)));
        assert_eq!((late[1].name.as_str(), late[1].from), ("break 2", date(4, 1)));
        // No phase entered yet: the first begins on its start, or today if that has passed.
        assert_eq!(plan.schedule(None, date(3, 1), date(2, 1))[0].from, date(3, 1));
        assert_eq!(plan.schedule(None, date(3, 1), date(3, 20))[0].from, date(3, 20));
        assert_eq!(plan.schedule(None, date(3, 1), date(3, 20)).len(), plan.phases.len());
    }

    #[test]
    fn pr4_the_limit_of_intensive_periods_at_once_is_one_by_default_and_bounded() {
        assert_eq!(Policy::ns3().max_intensive_at_once, 1);
        for (value, valid) in [(0, false), (1, true), (3, true), (10, true), (11, false)] {
            let policy = Policy { max_intensive_at_once: value, ..Policy::ns3() };
            assert_eq!(policy.validate().is_ok(), valid, "{value}");
        }
        // Stored only where it differs from the default, so older policies read unchanged.
        let text = serde_json::to_value(Policy::ns3()).unwrap();
        assert!(text.get("max_intensive_at_once").is_none());
        assert_eq!(serde_json::from_value::<Policy>(text).unwrap(), Policy::ns3());
        let two = Policy { max_intensive_at_once: 2, ..Policy::ns3() };
        let text = serde_json::to_value(&two).unwrap();
        assert_eq!(text["max_intensive_at_once"], 2);
        assert_eq!(serde_json::from_value::<Policy>(text).unwrap(), two);
    }

    #[test]
    fn co4_the_diploma_cost_splits_two_thirds_to_the_department_and_adds_up_in_kroner() {
        let unpriced = DiplomaCost::ns3().split(3);
        assert_eq!((unpriced.department_share, unpriced.secretariat_share), (2.0, 1.0));
        assert_eq!((unpriced.department_kr, unpriced.secretariat_kr), (None, None));
        let priced = DiplomaCost { price_per_place_kr: Some(10_001), ..DiplomaCost::ns3() };
        let one = priced.split(1);
        assert_eq!((one.department_share, one.secretariat_share), (0.67, 0.33));
        // The department's share rounded to the krone, the secretariat's the rest.
        assert_eq!((one.department_kr, one.secretariat_kr), (Some(6_667), Some(3_334)));
        let half = DiplomaCost {
            department_pays: 1,
            out_of: 2,
            price_per_place_kr: Some(15_000),
            price_is_example: false,
        };
        assert_eq!(half.split(4).department_kr, Some(30_000));
        // Stored only where it differs from NS3's, so old policies read and write the same.
        let json = serde_json::to_value(Policy::ns3()).unwrap();
        assert!(json.get("diploma_cost").is_none());
        let policy = Policy { diploma_cost: priced, ..Policy::ns3() };
        let back: Policy = serde_json::from_value(serde_json::to_value(&policy).unwrap()).unwrap();
        assert_eq!(back, policy);
    }

    #[test]
    fn invalid_policies_are_named() {
        let mut policy = Policy::ns3();
        policy.cohort_size = CountRange::new(15, 12);
        assert_eq!(policy.validate(), Err(PolicyProblem::EmptyRange { field: "cohort_size" }));

        for (department_pays, out_of, field) in
            [(1, 0, "diploma_cost.out_of"), (4, 3, "diploma_cost.department_pays")]
        {
            let diploma_cost =
                DiplomaCost { department_pays, out_of, price_per_place_kr: None, price_is_example: false };
            let policy = Policy { diploma_cost, ..Policy::ns3() };
            assert!(
                matches!(policy.validate(), Err(PolicyProblem::OutOfBounds { field: named, .. }) if named == field)
            );
        }

        let mut policy = Policy::ns3();
        policy.welfare_plan.phases.swap(7, 8);
        assert_eq!(
            policy.validate(),
            Err(PolicyProblem::TestNotLastBeforeImplementation { network_type: NetworkType::Welfare })
        );
    }
}
