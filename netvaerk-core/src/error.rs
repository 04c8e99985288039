//! Why a decision was refused ([`DomainError`]). The errors of one type live beside it:
//! [`IdError`](crate::IdError) in `id.rs`, [`PolicyProblem`](crate::PolicyProblem) in
//! `policy.rs`, [`DecodeError`](crate::DecodeError) in `codec.rs`.

use chrono::NaiveDate;

use crate::authority::Standing;
use crate::chronology::Since;
use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId, UnitId};
use crate::policy::{DecidingBody, PolicyProblem};
use crate::rule::Rule;
use crate::state::ThemeStatus;
use crate::vocabulary::{
    Criterion, NetworkRole, NetworkType, Outcome, OutputKind, PoliticalLink, TeachingDay,
};
use crate::warning::Warning;

/// Why `decide` refused a command. Nothing is appended for a refused command.
///
/// Messages are written for a secretary of the chief forum and end with the NS3 rule where one
/// applies, taken from [`DomainError::rule`], which gives the rule as data. To get past a refusal, fix the command
/// (a wrong id, a blank field), wait for the state to change (a closed round, a running limit),
/// or, for [`DomainError::UnacknowledgedWarnings`], acknowledge each warning's rule with a
/// rationale.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DomainError {
    /// A text is longer than its field takes.
    TextTooLong {
        /// The field.
        field: &'static str,
        /// Its length in characters.
        length: usize,
        /// The most it may be.
        max: usize,
    },
    /// A text holds a control character or a bidirectional override (which can make a text
    /// read other than it is).
    ForbiddenCharacter {
        /// The field.
        field: &'static str,
        /// The character.
        character: char,
    },
    /// A business date outside the years a decision of the organisation can have.
    ImplausibleDate {
        /// The date given.
        date: NaiveDate,
    },
    /// The business date lies after the moment of deciding.
    OccursInFuture {
        /// The business date given.
        occurred_on: NaiveDate,
        /// The date of `now`.
        today: NaiveDate,
    },
    /// AU-1: the actor holds none of the standings that may take the act (the authority
    /// table, [`crate::requirements`]).
    NotEntitled {
        /// Who tried.
        actor: PersonId,
        /// The act, as commands spell it (`close_network`).
        act: &'static str,
        /// The standings that may.
        may: &'static [Standing],
        /// The rule that gives them the act.
        rule: Rule,
    },
    /// AU-2: nothing is decided before the organisation is founded.
    NotFounded,
    /// AU-2: an organisation is founded once.
    AlreadyFounded,
    /// AU-2: the founding names at least one member of the chief forum and of the secretariat.
    FoundingWithout(DecidingBody),
    /// AU-2: the founder names themself among the first chief forum or secretariat.
    FounderNotNamed(PersonId),
    /// AU-4: nobody changes their own roles or starts their own rotation.
    OwnStanding {
        /// Who tried.
        actor: PersonId,
        /// The act.
        act: &'static str,
    },
    /// AU-4: the last member of the chief forum keeps the role: the organisation needs it to
    /// decide.
    LastChiefForumMember(PersonId),
    /// AU-3: the registry holds the person's data for another organisation, whose secretariat
    /// keeps it.
    PersonOfAnotherOrganisation(PersonId),
    /// AU-3: a move to the unit the person is in already.
    AlreadyInUnit {
        /// The person.
        person: PersonId,
        /// Their unit.
        unit: UnitId,
    },
    /// AU-8: the decision is dated before a fact it presupposes.
    DatedBefore {
        /// The decision's business date.
        on: NaiveDate,
        /// What it presupposes.
        since: Since,
        /// When that was.
        date: NaiveDate,
    },
    /// The actor is not a registered person.
    UnknownActor(PersonId),
    /// No such unit.
    UnknownUnit(UnitId),
    /// No such person.
    UnknownPerson(PersonId),
    /// No such theme.
    UnknownTheme(ThemeId),
    /// No such network.
    UnknownNetwork(NetworkId),
    /// ORG-2: a welfare network plays up to a subject committee, an innovation network to the
    /// innovation committee; this link does not fit the network's type.
    PoliticalLinkMisfit {
        /// The network.
        network: NetworkId,
        /// Its type.
        network_type: NetworkType,
        /// The link asked for.
        link: PoliticalLink,
    },
    /// ORG-2: a committee is named only for a subject committee.
    CommitteeWithoutSubjectCommittee {
        /// The network.
        network: NetworkId,
        /// The committee named.
        committee: String,
    },
    /// NW-6: a network's goals name at least one goal and one success criterion, and at most
    /// [`MAX_GOALS`](crate::MAX_GOALS) of each.
    GoalsIncomplete {
        /// The network.
        network: NetworkId,
        /// What is missing or too many: "goal" or "success criterion".
        what: &'static str,
        /// How many were given.
        given: usize,
    },
    /// NW-6: goals already set are revised with a reason.
    GoalsRevisedWithoutReason(NetworkId),
    /// NW-6: a network with success criteria states at its close which it met.
    SuccessNotJudged {
        /// The network.
        network: NetworkId,
        /// How many success criteria it has.
        criteria: usize,
    },
    /// NW-6: a success criterion's number is not one of the network's (from 1).
    UnknownSuccessCriterion {
        /// The network.
        network: NetworkId,
        /// The number given.
        number: u32,
        /// How many success criteria it has.
        criteria: usize,
    },
    /// ORG-5: a scheduling of the chief forum's meetings names no date.
    NoForumMeetingsGiven,
    /// ORG-5: the chief forum already meets on that day.
    ForumMeetingScheduled(NaiveDate),
    /// ORG-5: no meeting of the chief forum is scheduled on that day to cancel.
    NoForumMeeting(NaiveDate),
    /// ORG-5: a meeting is scheduled at most two years ahead of the decision.
    ForumMeetingTooFarAhead {
        /// The meeting's day.
        day: NaiveDate,
        /// The latest day the decision may schedule.
        latest: NaiveDate,
    },
    /// ORG-5: a meeting that has passed is not cancelled: decisions may have been taken at it.
    ForumMeetingPassed(NaiveDate),
    /// NW-6: the same goal or success criterion twice.
    DuplicateGoal {
        /// The network.
        network: NetworkId,
        /// The text given twice.
        text: String,
    },
    /// No such cohort.
    UnknownCohort(CohortId),
    /// The unit id is taken.
    UnitExists(UnitId),
    /// The person id is taken.
    PersonExists(PersonId),
    /// The theme id is taken.
    ThemeExists(ThemeId),
    /// The network id is taken.
    NetworkExists(NetworkId),
    /// The cohort id is taken.
    CohortExists(CohortId),
    /// A text the rule requires is blank.
    BlankField {
        /// Which field.
        field: &'static str,
        /// The rule that requires it.
        rule: Rule,
    },
    /// ORG-1: a department must sit under a director area.
    DepartmentOutsideDirectorArea {
        /// The department.
        unit: UnitId,
    },
    /// ORG-1: a director area is a top unit.
    DirectorAreaUnderUnit {
        /// The director area.
        unit: UnitId,
    },
    /// TH-1: a theme needs at least one origin.
    MissingOrigin,
    /// TH-1: a theme names at least one department.
    NoDepartment,
    /// TH-1: the unit named is not a department.
    NotADepartment(UnitId),
    /// TH-1: only chief forum members propose themes.
    ProposerNotChiefForum(PersonId),
    /// NL-1: only leaders of generations 1 and 2 are registered with prior experience.
    InvalidGeneration {
        /// The generation given.
        generation: u8,
    },
    /// NL-1: prior experience must include a network led or co-driven.
    NoPriorNetworks,
    /// NL-1: a count of prior networks no person of generation 1 or 2 can have.
    ImplausiblePriorNetworks {
        /// The count given.
        count: u32,
        /// The most there can be.
        max: u32,
    },
    /// NL-1: prior experience is registered once.
    PriorExperienceExists(PersonId),
    /// The policy is not usable.
    InvalidPolicy(PolicyProblem),
    /// TH-3: one round at a time.
    RoundAlreadyOpen {
        /// The open round.
        open: RoundId,
    },
    /// TH-3: rounds move forward in time.
    RoundNotLater {
        /// The round asked for.
        round: RoundId,
        /// The latest round so far.
        latest: RoundId,
    },
    /// TH-3: a round is the half-year the chief forum is in, or the next (rounds come every
    /// half-year; none is skipped ahead).
    RoundNotDue {
        /// The round asked for.
        round: RoundId,
        /// The business date.
        on: NaiveDate,
    },
    /// TH-3: themes are decided in an open round.
    NoOpenRound,
    /// TH-3: only the open round can be closed.
    RoundNotOpen {
        /// The round asked for.
        round: RoundId,
    },
    /// A theme in the wrong status for the command.
    ThemeNotAvailable {
        /// The theme.
        theme: ThemeId,
        /// Its status.
        status: ThemeStatus,
        /// What the command tried.
        action: &'static str,
        /// The rule that says so.
        rule: Rule,
    },
    /// TH-2: an assessment covers all seven criteria.
    AssessmentIncomplete {
        /// The criteria without a verdict.
        missing: Vec<Criterion>,
    },
    /// TH-2: each criterion once.
    CriterionAssessedTwice(Criterion),
    /// TH-2: prioritising needs a qualification in this round.
    NotQualified {
        /// The theme.
        theme: ThemeId,
        /// The open round.
        round: RoundId,
    },
    /// TH-3: ranks start at 1.
    RankZero,
    /// TH-3: one theme per rank in a round.
    RankTaken {
        /// The round.
        round: RoundId,
        /// The rank.
        rank: u32,
        /// The theme holding it.
        holder: ThemeId,
    },
    /// TH-3: a theme is deferred to a later round.
    DeferTargetNotLater {
        /// The open round.
        round: RoundId,
        /// The round asked for.
        to: RoundId,
    },
    /// TP-2: a closed network takes no more decisions.
    NetworkNotRunning(NetworkId),
    /// A person cannot hold two roles in one network.
    RolesNotDistinct {
        /// The person.
        person: PersonId,
        /// The role they hold or were named for first.
        held: NetworkRole,
        /// The role asked for.
        asked: NetworkRole,
    },
    /// The person already holds the role; nothing would change.
    AlreadyHoldsRole {
        /// The person.
        person: PersonId,
        /// The network.
        network: NetworkId,
        /// The role.
        role: NetworkRole,
        /// The rule.
        rule: Rule,
    },
    /// NW-4: the innovation limit.
    InnovationLimitReached {
        /// Running innovation networks.
        running: u32,
        /// The policy's limit.
        max: u32,
    },
    /// NL-2: an untried leader leads learning networks only.
    LeaderNotQualified {
        /// The leader proposed.
        person: PersonId,
        /// The type asked for.
        network_type: NetworkType,
    },
    /// RL-2: the reference leader opts in on the theme first.
    ReferenceLeaderNotAccepted {
        /// The person.
        person: PersonId,
        /// The theme.
        theme: ThemeId,
    },
    /// RL-2: acceptance is recorded once.
    ReferenceAlreadyAccepted {
        /// The person.
        person: PersonId,
        /// The theme.
        theme: ThemeId,
    },
    /// RL-1: a network leader has one reference leader at a time, across their networks.
    LeaderHasAnotherReferenceLeader {
        /// The network leader.
        leader: PersonId,
        /// Another network they lead now.
        network: NetworkId,
        /// That network's reference leader, whom this one must have too.
        reference_leader: PersonId,
    },
    /// RL-3: reference leaders come from the chief forum.
    ReferenceLeaderNotChiefForum(PersonId),
    /// RL-3: an innovation network's reference leader is a director.
    ReferenceLeaderNotDirector(PersonId),
    /// CD-1: as many co-drivers at a time as the policy allows (one by default).
    CoDriverAlreadyAttached {
        /// The network.
        network: NetworkId,
        /// Its co-driver (the last of them, where it has several).
        co_driver: PersonId,
    },
    /// CD-2: the person named as the leaving co-driver is not one.
    NotCoDriver {
        /// The network.
        network: NetworkId,
        /// The person named.
        person: PersonId,
    },
    /// CD-2: a network with several co-drivers changes one by naming who leaves.
    WhichCoDriver(NetworkId),
    /// CD-2: there is no co-driver to change.
    NoCoDriver(NetworkId),
    /// PR-5: the phase is not in the network's plan.
    UnknownPhase {
        /// The network.
        network: NetworkId,
        /// The phase named.
        phase: String,
    },
    /// PR-5: phases follow the plan forward.
    PhaseOutOfOrder {
        /// The network.
        network: NetworkId,
        /// The phase named.
        phase: String,
    },
    /// PR-5: phases are entered one after the other; the next one is not skipped.
    PhaseSkipped {
        /// The network.
        network: NetworkId,
        /// The phase named.
        phase: String,
        /// The next phase of the plan, which it would skip.
        skipped: String,
    },
    /// TP-1: the test phase is begun with its own command.
    TestPhaseNeedsItsCommand {
        /// The phase named.
        phase: String,
    },
    /// TP-1: the network's plan has no test phase.
    NoTestPhase(NetworkId),
    /// TP-2: the outcome does not fit the network type.
    OutcomeNotForType {
        /// The outcome asked for.
        outcome: Outcome,
        /// The network's type.
        network_type: NetworkType,
    },
    /// A redaction says why.
    NoRedactionReason,
    /// CO-2, CO-3: a diploma cohort is of co-drivers and candidates, not of the chief forum.
    NotACandidate(PersonId),
    /// TP-2: a welfare or innovation network is implemented or handed on only after its test.
    NotTestedYet {
        /// The network.
        network: NetworkId,
        /// The outcome asked for.
        outcome: Outcome,
    },
    /// TP-2: a network in implementation has come through its test: it is not stopped.
    StoppedInImplementation(NetworkId),
    /// TP-3: participants join at least one at a time.
    NoParticipants,
    /// TP-3: a participant works in a unit, to which they carry the work back.
    ParticipantWithoutUnit(PersonId),
    /// TP-3: the network's leader and co-driver are not its participants too.
    ParticipantHoldsRole {
        /// The person.
        person: PersonId,
        /// The network.
        network: NetworkId,
    },
    /// TP-3: a participant joins a network once.
    AlreadyParticipant {
        /// The person.
        person: PersonId,
        /// The network.
        network: NetworkId,
    },
    /// TP-4: knowledge shared back and a handover name the base units they went to.
    OutputWithoutUnit {
        /// The kind of output.
        kind: OutputKind,
    },
    /// TP-4: a test's result follows the test phase's beginning.
    TestResultBeforeTest(NetworkId),
    /// RL-1: a welfare or innovation network (or, by policy, a learning one) starts with its
    /// reference leader.
    NoReferenceLeader {
        /// The network's type.
        network_type: NetworkType,
    },
    /// RL-4: the mandate contract binds the reference leader, whom the network has not got yet.
    MandateWithoutReferenceLeader(NetworkId),
    /// PR-5: a network's new phase plan is not a valid plan for its type.
    InvalidPhasePlan {
        /// The network.
        network: NetworkId,
        /// What is wrong with the plan.
        problem: PolicyProblem,
    },
    /// PR-5: a new plan keeps the phases the network has been through, in order.
    ReplanChangesThePast {
        /// The network.
        network: NetworkId,
        /// The phase it has been through that the new plan drops, renames or moves.
        phase: String,
    },
    /// RL-5: an amount of test-phase funding names its source.
    FundingWithoutSource {
        /// The amount in kroner.
        amount: u64,
    },
    /// RL-5: a funding amount is a whole number of kroner from 1 to ten billion.
    ImplausibleFunding {
        /// The amount in kroner.
        amount: u64,
    },
    /// RL-4: the personnel leader in a mandate contract is the network leader's own.
    NotTheLeadersPersonnelLeader {
        /// The personnel leader named.
        personnel_leader: PersonId,
        /// The network leader.
        leader: PersonId,
    },
    /// RL-4: the secretariat's party to a mandate contract is secretariat staff.
    NotSecretariat(PersonId),
    /// NL-3: competence scores run 1 to 5.
    InvalidScore {
        /// The score given.
        score: u8,
    },
    /// NL-3: an assessment scores at least one competence.
    EmptyCompetenceAssessment,
    /// CO-3: a cohort has members.
    EmptyCohort,
    /// CO-3: the diploma is taken once.
    AlreadyHoldsDiploma(PersonId),
    /// CO-3: only members progress in a cohort.
    NotCohortMember {
        /// The cohort.
        cohort: CohortId,
        /// The person.
        person: PersonId,
    },
    /// CO-3: each step of the diploma is recorded once.
    AlreadyRecorded {
        /// The cohort.
        cohort: CohortId,
        /// The person.
        person: PersonId,
        /// The step.
        step: String,
    },
    /// CO-3: the written assignment comes before the oral exam.
    WrittenAssignmentFirst(PersonId),
    /// CO-3: the diploma needs all five days, the assignment and the exam.
    DiplomaIncomplete {
        /// The person.
        person: PersonId,
        /// Teaching days not attended.
        missing_days: Vec<TeachingDay>,
        /// Whether the written assignment is passed.
        written: bool,
        /// Whether the oral exam is passed.
        oral: bool,
    },
    /// SN-1: a rotation is bounded.
    RotationNotBounded {
        /// The end given.
        until: NaiveDate,
    },
    /// SN-1: one rotation at a time.
    AlreadyInRotation(PersonId),
    /// SN-1: no rotation to end.
    NotInRotation(PersonId),
    /// An advisory rule raised warnings that the command did not acknowledge.
    UnacknowledgedWarnings {
        /// The warnings without an acknowledgement.
        warnings: Vec<Warning>,
    },
}

/// The message, then the rule it applies in brackets, from [`DomainError::rule`]: the one place a
/// refusal names its rule. (A refusal for unacknowledged warnings lists them, each with its rule.)
impl std::fmt::Display for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.describe(f)?;
        match self.message_rule() {
            Some(rule) => write!(f, " ({rule})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for DomainError {}

/// `text` without the rule id it ends with (`... (PR-5)`), where a message that names its rule
/// from [`DomainError::rule`] quotes it.
pub(crate) fn without_rule(text: &str) -> &str {
    quoted_rule(text).map_or(text, |(head, _)| head)
}

/// The rule id `text` ends with (`... (TP-1)`), and the text before it.
fn quoted_rule(text: &str) -> Option<(&str, Rule)> {
    let (head, tail) = text.rsplit_once(" (")?;
    Some((head, tail.strip_suffix(')')?.parse().ok()?))
}

/// `a, b or c`.
pub(crate) fn standings(may: &[Standing], or: &str) -> String {
    let names: Vec<String> = may.iter().map(ToString::to_string).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {or} {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    let names: Vec<String> = items.iter().map(ToString::to_string).collect();
    names.join(", ")
}

fn diploma_gaps(missing_days: &[TeachingDay], written: bool, oral: bool) -> String {
    let mut gaps = Vec::new();
    if !missing_days.is_empty() {
        gaps.push(format!("{} teaching day(s) missing", missing_days.len()));
    }
    if !written {
        gaps.push("the written assignment is not passed".to_owned());
    }
    if !oral {
        gaps.push("the oral exam is not passed".to_owned());
    }
    gaps.join(", ")
}

impl DomainError {
    /// The rule a message ends with, in English and in Danish: [`DomainError::rule`], but none
    /// for unacknowledged warnings, whose message lists each warning with its own rule.
    pub(crate) fn message_rule(&self) -> Option<Rule> {
        match self {
            Self::UnacknowledgedWarnings { .. } => None,
            _ => self.rule(),
        }
    }

    /// The message without its rule; [`Display`](std::fmt::Display) adds the rule.
    fn describe(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use DomainError as E;
        match self {
            E::TextTooLong { field, length, max } => write!(f, "the {field} is {length} characters long; it may be at most {max}"),
            E::ForbiddenCharacter { field, character } => write!(f, "the {field} holds the character U+{:04X}, which is not allowed (a control character or a bidirectional override)", u32::from(*character)),
            E::ImplausibleDate { date } => write!(f, "the date {date} is not a plausible business date (2000-01-01 to 2100-12-31)"),
            E::OccursInFuture { occurred_on, today } => write!(f, "the decision is dated {occurred_on}, after today ({today}); decisions are recorded once made"),
            E::UnknownActor(v0) => write!(f, "the actor {v0} is not a registered person of this organisation; the secretariat registers persons"),
            E::NotEntitled { actor, act, may, .. } => write!(f, "{actor} may not {}: {} may", act.replace('_', " "), standings(may, "or")),
            E::NotFounded => write!(f, "the organisation is not founded yet: its first decision founds it (found_organisation), naming its first chief forum and secretariat"),
            E::AlreadyFounded => write!(f, "the organisation is founded already; it is founded once"),
            E::FoundingWithout(body) => write!(f, "a founding names at least one member of {}", match body { DecidingBody::ChiefForum => "the chief forum", DecidingBody::Secretariat => "the secretariat" }),
            E::FounderNotNamed(v0) => write!(f, "{v0} founds the organisation, so names themself among its first chief forum or secretariat"),
            E::OwnStanding { actor, act } => write!(f, "{actor} may not {} for themself: nobody grants themself a role", act.replace('_', " ")),
            E::LastChiefForumMember(v0) => write!(f, "{v0} is the last member of the chief forum, which the organisation needs to decide; admit another first"),
            E::AlreadyInUnit { person, unit } => write!(f, "{person} is in unit {unit} already"),
            E::PersonOfAnotherOrganisation(v0) => write!(f, "the personal data of {v0} is another organisation's, whose secretariat keeps it"),
            E::DatedBefore { on, since, date } => write!(f, "the decision is dated {on}, before {since} on {date}"),
            E::UnknownUnit(v0) => write!(f, "there is no unit {v0}"),
            E::UnknownPerson(v0) => write!(f, "there is no person {v0}"),
            E::UnknownTheme(v0) => write!(f, "there is no theme {v0}"),
            E::UnknownNetwork(v0) => write!(f, "there is no network {v0}"),
            E::PoliticalLinkMisfit { network, network_type, link } => write!(f, "network {network} is a {network_type} network, which does not play up to the {link}: a welfare network's is a subject committee, an innovation network's the innovation committee, or the municipal council"),
            E::CommitteeWithoutSubjectCommittee { network, committee } => write!(f, "network {network}: a committee ({committee}) is named only for a subject committee"),
            E::NoForumMeetingsGiven => write!(f, "no meeting of the chief forum to schedule or cancel"),
            E::ForumMeetingScheduled(on) => write!(f, "the chief forum already meets on {on}"),
            E::NoForumMeeting(on) => write!(f, "the chief forum has no meeting on {on} to cancel"),
            E::ForumMeetingTooFarAhead { day, latest } => write!(f, "a meeting on {day} is too far ahead: a calendar is kept at most two years ahead, to {latest}"),
            E::ForumMeetingPassed(day) => write!(f, "the meeting on {day} has passed and is not cancelled (decisions may have been taken at it)"),
            E::DuplicateGoal { network, text } => write!(f, "network {network}: {text:?} is given twice"),
            E::GoalsIncomplete { network, what, given } => write!(f, "network {network}: its goals name at least one goal and one success criterion, at most {} of each ({what}: {given} given)", crate::MAX_GOALS),
            E::GoalsRevisedWithoutReason(network) => write!(f, "network {network} has its goals: a revision gives the reason"),
            E::SuccessNotJudged { network, criteria } => write!(f, "network {network} has {criteria} success criteria: its close states which it met (none is an empty list)"),
            E::UnknownSuccessCriterion { network, number, criteria } => write!(f, "network {network} has no success criterion {number} (it has {criteria}, numbered from 1)"),
            E::UnknownCohort(v0) => write!(f, "there is no cohort {v0}"),
            E::UnitExists(v0) => write!(f, "a unit {v0} is already registered"),
            E::PersonExists(v0) => write!(f, "a person {v0} is already registered"),
            E::ThemeExists(v0) => write!(f, "a theme {v0} has already been proposed"),
            E::NetworkExists(v0) => write!(f, "a network {v0} has already been started"),
            E::CohortExists(v0) => write!(f, "a cohort {v0} has already been formed"),
            E::BlankField { field, .. } => write!(f, "the {field} must not be blank"),
            E::DepartmentOutsideDirectorArea { unit } => write!(f, "department {unit} must sit under a registered director area"),
            E::DirectorAreaUnderUnit { unit } => write!(f, "director area {unit} cannot sit under another unit"),
            E::MissingOrigin => write!(f, "a theme must say where the demand comes from: below, outside or above"),
            E::NoDepartment => write!(f, "a theme must name at least one department involved"),
            E::NotADepartment(v0) => write!(f, "unit {v0} is not a department"),
            E::ProposerNotChiefForum(v0) => write!(f, "{v0} is not a member of the chief forum, who propose themes"),
            E::InvalidGeneration { generation } => write!(f, "prior experience is for leaders of generations 1 and 2, not {generation}"),
            E::NoPriorNetworks => write!(f, "prior experience must include at least one network led or co-driven"),
            E::ImplausiblePriorNetworks { count, max } => write!(f, "{count} networks led or co-driven before NS3 is not plausible; at most {max}"),
            E::PriorExperienceExists(v0) => write!(f, "prior experience of {v0} is already registered"),
            E::InvalidPolicy(v0) => write!(f, "the policy is not valid: {v0}"),
            E::RoundAlreadyOpen { open } => write!(f, "round {open} is still open; close it before opening another"),
            E::RoundNotLater { round, latest } => write!(f, "round {round} is not after the latest round {latest}"),
            E::RoundNotDue { round, on } => write!(f, "round {round} is neither the half-year of {on} nor the next; the chief forum opens a round every half-year"),
            E::NoOpenRound => write!(f, "no round is open; the chief forum decides on themes in an open half-year round"),
            E::RoundNotOpen { round } => write!(f, "round {round} is not the open round"),
            E::ThemeNotAvailable { theme, status, action, .. } => write!(f, "theme {theme} is {status}, so it cannot be {action}"),
            E::AssessmentIncomplete { missing } => write!(f, "the assessment must give a verdict on every criterion; missing: {}", list(missing)),
            E::CriterionAssessedTwice(v0) => write!(f, "the assessment gives the criterion \"{v0}\" more than one verdict"),
            E::NotQualified { theme, round } => write!(f, "theme {theme} has not been qualified in round {round}; the chief forum qualifies a theme before prioritising it"),
            E::RankZero => write!(f, "ranks start at 1"),
            E::RankTaken { round, rank, holder } => write!(f, "rank {rank} in round {round} is already held by theme {holder}"),
            E::DeferTargetNotLater { round, to } => write!(f, "a theme is deferred to a later round than {round}, not {to}"),
            E::NetworkNotRunning(v0) => write!(f, "network {v0} is closed"),
            E::RolesNotDistinct { person, held, asked } => write!(f, "{person} cannot be both {held} and {asked} of one network"),
            E::AlreadyHoldsRole { person, network, role, .. } => write!(f, "{person} is already the {role} of network {network}"),
            E::InnovationLimitReached { running, max } => write!(f, "at most {max} innovation networks may run at once, and {running} already run"),
            E::LeaderNotQualified { person, network_type } => write!(f, "{person} is not a qualified network leader (diploma and a network driven before, NL-1), so may lead a learning network only, not a {network_type} network"),
            E::ReferenceLeaderNotAccepted { person, theme } => write!(f, "{person} has not accepted to be reference leader on theme {theme}; a reference leader opts in actively"),
            E::ReferenceAlreadyAccepted { person, theme } => write!(f, "{person} has already accepted to be reference leader on theme {theme}"),
            E::LeaderHasAnotherReferenceLeader { leader, network, reference_leader } => write!(
                f,
                "{leader} leads network {network} with the reference leader {reference_leader}; a network leader has one reference leader at a time"
            ),
            E::NoReferenceLeader { network_type } => {
                write!(f, "a {network_type} network starts with its reference leader")
            }
            E::MandateWithoutReferenceLeader(v0) => write!(
                f,
                "network {v0} has no reference leader yet, whom the mandate contract binds; assign one first"
            ),
            E::InvalidPhasePlan { network, problem } => write!(
                f,
                "the new phase plan of network {network} is not valid: {}",
                without_rule(&problem.to_string())
            ),
            E::ReplanChangesThePast { network, phase } => write!(
                f,
                "network {network} has been through {phase:?}; a new plan keeps the phases done so far, in order"
            ),
            E::FundingWithoutSource { amount } => {
                write!(f, "funding of {amount} kr. needs its source (a pool, a budget, a grant)")
            }
            E::ImplausibleFunding { amount } => {
                write!(f, "funding of {amount} kr. is not plausible: from 1 kr. to 10,000,000,000 kr.")
            }
            E::NotTheLeadersPersonnelLeader { personnel_leader, leader } => write!(
                f,
                "{personnel_leader} is not in the department of the network leader {leader} (nor its area's director), so is not their personnel leader in the mandate contract"
            ),
            E::ReferenceLeaderNotChiefForum(v0) => write!(f, "{v0} is not a member of the chief forum, where reference leaders come from"),
            E::ReferenceLeaderNotDirector(v0) => write!(f, "{v0} is not at director level, which an innovation network's reference leader must be"),
            E::CoDriverAlreadyAttached { network, co_driver } => write!(f, "network {network} already has the co-driver {co_driver}, as many as the policy allows; change a co-driver instead"),
            E::NoCoDriver(v0) => write!(f, "network {v0} has no co-driver to change; attach one"),
            E::NotCoDriver { network, person } => write!(f, "{person} is not a co-driver of network {network}"),
            E::WhichCoDriver(v0) => write!(f, "network {v0} has several co-drivers; name the one who leaves"),
            E::UnknownPhase { network, phase } => write!(f, "network {network} has no phase {phase:?} in its phase plan"),
            E::PhaseOutOfOrder { network, phase } => write!(f, "network {network} is past the phase {phase:?} already; phases follow the plan in order"),
            E::PhaseSkipped { network, phase, skipped } => write!(f, "network {network} cannot enter {phase:?} before {skipped:?}; phases follow the plan in order"),
            E::TestPhaseNeedsItsCommand { phase } => write!(f, "{phase:?} is the test phase; begin it with the test-phase command, which records the funding"),
            E::NoTestPhase(v0) => write!(f, "network {v0} has no test phase in its plan (learning networks have none)"),
            E::OutcomeNotForType { outcome, network_type } => write!(f, "a {network_type} network cannot close as \"{outcome}\""),
            E::NoRedactionReason => write!(f, "a redaction must say why"),
            E::NotACandidate(v0) => write!(f, "{v0} sits in the chief forum; a diploma cohort is for co-drivers and candidates"),
            E::NotTestedYet { network, outcome } => write!(f, "network {network} has not begun its test phase, so it cannot close as \"{outcome}\""),
            E::StoppedInImplementation(v0) => write!(f, "network {v0} is in implementation; it closes as implemented or handed on for scaling, not stopped"),
            E::NotSecretariat(v0) => write!(f, "{v0} does not work in the secretariat, which is a party to the mandate contract"),
            E::NoParticipants => write!(f, "name at least one participant"),
            E::ParticipantWithoutUnit(v0) => write!(f, "{v0} belongs to no unit; a participant carries the network's work back to their own"),
            E::ParticipantHoldsRole { person, network } => write!(f, "{person} leads or co-drives network {network}, so is not also its participant"),
            E::AlreadyParticipant { person, network } => write!(f, "{person} already takes part in network {network}"),
            E::OutputWithoutUnit { kind } => write!(f, "an output of kind \"{kind}\" names the base units it went to"),
            E::TestResultBeforeTest(v0) => write!(f, "network {v0} has not begun its test phase, so it has no test result yet"),
            E::InvalidScore { score } => write!(f, "a competence score runs from 1 to 5, not {score}"),
            E::EmptyCompetenceAssessment => write!(f, "a competence assessment scores at least one competence"),
            E::EmptyCohort => write!(f, "a cohort needs at least one co-driver"),
            E::AlreadyHoldsDiploma(v0) => write!(f, "{v0} already holds the diploma in network leadership"),
            E::NotCohortMember { cohort, person } => write!(f, "{person} is not in cohort {cohort}"),
            E::AlreadyRecorded { cohort, person, step } => write!(f, "{person} already has \"{step}\" recorded in cohort {cohort}"),
            E::WrittenAssignmentFirst(v0) => write!(f, "{v0} must pass the written assignment before the oral exam"),
            E::DiplomaIncomplete { person, missing_days, written, oral } => write!(f, "{person} cannot have the diploma yet: {}", diploma_gaps(missing_days, *written, *oral)),
            E::RotationNotBounded { until } => write!(f, "a rotation must end after it starts, not on {until}"),
            E::AlreadyInRotation(v0) => write!(f, "{v0} is already in rotation in the secretariat"),
            E::NotInRotation(v0) => write!(f, "{v0} is not in rotation in the secretariat"),
            E::UnacknowledgedWarnings { warnings } => write!(f, "the decision needs an acknowledgement with a rationale: {}", warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        }
    }

    /// A stable machine code for the refusal: the variant's name in snake case
    /// (`innovation_limit_reached`). Codes are a contract: a variant keeps its code, and a new
    /// variant gets a new one.
    pub fn code(&self) -> &'static str {
        use DomainError as E;
        match self {
            E::TextTooLong { .. } => "text_too_long",
            E::ForbiddenCharacter { .. } => "forbidden_character",
            E::ImplausibleDate { .. } => "implausible_date",
            E::OccursInFuture { .. } => "occurs_in_future",
            E::UnknownActor(_) => "unknown_actor",
            E::NotEntitled { .. } => "not_entitled",
            E::NotFounded => "not_founded",
            E::AlreadyFounded => "already_founded",
            E::FoundingWithout(_) => "founding_without",
            E::FounderNotNamed(_) => "founder_not_named",
            E::OwnStanding { .. } => "own_standing",
            E::LastChiefForumMember(_) => "last_chief_forum_member",
            E::AlreadyInUnit { .. } => "already_in_unit",
            E::PersonOfAnotherOrganisation(_) => "person_of_another_organisation",
            E::DatedBefore { .. } => "dated_before",
            E::UnknownUnit(_) => "unknown_unit",
            E::UnknownPerson(_) => "unknown_person",
            E::UnknownTheme(_) => "unknown_theme",
            E::UnknownNetwork(_) => "unknown_network",
            E::PoliticalLinkMisfit { .. } => "political_link_misfit",
            E::CommitteeWithoutSubjectCommittee { .. } => "committee_without_subject_committee",
            E::GoalsIncomplete { .. } => "goals_incomplete",
            E::NoForumMeetingsGiven => "no_forum_meetings_given",
            E::ForumMeetingScheduled(_) => "forum_meeting_scheduled",
            E::NoForumMeeting(_) => "no_forum_meeting",
            E::ForumMeetingTooFarAhead { .. } => "forum_meeting_too_far_ahead",
            E::ForumMeetingPassed(_) => "forum_meeting_passed",
            E::DuplicateGoal { .. } => "duplicate_goal",
            E::GoalsRevisedWithoutReason(_) => "goals_revised_without_reason",
            E::SuccessNotJudged { .. } => "success_not_judged",
            E::UnknownSuccessCriterion { .. } => "unknown_success_criterion",
            E::UnknownCohort(_) => "unknown_cohort",
            E::UnitExists(_) => "unit_exists",
            E::PersonExists(_) => "person_exists",
            E::ThemeExists(_) => "theme_exists",
            E::NetworkExists(_) => "network_exists",
            E::CohortExists(_) => "cohort_exists",
            E::BlankField { .. } => "blank_field",
            E::DepartmentOutsideDirectorArea { .. } => "department_outside_director_area",
            E::DirectorAreaUnderUnit { .. } => "director_area_under_unit",
            E::MissingOrigin => "missing_origin",
            E::NoDepartment => "no_department",
            E::NotADepartment(_) => "not_a_department",
            E::ProposerNotChiefForum(_) => "proposer_not_chief_forum",
            E::InvalidGeneration { .. } => "invalid_generation",
            E::NoPriorNetworks => "no_prior_networks",
            E::ImplausiblePriorNetworks { .. } => "implausible_prior_networks",
            E::PriorExperienceExists(_) => "prior_experience_exists",
            E::InvalidPolicy(_) => "invalid_policy",
            E::RoundAlreadyOpen { .. } => "round_already_open",
            E::RoundNotLater { .. } => "round_not_later",
            E::NoOpenRound => "no_open_round",
            E::RoundNotDue { .. } => "round_not_due",
            E::NotTestedYet { .. } => "not_tested_yet",
            E::StoppedInImplementation(_) => "stopped_in_implementation",
            E::NoParticipants => "no_participants",
            E::ParticipantWithoutUnit(_) => "participant_without_unit",
            E::ParticipantHoldsRole { .. } => "participant_holds_role",
            E::AlreadyParticipant { .. } => "already_participant",
            E::OutputWithoutUnit { .. } => "output_without_unit",
            E::TestResultBeforeTest(_) => "test_result_before_test",
            E::NotACandidate(_) => "not_a_candidate",
            E::RoundNotOpen { .. } => "round_not_open",
            E::ThemeNotAvailable { .. } => "theme_not_available",
            E::AssessmentIncomplete { .. } => "assessment_incomplete",
            E::CriterionAssessedTwice(_) => "criterion_assessed_twice",
            E::NotQualified { .. } => "not_qualified",
            E::RankZero => "rank_zero",
            E::RankTaken { .. } => "rank_taken",
            E::DeferTargetNotLater { .. } => "defer_target_not_later",
            E::NetworkNotRunning(_) => "network_not_running",
            E::RolesNotDistinct { .. } => "roles_not_distinct",
            E::AlreadyHoldsRole { .. } => "already_holds_role",
            E::InnovationLimitReached { .. } => "innovation_limit_reached",
            E::LeaderNotQualified { .. } => "leader_not_qualified",
            E::ReferenceLeaderNotAccepted { .. } => "reference_leader_not_accepted",
            E::ReferenceAlreadyAccepted { .. } => "reference_already_accepted",
            E::LeaderHasAnotherReferenceLeader { .. } => "leader_has_another_reference_leader",
            E::ReferenceLeaderNotChiefForum(_) => "reference_leader_not_chief_forum",
            E::ReferenceLeaderNotDirector(_) => "reference_leader_not_director",
            E::CoDriverAlreadyAttached { .. } => "co_driver_already_attached",
            E::NoCoDriver(_) => "no_co_driver",
            E::NotCoDriver { .. } => "not_co_driver",
            E::WhichCoDriver(_) => "which_co_driver",
            E::UnknownPhase { .. } => "unknown_phase",
            E::PhaseOutOfOrder { .. } => "phase_out_of_order",
            E::PhaseSkipped { .. } => "phase_skipped",
            E::TestPhaseNeedsItsCommand { .. } => "test_phase_needs_its_command",
            E::NoTestPhase(_) => "no_test_phase",
            E::OutcomeNotForType { .. } => "outcome_not_for_type",
            E::NotSecretariat(_) => "not_secretariat",
            E::NotTheLeadersPersonnelLeader { .. } => "not_the_leaders_personnel_leader",
            E::FundingWithoutSource { .. } => "funding_without_source",
            E::InvalidPhasePlan { .. } => "invalid_phase_plan",
            E::ReplanChangesThePast { .. } => "replan_changes_the_past",
            E::NoReferenceLeader { .. } => "no_reference_leader",
            E::MandateWithoutReferenceLeader(_) => "mandate_without_reference_leader",
            E::ImplausibleFunding { .. } => "implausible_funding",
            E::NoRedactionReason => "no_redaction_reason",
            E::InvalidScore { .. } => "invalid_score",
            E::EmptyCompetenceAssessment => "empty_competence_assessment",
            E::EmptyCohort => "empty_cohort",
            E::AlreadyHoldsDiploma(_) => "already_holds_diploma",
            E::NotCohortMember { .. } => "not_cohort_member",
            E::AlreadyRecorded { .. } => "already_recorded",
            E::WrittenAssignmentFirst(_) => "written_assignment_first",
            E::DiplomaIncomplete { .. } => "diploma_incomplete",
            E::RotationNotBounded { .. } => "rotation_not_bounded",
            E::AlreadyInRotation(_) => "already_in_rotation",
            E::NotInRotation(_) => "not_in_rotation",
            E::UnacknowledgedWarnings { .. } => "unacknowledged_warnings",
        }
    }

    /// The input the refusal is about, where it names one: what kind of thing or which field,
    /// and its value (`("theme", "0190...")`, `("title", "")`).
    pub fn subject(&self) -> Option<(&'static str, String)> {
        use DomainError as E;
        Some(match self {
            E::UnknownActor(person) => ("actor", person.to_string()),
            E::UnknownUnit(unit) | E::UnitExists(unit) | E::NotADepartment(unit) => {
                ("unit", unit.to_string())
            }
            E::UnknownPerson(person)
            | E::PersonExists(person)
            | E::PriorExperienceExists(person)
            | E::LastChiefForumMember(person)
            | E::PersonOfAnotherOrganisation(person)
            | E::AlreadyInUnit { person, .. } => ("person", person.to_string()),
            E::NotEntitled { actor, .. } | E::OwnStanding { actor, .. } | E::FounderNotNamed(actor) => {
                ("actor", actor.to_string())
            }
            E::DatedBefore { on, .. } => ("occurred_on", on.to_string()),
            E::UnknownTheme(theme) | E::ThemeExists(theme) => ("theme", theme.to_string()),
            E::UnknownNetwork(network) | E::NetworkExists(network) | E::NetworkNotRunning(network) => {
                ("network", network.to_string())
            }
            E::PoliticalLinkMisfit { link, .. } => ("link", format!("{link:?}")),
            E::CommitteeWithoutSubjectCommittee { committee, .. } => ("committee", committee.clone()),
            E::GoalsIncomplete { network, .. }
            | E::GoalsRevisedWithoutReason(network)
            | E::SuccessNotJudged { network, .. } => ("network", network.to_string()),
            E::UnknownSuccessCriterion { number, .. } => ("criteria_met", number.to_string()),
            E::ForumMeetingScheduled(on)
            | E::NoForumMeeting(on)
            | E::ForumMeetingPassed(on)
            | E::ForumMeetingTooFarAhead { day: on, .. } => ("meeting", on.to_string()),
            E::DuplicateGoal { text, .. } => ("goal", text.clone()),
            E::UnknownCohort(cohort) | E::CohortExists(cohort) => ("cohort", cohort.to_string()),
            E::BlankField { field, .. } => (*field, String::new()),
            E::TextTooLong { field, length, .. } => (*field, format!("{length} characters")),
            E::ForbiddenCharacter { field, character } => {
                (*field, format!("U+{:04X}", u32::from(*character)))
            }
            E::ImplausibleDate { date } => ("occurred_on", date.to_string()),
            E::OccursInFuture { occurred_on, .. } => ("occurred_on", occurred_on.to_string()),
            E::InvalidScore { score, .. } => ("score", score.to_string()),
            E::UnknownPhase { phase, .. }
            | E::PhaseOutOfOrder { phase, .. }
            | E::PhaseSkipped { phase, .. } => ("phase", phase.clone()),
            _ => return None,
        })
    }

    /// Whether the refusal is of malformed input (a text too long or holding a forbidden
    /// character, an implausible date) rather than of a rule.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            Self::TextTooLong { .. } | Self::ForbiddenCharacter { .. } | Self::ImplausibleDate { .. }
        )
    }

    /// The NS3 rule the refusal applies, where one does.
    pub fn rule(&self) -> Option<Rule> {
        use DomainError as E;
        Some(match self {
            E::BlankField { rule, .. }
            | E::ThemeNotAvailable { rule, .. }
            | E::AlreadyHoldsRole { rule, .. } => *rule,
            E::DepartmentOutsideDirectorArea { .. } | E::DirectorAreaUnderUnit { .. } => Rule::Org1,
            E::PoliticalLinkMisfit { .. } | E::CommitteeWithoutSubjectCommittee { .. } => Rule::Org2,
            E::GoalsIncomplete { .. }
            | E::GoalsRevisedWithoutReason(_)
            | E::SuccessNotJudged { .. }
            | E::UnknownSuccessCriterion { .. } => Rule::Nw6,
            E::NoForumMeetingsGiven
            | E::ForumMeetingScheduled(_)
            | E::NoForumMeeting(_)
            | E::ForumMeetingTooFarAhead { .. }
            | E::ForumMeetingPassed(_) => Rule::Org5,
            E::DuplicateGoal { .. } => Rule::Nw6,
            E::NotTestedYet { .. } | E::StoppedInImplementation(_) => Rule::Tp2,
            E::NoParticipants
            | E::ParticipantWithoutUnit(_)
            | E::ParticipantHoldsRole { .. }
            | E::AlreadyParticipant { .. } => Rule::Tp3,
            E::OutputWithoutUnit { .. } | E::TestResultBeforeTest(_) => Rule::Tp4,
            E::MissingOrigin | E::NoDepartment | E::NotADepartment(_) | E::ProposerNotChiefForum(_) => {
                Rule::Th1
            }
            E::InvalidGeneration { .. }
            | E::NoPriorNetworks
            | E::ImplausiblePriorNetworks { .. }
            | E::PriorExperienceExists(_) => Rule::Nl1,
            E::RoundAlreadyOpen { .. }
            | E::RoundNotLater { .. }
            | E::RoundNotDue { .. }
            | E::NoOpenRound
            | E::RoundNotOpen { .. }
            | E::RankZero
            | E::RankTaken { .. }
            | E::DeferTargetNotLater { .. } => Rule::Th3,
            E::AssessmentIncomplete { .. } | E::CriterionAssessedTwice(_) | E::NotQualified { .. } => {
                Rule::Th2
            }
            E::NetworkNotRunning(_) | E::OutcomeNotForType { .. } => Rule::Tp2,
            E::InnovationLimitReached { .. } => Rule::Nw4,
            E::LeaderNotQualified { .. } => Rule::Nl2,
            E::ReferenceLeaderNotAccepted { .. } | E::ReferenceAlreadyAccepted { .. } => Rule::Rl2,
            E::NotEntitled { rule, .. } => *rule,
            E::NotFounded | E::AlreadyFounded | E::FoundingWithout(_) | E::FounderNotNamed(_) => Rule::Au2,
            E::OwnStanding { .. } | E::LastChiefForumMember(_) => Rule::Au4,
            E::AlreadyInUnit { .. } | E::NoRedactionReason | E::PersonOfAnotherOrganisation(_) => Rule::Au3,
            E::DatedBefore { .. } => Rule::Au8,
            E::ReferenceLeaderNotChiefForum(_) | E::ReferenceLeaderNotDirector(_) => Rule::Rl3,
            E::CoDriverAlreadyAttached { .. } => Rule::Cd1,
            E::LeaderHasAnotherReferenceLeader { .. } => Rule::Rl1,
            E::NoCoDriver(_) | E::NotCoDriver { .. } | E::WhichCoDriver(_) => Rule::Cd2,
            E::UnknownPhase { .. }
            | E::PhaseOutOfOrder { .. }
            | E::PhaseSkipped { .. }
            | E::ReplanChangesThePast { .. } => Rule::Pr5,
            // The plan's own problem names its rule where it has one (TP-1's test phase).
            E::InvalidPhasePlan { problem, .. } => {
                return Some(quoted_rule(&problem.to_string()).map_or(Rule::Pr5, |(_, rule)| rule))
            }
            E::TestPhaseNeedsItsCommand { .. } | E::NoTestPhase(_) => Rule::Tp1,
            E::NotSecretariat(_) | E::NotTheLeadersPersonnelLeader { .. } => Rule::Rl4,
            E::FundingWithoutSource { .. } | E::ImplausibleFunding { .. } => Rule::Rl5,
            E::NoReferenceLeader { .. } => Rule::Rl1,
            E::MandateWithoutReferenceLeader(_) => Rule::Rl4,
            E::InvalidScore { .. } | E::EmptyCompetenceAssessment => Rule::Nl3,
            E::EmptyCohort
            | E::NotACandidate(_)
            | E::AlreadyHoldsDiploma(_)
            | E::NotCohortMember { .. }
            | E::AlreadyRecorded { .. }
            | E::WrittenAssignmentFirst(_)
            | E::DiplomaIncomplete { .. } => Rule::Co3,
            E::RotationNotBounded { .. } | E::AlreadyInRotation(_) | E::NotInRotation(_) => Rule::Sn1,
            E::UnacknowledgedWarnings { warnings } => return warnings.first().map(Warning::rule),
            E::UnknownActor(_) => Rule::Au1,
            E::OccursInFuture { .. }
            | E::UnknownUnit(_)
            | E::UnknownPerson(_)
            | E::UnknownTheme(_)
            | E::UnknownNetwork(_)
            | E::UnknownCohort(_)
            | E::UnitExists(_)
            | E::PersonExists(_)
            | E::ThemeExists(_)
            | E::NetworkExists(_)
            | E::CohortExists(_)
            | E::InvalidPolicy(_)
            | E::TextTooLong { .. }
            | E::ForbiddenCharacter { .. }
            | E::ImplausibleDate { .. }
            | E::RolesNotDistinct { .. } => return None,
        })
    }
}
