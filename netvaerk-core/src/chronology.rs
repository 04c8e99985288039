//! Dates within the life of their subject (AU-8): a decision about a unit, person, round,
//! theme, network or cohort is not dated before that subject existed, nor before what it
//! presupposes (a start before its theme's prioritisation, a phase before the start or before
//! the phase it follows, a close before the network's last phase, a round's close before its
//! decisions, an exam before the teaching days, a diploma before its exam).
//!
//! [`evolve_on`](crate::evolve_on) notes the date of each fact later decisions presuppose, as a
//! [`Since`]; [`check_dates`] holds a command's business date against them. A history folded
//! without dates ([`evolve`](crate::evolve)) has none, and is not checked.

use std::fmt;

use chrono::NaiveDate;

use crate::command::Action;
use crate::error::DomainError;
use crate::event::Event;
use crate::id::{CohortId, NetworkId, PersonId, RoundId, ThemeId, UnitId};
use crate::state::State;

/// A dated fact that later decisions presuppose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Since {
    /// The unit was registered.
    Unit(UnitId),
    /// The person was registered (or named at the founding).
    Person(PersonId),
    /// The person's standing last changed: their registration, a change of roles, the start or
    /// end of a rotation.
    Standing(PersonId),
    /// The round was opened.
    Round(RoundId),
    /// The theme was proposed.
    Theme(ThemeId),
    /// The theme's latest qualification.
    Qualified(ThemeId),
    /// The theme's latest prioritisation.
    Prioritised(ThemeId),
    /// The network was started.
    Network(NetworkId),
    /// The network entered its latest phase (or began its test).
    Phase(NetworkId),
    /// The network's leader, co-drivers or reference leader last changed (its start, an
    /// attachment or a change): who holds a role in it now held it from then.
    NetworkRoles(NetworkId),
    /// The latest decision on a theme in the round (a qualification, prioritisation, deferral
    /// or rejection): the round closes after it.
    RoundDecision(RoundId),
    /// The person's latest step in the cohort (a teaching day, the written assignment).
    CohortStep(CohortId, PersonId),
    /// The cohort was formed.
    Cohort(CohortId),
    /// The person passed the cohort's oral exam.
    OralExam(CohortId, PersonId),
}

impl fmt::Display for Since {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unit(unit) => write!(f, "unit {unit} was registered"),
            Self::Person(person) => write!(f, "{person} was registered"),
            Self::Standing(person) => write!(f, "{person}'s roles or rotation last changed"),
            Self::Round(round) => write!(f, "round {round} was opened"),
            Self::Theme(theme) => write!(f, "theme {theme} was proposed"),
            Self::Qualified(theme) => write!(f, "theme {theme} was qualified"),
            Self::Prioritised(theme) => write!(f, "theme {theme} was prioritised"),
            Self::Network(network) => write!(f, "network {network} was started"),
            Self::Phase(network) => write!(f, "network {network} entered its latest phase"),
            Self::NetworkRoles(network) => write!(f, "network {network}'s roles last changed"),
            Self::RoundDecision(round) => write!(f, "the latest decision in round {round}"),
            Self::CohortStep(_, person) => write!(f, "{person}'s latest step in the cohort"),
            Self::Cohort(cohort) => write!(f, "cohort {cohort} was formed"),
            Self::OralExam(_, person) => write!(f, "{person} passed the oral exam"),
        }
    }
}

impl Since {
    /// The same in Danish.
    pub fn danish(&self) -> String {
        match self {
            Self::Unit(unit) => format!("enheden {unit} blev registreret"),
            Self::Person(person) => format!("{person} blev registreret"),
            Self::Standing(person) => format!("{person}s roller eller turnus sidst blev ændret"),
            Self::Round(round) => format!("runden {round} blev åbnet"),
            Self::Theme(theme) => format!("temaet {theme} blev foreslået"),
            Self::Qualified(theme) => format!("temaet {theme} blev kvalificeret"),
            Self::Prioritised(theme) => format!("temaet {theme} blev prioriteret"),
            Self::Network(network) => format!("netværket {network} blev sat i gang"),
            Self::Phase(network) => format!("netværket {network} gik ind i sin seneste fase"),
            Self::NetworkRoles(network) => format!("netværket {network}s roller sidst blev ændret"),
            Self::RoundDecision(round) => format!("den seneste beslutning i runden {round}"),
            Self::CohortStep(_, person) => format!("{person}s seneste skridt på holdet"),
            Self::Cohort(cohort) => format!("holdet {cohort} blev dannet"),
            Self::OralExam(_, person) => format!("{person} bestod den mundtlige eksamen"),
        }
    }
}

/// The dated facts `event` establishes, which later decisions presuppose.
pub(crate) fn established(event: &Event) -> Vec<Since> {
    match event {
        Event::OrganisationFounded { chief_forum, secretariat } => chief_forum
            .iter()
            .chain(secretariat)
            .flat_map(|person| [Since::Person(*person), Since::Standing(*person)])
            .collect(),
        Event::UnitRegistered { unit, .. } => vec![Since::Unit(*unit)],
        Event::PersonRegistered { person, .. } => vec![Since::Person(*person), Since::Standing(*person)],
        Event::PersonRolesChanged { person, .. }
        | Event::RotationStarted { person, .. }
        | Event::RotationEnded { person } => vec![Since::Standing(*person)],
        Event::RoundOpened { round, .. } => vec![Since::Round(*round)],
        Event::ThemeProposed { theme, .. } => vec![Since::Theme(*theme)],
        Event::ThemeQualified { theme, round, .. } => {
            vec![Since::Qualified(*theme), Since::RoundDecision(*round)]
        }
        Event::ThemePrioritised { theme, round, .. } => {
            vec![Since::Prioritised(*theme), Since::RoundDecision(*round)]
        }
        Event::ThemeDeferred { round, .. } | Event::ThemeRejected { round, .. } => {
            vec![Since::RoundDecision(*round)]
        }
        Event::NetworkStarted { network, .. } => {
            vec![Since::Network(*network), Since::Phase(*network), Since::NetworkRoles(*network)]
        }
        Event::ReferenceLeaderAssigned { network, .. }
        | Event::ReferenceLeaderChanged { network, .. }
        | Event::CoDriverAttached { network, .. }
        | Event::CoDriverChanged { network, .. } => vec![Since::NetworkRoles(*network)],
        Event::TeachingDayAttended { cohort, person, .. }
        | Event::WrittenAssignmentPassed { cohort, person } => {
            vec![Since::CohortStep(*cohort, *person)]
        }
        Event::PhaseEntered { network, .. } | Event::TestPhaseBegun { network, .. } => {
            vec![Since::Phase(*network)]
        }
        Event::CohortFormed { cohort, .. } => vec![Since::Cohort(*cohort)],
        Event::OralExamPassed { cohort, person } => vec![Since::OralExam(*cohort, *person)],
        Event::UnitNamed { .. }
        | Event::OrganisationNamed { .. }
        | Event::PersonMoved { .. }
        | Event::PriorExperienceRegistered { .. }
        | Event::PolicyChanged { .. }
        | Event::RoundClosed { .. }
        | Event::ThemeWithdrawn { .. }
        | Event::ThemeRefined { .. }
        | Event::ReferenceLeaderAccepted { .. }
        | Event::MandateContractAgreed { .. }
        | Event::CompetencesAssessed { .. }
        | Event::NetworkReplanned { .. }
        | Event::ParticipantsJoined { .. }
        | Event::OutputRecorded { .. }
        | Event::NetworkClosed { .. }
        | Event::DiplomaAwarded { .. }
        | Event::HelpRequested { .. }
        | Event::PoliticallyLinked { .. }
        | Event::GoalsSet { .. }
        | Event::ForumMeetingsScheduled { .. } => Vec::new(),
    }
}

/// The dated facts `action` presupposes, in the state it is decided on.
pub fn presupposed(state: &State, action: &Action) -> Vec<Since> {
    let persons = |persons: &mut dyn Iterator<Item = &PersonId>| persons.map(|p| Since::Person(*p)).collect();
    let units = |units: &[UnitId]| units.iter().map(|unit| Since::Unit(*unit)).collect::<Vec<_>>();
    let in_round = |theme: ThemeId| {
        let mut since = vec![Since::Theme(theme)];
        since.extend(state.open_round().map(Since::Round));
        since
    };
    let network = |network: NetworkId| vec![Since::Network(network)];
    let phase = |network: NetworkId| vec![Since::Network(network), Since::Phase(network)];
    match action {
        Action::FoundOrganisation { .. }
        | Action::NameOrganisation { .. }
        | Action::ChangePolicy { .. }
        | Action::OpenRound { .. } => Vec::new(),
        Action::RegisterUnit { parent, .. } => parent.iter().map(|unit| Since::Unit(*unit)).collect(),
        Action::NameUnit { unit, .. } => vec![Since::Unit(*unit)],
        Action::RegisterPerson { unit, .. } => unit.iter().map(|unit| Since::Unit(*unit)).collect(),
        Action::MovePerson { person, unit } => vec![Since::Person(*person), Since::Unit(*unit)],
        Action::ChangePersonRoles { person, .. } => vec![Since::Person(*person), Since::Standing(*person)],
        Action::RegisterPriorExperience { person, .. }
        | Action::AssessCompetences { person, .. }
        | Action::StartRotation { person, .. } => vec![Since::Person(*person)],
        Action::EndRotation { person } => vec![Since::Standing(*person)],
        Action::CloseRound { round } => vec![Since::Round(*round), Since::RoundDecision(*round)],
        Action::ProposeTheme { proposed_by, departments, .. } => {
            let mut since = units(departments);
            since.push(Since::Person(*proposed_by));
            since
        }
        Action::QualifyTheme { theme, .. }
        | Action::DeferTheme { theme, .. }
        | Action::RejectTheme { theme, .. } => in_round(*theme),
        Action::PrioritiseTheme { theme, .. } => {
            let mut since = in_round(*theme);
            since.push(Since::Qualified(*theme));
            since
        }
        Action::WithdrawTheme { theme, .. } | Action::RefineTheme { theme, .. } => vec![Since::Theme(*theme)],
        Action::AcceptReferenceRole { theme, person } => vec![Since::Theme(*theme), Since::Person(*person)],
        Action::StartNetwork { theme, leader, co_driver, reference_leader, .. } => {
            let mut since: Vec<Since> =
                persons(&mut std::iter::once(leader).chain(co_driver).chain(reference_leader));
            since.extend([Since::Theme(*theme), Since::Prioritised(*theme)]);
            since
        }
        Action::EnterPhase { network, .. }
        | Action::ReplanNetwork { network, .. }
        | Action::CloseNetwork { network, .. } => phase(*network),
        Action::BeginTestPhase { network, owners, .. } => {
            let mut since = phase(*network);
            since.extend(units(owners));
            since
        }
        Action::AddParticipants { network: id, participants } => {
            let mut since = network(*id);
            since.extend(persons(&mut participants.iter()) as Vec<Since>);
            since
        }
        Action::RecordOutput { network: id, units: named, .. } => {
            let mut since = network(*id);
            since.extend(units(named));
            since
        }
        Action::ChangeReferenceLeader { network: id, to: person, .. }
        | Action::AttachCoDriver { network: id, person }
        | Action::ChangeCoDriver { network: id, to: person, .. } => {
            let mut since = network(*id);
            since.push(Since::Person(*person));
            since
        }
        Action::AgreeMandateContract { network: id, personnel_leader, secretariat, .. } => {
            let mut since = network(*id);
            since.extend([Since::Person(*personnel_leader), Since::Person(*secretariat)]);
            since
        }
        Action::RequestHelp { network: id, .. }
        | Action::LinkPolitically { network: id, .. }
        | Action::SetGoals { network: id, .. } => network(*id),
        Action::ScheduleForumMeetings { .. } => Vec::new(),
        Action::FormCohort { members, .. } => persons(&mut members.iter()),
        Action::RecordTeachingDay { cohort, .. } => vec![Since::Cohort(*cohort)],
        Action::PassWrittenAssignment { cohort, person } | Action::PassOralExam { cohort, person } => {
            vec![Since::Cohort(*cohort), Since::CohortStep(*cohort, *person)]
        }
        Action::AwardDiploma { cohort, person } => {
            vec![Since::Cohort(*cohort), Since::OralExam(*cohort, *person)]
        }
    }
}

/// AU-8: refuses `action` dated `on` if a fact it presupposes is dated later.
pub fn check_dates(state: &State, action: &Action, on: NaiveDate) -> Result<(), DomainError> {
    for since in presupposed(state, action) {
        if let Some(date) = state.since(since).filter(|date| on < *date) {
            return Err(DomainError::DatedBefore { on, since, date });
        }
    }
    Ok(())
}
