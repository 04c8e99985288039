//! The given/when/then helper and a small organisation of known ids.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use netvaerk_core::*;
use uuid::Uuid;

pub fn person(n: u128) -> PersonId {
    PersonId::from_uuid(Uuid::from_u128(0x1000 + n))
}
pub fn unit(n: u128) -> UnitId {
    UnitId::from_uuid(Uuid::from_u128(0x2000 + n))
}
pub fn theme(n: u128) -> ThemeId {
    ThemeId::from_uuid(Uuid::from_u128(0x3000 + n))
}
pub fn network(n: u128) -> NetworkId {
    NetworkId::from_uuid(Uuid::from_u128(0x4000 + n))
}
pub fn cohort(n: u128) -> CohortId {
    CohortId::from_uuid(Uuid::from_u128(0x5000 + n))
}
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid test date")
}
pub fn round(text: &str) -> RoundId {
    text.parse().expect("a valid test round")
}

pub const TODAY: (i32, u32, u32) = (2016, 9, 1);

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

pub fn area() -> UnitId {
    unit(1)
}
pub fn department() -> UnitId {
    unit(2)
}
pub fn department2() -> UnitId {
    unit(3)
}
pub fn secretariat_unit() -> UnitId {
    unit(9)
}
pub fn secretary() -> PersonId {
    person(1)
}
pub fn chief() -> PersonId {
    person(2)
}
pub fn chief2() -> PersonId {
    person(3)
}
pub fn director() -> PersonId {
    person(4)
}
pub fn director2() -> PersonId {
    person(5)
}
/// Experienced leaders of generation 1: qualified (NL-1).
pub fn veteran(n: u128) -> PersonId {
    person(10 + n)
}
/// Persons with no history: untried.
pub fn novice(n: u128) -> PersonId {
    person(20 + n)
}

/// A command on 2016-09-01, decided by whom the authority table (AU-1) entitles: the chief
/// forum's chair (a member, ORG-3) for what the chief forum may decide, else the secretary, who
/// keeps the register (AU-3), runs the training (AU-7) and records the networks' work (AU-6).
pub fn when(action: Action) -> Command {
    let (y, m, d) = TODAY;
    Command::new(Metadata::new(entitled(&action), date(y, m, d)), action)
}

/// Who [`when`] lets decide `action`.
pub fn entitled(action: &Action) -> PersonId {
    let needed = requirements(&State::new(), &Act::Decide(action), &Policy::ns3());
    if needed.iter().all(|cell| cell.may.contains(&Standing::ChiefForum)) {
        chief()
    } else {
        secretary()
    }
}

/// The same command by `actor`.
pub fn by(actor: PersonId, action: Action) -> Command {
    let (y, m, d) = TODAY;
    Command::new(Metadata::new(actor, date(y, m, d)), action)
}

/// RL-2: `person` opts in as reference leader on `theme`, recording it themself.
pub fn opts_in(theme: ThemeId, person: PersonId) -> Command {
    by(person, Action::AcceptReferenceRole { theme, person })
}

/// The same command dated `on`.
pub fn on(on: NaiveDate, action: Action) -> Command {
    Command::new(Metadata::new(entitled(&action), on), action)
}

pub fn decide_on(given: &[Event], command: &Command) -> Result<Decision, DomainError> {
    decide(&State::from_events(given), command, &Policy::ns3(), now())
}

/// Given these events, when this command, then these events or this error. On success, also
/// checks that the decision's events fold without changing anything they should not.
pub fn check(given: &[Event], command: Command, then: Result<Vec<Event>, DomainError>) {
    let decided = decide_on(given, &command).map(|decision| decision.events);
    assert_eq!(decided, then, "\ngiven {} events, when {:?}", given.len(), command.action);
}

/// The error the command is refused with; fails the test if it is accepted.
pub fn refused(given: &[Event], command: Command) -> DomainError {
    match decide_on(given, &command) {
        Ok(decision) => panic!("expected a refusal, got {:?}", decision.events),
        Err(error) => error,
    }
}

/// Decides `command` on the history and appends its events; the test fails if refused.
pub fn run(history: &mut Vec<Event>, command: Command) -> Decision {
    let decision = decide_on(history, &command)
        .unwrap_or_else(|error| panic!("{:?} was refused: {error}", command.action));
    history.extend(decision.events.iter().cloned());
    decision
}

/// Like [`run`], acknowledging the warnings of every rule.
pub fn run_acknowledged(history: &mut Vec<Event>, command: Command) -> Decision {
    let mut command = command;
    for rule in Rule::ALL {
        command = command.acknowledging(Acknowledgement::new(*rule, "accepted for the test"));
    }
    run(history, command)
}

/// The base organisation: a director area with two departments, the secretariat, a secretary,
/// two chief-forum members, two directors, three experienced leaders and three novices; and
/// round 2016H2 open.
pub fn base() -> Vec<Event> {
    let mut history = Vec::new();
    let roles = |roles: &[PersonRole]| roles.iter().copied().collect::<BTreeSet<_>>();
    history.push(Event::UnitRegistered { unit: area(), kind: UnitKind::DirectorArea, parent: None });
    for dept in [department(), department2()] {
        history.push(Event::UnitRegistered { unit: dept, kind: UnitKind::Department, parent: Some(area()) });
    }
    history.push(Event::UnitRegistered {
        unit: secretariat_unit(),
        kind: UnitKind::Secretariat,
        parent: None,
    });
    let people = [
        (secretary(), roles(&[PersonRole::Secretariat])),
        (chief(), roles(&[PersonRole::ChiefForum])),
        (chief2(), roles(&[PersonRole::ChiefForum])),
        (director(), roles(&[PersonRole::Director])),
        (director2(), roles(&[PersonRole::Director])),
    ];
    for (id, roles) in people {
        history.push(Event::PersonRegistered { person: id, unit: Some(department()), roles });
    }
    for n in 0..3 {
        history.push(Event::PersonRegistered {
            person: veteran(n),
            unit: Some(department()),
            roles: BTreeSet::new(),
        });
        history.push(Event::PriorExperienceRegistered {
            person: veteran(n),
            generation: 1,
            networks_led: 2,
            networks_co_driven: 0,
        });
        history.push(Event::PersonRegistered {
            person: novice(n),
            unit: Some(department2()),
            roles: BTreeSet::new(),
        });
    }
    history.push(Event::RoundOpened { round: round("2016H2"), acknowledged: Vec::new() });
    history
}

pub fn all_met() -> Vec<CriterionAssessment> {
    Criterion::ALL
        .into_iter()
        .map(|criterion| CriterionAssessment { criterion, met: true, note: "met".into() })
        .collect()
}

pub fn propose(id: ThemeId) -> Action {
    Action::ProposeTheme {
        theme: id,
        title: "Sharing economy".into(),
        challenge: "We lack knowledge of the sharing economy".into(),
        proposed_by: chief(),
        departments: vec![department()],
        origins: BTreeSet::from([Origin::Below]),
    }
}

/// Proposes, qualifies (all criteria met) and prioritises theme `n` at rank `n` in the open
/// round, and has the chief forum member, both directors accept it as reference leaders.
pub fn prioritised(history: &mut Vec<Event>, n: u128, recommended_type: NetworkType) -> ThemeId {
    let id = theme(n);
    let rank = u32::try_from(n).unwrap();
    run(history, when(propose(id)));
    run(history, when(Action::QualifyTheme { theme: id, assessments: all_met() }));
    run(history, when(Action::PrioritiseTheme { theme: id, rank, recommended_type }));
    for accepter in [chief(), chief2(), director(), director2()] {
        run(history, opts_in(id, accepter));
    }
    id
}

/// Starts network `n` of `network_type` on a fresh prioritised theme `n`, led by `leader`,
/// with the right kind of reference leader.
pub fn started(history: &mut Vec<Event>, n: u128, network_type: NetworkType, leader: PersonId) -> NetworkId {
    let theme = prioritised(history, n, network_type);
    let reference_leader = match network_type {
        NetworkType::Innovation => director(),
        _ => chief(),
    };
    let id = network(n);
    run_acknowledged(
        history,
        when(Action::StartNetwork {
            network: id,
            theme,
            network_type,
            leader,
            co_driver: None,
            reference_leader: Some(reference_leader),
        }),
    );
    // RL-4: a welfare or innovation network agrees its mandate contract before its first
    // intensive period; the area's director is every leader's personnel leader here.
    if network_type != NetworkType::Learning {
        let contract = Action::AgreeMandateContract {
            network: id,
            personnel_leader: director(),
            secretariat: secretary(),
            terms: "Four hours a week in the intensive periods".into(),
        };
        run(history, by(director(), contract));
    }
    id
}

/// TP-1: begin the test phase with nothing recorded beside it (no funding, subject or owners).
pub fn begin_test_phase(network: NetworkId) -> Action {
    Action::BeginTestPhase { network, funding: None, funding_kr: None, tested: None, owners: Vec::new() }
}

/// PR-5: enters, in order, every phase of the network's plan after the current one and before
/// `phase` (the test phase with its own command), so a test can go on from there.
pub fn phases_before(history: &mut Vec<Event>, id: NetworkId, phase: &str) {
    let state = State::from_events(history.iter());
    let network = state.network(id).expect("a started network");
    let (plan, next) = (network.plan.clone(), network.phase.map_or(0, |current| current + 1));
    for spec in plan.phases.iter().skip(next).take_while(|spec| spec.name != phase) {
        let action = match spec.kind {
            PhaseKind::Test => begin_test_phase(id),
            _ => Action::EnterPhase { network: id, phase: spec.name.clone() },
        };
        run(history, when(action));
    }
}
