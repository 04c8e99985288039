//! Commands: what a person asks the organisation to decide, with the decision's metadata.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::DomainError;
use crate::event::Event;
use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId, UnitId};
use crate::policy::{PhasePlan, Policy};
use crate::vocabulary::{
    Competence, CriterionAssessment, Hotspot, NetworkType, Origin, Outcome, OutputKind, PersonRole,
    PoliticalLink, TeachingDay, UnitKind,
};
use crate::warning::{AcknowledgedWarning, Acknowledgement};

/// Who decided, when in business terms, why, and how the decision links to others. It travels
/// into every event's envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The person who decided (or recorded the forum's decision).
    pub actor: PersonId,
    /// The business date: the day the decision was made, e.g. the chief forum's meeting
    /// (ISO `2019-01-08` or Danish `08.01.2019`).
    #[serde(deserialize_with = "crate::id::deserialize_date")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::id::date_schema"))]
    pub occurred_on: NaiveDate,
    /// Why, in the decider's words (optional; warnings need their own rationale).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// The id that ties together the decisions of one piece of work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    /// The event or message that caused this decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The command's own id, its idempotency key: the events of a command with an id get ids
    /// derived from it, so the same command sent again is recognised and appends nothing
    /// (the application service then returns the first outcome).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Uuid>,
}

impl Metadata {
    /// Metadata for a decision by `actor` on `occurred_on`, with no rationale or links.
    pub fn new(actor: PersonId, occurred_on: NaiveDate) -> Self {
        Self {
            actor,
            occurred_on,
            rationale: None,
            correlation_id: None,
            causation_id: None,
            command_id: None,
        }
    }

    /// The same metadata with a command id (the idempotency key, see [`Metadata::command_id`]).
    pub fn with_command_id(mut self, command_id: Uuid) -> Self {
        self.command_id = Some(command_id);
        self
    }

    /// The same metadata with a rationale.
    pub fn with_rationale(mut self, rationale: impl Into<String>) -> Self {
        self.rationale = Some(rationale.into());
        self
    }
}

/// A command: an [`Action`] with its [`Metadata`] and the acknowledgements of any warnings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Command {
    /// Who, when, why.
    pub metadata: Metadata,
    /// What is to be decided.
    pub action: Action,
    /// Acknowledged advisory rules, each with a rationale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgements: Vec<Acknowledgement>,
}

impl Command {
    /// A command to do `action`, decided by `metadata.actor` on `metadata.occurred_on`.
    pub fn new(metadata: Metadata, action: Action) -> Self {
        Self { metadata, action, acknowledgements: Vec::new() }
    }

    /// The same command, acknowledging the warnings of `acknowledgement.rule`.
    pub fn acknowledging(mut self, acknowledgement: Acknowledgement) -> Self {
        self.acknowledgements.push(acknowledgement);
        self
    }
}

/// Everything an organisation decides under NS3. Ids of things a command creates are chosen
/// by the caller (`ThemeId::generate()`), so deciding is pure and a retry is idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // fields are the ids and values the variant's doc names
pub enum Action {
    /// AU-2: found the organisation: its first decision, naming its first chief forum and
    /// secretariat (the founder among them), who are registered with those roles.
    FoundOrganisation { chief_forum: BTreeSet<PersonId>, secretariat: BTreeSet<PersonId> },
    /// AU-3: give the organisation its name (the municipality, e.g. "Albertslund Kommune"), or
    /// a new one: the log then holds more than its id, and reports open with it.
    NameOrganisation { name: String },
    /// ORG-1: register a director area, department or the secretariat.
    RegisterUnit { unit: UnitId, kind: UnitKind, parent: Option<UnitId> },
    /// ORG-1: give a unit its name, or a new one (departments are renamed in reorganisations;
    /// reports show the name in force).
    NameUnit { unit: UnitId, name: String },
    /// Register a person (their name goes to the person registry, not here).
    RegisterPerson {
        person: PersonId,
        unit: Option<UnitId>,
        #[serde(default)]
        roles: BTreeSet<PersonRole>,
    },
    /// AU-3: a person moves to another unit (a new post, a reorganisation).
    MovePerson { person: PersonId, unit: UnitId },
    /// AU-4: change a person's standing roles.
    ChangePersonRoles { person: PersonId, roles: BTreeSet<PersonRole> },
    /// NL-1: register an experienced leader of generation 1 or 2 with their history.
    RegisterPriorExperience { person: PersonId, generation: u8, networks_led: u32, networks_co_driven: u32 },
    /// Put a new policy in force.
    ChangePolicy { policy: Policy },
    /// TH-3: open a half-year round.
    OpenRound { round: RoundId },
    /// TH-3: close the open round.
    CloseRound { round: RoundId },
    /// TH-1: propose a theme on the theme template.
    ProposeTheme {
        theme: ThemeId,
        title: String,
        challenge: String,
        proposed_by: PersonId,
        departments: Vec<UnitId>,
        origins: BTreeSet<Origin>,
    },
    /// TH-2: record the chief forum's assessment on the seven criteria, in the open round.
    QualifyTheme { theme: ThemeId, assessments: Vec<CriterionAssessment> },
    /// TH-3: prioritise the theme in the open round.
    PrioritiseTheme { theme: ThemeId, rank: u32, recommended_type: NetworkType },
    /// TH-3: defer the theme to a later round.
    DeferTheme { theme: ThemeId, to_round: RoundId },
    /// TH-3: reject the theme, with the reason.
    RejectTheme { theme: ThemeId, reason: String },
    /// TH-3: withdraw the theme, with the reason.
    WithdrawTheme { theme: ThemeId, reason: String },
    /// TH-4: refine the theme.
    RefineTheme {
        theme: ThemeId,
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        challenge: Option<String>,
        note: String,
    },
    /// RL-2: record that a person opts in as reference leader on a theme.
    AcceptReferenceRole { theme: ThemeId, person: PersonId },
    /// NW-5: start a network from a prioritised theme.
    StartNetwork {
        network: NetworkId,
        theme: ThemeId,
        network_type: NetworkType,
        leader: PersonId,
        #[serde(default)]
        co_driver: Option<PersonId>,
        /// RL-1: required, but for a learning network, which the chief forum follows at its start
        /// and close (NW-1), unless the policy wants one there too.
        #[serde(default)]
        reference_leader: Option<PersonId>,
    },
    /// PR-5: enter the next phase of the network's plan.
    EnterPhase { network: NetworkId, phase: String },
    /// TP-1: begin the test phase; RL-5: with the funding found, its source and, where known,
    /// its amount in Danish kroner (an amount needs its source); what is tested and the base
    /// units that take ownership of it ("nye aktører skal arbejde sammen og tage ejerskab").
    BeginTestPhase {
        network: NetworkId,
        #[serde(default)]
        funding: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        funding_kr: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tested: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        owners: Vec<UnitId>,
    },
    /// TP-3: employees join the network as its participants (netværksdeltagere).
    AddParticipants { network: NetworkId, participants: BTreeSet<PersonId> },
    /// TP-4: record what the network produced, and the base units it concerns.
    RecordOutput {
        network: NetworkId,
        kind: OutputKind,
        description: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        units: Vec<UnitId>,
    },
    /// PR-5: plan the network's phases anew ("ud fra de enkelte netværksforløb"), keeping those
    /// it has been through, with the reason.
    ReplanNetwork { network: NetworkId, phase_plan: PhasePlan, reason: String },
    /// TP-2: close the network with an outcome; NW-6: where it has success criteria, the
    /// numbers (from 1, as listed) of those it met, the others not (required then: an empty
    /// list says none was met).
    CloseNetwork {
        network: NetworkId,
        outcome: Outcome,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        criteria_met: Option<BTreeSet<u32>>,
    },
    /// ORG-5: schedule the chief forum's meetings ("chefforums løbende møder én gang
    /// månedligt"), and cancel scheduled ones; the chief forum's decisions fall on them.
    ScheduleForumMeetings {
        #[serde(default)]
        meetings: BTreeSet<NaiveDate>,
        #[serde(default)]
        cancelled: BTreeSet<NaiveDate>,
    },
    /// NW-6: the network's goals and success criteria ("mål og succeskriterier", framed by its
    /// type), set at its start and revised later with a reason.
    SetGoals {
        network: NetworkId,
        goals: Vec<String>,
        success_criteria: Vec<String>,
        #[serde(default)]
        reason: Option<String>,
    },
    /// TP-1: hand the network to a new reference leader.
    ChangeReferenceLeader { network: NetworkId, to: PersonId, reason: String },
    /// CD-1: attach a co-driver.
    AttachCoDriver { network: NetworkId, person: PersonId },
    /// CD-2: change a co-driver, an exception with a reason; `from` names the one who leaves
    /// where the network has several (CD-1).
    ChangeCoDriver {
        network: NetworkId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<PersonId>,
        to: PersonId,
        reason: String,
    },
    /// RL-4: record the mandate contract.
    AgreeMandateContract {
        network: NetworkId,
        personnel_leader: PersonId,
        secretariat: PersonId,
        terms: String,
    },
    /// NL-3: record an assessment on the ten competences (scores 1-5).
    AssessCompetences { person: PersonId, scores: BTreeMap<Competence, u8> },
    /// CO-2: form a diploma cohort.
    FormCohort { cohort: CohortId, members: BTreeSet<PersonId> },
    /// CO-3: record a teaching day attended.
    RecordTeachingDay { cohort: CohortId, person: PersonId, day: TeachingDay },
    /// CO-3: record the written assignment passed.
    PassWrittenAssignment { cohort: CohortId, person: PersonId },
    /// CO-3: record the oral exam passed.
    PassOralExam { cohort: CohortId, person: PersonId },
    /// CO-3, NL-1: award the diploma.
    AwardDiploma { cohort: CohortId, person: PersonId },
    /// SN-1: start a bounded rotation in the secretariat.
    StartRotation {
        person: PersonId,
        skills: String,
        #[serde(deserialize_with = "crate::id::deserialize_date")]
        #[cfg_attr(feature = "schema", schemars(schema_with = "crate::id::date_schema"))]
        until: NaiveDate,
    },
    /// SN-1: end the rotation.
    EndRotation { person: PersonId },
    /// SN-2: call on a help hotspot.
    RequestHelp { network: NetworkId, hotspot: Hotspot, note: String },
    /// ORG-2, RL: the reference leader judges whether and where the network plays up to the
    /// political level ("ansvarlig for at vurdere relevansen af og sikre et eventuelt politisk
    /// samspil"): a subject committee (named, where known), the innovation committee, the
    /// municipal council, or none; judged again when it changes.
    LinkPolitically {
        network: NetworkId,
        link: PoliticalLink,
        #[serde(default)]
        committee: Option<String>,
    },
}

/// NW-6: at most this many goals, and as many success criteria, for one network.
pub const MAX_GOALS: usize = 12;

/// How long a text may be: a name or a title (one line), or a longer text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// A name or a title: one line, at most [`TextKind::max`] characters.
    Name,
    /// A challenge, a reason, a note, terms, a rationale: may hold line breaks.
    Text,
}

impl TextKind {
    /// Whether a text of this kind may not hold `c`: a control character or a line or paragraph
    /// separator (U+2028, U+2029; a longer text may hold line breaks and tabs) or a
    /// bidirectional override or mark, which can make a text read other than it is. The one definition of the input limits' characters.
    pub fn forbids(self, c: char) -> bool {
        let line_break = self == Self::Text && matches!(c, '\n' | '\t' | '\r' | '\u{2028}' | '\u{2029}');
        // U+2028 and U+2029 separate lines and paragraphs as a line break does: not in a name.
        ((c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')) && !line_break)
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    }

    /// Checks `text`, the value of `field`, against the kind's limits: its length, and no
    /// character the kind forbids.
    pub fn check(self, field: &'static str, text: &str) -> Result<(), DomainError> {
        let length = text.chars().count();
        if length > self.max() {
            return Err(DomainError::TextTooLong { field, length, max: self.max() });
        }
        match text.chars().find(|c| self.forbids(*c)) {
            Some(character) => Err(DomainError::ForbiddenCharacter { field, character }),
            None => Ok(()),
        }
    }

    /// The most characters the kind takes.
    pub const fn max(self) -> usize {
        match self {
            Self::Name => 200,
            Self::Text => 10_000,
        }
    }
}

impl Action {
    /// The action's name as commands spell it in JSON (`"command": "close_network"`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::FoundOrganisation { .. } => "found_organisation",
            Self::RegisterUnit { .. } => "register_unit",
            Self::NameUnit { .. } => "name_unit",
            Self::NameOrganisation { .. } => "name_organisation",
            Self::RegisterPerson { .. } => "register_person",
            Self::MovePerson { .. } => "move_person",
            Self::ChangePersonRoles { .. } => "change_person_roles",
            Self::RegisterPriorExperience { .. } => "register_prior_experience",
            Self::ChangePolicy { .. } => "change_policy",
            Self::OpenRound { .. } => "open_round",
            Self::CloseRound { .. } => "close_round",
            Self::ProposeTheme { .. } => "propose_theme",
            Self::QualifyTheme { .. } => "qualify_theme",
            Self::PrioritiseTheme { .. } => "prioritise_theme",
            Self::DeferTheme { .. } => "defer_theme",
            Self::RejectTheme { .. } => "reject_theme",
            Self::WithdrawTheme { .. } => "withdraw_theme",
            Self::RefineTheme { .. } => "refine_theme",
            Self::AcceptReferenceRole { .. } => "accept_reference_role",
            Self::StartNetwork { .. } => "start_network",
            Self::EnterPhase { .. } => "enter_phase",
            Self::BeginTestPhase { .. } => "begin_test_phase",
            Self::AddParticipants { .. } => "add_participants",
            Self::RecordOutput { .. } => "record_output",
            Self::ReplanNetwork { .. } => "replan_network",
            Self::CloseNetwork { .. } => "close_network",
            Self::ChangeReferenceLeader { .. } => "change_reference_leader",
            Self::AttachCoDriver { .. } => "attach_co_driver",
            Self::ChangeCoDriver { .. } => "change_co_driver",
            Self::AgreeMandateContract { .. } => "agree_mandate_contract",
            Self::AssessCompetences { .. } => "assess_competences",
            Self::FormCohort { .. } => "form_cohort",
            Self::RecordTeachingDay { .. } => "record_teaching_day",
            Self::PassWrittenAssignment { .. } => "pass_written_assignment",
            Self::PassOralExam { .. } => "pass_oral_exam",
            Self::AwardDiploma { .. } => "award_diploma",
            Self::StartRotation { .. } => "start_rotation",
            Self::EndRotation { .. } => "end_rotation",
            Self::RequestHelp { .. } => "request_help",
            Self::LinkPolitically { .. } => "link_politically",
            Self::SetGoals { .. } => "set_goals",
            Self::ScheduleForumMeetings { .. } => "schedule_forum_meetings",
        }
    }

    /// The network the action is about, if it is about one.
    pub fn network(&self) -> Option<NetworkId> {
        match self {
            Self::StartNetwork { network, .. }
            | Self::EnterPhase { network, .. }
            | Self::BeginTestPhase { network, .. }
            | Self::AddParticipants { network, .. }
            | Self::RecordOutput { network, .. }
            | Self::ReplanNetwork { network, .. }
            | Self::CloseNetwork { network, .. }
            | Self::ChangeReferenceLeader { network, .. }
            | Self::AttachCoDriver { network, .. }
            | Self::ChangeCoDriver { network, .. }
            | Self::AgreeMandateContract { network, .. }
            | Self::RequestHelp { network, .. }
            | Self::LinkPolitically { network, .. }
            | Self::SetGoals { network, .. } => Some(*network),
            _ => None,
        }
    }

    /// ORG-3, ORG-5: whether the action is a decision the chief forum takes at its meetings:
    /// a round opened or closed, a theme qualified, prioritised, deferred or rejected, a network
    /// started or closed, a reference leader changed.
    pub fn is_forum_decision(&self) -> bool {
        matches!(
            self,
            Self::OpenRound { .. }
                | Self::CloseRound { .. }
                | Self::QualifyTheme { .. }
                | Self::PrioritiseTheme { .. }
                | Self::DeferTheme { .. }
                | Self::RejectTheme { .. }
                | Self::StartNetwork { .. }
                | Self::CloseNetwork { .. }
                | Self::ChangeReferenceLeader { .. }
        )
    }

    /// The theme the action is about, if it is about one.
    pub fn theme(&self) -> Option<ThemeId> {
        match self {
            Self::ProposeTheme { theme, .. }
            | Self::QualifyTheme { theme, .. }
            | Self::PrioritiseTheme { theme, .. }
            | Self::DeferTheme { theme, .. }
            | Self::RejectTheme { theme, .. }
            | Self::WithdrawTheme { theme, .. }
            | Self::RefineTheme { theme, .. }
            | Self::AcceptReferenceRole { theme, .. }
            | Self::StartNetwork { theme, .. } => Some(*theme),
            _ => None,
        }
    }

    /// Every free text the action holds, with its field's name and kind (the input limits
    /// check them, and redaction would blank them).
    pub fn texts(&self) -> Vec<(&'static str, TextKind, &str)> {
        use TextKind::{Name, Text};
        match self {
            Self::NameUnit { name, .. } | Self::NameOrganisation { name } => vec![("name", Name, name)],
            Self::ProposeTheme { title, challenge, .. } => {
                vec![("title", Name, title), ("challenge", Text, challenge)]
            }
            Self::QualifyTheme { assessments, .. } => {
                assessments.iter().map(|assessment| ("note", Text, assessment.note.as_str())).collect()
            }
            Self::RejectTheme { reason, .. }
            | Self::WithdrawTheme { reason, .. }
            | Self::ChangeReferenceLeader { reason, .. }
            | Self::ChangeCoDriver { reason, .. } => vec![("reason", Text, reason)],
            Self::ReplanNetwork { phase_plan, reason, .. } => {
                let mut texts = vec![("reason", Text, reason.as_str())];
                texts.extend(phase_plan.phases.iter().map(|phase| ("phase", Name, phase.name.as_str())));
                texts
            }
            Self::RefineTheme { title, challenge, note, .. } => {
                let mut texts = vec![("note", Text, note.as_str())];
                texts.extend(title.as_deref().map(|title| ("title", Name, title)));
                texts.extend(challenge.as_deref().map(|challenge| ("challenge", Text, challenge)));
                texts
            }
            Self::EnterPhase { phase, .. } => vec![("phase", Name, phase)],
            Self::BeginTestPhase { funding, tested, .. } => {
                let funding = funding.iter().map(|funding| ("funding", Text, funding.as_str()));
                funding.chain(tested.iter().map(|tested| ("tested", Text, tested.as_str()))).collect()
            }
            Self::RecordOutput { description, .. } => vec![("description", Text, description)],
            Self::CloseNetwork { reason, .. } => {
                reason.iter().map(|reason| ("reason", Text, reason.as_str())).collect()
            }
            Self::AgreeMandateContract { terms, .. } => vec![("terms", Text, terms)],
            Self::StartRotation { skills, .. } => vec![("skills", Text, skills)],
            Self::RequestHelp { note, .. } => vec![("note", Text, note)],
            Self::LinkPolitically { committee, .. } => {
                committee.iter().map(|committee| ("committee", Name, committee.as_str())).collect()
            }
            Self::SetGoals { goals, success_criteria, reason, .. } => {
                let goals = goals.iter().map(|goal| ("goal", Name, goal.as_str()));
                let criteria =
                    success_criteria.iter().map(|criterion| ("success criterion", Name, criterion.as_str()));
                let reason = reason.iter().map(|reason| ("reason", Text, reason.as_str()));
                goals.chain(criteria).chain(reason).collect()
            }
            Self::ChangePolicy { policy } => {
                let plans = [&policy.learning_plan, &policy.welfare_plan, &policy.innovation_plan];
                plans
                    .into_iter()
                    .flat_map(|plan| plan.phases.iter().map(|phase| ("phase", Name, phase.name.as_str())))
                    .collect()
            }
            Self::FoundOrganisation { .. }
            | Self::RegisterUnit { .. }
            | Self::MovePerson { .. }
            | Self::RegisterPerson { .. }
            | Self::ChangePersonRoles { .. }
            | Self::RegisterPriorExperience { .. }
            | Self::OpenRound { .. }
            | Self::CloseRound { .. }
            | Self::PrioritiseTheme { .. }
            | Self::DeferTheme { .. }
            | Self::AcceptReferenceRole { .. }
            | Self::StartNetwork { .. }
            | Self::AttachCoDriver { .. }
            | Self::AddParticipants { .. }
            | Self::AssessCompetences { .. }
            | Self::FormCohort { .. }
            | Self::RecordTeachingDay { .. }
            | Self::PassWrittenAssignment { .. }
            | Self::PassOralExam { .. }
            | Self::AwardDiploma { .. }
            | Self::EndRotation { .. }
            | Self::ScheduleForumMeetings { .. } => Vec::new(),
        }
    }
}

impl Decision {
    /// `state` with the decision's events folded in, each on the decision's business date
    /// ([`crate::evolve_on`]).
    pub fn fold(&self, state: crate::State) -> crate::State {
        let on = self.metadata.occurred_on;
        self.events.iter().fold(state, |state, event| crate::evolve_on(state, event, on))
    }
}

/// What `decide` returns for an accepted command: the events to append, in order, with the
/// command's metadata and the warnings it acknowledged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The events, to be appended atomically with the stream version the state was at.
    pub events: Vec<Event>,
    /// The command's metadata, for every event's envelope.
    pub metadata: Metadata,
    /// The warnings the decision overrode (also written into the events that carry them).
    pub acknowledged: Vec<AcknowledgedWarning>,
    /// When it was decided (the `now` passed to `decide`).
    pub decided_at: DateTime<Utc>,
}
