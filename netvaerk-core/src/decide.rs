//! `decide`: a command, judged by the rules against the state and the policy in force, becomes
//! the events to append, or a refusal that names the rule.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use crate::authority::{check_authority, Act};
use crate::chronology::{check_dates, Since};
use crate::command::{Action, Command, Decision, Metadata, TextKind, MAX_GOALS};
use crate::error::DomainError;
use crate::event::Event;
use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId, UnitId};
use crate::policy::{CountRange, DecidingBody, PhasePlan, Policy, PolicyValue};
use crate::rule::Rule;
use crate::state::{DiplomaProgress, Network, Person, State, Theme, ThemeStatus};
use crate::vocabulary::{
    Competence, Criterion, CriterionAssessment, Hotspot, NetworkRole, NetworkType, Origin, Outcome,
    OutputKind, PersonRole, PhaseKind, PoliticalLink, TeachingDay, UnitKind,
};
use crate::warning::{AcknowledgedWarning, Acknowledgement, Warning};

/// The events a command would append and the warnings it raised, before acknowledgement.
type Planned = Result<(Vec<Event>, Vec<Warning>), DomainError>;

/// Decides `command` against `state`.
///
/// The policy is the one in force on the command's business date (`occurred_on`): the
/// `PolicyChanged` in the state in force from the latest date on or before it, else `policy`
/// (the embedder's configuration; [`Policy::ns3`] by default). A decision dated before a policy
/// change is judged by the policy before it, whenever either was recorded. `now` is the moment of deciding:
/// `decide` reads no clock and does no I/O, so the same inputs always give the same decision.
///
/// Hard rules refuse with a [`DomainError`] naming the rule. Advisory rules raise warnings; the
/// command must acknowledge each warning's rule with a rationale, or it is refused with
/// [`DomainError::UnacknowledgedWarnings`]. Acknowledged warnings are written into the event
/// that carries them and returned in [`Decision::acknowledged`].
pub fn decide(
    state: &State,
    command: &Command,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Decision, DomainError> {
    let metadata = &command.metadata;
    let policy = state.policy_on(metadata.occurred_on, policy);
    let today = now.date_naive();
    check_input(command)?;
    if metadata.occurred_on > today {
        return Err(DomainError::OccursInFuture { occurred_on: metadata.occurred_on, today });
    }
    let on = metadata.occurred_on;
    check_authority(state, &Act::Decide(&command.action), metadata.actor, on, policy)?;
    check_dates(state, &command.action, on)?;
    let (mut events, mut warnings) = match &command.action {
        Action::FoundOrganisation { chief_forum, secretariat } => {
            found_organisation(chief_forum, secretariat, metadata.actor)
        }
        Action::MovePerson { person, unit } => move_person(state, *person, *unit),
        Action::RegisterUnit { unit, kind, parent } => register_unit(state, *unit, *kind, *parent),
        Action::NameUnit { unit, name } => name_unit(state, *unit, name),
        Action::NameOrganisation { name } => {
            only(vec![Event::OrganisationNamed { name: required(name, "name", Rule::Au3)? }])
        }
        Action::RegisterPerson { person, unit, roles } => register_person(state, *person, *unit, roles),
        Action::ChangePersonRoles { person, roles } => change_person_roles(state, *person, roles),
        Action::RegisterPriorExperience { person, generation, networks_led, networks_co_driven } => {
            register_prior_experience(state, *person, *generation, *networks_led, *networks_co_driven)
        }
        Action::ChangePolicy { policy } => change_policy(policy, on),
        Action::OpenRound { round } => open_round(state, *round, on),
        Action::CloseRound { round } => close_round(state, *round, policy),
        Action::ProposeTheme { theme, title, challenge, proposed_by, departments, origins } => {
            propose_theme(state, *theme, title, challenge, *proposed_by, departments, origins)
        }
        Action::QualifyTheme { theme, assessments } => qualify_theme(state, *theme, assessments),
        Action::PrioritiseTheme { theme, rank, recommended_type } => {
            prioritise_theme(state, *theme, *rank, *recommended_type, policy)
        }
        Action::DeferTheme { theme, to_round } => defer_theme(state, *theme, *to_round),
        Action::RejectTheme { theme, reason } => reject_theme(state, *theme, reason),
        Action::WithdrawTheme { theme, reason } => withdraw_theme(state, *theme, reason),
        Action::RefineTheme { theme, title, challenge, note } => {
            refine_theme(state, *theme, title.as_deref(), challenge.as_deref(), note)
        }
        Action::AcceptReferenceRole { theme, person } => {
            accept_reference_role(state, *theme, *person, metadata)
        }
        Action::StartNetwork { network, theme, network_type, leader, co_driver, reference_leader } => {
            let roles = Roles { leader: *leader, co_driver: *co_driver, reference_leader: *reference_leader };
            start_network(state, *network, *theme, *network_type, roles, on, policy)
        }
        Action::EnterPhase { network, phase } => enter_phase(state, *network, phase),
        Action::BeginTestPhase { network, funding, funding_kr, tested, owners } => {
            let test = TestPhase {
                funding: funding.as_deref(),
                funding_kr: *funding_kr,
                tested: tested.as_deref(),
                owners,
            };
            begin_test_phase(state, *network, &test)
        }
        Action::AddParticipants { network, participants } => add_participants(state, *network, participants),
        Action::RecordOutput { network, kind, description, units } => {
            record_output(state, *network, *kind, description, units)
        }
        Action::ReplanNetwork { network, phase_plan, reason } => {
            replan_network(state, *network, phase_plan, reason)
        }
        Action::CloseNetwork { network, outcome, reason, criteria_met } => {
            close_network(state, *network, *outcome, reason.as_deref(), criteria_met.as_ref())
        }
        Action::ScheduleForumMeetings { meetings, cancelled } => {
            schedule_forum_meetings(state, meetings, cancelled, on)
        }
        Action::SetGoals { network, goals, success_criteria, reason } => {
            set_goals(state, *network, goals, success_criteria, reason.as_deref())
        }
        Action::ChangeReferenceLeader { network, to, reason } => {
            change_reference_leader(state, *network, *to, reason, policy)
        }
        Action::AttachCoDriver { network, person } => attach_co_driver(state, *network, *person, policy),
        Action::ChangeCoDriver { network, from, to, reason } => {
            change_co_driver(state, *network, *from, *to, reason)
        }
        Action::AgreeMandateContract { network, personnel_leader, secretariat, terms } => {
            agree_mandate_contract(state, *network, *personnel_leader, *secretariat, terms)
        }
        Action::AssessCompetences { person, scores } => assess_competences(state, *person, scores),
        Action::FormCohort { cohort, members } => form_cohort(state, *cohort, members, policy, on),
        Action::RecordTeachingDay { cohort, person, day } => {
            record_teaching_day(state, *cohort, *person, *day)
        }
        Action::PassWrittenAssignment { cohort, person } => pass_written_assignment(state, *cohort, *person),
        Action::PassOralExam { cohort, person } => pass_oral_exam(state, *cohort, *person),
        Action::AwardDiploma { cohort, person } => award_diploma(state, *cohort, *person),
        Action::StartRotation { person, skills, until } => start_rotation(state, *person, skills, *until, on),
        Action::EndRotation { person } => end_rotation(state, *person),
        Action::RequestHelp { network, hotspot, note } => request_help(state, *network, hotspot, note),
        Action::LinkPolitically { network, link, committee } => {
            link_politically(state, *network, *link, committee.as_deref())
        }
    }?;
    warnings.extend(off_meeting_day(state, &command.action, on, policy));
    let acknowledged = settle(warnings, &command.acknowledgements)?;
    if !acknowledged.is_empty() {
        // The first event that carries warnings (the one declaration: `Event::acknowledged_mut`)
        // keeps them all, so the log, a replay and the reports show what the decision overrode.
        if let Some(carrier) = events.iter_mut().find_map(Event::acknowledged_mut) {
            carrier.clone_from(&acknowledged);
        }
    }
    Ok(Decision { events, metadata: metadata.clone(), acknowledged, decided_at: now })
}

/// Pairs each warning with the acknowledgement of its rule; refuses if any is left over.
fn settle(
    warnings: Vec<Warning>,
    acknowledgements: &[Acknowledgement],
) -> Result<Vec<AcknowledgedWarning>, DomainError> {
    let mut acknowledged = Vec::new();
    let mut unacknowledged = Vec::new();
    for warning in warnings {
        let found = acknowledgements
            .iter()
            .find(|ack| ack.rule == warning.rule() && !ack.rationale.trim().is_empty());
        match found {
            Some(ack) => {
                acknowledged.push(AcknowledgedWarning { warning, rationale: ack.rationale.trim().to_owned() })
            }
            None => unacknowledged.push(warning),
        }
    }
    if unacknowledged.is_empty() {
        Ok(acknowledged)
    } else {
        Err(DomainError::UnacknowledgedWarnings { warnings: unacknowledged })
    }
}

/// The input limits, before any rule: business dates within 2000-2100, and every text
/// (the action's, the rationale, each acknowledgement's) within its length and free of control
/// characters and bidirectional overrides (a line break is allowed in a longer text).
fn check_input(command: &Command) -> Result<(), DomainError> {
    let plausible = |date: NaiveDate| (2000..=2100).contains(&date.year());
    let dates = std::iter::once(command.metadata.occurred_on).chain(match &command.action {
        Action::StartRotation { until, .. } => Some(*until),
        _ => None,
    });
    for date in dates {
        if !plausible(date) {
            return Err(DomainError::ImplausibleDate { date });
        }
    }
    let mut texts = command.action.texts();
    texts.extend(command.metadata.rationale.as_deref().map(|text| ("rationale", TextKind::Text, text)));
    texts.extend(
        command.acknowledgements.iter().map(|ack| ("rationale", TextKind::Text, ack.rationale.as_str())),
    );
    texts.into_iter().try_for_each(|(field, kind, text)| kind.check(field, text))
}

/// Whether `by` may redact words from the log on `on`, giving `why`: the secretariat's staff or
/// a person in rotation there (SN-1) may (AU-3), and must say why. Redaction is the store's
/// (`EventStore::redact`); this is the organisation's half of it.
pub fn check_redaction(
    state: &State,
    by: PersonId,
    why: &str,
    on: NaiveDate,
    policy: &Policy,
) -> Result<(), DomainError> {
    check_authority(state, &Act::Redact, by, on, policy)?;
    if why.trim().is_empty() {
        return Err(DomainError::NoRedactionReason);
    }
    TextKind::Text.check("why", why)
}

fn only(events: Vec<Event>) -> Planned {
    Ok((events, Vec::new()))
}

/// A text the rule requires, trimmed.
fn required(text: &str, field: &'static str, rule: Rule) -> Result<String, DomainError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DomainError::BlankField { field, rule });
    }
    Ok(trimmed.to_owned())
}

/// An optional text: absent is fine, present must not be blank.
fn optional(text: Option<&str>, field: &'static str, rule: Rule) -> Result<Option<String>, DomainError> {
    text.map(|text| required(text, field, rule)).transpose()
}

fn person(state: &State, person: PersonId) -> Result<&Person, DomainError> {
    state.person(person).ok_or(DomainError::UnknownPerson(person))
}

fn theme(state: &State, theme: ThemeId) -> Result<&Theme, DomainError> {
    state.theme(theme).ok_or(DomainError::UnknownTheme(theme))
}

/// A theme whose status is one of `allowed` for `action`, else refused under `rule`.
fn theme_in<'a>(
    state: &'a State,
    id: ThemeId,
    allowed: &[ThemeStatus],
    action: &'static str,
    rule: Rule,
) -> Result<&'a Theme, DomainError> {
    let found = theme(state, id)?;
    if allowed.contains(&found.status) {
        Ok(found)
    } else {
        Err(DomainError::ThemeNotAvailable { theme: id, status: found.status, action, rule })
    }
}

/// Themes the chief forum can still decide on in a round.
const UNDECIDED: &[ThemeStatus] = &[ThemeStatus::Proposed, ThemeStatus::Qualified, ThemeStatus::Deferred];

fn open_round_id(state: &State) -> Result<RoundId, DomainError> {
    state.open_round().ok_or(DomainError::NoOpenRound)
}

/// A network that still runs (TP-2: a closed network takes no more decisions).
fn running(state: &State, id: NetworkId) -> Result<&Network, DomainError> {
    let network = state.network(id).ok_or(DomainError::UnknownNetwork(id))?;
    if network.is_running() {
        Ok(network)
    } else {
        Err(DomainError::NetworkNotRunning(id))
    }
}

// ORG ------------------------------------------------------------------------------------------

/// AU-2: the founding names the first chief forum and secretariat, the founder among them.
fn found_organisation(
    chief_forum: &BTreeSet<PersonId>,
    secretariat: &BTreeSet<PersonId>,
    founder: PersonId,
) -> Planned {
    if chief_forum.is_empty() {
        return Err(DomainError::FoundingWithout(DecidingBody::ChiefForum));
    }
    if secretariat.is_empty() {
        return Err(DomainError::FoundingWithout(DecidingBody::Secretariat));
    }
    if !chief_forum.contains(&founder) && !secretariat.contains(&founder) {
        return Err(DomainError::FounderNotNamed(founder));
    }
    only(vec![Event::OrganisationFounded {
        chief_forum: chief_forum.clone(),
        secretariat: secretariat.clone(),
    }])
}

/// AU-3: a registered person moves to a registered unit.
fn move_person(state: &State, id: PersonId, unit: UnitId) -> Planned {
    let found = person(state, id)?;
    state.unit(unit).ok_or(DomainError::UnknownUnit(unit))?;
    if found.unit == Some(unit) {
        return Err(DomainError::AlreadyInUnit { person: id, unit });
    }
    only(vec![Event::PersonMoved { person: id, unit }])
}

fn register_unit(state: &State, unit: UnitId, kind: UnitKind, parent: Option<UnitId>) -> Planned {
    if state.unit(unit).is_some() {
        return Err(DomainError::UnitExists(unit));
    }
    let parent_kind = match parent {
        Some(parent) => Some(state.unit(parent).ok_or(DomainError::UnknownUnit(parent))?.kind),
        None => None,
    };
    // ORG-1: two levels, director areas over departments.
    match (kind, parent_kind) {
        (UnitKind::Department, Some(UnitKind::DirectorArea)) => {}
        (UnitKind::Department, _) => return Err(DomainError::DepartmentOutsideDirectorArea { unit }),
        (UnitKind::DirectorArea, Some(_)) => return Err(DomainError::DirectorAreaUnderUnit { unit }),
        (UnitKind::DirectorArea | UnitKind::Secretariat, _) => {}
    }
    only(vec![Event::UnitRegistered { unit, kind, parent }])
}

fn name_unit(state: &State, unit: UnitId, name: &str) -> Planned {
    state.unit(unit).ok_or(DomainError::UnknownUnit(unit))?;
    let name = required(name, "name", Rule::Org1)?;
    only(vec![Event::UnitNamed { unit, name }])
}

fn register_person(
    state: &State,
    person: PersonId,
    unit: Option<UnitId>,
    roles: &BTreeSet<PersonRole>,
) -> Planned {
    if state.person(person).is_some() {
        return Err(DomainError::PersonExists(person));
    }
    if let Some(unit) = unit {
        state.unit(unit).ok_or(DomainError::UnknownUnit(unit))?;
    }
    only(vec![Event::PersonRegistered { person, unit, roles: roles.clone() }])
}

fn change_person_roles(state: &State, id: PersonId, roles: &BTreeSet<PersonRole>) -> Planned {
    let before = person(state, id)?;
    // AU-4: the chief forum is never emptied by a change of roles. (Nor is the secretariat's
    // staff, by construction: only its staff take the role, and not their own.)
    let forum_after = roles.iter().any(|role| matches!(role, PersonRole::ChiefForum | PersonRole::Director));
    if before.is_chief_forum() && !forum_after && state.chief_forum_members() == 1 {
        return Err(DomainError::LastChiefForumMember(id));
    }
    only(vec![Event::PersonRolesChanged { person: id, roles: roles.clone() }])
}

/// The most networks a person of generation 1 or 2 can have led or co-driven (NL-1).
const MAX_PRIOR_NETWORKS: u32 = 100;

fn register_prior_experience(
    state: &State,
    id: PersonId,
    generation: u8,
    led: u32,
    co_driven: u32,
) -> Planned {
    let found = person(state, id)?;
    // NL-1: the pool includes the experienced leaders of NS1 and NS2.
    if !(1..=2).contains(&generation) {
        return Err(DomainError::InvalidGeneration { generation });
    }
    if led == 0 && co_driven == 0 {
        return Err(DomainError::NoPriorNetworks);
    }
    // Generations 1 and 2 ran from the first network structure to NS3: a person led or co-drove
    // a handful, never hundreds; a count beyond this is a typing error.
    if led.max(co_driven) > MAX_PRIOR_NETWORKS {
        return Err(DomainError::ImplausiblePriorNetworks {
            count: led.max(co_driven),
            max: MAX_PRIOR_NETWORKS,
        });
    }
    if found.prior.is_some() {
        return Err(DomainError::PriorExperienceExists(id));
    }
    only(vec![Event::PriorExperienceRegistered {
        person: id,
        generation,
        networks_led: led,
        networks_co_driven: co_driven,
    }])
}

/// The policy is in force from the decision's business date: decisions dated before it keep
/// the policy that was in force on their date, whenever either is recorded.
fn change_policy(policy: &Policy, on: NaiveDate) -> Planned {
    policy.validate().map_err(DomainError::InvalidPolicy)?;
    only(vec![Event::PolicyChanged { policy: policy.clone(), in_force_from: Some(on) }])
}

// TH -------------------------------------------------------------------------------------------

fn open_round(state: &State, round: RoundId, on: NaiveDate) -> Planned {
    // TH-3: one round at a time, moving forward, every half-year: the half-year of the
    // meeting or the next (opened ahead), never one skipped to.
    if let Some(open) = state.open_round() {
        return Err(DomainError::RoundAlreadyOpen { open });
    }
    if let Some(latest) = state.latest_round() {
        if round <= latest {
            return Err(DomainError::RoundNotLater { round, latest });
        }
    }
    let current = RoundId::containing(on);
    if round != current && round != current.next() {
        return Err(DomainError::RoundNotDue { round, on });
    }
    only(vec![Event::RoundOpened { round, acknowledged: Vec::new() }])
}

fn close_round(state: &State, round: RoundId, policy: &Policy) -> Planned {
    if state.open_round() != Some(round) {
        return Err(DomainError::RoundNotOpen { round });
    }
    // NW-2, NW-3: the round plans the half-year's starts; its prioritised mix is held against
    // the usual numbers. A theme withdrawn since keeps its rank but starts nothing: not counted.
    let mut by_type: BTreeMap<NetworkType, u32> = BTreeMap::new();
    for (_, id) in state.round_ranking(round) {
        let planned = state.theme(id).filter(|theme| theme.status != ThemeStatus::Withdrawn);
        if let Some((_, _, recommended)) = planned.and_then(|theme| theme.prioritised) {
            *by_type.entry(recommended).or_insert(0) += 1;
        }
    }
    let total = by_type.values().sum();
    let mut warnings = Vec::new();
    // A number the source does not give (an NS2 policy's) judges nothing.
    if policy.knows(PolicyValue::StartsPerHalfYear) && !policy.starts_per_half_year.contains(total) {
        warnings.push(Warning::StartsOutsideRange {
            half_year: round,
            count: total,
            expected: policy.starts_per_half_year,
        });
    }
    for (network_type, expected) in type_ranges(policy) {
        let count = by_type.get(&network_type).copied().unwrap_or(0);
        if !expected.contains(count) {
            warnings.push(Warning::TypeMixOutsideRange { half_year: round, network_type, count, expected });
        }
    }
    Ok((vec![Event::RoundClosed { round, acknowledged: Vec::new() }], warnings))
}

/// NW-3: the usual number of networks of each type a half-year (none where the policy does not
/// know them).
fn type_ranges(policy: &Policy) -> Vec<(NetworkType, CountRange)> {
    if !policy.knows(PolicyValue::TypeMix) {
        return Vec::new();
    }
    vec![
        (NetworkType::Learning, policy.learning_per_half_year),
        (NetworkType::Welfare, policy.welfare_per_half_year),
    ]
}

fn propose_theme(
    state: &State,
    theme: ThemeId,
    title: &str,
    challenge: &str,
    proposed_by: PersonId,
    departments: &[UnitId],
    origins: &BTreeSet<Origin>,
) -> Planned {
    if state.theme(theme).is_some() {
        return Err(DomainError::ThemeExists(theme));
    }
    // TH-1: the theme template.
    let title = required(title, "title", Rule::Th1)?;
    let challenge = required(challenge, "challenge (burning platform)", Rule::Th1)?;
    if origins.is_empty() {
        return Err(DomainError::MissingOrigin);
    }
    if departments.is_empty() {
        return Err(DomainError::NoDepartment);
    }
    for department in departments {
        let unit = state.unit(*department).ok_or(DomainError::UnknownUnit(*department))?;
        if unit.kind != UnitKind::Department {
            return Err(DomainError::NotADepartment(*department));
        }
    }
    if !person(state, proposed_by)?.is_chief_forum() {
        return Err(DomainError::ProposerNotChiefForum(proposed_by));
    }
    let mut unique_departments = Vec::new();
    for department in departments {
        if !unique_departments.contains(department) {
            unique_departments.push(*department);
        }
    }
    only(vec![Event::ThemeProposed {
        theme,
        title,
        challenge,
        proposed_by,
        departments: unique_departments,
        origins: origins.clone(),
    }])
}

fn qualify_theme(state: &State, theme: ThemeId, assessments: &[CriterionAssessment]) -> Planned {
    theme_in(state, theme, UNDECIDED, "qualified", Rule::Th3)?;
    let round = open_round_id(state)?;
    // TH-2: a verdict and a note on each of the seven criteria.
    let mut seen = BTreeSet::new();
    for assessment in assessments {
        if !seen.insert(assessment.criterion) {
            return Err(DomainError::CriterionAssessedTwice(assessment.criterion));
        }
        if assessment.note.trim().is_empty() {
            return Err(DomainError::BlankField { field: "note on each criterion", rule: Rule::Th2 });
        }
    }
    let missing: Vec<Criterion> = Criterion::ALL.into_iter().filter(|c| !seen.contains(c)).collect();
    if !missing.is_empty() {
        return Err(DomainError::AssessmentIncomplete { missing });
    }
    let mut ordered = assessments.to_vec();
    ordered.sort_by_key(|assessment| assessment.criterion);
    for assessment in &mut ordered {
        assessment.note = assessment.note.trim().to_owned();
    }
    only(vec![Event::ThemeQualified { theme, round, assessments: ordered, acknowledged: Vec::new() }])
}

fn prioritise_theme(
    state: &State,
    id: ThemeId,
    rank: u32,
    recommended_type: NetworkType,
    policy: &Policy,
) -> Planned {
    let found = theme_in(state, id, UNDECIDED, "prioritised", Rule::Th3)?;
    let round = open_round_id(state)?;
    let qualification = found.qualification.as_ref().filter(|(qualified_in, _)| *qualified_in == round);
    // TH-2: prioritising needs a recorded qualification (by default).
    if policy.require_qualification && qualification.is_none() {
        return Err(DomainError::NotQualified { theme: id, round });
    }
    if rank == 0 {
        return Err(DomainError::RankZero);
    }
    if let Some((_, holder)) = state.round_ranking(round).into_iter().find(|(taken, _)| *taken == rank) {
        return Err(DomainError::RankTaken { round, rank, holder });
    }
    // TH-2: a required criterion not met is a warning to acknowledge.
    let warnings = qualification
        .map(|(_, assessments)| {
            assessments
                .iter()
                .filter(|a| !a.met && policy.required_criteria.contains(&a.criterion))
                .map(|a| Warning::CriterionNotMet { theme: id, criterion: a.criterion })
                .collect()
        })
        .unwrap_or_default();
    let event =
        Event::ThemePrioritised { theme: id, round, rank, recommended_type, acknowledged: Vec::new() };
    Ok((vec![event], warnings))
}

fn defer_theme(state: &State, theme: ThemeId, to_round: RoundId) -> Planned {
    theme_in(state, theme, UNDECIDED, "deferred", Rule::Th3)?;
    let round = open_round_id(state)?;
    if to_round <= round {
        return Err(DomainError::DeferTargetNotLater { round, to: to_round });
    }
    only(vec![Event::ThemeDeferred { theme, round, to_round, acknowledged: Vec::new() }])
}

fn reject_theme(state: &State, theme: ThemeId, reason: &str) -> Planned {
    theme_in(state, theme, UNDECIDED, "rejected", Rule::Th3)?;
    let round = open_round_id(state)?;
    let reason = required(reason, "reason for rejecting", Rule::Th3)?;
    only(vec![Event::ThemeRejected { theme, round, reason, acknowledged: Vec::new() }])
}

fn withdraw_theme(state: &State, theme: ThemeId, reason: &str) -> Planned {
    let allowed =
        [ThemeStatus::Proposed, ThemeStatus::Qualified, ThemeStatus::Deferred, ThemeStatus::Prioritised];
    theme_in(state, theme, &allowed, "withdrawn", Rule::Th3)?;
    let reason = required(reason, "reason for withdrawing", Rule::Th3)?;
    only(vec![Event::ThemeWithdrawn { theme, reason }])
}

fn refine_theme(
    state: &State,
    theme: ThemeId,
    title: Option<&str>,
    challenge: Option<&str>,
    note: &str,
) -> Planned {
    // TH-4: a theme is refined while it lives, including during its network's work.
    let allowed = [
        ThemeStatus::Proposed,
        ThemeStatus::Qualified,
        ThemeStatus::Prioritised,
        ThemeStatus::Deferred,
        ThemeStatus::InNetwork,
    ];
    theme_in(state, theme, &allowed, "refined", Rule::Th4)?;
    let title = optional(title, "title", Rule::Th4)?;
    let challenge = optional(challenge, "challenge", Rule::Th4)?;
    let note = required(note, "note on the refinement", Rule::Th4)?;
    only(vec![Event::ThemeRefined { theme, title, challenge, note }])
}

// NL, CD, RL, NW -------------------------------------------------------------------------------

fn accept_reference_role(state: &State, theme: ThemeId, id: PersonId, metadata: &Metadata) -> Planned {
    let allowed = [
        ThemeStatus::Proposed,
        ThemeStatus::Qualified,
        ThemeStatus::Prioritised,
        ThemeStatus::Deferred,
        ThemeStatus::InNetwork,
    ];
    let found = theme_in(state, theme, &allowed, "taken on by a reference leader", Rule::Rl2)?;
    person(state, id)?;
    if found.reference_acceptances.contains(&id) {
        return Err(DomainError::ReferenceAlreadyAccepted { person: id, theme });
    }
    // RL-2: the reference leader opts in actively: they record it themself, or the secretariat
    // does on their documented request (the rationale), and the event says who. That only they
    // may is the authority table's (`check_authority`).
    let actor = metadata.actor;
    let on_behalf_by = if actor == id {
        None
    } else {
        required(metadata.rationale.as_deref().unwrap_or_default(), "rationale (their request)", Rule::Rl2)?;
        Some(actor)
    };
    only(vec![Event::ReferenceLeaderAccepted { theme, person: id, on_behalf_by }])
}

/// The persons a network starts with.
struct Roles {
    leader: PersonId,
    co_driver: Option<PersonId>,
    reference_leader: Option<PersonId>,
}

/// RL-2 and RL-3: whether `candidate` may be the reference leader of a network on `theme`. At
/// the start they come from the chief forum; a later change (`network`) may go outside it,
/// as a warning to acknowledge. An innovation network's is a director, start or later.
fn check_reference_leader(
    state: &State,
    theme: ThemeId,
    network_type: NetworkType,
    candidate: PersonId,
    later: Option<NetworkId>,
    policy: &Policy,
) -> Result<Vec<Warning>, DomainError> {
    let found = person(state, candidate)?;
    let accepted = state.theme(theme).is_some_and(|t| t.reference_acceptances.contains(&candidate));
    if !accepted {
        return Err(DomainError::ReferenceLeaderNotAccepted { person: candidate, theme });
    }
    // RL-3: an innovation network is linked "via referenceleder på direktørniveau", and every
    // reference leader is "som udgangspunkt placeret i chefforum" (the seed says it of all
    // three types), so a director outside the chief forum is refused at the start and a
    // warning later, as for the other types.
    if network_type == NetworkType::Innovation && !found.roles.contains(&PersonRole::Director) {
        return Err(DomainError::ReferenceLeaderNotDirector(candidate));
    }
    if policy.reference_leaders_from_chief_forum && !found.is_chief_forum() {
        return match later {
            Some(network) => Ok(vec![Warning::ReferenceLeaderOutsideForum { network, person: candidate }]),
            None => Err(DomainError::ReferenceLeaderNotChiefForum(candidate)),
        };
    }
    Ok(Vec::new())
}

/// RL-1: a network leader has one reference leader at a time ("har netværksledere kun én
/// referenceleder ad gangen"): `candidate` for a network led by `leader` must be the one of the
/// other networks `leader` leads now (`network`, the one decided on, aside), unless the policy
/// reads RL-1 per network.
fn check_one_reference_leader(
    state: &State,
    leader: PersonId,
    network: NetworkId,
    candidate: PersonId,
    policy: &Policy,
) -> Result<(), DomainError> {
    if !policy.one_reference_leader_per_leader {
        return Ok(());
    }
    let other = state.networks().find_map(|(id, other)| {
        let theirs = other.reference_leader.filter(|theirs| *theirs != candidate)?;
        (id != network && other.is_running() && other.leader == leader).then_some((id, theirs))
    });
    match other {
        Some((id, reference_leader)) => {
            Err(DomainError::LeaderHasAnotherReferenceLeader { leader, network: id, reference_leader })
        }
        None => Ok(()),
    }
}

/// Refuses `candidate` for `asked` if they already hold another role in the network.
fn check_distinct(
    candidate: PersonId,
    asked: NetworkRole,
    held: &[(Option<PersonId>, NetworkRole)],
) -> Result<(), DomainError> {
    match held.iter().find(|(holder, _)| *holder == Some(candidate)) {
        Some((_, role)) => Err(DomainError::RolesNotDistinct { person: candidate, held: *role, asked }),
        None => Ok(()),
    }
}

fn start_network(
    state: &State,
    network: NetworkId,
    theme: ThemeId,
    network_type: NetworkType,
    roles: Roles,
    on: NaiveDate,
    policy: &Policy,
) -> Planned {
    if state.network(network).is_some() {
        return Err(DomainError::NetworkExists(network));
    }
    // NW-5: a network starts from a prioritised theme.
    theme_in(state, theme, &[ThemeStatus::Prioritised], "started as a network", Rule::Nw5)?;
    let leader = person(state, roles.leader)?;
    if let Some(co_driver) = roles.co_driver {
        person(state, co_driver)?;
        check_distinct(co_driver, NetworkRole::CoDriver, &[(Some(roles.leader), NetworkRole::Leader)])?;
    }
    if let Some(reference_leader) = roles.reference_leader {
        check_distinct(
            reference_leader,
            NetworkRole::ReferenceLeader,
            &[(Some(roles.leader), NetworkRole::Leader), (roles.co_driver, NetworkRole::CoDriver)],
        )?;
    }
    // NL-2: an untried leader may lead a learning network only (NL-1, CO-1: the policy says
    // what qualifies).
    if network_type != NetworkType::Learning && !leader.qualifies_under(policy.leader_qualification) {
        return Err(DomainError::LeaderNotQualified { person: roles.leader, network_type });
    }
    // NW-4: at most N innovation networks at once.
    if network_type == NetworkType::Innovation && policy.knows(PolicyValue::InnovationLimit) {
        let running = state.running_networks(NetworkType::Innovation);
        let max = policy.max_running_innovation_networks;
        if running >= max {
            return Err(DomainError::InnovationLimitReached { running, max });
        }
    }
    // RL-1: a reference leader, but for a learning network (unless the policy wants one); RL-2,
    // RL-3: one who opted in, from the chief forum.
    match roles.reference_leader {
        Some(reference_leader) => {
            check_reference_leader(state, theme, network_type, reference_leader, None, policy)?;
            check_one_reference_leader(state, roles.leader, network, reference_leader, policy)?;
        }
        None if network_type == NetworkType::Learning && !policy.learning_needs_reference_leader => {}
        None => return Err(DomainError::NoReferenceLeader { network_type }),
    }

    // NW-2, NW-3: more starts in the half-year than NS3 plans for.
    let half_year = RoundId::containing(on);
    let mut started = state.started_in(half_year);
    *started.entry(network_type).or_insert(0) += 1;
    let total: u32 = started.values().sum();
    let mut warnings = Vec::new();
    // NW-5: the type the chief forum recommended when it prioritised the theme (TH-3).
    if let Some((_, _, recommended)) = state.theme(theme).and_then(|found| found.prioritised) {
        if recommended != network_type {
            warnings.push(Warning::TypeNotRecommended { theme, recommended, network_type });
        }
    }
    if policy.knows(PolicyValue::StartsPerHalfYear) && total > policy.starts_per_half_year.max {
        warnings.push(Warning::StartsOutsideRange {
            half_year,
            count: total,
            expected: policy.starts_per_half_year,
        });
    }
    for (typed, expected) in type_ranges(policy) {
        let count = started.get(&typed).copied().unwrap_or(0);
        if typed == network_type && count > expected.max {
            warnings.push(Warning::TypeMixOutsideRange { half_year, network_type, count, expected });
        }
    }

    let phase_plan = policy.plan(network_type).clone();
    let weeks = u64::from(phase_plan.total_weeks());
    let expected_end = on.checked_add_days(Days::new(weeks * 7)).unwrap_or(on);
    let mut events = vec![Event::NetworkStarted {
        network,
        theme,
        network_type,
        leader: roles.leader,
        started_on: on,
        expected_end,
        phase_plan,
        acknowledged: Vec::new(),
    }];
    if let Some(reference_leader) = roles.reference_leader {
        events.push(Event::ReferenceLeaderAssigned { network, person: reference_leader });
    }
    if let Some(co_driver) = roles.co_driver {
        events.push(Event::CoDriverAttached { network, person: co_driver });
    }
    Ok((events, warnings))
}

fn enter_phase(state: &State, id: NetworkId, phase: &str) -> Planned {
    let network = running(state, id)?;
    let phase = phase.trim();
    // PR-5: the phases of the network's plan, in order.
    let index = network
        .plan
        .position(phase)
        .ok_or_else(|| DomainError::UnknownPhase { network: id, phase: phase.to_owned() })?;
    let kind = network.plan.phases[index].kind;
    // TP-1: the test phase has its own command and event.
    if kind == PhaseKind::Test {
        return Err(DomainError::TestPhaseNeedsItsCommand { phase: phase.to_owned() });
    }
    check_next_phase(network, id, index)?;
    // RL-4: a welfare or innovation network's intensive periods draw on the leader's base work,
    // which the mandate contract agrees with the personnel leader: without one, a warning.
    let mut warnings = Vec::new();
    let contracted_types = [NetworkType::Welfare, NetworkType::Innovation];
    if kind == PhaseKind::Intensive
        && contracted_types.contains(&network.network_type)
        && !network.mandate_contract
    {
        warnings.push(Warning::NoMandateContract { network: id, phase: phase.to_owned() });
    }
    Ok((
        vec![Event::PhaseEntered { network: id, phase: phase.to_owned(), kind, acknowledged: Vec::new() }],
        warnings,
    ))
}

/// PR-5: the phases follow the plan in order, breaks included: the next one is entered, none
/// is skipped and none entered twice.
fn check_next_phase(network: &Network, id: NetworkId, index: usize) -> Result<(), DomainError> {
    let phase = || network.plan.phases[index].name.clone();
    let next = network.phase.map_or(0, |current| current + 1);
    if index < next {
        return Err(DomainError::PhaseOutOfOrder { network: id, phase: phase() });
    }
    if index > next {
        let skipped = network.plan.phases[next].name.clone();
        return Err(DomainError::PhaseSkipped { network: id, phase: phase(), skipped });
    }
    Ok(())
}

/// What a test phase begins with (TP-1, RL-5).
struct TestPhase<'a> {
    funding: Option<&'a str>,
    funding_kr: Option<u64>,
    tested: Option<&'a str>,
    owners: &'a [UnitId],
}

fn begin_test_phase(state: &State, id: NetworkId, test: &TestPhase<'_>) -> Planned {
    let TestPhase { funding, funding_kr, tested, owners } = *test;
    let network = running(state, id)?;
    // TP-1: the test phase, the last before implementation; learning networks have none.
    let index = network.plan.test_position().ok_or(DomainError::NoTestPhase(id))?;
    let phase = network.plan.phases[index].name.clone();
    check_next_phase(network, id, index)?;
    // RL-5: the reference leader finds capital for the test phase.
    let funding = optional(funding, "funding", Rule::Tp1)?;
    // RL-5: an amount is of a source, and a plausible one (a whole krone up to ten billion).
    if let Some(amount) = funding_kr {
        if funding.is_none() {
            return Err(DomainError::FundingWithoutSource { amount });
        }
        if !(1..=10_000_000_000).contains(&amount) {
            return Err(DomainError::ImplausibleFunding { amount });
        }
    }
    // TP-1: what is tested, and the base units that take ownership of it.
    let tested = optional(tested, "what is tested", Rule::Tp1)?;
    let owners = known_units(state, owners)?;
    only(vec![Event::TestPhaseBegun { network: id, phase, funding, funding_kr, tested, owners }])
}

/// The units named, each registered, in the order first named and without repeats.
fn known_units(state: &State, units: &[UnitId]) -> Result<Vec<UnitId>, DomainError> {
    let mut known = Vec::with_capacity(units.len());
    for unit in units {
        state.unit(*unit).ok_or(DomainError::UnknownUnit(*unit))?;
        if !known.contains(unit) {
            known.push(*unit);
        }
    }
    Ok(known)
}

fn add_participants(state: &State, id: NetworkId, participants: &BTreeSet<PersonId>) -> Planned {
    let network = running(state, id)?;
    if participants.is_empty() {
        return Err(DomainError::NoParticipants);
    }
    for participant in participants {
        // TP-3: employees of a unit, who carry the work back to it; not the network's own
        // leader or co-driver, and each once.
        if person(state, *participant)?.unit.is_none() {
            return Err(DomainError::ParticipantWithoutUnit(*participant));
        }
        if network.leader == *participant || network.has_co_driver(*participant) {
            return Err(DomainError::ParticipantHoldsRole { person: *participant, network: id });
        }
        if network.participants.contains(participant) {
            return Err(DomainError::AlreadyParticipant { person: *participant, network: id });
        }
    }
    only(vec![Event::ParticipantsJoined { network: id, participants: participants.clone() }])
}

fn record_output(
    state: &State,
    id: NetworkId,
    kind: OutputKind,
    description: &str,
    units: &[UnitId],
) -> Planned {
    // TP-4: while it runs or after it closed: effects are often shown later.
    let network = state.network(id).ok_or(DomainError::UnknownNetwork(id))?;
    let description = required(description, "what it produced", Rule::Tp4)?;
    let units = known_units(state, units)?;
    if kind.needs_units() && units.is_empty() {
        return Err(DomainError::OutputWithoutUnit { kind });
    }
    if kind == OutputKind::TestResult && !network.test_begun() {
        return Err(DomainError::TestResultBeforeTest(id));
    }
    only(vec![Event::OutputRecorded { network: id, kind, description, units }])
}

fn replan_network(state: &State, id: NetworkId, plan: &PhasePlan, reason: &str) -> Planned {
    let network = running(state, id)?;
    // PR-5: a plan valid for the type (TP-1: the test phase last before implementation; NW-1:
    // none for a learning network), which keeps the phases done so far, in order.
    plan.validate(network.network_type)
        .map_err(|problem| DomainError::InvalidPhasePlan { network: id, problem })?;
    let done = network.phase.map_or(0, |current| current + 1);
    for (index, phase) in network.plan.phases.iter().take(done).enumerate() {
        let kept = plan.phases.get(index).is_some_and(|new| new.name == phase.name && new.kind == phase.kind);
        if !kept {
            return Err(DomainError::ReplanChangesThePast { network: id, phase: phase.name.clone() });
        }
    }
    let reason = required(reason, "reason for the new plan", Rule::Pr5)?;
    let weeks = u64::from(plan.total_weeks());
    let expected_end =
        network.started_on.checked_add_days(Days::new(weeks * 7)).unwrap_or(network.started_on);
    only(vec![Event::NetworkReplanned { network: id, phase_plan: plan.clone(), expected_end, reason }])
}

fn close_network(
    state: &State,
    id: NetworkId,
    outcome: Outcome,
    reason: Option<&str>,
    criteria_met: Option<&BTreeSet<u32>>,
) -> Planned {
    // ORG-3: the chief forum ends networks as it starts them ("igangsættelse og afslutning"),
    // or the network's reference leader for it: the authority table's.
    let network = running(state, id)?;
    // TP-2: a network with a test phase is implemented or handed on only after its test, and
    // one in implementation has come through it: it is not stopped.
    let current = network.phase.map(|index| network.plan.phases[index].kind);
    let handed_on = matches!(outcome, Outcome::Implemented | Outcome::HandedOnForScaling);
    if handed_on && network.plan.test_position().is_some() && !network.test_begun() {
        return Err(DomainError::NotTestedYet { network: id, outcome });
    }
    if outcome == Outcome::Stopped && current == Some(PhaseKind::Implementation) {
        return Err(DomainError::StoppedInImplementation(id));
    }
    // TP-2: the outcomes a type can close with.
    let fits = match network.network_type {
        NetworkType::Learning => matches!(outcome, Outcome::KnowledgeShared | Outcome::Stopped),
        NetworkType::Welfare | NetworkType::Innovation => outcome != Outcome::KnowledgeShared,
    };
    if !fits {
        return Err(DomainError::OutcomeNotForType { outcome, network_type: network.network_type });
    }
    let reason = match outcome {
        Outcome::Stopped => Some(required(reason.unwrap_or_default(), "reason for stopping", Rule::Tp2)?),
        _ => optional(reason, "reason", Rule::Tp2)?,
    };
    // NW-6: a close states which success criteria were met, where the network has any.
    let criteria = network.success_criteria;
    if let Some(number) = criteria_met.into_iter().flatten().find(|n| **n == 0 || **n as usize > criteria) {
        return Err(DomainError::UnknownSuccessCriterion { network: id, number: *number, criteria });
    }
    let criteria_met = match criteria_met {
        None if criteria > 0 => return Err(DomainError::SuccessNotJudged { network: id, criteria }),
        _ if criteria == 0 => None,
        given => given.cloned(),
    };
    only(vec![Event::NetworkClosed { network: id, outcome, reason, criteria_met, acknowledged: Vec::new() }])
}

/// ORG-5: where the organisation keeps the chief forum's calendar in the log and the policy
/// knows its rhythm, a decision of the chief forum's (ORG-3) dated on a day without a meeting
/// ("chefforums løbende møder") warns: a written procedure, or a meeting not in the calendar,
/// is acknowledged with a rationale. The calendar speaks for the span it was kept for, from
/// its first meeting to its last: before or after it, nothing is known of the meetings.
fn off_meeting_day(state: &State, action: &Action, on: NaiveDate, policy: &Policy) -> Option<Warning> {
    let meetings = state.forum_meetings();
    let (Some(first), Some(last)) = (meetings.first(), meetings.last()) else {
        return None;
    };
    let checked = action.is_forum_decision()
        && (*first..=*last).contains(&on)
        && policy.knows(PolicyValue::ForumMeetings);
    (checked && !meetings.contains(&on))
        .then(|| Warning::OffMeetingDay { on, next: meetings.range(on..).next().copied() })
}

/// ORG-5: meetings are scheduled once, at most two years ahead of the decision, and cancelled
/// only where scheduled and not yet passed (decisions may have been taken at a past one); the
/// dates within the years any decision may have (2000-2100).
fn schedule_forum_meetings(
    state: &State,
    meetings: &BTreeSet<NaiveDate>,
    cancelled: &BTreeSet<NaiveDate>,
    on: NaiveDate,
) -> Planned {
    if meetings.is_empty() && cancelled.is_empty() {
        return Err(DomainError::NoForumMeetingsGiven);
    }
    if let Some(date) = meetings.iter().chain(cancelled).find(|date| !(2000..=2100).contains(&date.year())) {
        return Err(DomainError::ImplausibleDate { date: *date });
    }
    let held = state.forum_meetings();
    if let Some(day) = meetings.iter().find(|day| held.contains(day) || cancelled.contains(day)) {
        return Err(DomainError::ForumMeetingScheduled(*day));
    }
    if let Some(day) = cancelled.iter().find(|day| !held.contains(day)) {
        return Err(DomainError::NoForumMeeting(*day));
    }
    if let Some(day) = cancelled.iter().find(|day| **day < on) {
        return Err(DomainError::ForumMeetingPassed(*day));
    }
    let latest = on.checked_add_months(chrono::Months::new(24)).unwrap_or(on);
    if let Some(day) = meetings.iter().find(|day| **day > latest) {
        return Err(DomainError::ForumMeetingTooFarAhead { day: *day, latest });
    }
    only(vec![Event::ForumMeetingsScheduled { meetings: meetings.clone(), cancelled: cancelled.clone() }])
}

/// NW-6: "er netværkstyperne rammesættende for netværkets mål og succeskriterier": a network's
/// goals and the criteria its success is judged by, at least one and at most [`MAX_GOALS`] of
/// each, set while it runs; set again, they are a revision with its reason.
fn set_goals(
    state: &State,
    id: NetworkId,
    goals: &[String],
    success_criteria: &[String],
    reason: Option<&str>,
) -> Planned {
    let network = running(state, id)?;
    let list = |texts: &[String], what: &'static str| -> Result<Vec<String>, DomainError> {
        if texts.is_empty() || texts.len() > MAX_GOALS {
            return Err(DomainError::GoalsIncomplete { network: id, what, given: texts.len() });
        }
        let texts: Vec<String> =
            texts.iter().map(|text| required(text, what, Rule::Nw6)).collect::<Result<_, _>>()?;
        match texts.iter().enumerate().find(|(at, text)| texts[..*at].contains(text)) {
            Some((_, twice)) => Err(DomainError::DuplicateGoal { network: id, text: twice.clone() }),
            None => Ok(texts),
        }
    };
    let goals = list(goals, "goal")?;
    let success_criteria = list(success_criteria, "success criterion")?;
    let reason = optional(reason, "reason for the revision", Rule::Nw6)?;
    if network.goals_set && reason.is_none() {
        return Err(DomainError::GoalsRevisedWithoutReason(id));
    }
    only(vec![Event::GoalsSet { network: id, goals, success_criteria, reason }])
}

fn change_reference_leader(
    state: &State,
    id: NetworkId,
    to: PersonId,
    reason: &str,
    policy: &Policy,
) -> Planned {
    let network = running(state, id)?;
    person(state, to)?;
    // RL-1: one reference leader at a time; a change names a new one. A learning network that
    // started without one gets its first.
    let from = network.reference_leader;
    if from == Some(to) {
        return Err(DomainError::AlreadyHoldsRole {
            person: to,
            network: id,
            role: NetworkRole::ReferenceLeader,
            rule: Rule::Rl1,
        });
    }
    // TP-1: the change of reference leader is an event, with its reason.
    let reason = required(reason, "reason for the change", Rule::Tp1)?;
    // RL-1: a network leader has one reference leader at a time, so where the policy reads it
    // per leader, the change carries over to the other networks they lead now that have one:
    // each checked as this one is, each an event of its own.
    let others: Vec<(NetworkId, &Network)> = if policy.one_reference_leader_per_leader {
        state
            .networks()
            .filter(|(other, candidate)| {
                *other != id
                    && candidate.is_running()
                    && candidate.leader == network.leader
                    && candidate.reference_leader.is_some_and(|theirs| theirs != to)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut events = Vec::with_capacity(1 + others.len());
    let mut warnings = Vec::new();
    for (changed, changing) in std::iter::once((id, network)).chain(others) {
        let mut held = vec![(Some(changing.leader), NetworkRole::Leader)];
        held.extend(changing.co_drivers.iter().map(|co| (Some(*co), NetworkRole::CoDriver)));
        check_distinct(to, NetworkRole::ReferenceLeader, &held)?;
        warnings.extend(check_reference_leader(
            state,
            changing.theme,
            changing.network_type,
            to,
            Some(changed),
            policy,
        )?);
        events.push(match changing.reference_leader {
            Some(from) => Event::ReferenceLeaderChanged {
                network: changed,
                from,
                to,
                reason: reason.clone(),
                acknowledged: Vec::new(),
            },
            None => Event::ReferenceLeaderAssigned { network: changed, person: to },
        });
    }
    Ok((events, warnings))
}

fn attach_co_driver(state: &State, id: NetworkId, candidate: PersonId, policy: &Policy) -> Planned {
    let network = running(state, id)?;
    // CD-1: at most the policy's number of co-drivers at a time (one by default), each once.
    if network.has_co_driver(candidate) {
        return Err(DomainError::AlreadyHoldsRole {
            person: candidate,
            network: id,
            role: NetworkRole::CoDriver,
            rule: Rule::Cd1,
        });
    }
    let limit = usize::try_from(policy.max_co_drivers).unwrap_or(usize::MAX);
    if let Some(co_driver) = network.co_drivers.get(limit.saturating_sub(1)) {
        return Err(DomainError::CoDriverAlreadyAttached { network: id, co_driver: *co_driver });
    }
    person(state, candidate)?;
    check_distinct(
        candidate,
        NetworkRole::CoDriver,
        &[
            (Some(network.leader), NetworkRole::Leader),
            (network.reference_leader, NetworkRole::ReferenceLeader),
        ],
    )?;
    only(vec![Event::CoDriverAttached { network: id, person: candidate }])
}

fn change_co_driver(
    state: &State,
    id: NetworkId,
    leaving: Option<PersonId>,
    to: PersonId,
    reason: &str,
) -> Planned {
    let network = running(state, id)?;
    // CD-2: the co-driver follows the network; a change is an exception with a reason. With
    // several co-drivers (CD-1), the change names who leaves.
    let from = match (leaving, network.co_drivers.as_slice()) {
        (_, []) => return Err(DomainError::NoCoDriver(id)),
        (Some(from), co_drivers) if co_drivers.contains(&from) => from,
        (Some(from), _) => return Err(DomainError::NotCoDriver { network: id, person: from }),
        (None, [only]) => *only,
        (None, _) => return Err(DomainError::WhichCoDriver(id)),
    };
    if network.has_co_driver(to) {
        return Err(DomainError::AlreadyHoldsRole {
            person: to,
            network: id,
            role: NetworkRole::CoDriver,
            rule: Rule::Cd2,
        });
    }
    person(state, to)?;
    check_distinct(
        to,
        NetworkRole::CoDriver,
        &[
            (Some(network.leader), NetworkRole::Leader),
            (network.reference_leader, NetworkRole::ReferenceLeader),
        ],
    )?;
    let reason = required(reason, "reason for the change", Rule::Cd2)?;
    only(vec![Event::CoDriverChanged { network: id, from, to, reason }])
}

fn agree_mandate_contract(
    state: &State,
    id: NetworkId,
    personnel_leader: PersonId,
    secretariat: PersonId,
    terms: &str,
) -> Planned {
    let network = running(state, id)?;
    let boss = person(state, personnel_leader)?;
    // RL-4: the contract binds leader, reference leader, personnel leader and secretariat. The
    // personnel leader is the network leader's own ("personaleleder"): of their department, or
    // the director of its area. (The log knows units, not line managers: the unit is checked.)
    let own_unit = person(state, network.leader)?.unit;
    let area = own_unit.and_then(|unit| state.unit(unit)).and_then(|unit| unit.parent);
    // A personnel leader is a manager: the head of the department sits in the chief forum
    // ("chefforum"), a director over the area; a colleague in the department is not one.
    let theirs = boss.unit.is_some()
        && ((boss.unit == own_unit && boss.is_chief_forum())
            || (boss.roles.contains(&PersonRole::Director) && boss.unit == area));
    if !theirs || personnel_leader == network.leader {
        return Err(DomainError::NotTheLeadersPersonnelLeader { personnel_leader, leader: network.leader });
    }
    let staff = person(state, secretariat)?;
    if !staff.roles.contains(&PersonRole::Secretariat) && !staff.in_rotation {
        return Err(DomainError::NotSecretariat(secretariat));
    }
    let terms = required(terms, "terms of the mandate contract", Rule::Rl4)?;
    let Some(reference_leader) = network.reference_leader else {
        return Err(DomainError::MandateWithoutReferenceLeader(id));
    };
    only(vec![Event::MandateContractAgreed {
        network: id,
        leader: network.leader,
        reference_leader,
        personnel_leader,
        secretariat,
        terms,
    }])
}

fn assess_competences(state: &State, id: PersonId, scores: &BTreeMap<Competence, u8>) -> Planned {
    person(state, id)?;
    // NL-3: scored on the ten competences.
    if scores.is_empty() {
        return Err(DomainError::EmptyCompetenceAssessment);
    }
    if let Some(score) = scores.values().copied().find(|score| !(1..=5).contains(score)) {
        return Err(DomainError::InvalidScore { score });
    }
    only(vec![Event::CompetencesAssessed { person: id, scores: scores.clone() }])
}

// CO -------------------------------------------------------------------------------------------

fn form_cohort(
    state: &State,
    cohort: CohortId,
    members: &BTreeSet<PersonId>,
    policy: &Policy,
    on: NaiveDate,
) -> Planned {
    if state.cohort(cohort).is_some() {
        return Err(DomainError::CohortExists(cohort));
    }
    if members.is_empty() {
        return Err(DomainError::EmptyCohort);
    }
    for member in members {
        let member_of = person(state, *member)?;
        if member_of.diploma {
            return Err(DomainError::AlreadyHoldsDiploma(*member));
        }
        // CO-2, CO-3: training "for mellem 12-15 co-drivere"; the chief forum's members and
        // the directors are not its candidates.
        if member_of.roles.iter().any(|role| matches!(role, PersonRole::ChiefForum | PersonRole::Director)) {
            return Err(DomainError::NotACandidate(*member));
        }
    }
    // CO-2: cohorts of 12-15 co-drivers (advisory).
    let size = u32::try_from(members.len()).unwrap_or(u32::MAX);
    let mut warnings = Vec::new();
    if policy.knows(PolicyValue::CohortSize) && !policy.cohort_size.contains(size) {
        warnings.push(Warning::CohortSizeOutsideRange { cohort, size, expected: policy.cohort_size });
    }
    // CO-5: "afholdes uddannelse hvert 1½ år": a cohort sooner after the one before warns.
    let previous = state
        .cohorts()
        .filter_map(|(earlier, _)| state.since(Since::Cohort(earlier)).map(|formed| (formed, earlier)))
        .filter(|(formed, _)| *formed <= on)
        .max();
    if let Some((previous_formed_on, previous)) =
        previous.filter(|_| policy.knows(PolicyValue::CohortInterval))
    {
        let expected_months = policy.cohort_interval_months;
        let due = previous_formed_on.checked_add_months(chrono::Months::new(expected_months));
        if due.is_some_and(|due| on < due) {
            let months = (1..expected_months)
                .take_while(|n| {
                    previous_formed_on.checked_add_months(chrono::Months::new(*n)).is_some_and(|at| at <= on)
                })
                .count();
            let months = u32::try_from(months).unwrap_or(u32::MAX);
            warnings.push(Warning::CohortSoonerThanInterval {
                cohort,
                previous,
                previous_formed_on,
                months,
                expected_months,
            });
        }
    }
    let event = Event::CohortFormed { cohort, members: members.clone(), acknowledged: Vec::new() };
    Ok((vec![event], warnings))
}

fn progress(state: &State, cohort: CohortId, person: PersonId) -> Result<&DiplomaProgress, DomainError> {
    let found = state.cohort(cohort).ok_or(DomainError::UnknownCohort(cohort))?;
    found.members.get(&person).ok_or(DomainError::NotCohortMember { cohort, person })
}

fn already_recorded(cohort: CohortId, person: PersonId, step: String) -> DomainError {
    DomainError::AlreadyRecorded { cohort, person, step }
}

fn record_teaching_day(state: &State, cohort: CohortId, person: PersonId, day: TeachingDay) -> Planned {
    // CO-3: five teaching days.
    if progress(state, cohort, person)?.days.contains(&day) {
        return Err(already_recorded(cohort, person, format!("teaching day {day:?}")));
    }
    only(vec![Event::TeachingDayAttended { cohort, person, day }])
}

fn pass_written_assignment(state: &State, cohort: CohortId, person: PersonId) -> Planned {
    if progress(state, cohort, person)?.written {
        return Err(already_recorded(cohort, person, "written assignment".to_owned()));
    }
    only(vec![Event::WrittenAssignmentPassed { cohort, person }])
}

fn pass_oral_exam(state: &State, cohort: CohortId, person: PersonId) -> Planned {
    let done = progress(state, cohort, person)?;
    // CO-3: it ends with a written assignment and an oral exam, in that order.
    if !done.written {
        return Err(DomainError::WrittenAssignmentFirst(person));
    }
    if done.oral {
        return Err(already_recorded(cohort, person, "oral exam".to_owned()));
    }
    only(vec![Event::OralExamPassed { cohort, person }])
}

fn award_diploma(state: &State, cohort: CohortId, id: PersonId) -> Planned {
    let done = progress(state, cohort, id)?;
    if done.awarded || person(state, id)?.diploma {
        return Err(DomainError::AlreadyHoldsDiploma(id));
    }
    // CO-3: all five days, the written assignment and the oral exam.
    let missing_days: Vec<TeachingDay> =
        TeachingDay::ALL.into_iter().filter(|day| !done.days.contains(day)).collect();
    if !missing_days.is_empty() || !done.written || !done.oral {
        return Err(DomainError::DiplomaIncomplete {
            person: id,
            missing_days,
            written: done.written,
            oral: done.oral,
        });
    }
    only(vec![Event::DiplomaAwarded { cohort, person: id }])
}

// SN -------------------------------------------------------------------------------------------

fn start_rotation(state: &State, id: PersonId, skills: &str, until: NaiveDate, on: NaiveDate) -> Planned {
    // SN-1: a bounded spell in the secretariat; CF points to the skills.
    if person(state, id)?.in_rotation {
        return Err(DomainError::AlreadyInRotation(id));
    }
    if until <= on {
        return Err(DomainError::RotationNotBounded { until });
    }
    let skills = required(skills, "skills the rotation is for", Rule::Sn1)?;
    only(vec![Event::RotationStarted { person: id, skills, until }])
}

fn end_rotation(state: &State, id: PersonId) -> Planned {
    if !person(state, id)?.in_rotation {
        return Err(DomainError::NotInRotation(id));
    }
    only(vec![Event::RotationEnded { person: id }])
}

fn request_help(state: &State, network: NetworkId, hotspot: &Hotspot, note: &str) -> Planned {
    running(state, network)?;
    // SN-2: networks call on the help hotspots, the five the seed names or another ("osv.").
    let note = required(note, "note on the help needed", Rule::Sn2)?;
    only(vec![Event::HelpRequested { network, hotspot: hotspot.clone(), note }])
}

/// ORG-2: a welfare network plays up to a subject committee, an innovation network to the
/// innovation committee ("I det omfang velfærdsnetværk spiller op til det politiske niveau,
/// kobles det til fagudvalg", "innovationsnetværk ... kobles det til innovationsudvalg"); any
/// network may reach the municipal council, or none. A committee is named only for a subject
/// committee.
fn link_politically(state: &State, id: NetworkId, link: PoliticalLink, committee: Option<&str>) -> Planned {
    let network = state.network(id).ok_or(DomainError::UnknownNetwork(id))?;
    let misfit = matches!(
        (network.network_type, link),
        (NetworkType::Learning | NetworkType::Welfare, PoliticalLink::InnovationCommittee)
            | (NetworkType::Innovation | NetworkType::Learning, PoliticalLink::SubjectCommittee)
    );
    if misfit {
        return Err(DomainError::PoliticalLinkMisfit {
            network: id,
            network_type: network.network_type,
            link,
        });
    }
    let committee = match committee.map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) if link != PoliticalLink::SubjectCommittee => {
            return Err(DomainError::CommitteeWithoutSubjectCommittee {
                network: id,
                committee: name.to_owned(),
            })
        }
        other => other.map(str::to_owned),
    };
    only(vec![Event::PoliticallyLinked { network: id, link, committee }])
}
