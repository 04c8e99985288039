//! The event catalogue: every fact NS3 decisions leave in the log.
//!
//! Events hold ids, never names or contact data. Each variant's name is its stored type name,
//! a contract pinned by the golden fixtures in `tests/fixtures/events/`; its schema version is
//! [`Event::schema_version`]. Stored JSON goes through [`crate::codec`], which upcasts old
//! versions before decoding.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId, UnitId};
use crate::policy::{PhasePlan, Policy};
use crate::vocabulary::{
    Competence, CriterionAssessment, Hotspot, NetworkType, Origin, Outcome, OutputKind, PersonRole,
    PhaseKind, PoliticalLink, TeachingDay, UnitKind,
};
use crate::warning::AcknowledgedWarning;

/// A fact in the life of an organisation under NS3, named in the past tense.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "data")]
#[allow(missing_docs)] // the fields are documented on the variant; each is the id or value named
pub enum Event {
    // ORG: the organisation --------------------------------------------------------------------
    /// AU-2: the organisation was founded with its first chief forum and secretariat, each
    /// person registered with that role (both, if named in both).
    OrganisationFounded { chief_forum: BTreeSet<PersonId>, secretariat: BTreeSet<PersonId> },
    /// AU-3: the organisation was given its name (its first or a new one).
    OrganisationNamed { name: String },
    /// ORG-1: a unit of the base organisation, or the secretariat, was registered.
    UnitRegistered { unit: UnitId, kind: UnitKind, parent: Option<UnitId> },
    /// ORG-1: a unit was given a name (its first or a new one).
    UnitNamed { unit: UnitId, name: String },
    /// A person was registered with their unit and standing roles (no personal data).
    PersonRegistered { person: PersonId, unit: Option<UnitId>, roles: BTreeSet<PersonRole> },
    /// AU-3: a person moved to another unit.
    PersonMoved { person: PersonId, unit: UnitId },
    /// A person's standing roles changed (e.g. joined the chief forum).
    PersonRolesChanged { person: PersonId, roles: BTreeSet<PersonRole> },
    /// NL-1: an experienced leader of generation 1 or 2 (NS1, NS2) was registered with the
    /// networks they led and co-drove before NS3; they belong to the pool of qualified leaders.
    PriorExperienceRegistered { person: PersonId, generation: u8, networks_led: u32, networks_co_driven: u32 },
    /// The policy changed: decisions dated on or after `in_force_from` are judged by it.
    /// Events written before the field existed have none: in force from the beginning.
    PolicyChanged {
        policy: Policy,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_force_from: Option<NaiveDate>,
    },

    // TH: themes and rounds ----------------------------------------------------------------------
    /// TH-3: a half-year round of the chief forum was opened; ORG-5: a decision off the chief
    /// forum's meeting days carries the acknowledged warning (none in events written before).
    RoundOpened {
        round: RoundId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// TH-3: the round was closed; NW-2/NW-3 warnings on its prioritised mix, if overridden.
    RoundClosed { round: RoundId, acknowledged: Vec<AcknowledgedWarning> },
    /// TH-1: a theme was proposed on the theme template. Schema v2 (v1 called `challenge`
    /// `problem` and had a single `origin`).
    ThemeProposed {
        theme: ThemeId,
        title: String,
        /// The burning platform (da. *brændende platform*).
        challenge: String,
        proposed_by: PersonId,
        departments: Vec<UnitId>,
        origins: BTreeSet<Origin>,
    },
    /// TH-2: the chief forum assessed the theme on the seven criteria in a round (ORG-5's
    /// warning as for `RoundOpened`).
    ThemeQualified {
        theme: ThemeId,
        round: RoundId,
        assessments: Vec<CriterionAssessment>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// TH-3: the theme was prioritised in the round, with a rank and a recommended type.
    ThemePrioritised {
        theme: ThemeId,
        round: RoundId,
        rank: u32,
        recommended_type: NetworkType,
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// TH-3: the theme was deferred to a later round.
    ThemeDeferred {
        theme: ThemeId,
        round: RoundId,
        to_round: RoundId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// TH-3: the theme was rejected, with the reason.
    ThemeRejected {
        theme: ThemeId,
        round: RoundId,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// TH-3: the theme was withdrawn, with the reason.
    ThemeWithdrawn { theme: ThemeId, reason: String },
    /// TH-4: the theme was refined (a refinement is an event, not an edit).
    ThemeRefined { theme: ThemeId, title: Option<String>, challenge: Option<String>, note: String },

    // NL, CD, RL: roles --------------------------------------------------------------------------
    /// RL-2: the person opted in as reference leader on the theme.
    /// `on_behalf_by` is the secretariat member who recorded it for them, documented in the
    /// decision's rationale (absent when they recorded it themself, and in events written before
    /// the field existed).
    ReferenceLeaderAccepted {
        theme: ThemeId,
        person: PersonId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_behalf_by: Option<PersonId>,
    },
    /// RL-1: the network's reference leader was assigned (at the start).
    ReferenceLeaderAssigned { network: NetworkId, person: PersonId },
    /// TP-1, RL-1: the reference leader changed, with the reason; RL-3: a new reference leader
    /// from outside the chief forum is a warning overridden here (none in events written before
    /// the field existed).
    ReferenceLeaderChanged {
        network: NetworkId,
        from: PersonId,
        to: PersonId,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// CD-1: a co-driver was attached to the network.
    CoDriverAttached { network: NetworkId, person: PersonId },
    /// CD-2: the co-driver changed, an exception with a reason.
    CoDriverChanged { network: NetworkId, from: PersonId, to: PersonId, reason: String },
    /// RL-4: the mandate contract (da. *mandatkontrakt*) was agreed.
    MandateContractAgreed {
        network: NetworkId,
        leader: PersonId,
        reference_leader: PersonId,
        personnel_leader: PersonId,
        secretariat: PersonId,
        terms: String,
    },
    /// NL-3, CD-3: a person was assessed on the ten competences (scores 1-5).
    CompetencesAssessed { person: PersonId, scores: BTreeMap<Competence, u8> },

    // NW, PR, TP: networks -----------------------------------------------------------------------
    /// NW-5: a network was started from a prioritised theme, with its leader and phase plan.
    NetworkStarted {
        network: NetworkId,
        theme: ThemeId,
        network_type: NetworkType,
        leader: PersonId,
        started_on: NaiveDate,
        expected_end: NaiveDate,
        phase_plan: PhasePlan,
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// PR-5: the network entered a phase of its plan; RL-4: an intensive period entered without
    /// a mandate contract carries the acknowledged warning (none in events written before).
    PhaseEntered {
        network: NetworkId,
        phase: String,
        kind: PhaseKind,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// TP-1: the network began its test phase; RL-5: the funding found for it, its source and
    /// its amount in kroner (none in events written before the amount existed); what is tested
    /// and the base units that take ownership (none in events written before they existed).
    TestPhaseBegun {
        network: NetworkId,
        phase: String,
        funding: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        funding_kr: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tested: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        owners: Vec<UnitId>,
    },
    /// TP-3: employees joined the network as its participants.
    ParticipantsJoined { network: NetworkId, participants: BTreeSet<PersonId> },
    /// TP-4: the network produced something: a product, knowledge shared back, an effect shown,
    /// a handover, its test's result; and the base units it concerns.
    OutputRecorded { network: NetworkId, kind: OutputKind, description: String, units: Vec<UnitId> },
    /// PR-5: the network's phases were planned anew, keeping those it had been through; its
    /// expected end follows the new plan.
    NetworkReplanned { network: NetworkId, phase_plan: PhasePlan, expected_end: NaiveDate, reason: String },
    /// TP-2: the network closed with an outcome (and a reason where it stopped); NW-6: the
    /// numbers of the success criteria it met, where it had any (none in events written before
    /// goals existed).
    NetworkClosed {
        network: NetworkId,
        outcome: Outcome,
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criteria_met: Option<BTreeSet<u32>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acknowledged: Vec<AcknowledgedWarning>,
    },
    /// ORG-5: the chief forum's meetings were scheduled, or cancelled (da. *chefforummøder*).
    ForumMeetingsScheduled {
        meetings: BTreeSet<NaiveDate>,
        #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
        cancelled: BTreeSet<NaiveDate>,
    },
    /// NW-6: the network's goals and success criteria were set, or revised with the reason.
    GoalsSet {
        network: NetworkId,
        goals: Vec<String>,
        success_criteria: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },

    // CO: competence development -----------------------------------------------------------------
    /// CO-2: a cohort of co-drivers was formed for the diploma.
    CohortFormed { cohort: CohortId, members: BTreeSet<PersonId>, acknowledged: Vec<AcknowledgedWarning> },
    /// CO-3: a cohort member attended a teaching day.
    TeachingDayAttended { cohort: CohortId, person: PersonId, day: TeachingDay },
    /// CO-3: a cohort member passed the written assignment.
    WrittenAssignmentPassed { cohort: CohortId, person: PersonId },
    /// CO-3: a cohort member passed the oral exam.
    OralExamPassed { cohort: CohortId, person: PersonId },
    /// CO-3, NL-1: the diploma in network leadership was awarded.
    DiplomaAwarded { cohort: CohortId, person: PersonId },

    // SN: the secretariat ------------------------------------------------------------------------
    /// SN-1: a person began a bounded rotation in the secretariat.
    RotationStarted { person: PersonId, skills: String, until: NaiveDate },
    /// SN-1: the rotation ended.
    RotationEnded { person: PersonId },
    /// SN-2: a network called on a help hotspot.
    HelpRequested { network: NetworkId, hotspot: Hotspot, note: String },
    /// ORG-2, RL: the network's political link was judged (by the decision's actor).
    PoliticallyLinked {
        network: NetworkId,
        link: PoliticalLink,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        committee: Option<String>,
    },
}

/// Every stored type name with its current schema version. A golden fixture exists for each
/// name and every version from 1 to the current one.
pub const CATALOGUE: &[(&str, u32)] = &[
    ("UnitRegistered", 1),
    ("UnitNamed", 1),
    ("OrganisationNamed", 1),
    ("PersonRegistered", 1),
    ("PersonRolesChanged", 1),
    ("PriorExperienceRegistered", 1),
    ("PolicyChanged", 2),
    ("RoundOpened", 1),
    ("RoundClosed", 1),
    ("ThemeProposed", 2),
    ("ThemeQualified", 1),
    ("ThemePrioritised", 1),
    ("ThemeDeferred", 1),
    ("ThemeRejected", 1),
    ("ThemeWithdrawn", 1),
    ("ThemeRefined", 1),
    ("ReferenceLeaderAccepted", 1),
    ("ReferenceLeaderAssigned", 1),
    ("ReferenceLeaderChanged", 1),
    ("CoDriverAttached", 1),
    ("CoDriverChanged", 1),
    ("MandateContractAgreed", 1),
    ("CompetencesAssessed", 1),
    ("NetworkStarted", 1),
    ("PhaseEntered", 1),
    ("TestPhaseBegun", 1),
    ("NetworkClosed", 1),
    ("CohortFormed", 1),
    ("TeachingDayAttended", 1),
    ("WrittenAssignmentPassed", 1),
    ("OralExamPassed", 1),
    ("DiplomaAwarded", 1),
    ("RotationStarted", 1),
    ("RotationEnded", 1),
    ("HelpRequested", 1),
    ("PoliticallyLinked", 1),
    ("GoalsSet", 1),
    ("ForumMeetingsScheduled", 1),
    ("NetworkReplanned", 1),
    ("ParticipantsJoined", 1),
    ("OutputRecorded", 1),
    ("OrganisationFounded", 1),
    ("PersonMoved", 1),
];

/// Declares, once, the events that carry the advisory warnings their decision acknowledged
/// (their `acknowledged` field), and expands to the two ways to reach that field:
/// [`Event::acknowledged`] and [`Event::acknowledged_mut`]. `decide` writes a decision's
/// acknowledgements through the one, and the service's replay of a command, the audit trail,
/// the portfolio's overrides and redaction read or scrub them through the other, so no second
/// list exists to drift (the lists once numbered five, with four contents). The core's
/// fixture tests check the declaration against the events' shapes: an event whose payload has
/// an `acknowledged` field is declared here, and no other is.
macro_rules! warning_carriers {
    ($($carrier:ident),+ $(,)?) => {
        impl Event {
            /// The advisory warnings the decision behind this event overrode, as written into
            /// it (empty for the events that carry none).
            pub fn acknowledged(&self) -> &[AcknowledgedWarning] {
                match self {
                    $(Self::$carrier { acknowledged, .. })|+ => acknowledged,
                    _ => &[],
                }
            }

            /// The event's list of overridden warnings, for the events that carry one (`None`
            /// for the others): where `decide` writes a decision's acknowledgements.
            pub fn acknowledged_mut(&mut self) -> Option<&mut Vec<AcknowledgedWarning>> {
                match self {
                    $(Self::$carrier { acknowledged, .. })|+ => Some(acknowledged),
                    _ => None,
                }
            }
        }
    };
}

warning_carriers!(
    RoundOpened,
    ThemeQualified,
    ThemeDeferred,
    ThemeRejected,
    NetworkClosed,
    RoundClosed,
    ThemePrioritised,
    NetworkStarted,
    CohortFormed,
    ReferenceLeaderChanged,
    PhaseEntered
);

impl Event {
    /// The stored type name, e.g. `"ThemeProposed"`.
    pub const fn type_name(&self) -> &'static str {
        match self {
            Self::OrganisationFounded { .. } => "OrganisationFounded",
            Self::PersonMoved { .. } => "PersonMoved",
            Self::UnitRegistered { .. } => "UnitRegistered",
            Self::UnitNamed { .. } => "UnitNamed",
            Self::OrganisationNamed { .. } => "OrganisationNamed",
            Self::PersonRegistered { .. } => "PersonRegistered",
            Self::PersonRolesChanged { .. } => "PersonRolesChanged",
            Self::PriorExperienceRegistered { .. } => "PriorExperienceRegistered",
            Self::PolicyChanged { .. } => "PolicyChanged",
            Self::RoundOpened { .. } => "RoundOpened",
            Self::RoundClosed { .. } => "RoundClosed",
            Self::ThemeProposed { .. } => "ThemeProposed",
            Self::ThemeQualified { .. } => "ThemeQualified",
            Self::ThemePrioritised { .. } => "ThemePrioritised",
            Self::ThemeDeferred { .. } => "ThemeDeferred",
            Self::ThemeRejected { .. } => "ThemeRejected",
            Self::ThemeWithdrawn { .. } => "ThemeWithdrawn",
            Self::ThemeRefined { .. } => "ThemeRefined",
            Self::ReferenceLeaderAccepted { .. } => "ReferenceLeaderAccepted",
            Self::ReferenceLeaderAssigned { .. } => "ReferenceLeaderAssigned",
            Self::ReferenceLeaderChanged { .. } => "ReferenceLeaderChanged",
            Self::CoDriverAttached { .. } => "CoDriverAttached",
            Self::CoDriverChanged { .. } => "CoDriverChanged",
            Self::MandateContractAgreed { .. } => "MandateContractAgreed",
            Self::CompetencesAssessed { .. } => "CompetencesAssessed",
            Self::NetworkStarted { .. } => "NetworkStarted",
            Self::PhaseEntered { .. } => "PhaseEntered",
            Self::TestPhaseBegun { .. } => "TestPhaseBegun",
            Self::NetworkClosed { .. } => "NetworkClosed",
            Self::GoalsSet { .. } => "GoalsSet",
            Self::ForumMeetingsScheduled { .. } => "ForumMeetingsScheduled",
            Self::CohortFormed { .. } => "CohortFormed",
            Self::TeachingDayAttended { .. } => "TeachingDayAttended",
            Self::WrittenAssignmentPassed { .. } => "WrittenAssignmentPassed",
            Self::OralExamPassed { .. } => "OralExamPassed",
            Self::DiplomaAwarded { .. } => "DiplomaAwarded",
            Self::RotationStarted { .. } => "RotationStarted",
            Self::RotationEnded { .. } => "RotationEnded",
            Self::HelpRequested { .. } => "HelpRequested",
            Self::PoliticallyLinked { .. } => "PoliticallyLinked",
            Self::NetworkReplanned { .. } => "NetworkReplanned",
            Self::ParticipantsJoined { .. } => "ParticipantsJoined",
            Self::OutputRecorded { .. } => "OutputRecorded",
        }
    }

    /// The schema version this library writes for the event's type.
    pub fn schema_version(&self) -> u32 {
        current_version(self.type_name()).unwrap_or(1)
    }
}

/// The current schema version of a stored type name, if the catalogue has it.
pub fn current_version(type_name: &str) -> Option<u32> {
    CATALOGUE.iter().find(|(name, _)| *name == type_name).map(|(_, version)| *version)
}

/// What a redacted event holds where its words were (da. `(fjernet)`, in the glossary).
pub const REDACTED_TEXT: &str = "(redacted)";

impl Event {
    /// The event with every free text replaced by [`REDACTED_TEXT`]: titles, challenges,
    /// reasons, notes, terms, funding, skills, unit names and the rationales of acknowledged
    /// warnings. Ids, dates, numbers, types and phase names stay, so a scrubbed history folds
    /// into the same [`crate::State`] shape and the organisation can go on deciding; an optional
    /// text stays absent where it was absent. Redaction stores this (see the store's `redact`).
    ///
    /// Phase names stay because PR-5 folds by them: they are the policy's words, not a person's.
    pub fn scrubbed(&self) -> Self {
        let text = |_: &String| REDACTED_TEXT.to_owned();
        let optional = |value: &Option<String>| value.as_ref().map(text);
        let acknowledged = |warnings: &[AcknowledgedWarning]| {
            warnings
                .iter()
                .map(|ack| AcknowledgedWarning {
                    warning: ack.warning.clone(),
                    rationale: text(&ack.rationale),
                })
                .collect::<Vec<_>>()
        };
        let mut event = self.clone();
        if let Some(warnings) = event.acknowledged_mut() {
            *warnings = acknowledged(warnings);
        }
        // Exhaustive on purpose: a new event with a text cannot be added without saying here
        // whether its words are scrubbed (the rationales of acknowledged warnings are scrubbed
        // above, for every event that carries them).
        match &mut event {
            Self::UnitNamed { name, .. } | Self::OrganisationNamed { name } => *name = text(name),
            Self::ThemeProposed { title, challenge, .. } => {
                *title = text(title);
                *challenge = text(challenge);
            }
            Self::ThemeQualified { assessments, .. } => {
                for assessment in assessments {
                    assessment.note = text(&assessment.note);
                }
            }
            Self::ThemeRejected { reason, .. }
            | Self::ThemeWithdrawn { reason, .. }
            | Self::CoDriverChanged { reason, .. }
            | Self::NetworkReplanned { reason, .. } => *reason = text(reason),
            Self::ReferenceLeaderChanged { reason, .. } => *reason = text(reason),
            Self::ThemeRefined { title, challenge, note, .. } => {
                *title = optional(title);
                *challenge = optional(challenge);
                *note = text(note);
            }
            Self::MandateContractAgreed { terms, .. } => *terms = text(terms),
            Self::TestPhaseBegun { funding, tested, .. } => {
                *funding = optional(funding);
                *tested = optional(tested);
            }
            Self::OutputRecorded { description, .. } => *description = text(description),
            Self::NetworkClosed { reason, .. } => *reason = optional(reason),
            Self::RotationStarted { skills, .. } => *skills = text(skills),
            Self::HelpRequested { note, .. } => *note = text(note),
            Self::PoliticallyLinked { committee, .. } => *committee = optional(committee),
            Self::GoalsSet { goals, success_criteria, reason, .. } => {
                for goal in goals.iter_mut().chain(success_criteria.iter_mut()) {
                    *goal = text(goal);
                }
                *reason = optional(reason);
            }
            Self::RoundClosed { .. }
            | Self::ThemePrioritised { .. }
            | Self::NetworkStarted { .. }
            | Self::CohortFormed { .. }
            | Self::OrganisationFounded { .. }
            | Self::PersonMoved { .. }
            | Self::UnitRegistered { .. }
            | Self::PersonRegistered { .. }
            | Self::PersonRolesChanged { .. }
            | Self::PriorExperienceRegistered { .. }
            | Self::PolicyChanged { .. }
            | Self::RoundOpened { .. }
            | Self::ThemeDeferred { .. }
            | Self::ForumMeetingsScheduled { .. }
            | Self::ReferenceLeaderAccepted { .. }
            | Self::ReferenceLeaderAssigned { .. }
            | Self::CoDriverAttached { .. }
            | Self::ParticipantsJoined { .. }
            | Self::CompetencesAssessed { .. }
            | Self::PhaseEntered { .. }
            | Self::TeachingDayAttended { .. }
            | Self::WrittenAssignmentPassed { .. }
            | Self::OralExamPassed { .. }
            | Self::DiplomaAwarded { .. }
            | Self::RotationEnded { .. } => {}
        }
        event
    }
}
