//! Authority (AU-1): who may take each action, in one table beside the rules.
//!
//! The log proves that nothing was changed; this table makes sure that whoever decided was
//! entitled to. Every decision (an [`Action`]), every change of personal data and every
//! redaction is an [`Act`]; [`requirements`] gives, for an act, the [`Standing`]s that may take
//! it and the rule that says so, and [`check_authority`] holds the actor against them on the
//! decision's date. The cells come from the seed where it speaks (ORG-3: the chief forum
//! decides rounds, themes, starts and closes; RL-2, RL-4, TH-1, TH-4) and from the AU rules of
//! `docs/NS3.md` where it is silent (the register, roles, the policy, the networks' work,
//! training). Two readings a municipality may set otherwise are policy values:
//! [`Policy::chief_forum_admitted_by`] and [`Policy::policy_changed_by`].

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::chronology::Since;
use crate::command::Action;
use crate::error::DomainError;
use crate::id::PersonId;
use crate::policy::{DecidingBody, Policy};
use crate::rule::Rule;
use crate::state::State;
use crate::vocabulary::PersonRole;

impl DecidingBody {
    fn standings(self) -> &'static [Standing] {
        match self {
            Self::ChiefForum => CHIEF_FORUM,
            Self::Secretariat => STAFF,
        }
    }
}

/// What a person is, in relation to an act, that may entitle them to take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// A member of the chief forum; directors sit in it (ORG-3).
    ChiefForum,
    /// Staff of the secretariat: a person with the standing role (ORG-4).
    SecretariatStaff,
    /// Staff of the secretariat, or a person in rotation there (ORG-4, SN-1).
    Secretariat,
    /// The leader of the network the act concerns.
    Leader,
    /// A co-driver of the network the act concerns.
    CoDriver,
    /// The reference leader of the network the act concerns.
    ReferenceLeader,
    /// The chief-forum member who proposed the theme the act concerns.
    Proposer,
    /// The person the act concerns, acting for themself.
    Themself,
    /// The personnel leader the mandate contract names (RL-4).
    PersonnelLeader,
    /// Whoever founds a new organisation, naming themself among its first chief forum or
    /// secretariat (AU-2).
    Founder,
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ChiefForum => "the chief forum",
            Self::SecretariatStaff => "the secretariat's staff",
            Self::Secretariat => "the secretariat (staff or rotation)",
            Self::Leader => "the network's leader",
            Self::CoDriver => "its co-driver",
            Self::ReferenceLeader => "its reference leader",
            Self::Proposer => "the theme's proposer",
            Self::Themself => "the person themself",
            Self::PersonnelLeader => "the personnel leader the contract names",
            Self::Founder => "a founder of a new organisation",
        })
    }
}

/// Something a person does to an organisation's record that needs authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act<'a> {
    /// A decision, appended to the organisation's stream.
    Decide(&'a Action),
    /// Registering or correcting a person's personal data in the registry. `own_contact_only`:
    /// the change touches only the name and the e-mail address, which the person may correct
    /// themself (AU-3).
    RecordPersonalData {
        /// Whose data.
        person: PersonId,
        /// Whether only the name and e-mail address change.
        own_contact_only: bool,
        /// Whether the registry holds the person's data for another organisation (the registry
        /// is the store's, the persons each organisation's own).
        elsewhere: bool,
    },
    /// Erasing a person's personal data (GDPR).
    ErasePerson {
        /// Whose data.
        person: PersonId,
        /// As for [`Act::RecordPersonalData`].
        elsewhere: bool,
    },
    /// Redacting the words of a decision.
    Redact,
}

impl Act<'_> {
    /// The act's name, as commands spell it (`close_network`, `erase_person`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Decide(action) => action.name(),
            Self::RecordPersonalData { .. } => "record_personal_data",
            Self::ErasePerson { .. } => "erase_person",
            Self::Redact => "redact",
        }
    }
}

/// One cell of the table: any one of `may` entitles, under `rule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authority {
    /// The standings that entitle.
    pub may: &'static [Standing],
    /// The rule that gives them the act.
    pub rule: Rule,
}

const CHIEF_FORUM: &[Standing] = &[Standing::ChiefForum];
const STAFF: &[Standing] = &[Standing::SecretariatStaff];
const SECRETARIAT: &[Standing] = &[Standing::Secretariat];
const NETWORK_WORK: &[Standing] =
    &[Standing::Leader, Standing::CoDriver, Standing::ReferenceLeader, Standing::Secretariat];
const CLOSE: &[Standing] = &[Standing::ChiefForum, Standing::ReferenceLeader];
const POLITICAL: &[Standing] = &[Standing::ReferenceLeader, Standing::ChiefForum, Standing::Secretariat];
const CALENDAR: &[Standing] = &[Standing::ChiefForum, Standing::Secretariat];
const GOALS: &[Standing] =
    &[Standing::Leader, Standing::ReferenceLeader, Standing::ChiefForum, Standing::Secretariat];
const CO_DRIVER: &[Standing] = &[Standing::Leader, Standing::Secretariat];
const PROPOSE: &[Standing] = &[Standing::ChiefForum, Standing::Secretariat];
const REFINE: &[Standing] = &[Standing::Proposer, Standing::ChiefForum, Standing::Secretariat];
const WITHDRAW: &[Standing] = &[Standing::Proposer, Standing::ChiefForum];
const THEMSELF_OR_SECRETARIAT: &[Standing] = &[Standing::Themself, Standing::Secretariat];
const MANDATE: &[Standing] = &[Standing::PersonnelLeader, Standing::Secretariat];
const FOUNDER: &[Standing] = &[Standing::Founder];

const fn cell(may: &'static [Standing], rule: Rule) -> Authority {
    Authority { may, rule }
}

/// The authority table: what `act` needs, each [`Authority`] met by one of its standings. Most
/// acts need one; registering a person with roles, or changing roles, also needs the authority
/// to grant each kind of role given or taken (AU-4), so `state` is read for the roles before.
pub fn requirements(state: &State, act: &Act<'_>, policy: &Policy) -> Vec<Authority> {
    let action = match act {
        Act::RecordPersonalData { own_contact_only: true, .. } => {
            return vec![cell(THEMSELF_OR_SECRETARIAT, Rule::Au3)]
        }
        Act::RecordPersonalData { .. } | Act::ErasePerson { .. } | Act::Redact => {
            return vec![cell(SECRETARIAT, Rule::Au3)]
        }
        Act::Decide(action) => action,
    };
    let single = match action {
        Action::FoundOrganisation { .. } => cell(FOUNDER, Rule::Au2),
        // AU-3: the secretariat keeps the register.
        Action::RegisterUnit { .. }
        | Action::NameUnit { .. }
        | Action::NameOrganisation { .. }
        | Action::MovePerson { .. }
        | Action::RegisterPriorExperience { .. } => cell(SECRETARIAT, Rule::Au3),
        Action::RegisterPerson { roles, .. } => {
            let mut needed = vec![cell(SECRETARIAT, Rule::Au3)];
            needed.extend(role_grants(roles, policy));
            return needed;
        }
        Action::ChangePersonRoles { person, roles } => {
            let before = state.person(*person).map(|found| found.roles.clone()).unwrap_or_default();
            let changed: BTreeSet<PersonRole> = before.symmetric_difference(roles).copied().collect();
            let needed = role_grants(&changed, policy);
            // A change that changes nothing still needs someone who may change roles.
            return if needed.is_empty() {
                vec![cell(policy.chief_forum_admitted_by.standings(), Rule::Au4)]
            } else {
                needed
            };
        }
        // AU-5: the numbers behind every rule.
        Action::ChangePolicy { .. } => cell(policy.policy_changed_by.standings(), Rule::Au5),
        // ORG-3: the chief forum decides rounds, themes, starts, and supplies reference leaders.
        Action::OpenRound { .. }
        | Action::CloseRound { .. }
        | Action::QualifyTheme { .. }
        | Action::PrioritiseTheme { .. }
        | Action::DeferTheme { .. }
        | Action::RejectTheme { .. }
        | Action::StartNetwork { .. }
        | Action::ChangeReferenceLeader { .. } => cell(CHIEF_FORUM, Rule::Org3),
        // ORG-3: it closes networks as it starts them; the reference leader may for it.
        Action::CloseNetwork { .. } => cell(CLOSE, Rule::Org3),
        // TH-1: CF members own the theme discussions, "med mulig bistand fra Sekretariatet".
        Action::ProposeTheme { .. } => cell(PROPOSE, Rule::Th1),
        Action::RefineTheme { .. } => cell(REFINE, Rule::Th4),
        Action::WithdrawTheme { .. } => cell(WITHDRAW, Rule::Th3),
        // RL-2: the person opts in, or the secretariat records it on their documented request.
        Action::AcceptReferenceRole { .. } => cell(THEMSELF_OR_SECRETARIAT, Rule::Rl2),
        // AU-6: a network's own people and the secretariat record its work; the leader chooses
        // the co-driver ("i sit valg af co-driver"), the secretariat may record the choice.
        Action::EnterPhase { .. }
        | Action::BeginTestPhase { .. }
        | Action::ReplanNetwork { .. }
        | Action::AddParticipants { .. }
        | Action::RecordOutput { .. }
        | Action::RequestHelp { .. } => cell(NETWORK_WORK, Rule::Au6),
        Action::AttachCoDriver { .. } | Action::ChangeCoDriver { .. } => cell(CO_DRIVER, Rule::Au6),
        // RL-4: the personnel leader signs the mandate contract; the secretariat records it.
        Action::AgreeMandateContract { .. } => cell(MANDATE, Rule::Rl4),
        // ORG-2, RL: the reference leader judges the political link ("ansvarlig for at vurdere
        // relevansen af og sikre et eventuelt politisk samspil"), or the chief forum it sits in;
        // the secretariat records it on their word.
        Action::LinkPolitically { .. } => cell(POLITICAL, Rule::Org2),
        // NW-6: the goals are the network's ("forventningsafstemmes om temaet"): its leader and
        // reference leader agree them, the chief forum frames them, the secretariat records them.
        Action::SetGoals { .. } => cell(GOALS, Rule::Nw6),
        // ORG-5: the chief forum's calendar, kept by the forum or by the secretariat, which may
        // sit in it as a listener (ORG-4).
        Action::ScheduleForumMeetings { .. } => cell(CALENDAR, Rule::Org5),
        // AU-7: the secretariat runs the training; its staff runs the rotations.
        Action::AssessCompetences { .. }
        | Action::FormCohort { .. }
        | Action::RecordTeachingDay { .. }
        | Action::PassWrittenAssignment { .. }
        | Action::PassOralExam { .. }
        | Action::AwardDiploma { .. } => cell(SECRETARIAT, Rule::Au7),
        Action::StartRotation { .. } | Action::EndRotation { .. } => cell(STAFF, Rule::Au7),
    };
    vec![single]
}

/// AU-4: who may give or take each kind of role among `roles`: the chief forum's and the
/// directors' by [`Policy::chief_forum_admitted_by`], the secretariat's by its staff.
fn role_grants(roles: &BTreeSet<PersonRole>, policy: &Policy) -> Vec<Authority> {
    let mut needed = Vec::new();
    if roles.iter().any(|role| matches!(role, PersonRole::ChiefForum | PersonRole::Director)) {
        needed.push(cell(policy.chief_forum_admitted_by.standings(), Rule::Au4));
    }
    if roles.contains(&PersonRole::Secretariat) {
        needed.push(cell(STAFF, Rule::Au4));
    }
    needed
}

/// Whether `actor` holds `standing` for `act` on `on` (`None`: now, whatever the date). A
/// rotation entitles only until its last day (SN-1: bounded); a role in a network only from its
/// latest change of roles (AU-8: who holds it now held it from then, not before).
fn holds(state: &State, act: &Act<'_>, actor: PersonId, standing: Standing, on: Option<NaiveDate>) -> bool {
    let person = state.person(actor);
    let action = match act {
        Act::Decide(action) => Some(*action),
        _ => None,
    };
    let network_id = act_network(act);
    let network = network_id.and_then(|id| state.network(id));
    let in_network_on = || match (on, network_id) {
        (Some(on), Some(id)) => state.since(Since::NetworkRoles(id)).is_none_or(|since| since <= on),
        _ => true,
    };
    let in_rotation = |person: &crate::state::Person| {
        person.in_rotation && on.is_none_or(|on| person.rotation_until.is_none_or(|until| on <= until))
    };
    match standing {
        Standing::ChiefForum => person.is_some_and(|person| person.is_chief_forum()),
        Standing::SecretariatStaff => {
            person.is_some_and(|person| person.roles.contains(&PersonRole::Secretariat))
        }
        Standing::Secretariat => person
            .is_some_and(|person| person.roles.contains(&PersonRole::Secretariat) || in_rotation(person)),
        Standing::Leader => network.is_some_and(|network| network.leader == actor) && in_network_on(),
        Standing::CoDriver => network.is_some_and(|network| network.has_co_driver(actor)) && in_network_on(),
        Standing::ReferenceLeader => {
            network.is_some_and(|network| network.reference_leader == Some(actor)) && in_network_on()
        }
        Standing::Proposer => action
            .and_then(Action::theme)
            .and_then(|theme| state.theme(theme))
            .is_some_and(|theme| theme.proposed_by == actor),
        Standing::Themself => match act {
            Act::RecordPersonalData { person, .. } | Act::ErasePerson { person, .. } => *person == actor,
            Act::Decide(Action::AcceptReferenceRole { person, .. }) => *person == actor,
            _ => false,
        },
        Standing::PersonnelLeader => {
            matches!(act, Act::Decide(Action::AgreeMandateContract { personnel_leader, .. }) if *personnel_leader == actor)
        }
        Standing::Founder => !state.is_founded(),
    }
}

/// The network `act` is about, if any.
fn act_network(act: &Act<'_>) -> Option<crate::id::NetworkId> {
    match act {
        Act::Decide(action) => action.network(),
        _ => None,
    }
}

/// AU-1: refuses `act` by `actor` on `on` unless, for every cell [`requirements`] gives, the
/// actor holds one of its standings, and held it on that date (AU-8: the decision is not dated
/// before the actor was registered, their roles or rotation last changed, or, for a role in a
/// network, the network's roles last changed; a rotation entitles until its last day), so the
/// standing they hold now is the one they held then. AU-3: another organisation's person's data
/// is refused. AU-2: before the organisation is founded only its
/// founding is taken, and after, it never is again. AU-4: nobody changes their own roles or
/// starts their own rotation.
pub fn check_authority(
    state: &State,
    act: &Act<'_>,
    actor: PersonId,
    on: NaiveDate,
    policy: &Policy,
) -> Result<(), DomainError> {
    let founding = matches!(act, Act::Decide(Action::FoundOrganisation { .. }));
    if founding && state.is_founded() {
        return Err(DomainError::AlreadyFounded);
    }
    if !founding {
        if !state.is_founded() {
            return Err(DomainError::NotFounded);
        }
        state.person(actor).ok_or(DomainError::UnknownActor(actor))?;
        for since in [Since::Person(actor), Since::Standing(actor)] {
            if let Some(date) = state.since(since).filter(|date| on < *date) {
                return Err(DomainError::DatedBefore { on, since, date });
            }
        }
    }
    // AU-3: an organisation's secretariat keeps its own persons' data, never another's.
    if let Act::RecordPersonalData { person, elsewhere: true, .. }
    | Act::ErasePerson { person, elsewhere: true } = act
    {
        return Err(DomainError::PersonOfAnotherOrganisation(*person));
    }
    // An act about a network or theme that does not exist is refused as such, before asking
    // who may.
    if let Act::Decide(action) = act {
        let starts = matches!(action, Action::StartNetwork { .. });
        if let Some(network) = action.network().filter(|_| !starts) {
            state.network(network).ok_or(DomainError::UnknownNetwork(network))?;
        }
        if let Some(theme) = action.theme().filter(|_| !matches!(action, Action::ProposeTheme { .. })) {
            state.theme(theme).ok_or(DomainError::UnknownTheme(theme))?;
        }
    }
    match act {
        Act::Decide(Action::ChangePersonRoles { person, .. } | Action::StartRotation { person, .. })
            if *person == actor =>
        {
            return Err(DomainError::OwnStanding { actor, act: act.name() });
        }
        _ => {}
    }
    for needed in requirements(state, act, policy) {
        if needed.may.iter().any(|standing| holds(state, act, actor, *standing, Some(on))) {
            continue;
        }
        // Entitled now, but not on the decision's date: a role in the network taken since.
        let entitled_now = needed.may.iter().any(|standing| holds(state, act, actor, *standing, None));
        if let Some(network) = act_network(act).filter(|_| entitled_now) {
            if let Some(date) = state.since(Since::NetworkRoles(network)).filter(|date| on < *date) {
                return Err(DomainError::DatedBefore { on, since: Since::NetworkRoles(network), date });
            }
        }
        return Err(DomainError::NotEntitled { actor, act: act.name(), may: needed.may, rule: needed.rule });
    }
    Ok(())
}
