//! The AU rules: who may decide (the authority table), the founding, the register, roles, the
//! policy, the networks' work, training, and dates within the life of their subject.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use netvaerk_core::*;

use crate::support::*;

/// A history with business dates: each decision is folded on its own date, so AU-8 applies.
struct Dated {
    events: Vec<(Event, NaiveDate)>,
}

impl Dated {
    /// [`base`], as decided on 2016-01-04.
    fn base() -> Self {
        Self { events: base().into_iter().map(|event| (event, date(2016, 1, 4))).collect() }
    }

    fn state(&self) -> State {
        State::from_dated(self.events.iter().map(|(event, on)| (event, *on)))
    }

    fn decide(&self, by: PersonId, on: NaiveDate, action: Action) -> Result<Decision, DomainError> {
        let mut command = Command::new(Metadata::new(by, on), action);
        for rule in Rule::ALL {
            command = command.acknowledging(Acknowledgement::new(*rule, "accepted for the test"));
        }
        decide(&self.state(), &command, &Policy::ns3(), now())
    }

    fn run(&mut self, by: PersonId, on: NaiveDate, action: Action) {
        let decision =
            self.decide(by, on, action.clone()).unwrap_or_else(|error| panic!("{action:?}: {error}"));
        self.events.extend(decision.events.into_iter().map(|event| (event, on)));
    }
}

fn roles(roles: &[PersonRole]) -> BTreeSet<PersonRole> {
    roles.iter().copied().collect()
}

fn not_entitled(error: &DomainError) -> Rule {
    match error {
        DomainError::NotEntitled { rule, .. } => *rule,
        other => panic!("expected not_entitled, got {other:?}"),
    }
}

#[test]
fn au1_every_act_is_taken_by_a_registered_person_the_table_entitles() {
    let given = base();
    // (action, an actor the table refuses, the rule that refuses, an actor it entitles)
    let cases = [
        (Action::CloseRound { round: round("2016H2") }, secretary(), Rule::Org3, chief()),
        (
            Action::RegisterUnit { unit: unit(50), kind: UnitKind::DirectorArea, parent: None },
            chief(),
            Rule::Au3,
            secretary(),
        ),
        (Action::ChangePolicy { policy: Policy::ns3() }, secretary(), Rule::Au5, director()),
        (
            Action::FormCohort { cohort: cohort(1), members: BTreeSet::from([novice(0)]) },
            chief(),
            Rule::Au7,
            secretary(),
        ),
    ];
    let mut proposed = given.clone();
    run(&mut proposed, when(propose(theme(1))));
    let refine =
        Action::RefineTheme { theme: theme(1), title: None, challenge: None, note: "Narrower".into() };
    assert_eq!(not_entitled(&refused(&proposed, by(novice(0), refine.clone()))), Rule::Th4);
    decide_on(&proposed, &by(secretary(), refine)).unwrap();
    for (action, refused_actor, rule, entitled_actor) in cases {
        let error = refused(&given, by(refused_actor, action.clone()));
        assert_eq!(not_entitled(&error), rule, "{error}");
        assert_eq!(error.rule(), Some(rule));
        assert!(error.to_string().ends_with(&format!("({rule})")), "{error}");
        assert!(error.danish().ends_with(&format!("({rule})")), "{}", error.danish());
        let mut command = by(entitled_actor, action.clone());
        for rule in Rule::ALL {
            command = command.acknowledging(Acknowledgement::new(*rule, "accepted for the test"));
        }
        decide_on(&given, &command).unwrap_or_else(|error| panic!("{action:?} by {entitled_actor}: {error}"));
    }
    // Someone nobody registered is nobody's actor, whatever they try.
    let error = refused(&given, by(person(999), Action::OpenRound { round: round("2017H1") }));
    assert_eq!(error, DomainError::UnknownActor(person(999)));
    assert_eq!(error.rule(), Some(Rule::Au1));
}

#[test]
fn au1_an_act_about_a_network_or_theme_that_does_not_exist_says_so() {
    let given = base();
    let close = Action::CloseNetwork {
        network: network(9),
        outcome: Outcome::Stopped,
        reason: None,
        criteria_met: None,
    };
    assert_eq!(refused(&given, by(novice(0), close)), DomainError::UnknownNetwork(network(9)));
    let withdraw = Action::WithdrawTheme { theme: theme(9), reason: "gone".into() };
    assert_eq!(refused(&given, by(novice(0), withdraw)), DomainError::UnknownTheme(theme(9)));
}

#[test]
fn au2_an_organisation_is_founded_by_its_first_decision_and_only_once() {
    let (founder, first_chief) = (person(77), person(78));
    let empty: Vec<Event> = Vec::new();
    let as_founder = |action| Command::new(Metadata::new(founder, date(2014, 1, 6)), action);
    // Nothing before the founding, not even by being first.
    let unit_first =
        as_founder(Action::RegisterUnit { unit: area(), kind: UnitKind::DirectorArea, parent: None });
    assert_eq!(refused(&empty, unit_first), DomainError::NotFounded);
    let register_self = as_founder(Action::RegisterPerson {
        person: founder,
        unit: None,
        roles: roles(&[PersonRole::ChiefForum]),
    });
    assert_eq!(refused(&empty, register_self), DomainError::NotFounded);
    let found = |chief_forum: &[PersonId], secretariat: &[PersonId]| Action::FoundOrganisation {
        chief_forum: chief_forum.iter().copied().collect(),
        secretariat: secretariat.iter().copied().collect(),
    };
    assert_eq!(
        refused(&empty, as_founder(found(&[first_chief], &[]))),
        DomainError::FoundingWithout(DecidingBody::Secretariat)
    );
    assert_eq!(
        refused(&empty, as_founder(found(&[], &[founder]))),
        DomainError::FoundingWithout(DecidingBody::ChiefForum)
    );
    assert_eq!(
        refused(&empty, as_founder(found(&[first_chief], &[person(79)]))),
        DomainError::FounderNotNamed(founder)
    );
    let mut history = Vec::new();
    let decision = run(&mut history, as_founder(found(&[first_chief], &[founder])));
    assert_eq!(
        decision.events,
        vec![Event::OrganisationFounded {
            chief_forum: BTreeSet::from([first_chief]),
            secretariat: BTreeSet::from([founder]),
        }]
    );
    let state = State::from_events(&history);
    assert!(state.is_founded());
    assert!(state.person(first_chief).unwrap().is_chief_forum());
    assert!(state.person(founder).unwrap().roles.contains(&PersonRole::Secretariat));
    // Once, and a stranger is not let in by founding again.
    let again =
        Command::new(Metadata::new(person(80), date(2014, 1, 7)), found(&[person(80)], &[person(80)]));
    assert_eq!(refused(&history, again), DomainError::AlreadyFounded);
    // The founders decide from then on, each as the table says.
    run(
        &mut history,
        as_founder(Action::RegisterUnit { unit: area(), kind: UnitKind::DirectorArea, parent: None }),
    );
    run(&mut history, as_founder(Action::MovePerson { person: first_chief, unit: area() }));
    assert_eq!(State::from_events(&history).person(first_chief).unwrap().unit, Some(area()));
}

#[test]
fn au3_the_secretariat_keeps_the_register_and_a_person_corrects_their_own_contact() {
    let given = base();
    let state = State::from_events(&given);
    let register =
        Action::RegisterPerson { person: person(60), unit: Some(department()), roles: BTreeSet::new() };
    for outsider in [chief(), veteran(0), novice(0)] {
        assert_eq!(not_entitled(&refused(&given, by(outsider, register.clone()))), Rule::Au3);
    }
    decide_on(&given, &by(secretary(), register)).unwrap();
    let on = date(2016, 9, 1);
    let policy = Policy::ns3();
    let check = |act: Act<'_>, actor| check_authority(&state, &act, actor, on, &policy);
    // Personal data: the secretariat registers, corrects and erases; a person corrects their own
    // name and e-mail, nothing else and nobody else's.
    let own = Act::RecordPersonalData { person: novice(0), own_contact_only: true, elsewhere: false };
    let any_field = Act::RecordPersonalData { person: novice(0), own_contact_only: false, elsewhere: false };
    let erase = |person| Act::ErasePerson { person, elsewhere: false };
    assert_eq!(check(own, novice(0)), Ok(()));
    assert_eq!(check(own, secretary()), Ok(()));
    assert_eq!(check(any_field, secretary()), Ok(()));
    assert_eq!(not_entitled(&check(any_field, novice(0)).unwrap_err()), Rule::Au3);
    assert_eq!(not_entitled(&check(own, novice(1)).unwrap_err()), Rule::Au3);
    assert_eq!(check(erase(novice(0)), secretary()), Ok(()));
    assert_eq!(not_entitled(&check(erase(novice(0)), chief()).unwrap_err()), Rule::Au3);
    assert_eq!(check(erase(novice(0)), person(999)), Err(DomainError::UnknownActor(person(999))));
    // Another organisation's person's data is that organisation's to keep, even for the
    // secretariat here.
    let theirs = Act::ErasePerson { person: novice(0), elsewhere: true };
    assert_eq!(check(theirs, secretary()), Err(DomainError::PersonOfAnotherOrganisation(novice(0))));
    // A move names a registered unit and changes something.
    assert_eq!(
        refused(&given, when(Action::MovePerson { person: novice(0), unit: department2() })),
        DomainError::AlreadyInUnit { person: novice(0), unit: department2() }
    );
    check_event(
        &given,
        Action::MovePerson { person: novice(0), unit: department() },
        Event::PersonMoved { person: novice(0), unit: department() },
    );
}

fn check_event(given: &[Event], action: Action, then: Event) {
    crate::support::check(given, when(action), Ok(vec![then]));
}

#[test]
fn au4_nobody_grants_themself_a_role_and_the_entitled_grant_the_rest() {
    let given = base();
    let make =
        |person, roles_given: &[PersonRole]| Action::ChangePersonRoles { person, roles: roles(roles_given) };
    // An employee making themself a member of the chief forum, or of the secretariat.
    for role in [PersonRole::ChiefForum, PersonRole::Secretariat, PersonRole::Director] {
        assert_eq!(
            refused(&given, by(novice(0), make(novice(0), &[role]))),
            DomainError::OwnStanding { actor: novice(0), act: "change_person_roles" }
        );
    }
    // Nor a chief their own, nor anyone their own rotation.
    assert_eq!(refused(&given, by(chief(), make(chief(), &[]))).code(), "own_standing");
    let rotation = Action::StartRotation { person: secretary(), skills: "x".into(), until: date(2017, 1, 1) };
    assert_eq!(refused(&given, by(secretary(), rotation)).rule(), Some(Rule::Au4));
    // The chief forum admits members and directors; the secretariat's staff give its role.
    assert_eq!(
        not_entitled(&refused(&given, by(secretary(), make(novice(0), &[PersonRole::ChiefForum])))),
        Rule::Au4
    );
    assert_eq!(
        not_entitled(&refused(&given, by(chief(), make(novice(0), &[PersonRole::Secretariat])))),
        Rule::Au4
    );
    assert_eq!(
        not_entitled(&refused(&given, by(veteran(0), make(novice(0), &[PersonRole::Director])))),
        Rule::Au4
    );
    decide_on(&given, &by(chief(), make(novice(0), &[PersonRole::ChiefForum]))).unwrap();
    decide_on(&given, &by(secretary(), make(novice(0), &[PersonRole::Secretariat]))).unwrap();
    // Registering with a role needs both: the register's keeper and the role's giver.
    let register =
        Action::RegisterPerson { person: person(60), unit: None, roles: roles(&[PersonRole::Director]) };
    assert_eq!(not_entitled(&refused(&given, by(secretary(), register.clone()))), Rule::Au4);
    assert_eq!(not_entitled(&refused(&given, by(chief(), register))), Rule::Au3);
    // A policy may have the secretariat record appointments to the chief forum.
    let mut history = given.clone();
    let policy = Policy { chief_forum_admitted_by: DecidingBody::Secretariat, ..Policy::ns3() };
    run(&mut history, when(Action::ChangePolicy { policy }));
    decide_on(&history, &by(secretary(), make(novice(0), &[PersonRole::ChiefForum]))).unwrap();
    assert_eq!(
        not_entitled(&refused(&history, by(chief(), make(novice(0), &[PersonRole::ChiefForum])))),
        Rule::Au4
    );
    // The secretariat's staff is never emptied: only staff take the role, and not their own,
    // so the one who takes it stays. Here the secretary is its only staff.
    assert_eq!(not_entitled(&refused(&given, by(chief(), make(secretary(), &[])))), Rule::Au4);
    assert_eq!(refused(&given, by(secretary(), make(secretary(), &[]))).code(), "own_standing");
    let mut two = given.clone();
    run(&mut two, by(secretary(), make(novice(1), &[PersonRole::Secretariat])));
    run(&mut two, by(novice(1), make(secretary(), &[])));
    assert_eq!(refused(&two, by(secretary(), make(novice(1), &[]))).code(), "not_entitled");
}

#[test]
fn au4_the_last_member_of_the_chief_forum_keeps_the_role() {
    let mut forum = base();
    let make =
        |person, roles_given: &[PersonRole]| Action::ChangePersonRoles { person, roles: roles(roles_given) };
    for member in [chief2(), director(), director2()] {
        run(&mut forum, by(chief(), make(member, &[])));
    }
    // chief() is the last member; another member admitted can take the role from them, but
    // then that one is the last.
    run(&mut forum, by(chief(), make(novice(0), &[PersonRole::ChiefForum])));
    run(&mut forum, by(novice(0), make(chief(), &[])));
    run(&mut forum, by(novice(0), make(chief2(), &[PersonRole::ChiefForum])));
    run(&mut forum, by(chief2(), make(novice(0), &[])));
    assert_eq!(
        refused(&forum, by(chief2(), make(chief2(), &[]))),
        DomainError::OwnStanding { actor: chief2(), act: "change_person_roles" }
    );
    // The last member cannot be removed by anyone: there is nobody else in the forum to do it
    // under the default policy, and under a policy that lets the secretariat, it is refused.
    let policy = Policy { chief_forum_admitted_by: DecidingBody::Secretariat, ..Policy::ns3() };
    run(&mut forum, by(chief2(), Action::ChangePolicy { policy }));
    assert_eq!(
        refused(&forum, by(secretary(), make(chief2(), &[]))),
        DomainError::LastChiefForumMember(chief2())
    );
}

#[test]
fn au5_the_policy_is_changed_by_the_chief_forum_unless_the_policy_says_otherwise() {
    let given = base();
    let limit_99 = Policy { max_running_innovation_networks: 99, ..Policy::ns3() };
    for outsider in [novice(0), secretary(), veteran(0)] {
        let error = refused(&given, by(outsider, Action::ChangePolicy { policy: limit_99.clone() }));
        assert_eq!(not_entitled(&error), Rule::Au5);
    }
    let mut history = given.clone();
    let by_secretariat = Policy { policy_changed_by: DecidingBody::Secretariat, ..Policy::ns3() };
    run(&mut history, by(chief(), Action::ChangePolicy { policy: by_secretariat }));
    decide_on(&history, &by(secretary(), Action::ChangePolicy { policy: limit_99.clone() })).unwrap();
    assert_eq!(
        not_entitled(&refused(&history, by(chief(), Action::ChangePolicy { policy: limit_99 }))),
        Rule::Au5
    );
}

#[test]
fn au6_a_networks_people_and_the_secretariat_record_its_work_and_the_leader_chooses_the_co_driver() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let first = State::from_events(&given).network(welfare).unwrap().plan.phases[0].name.clone();
    let enter = Action::EnterPhase { network: welfare, phase: first };
    for outsider in [novice(1), chief2(), veteran(1)] {
        assert_eq!(not_entitled(&refused(&given, by(outsider, enter.clone()))), Rule::Au6);
    }
    for insider in [veteran(0), chief(), secretary()] {
        decide_on(&given, &by(insider, enter.clone())).unwrap_or_else(|error| panic!("{insider}: {error}"));
    }
    // The leader chooses the co-driver; a candidate does not attach themself, nor does the
    // reference leader choose for the leader.
    let attach = Action::AttachCoDriver { network: welfare, person: novice(0) };
    for outsider in [novice(0), chief()] {
        assert_eq!(not_entitled(&refused(&given, by(outsider, attach.clone()))), Rule::Au6);
    }
    decide_on(&given, &by(veteran(0), attach.clone())).unwrap();
    decide_on(&given, &by(secretary(), attach)).unwrap();
}

#[test]
fn au7_the_secretariat_runs_training_and_its_staff_the_rotations() {
    let mut given = base();
    let form = Action::FormCohort { cohort: cohort(1), members: BTreeSet::from([novice(0), novice(1)]) };
    for outsider in [chief(), director(), veteran(0)] {
        assert_eq!(not_entitled(&refused(&given, by(outsider, form.clone()))), Rule::Au7);
    }
    // A person in rotation records training, but brings nobody else into the secretariat.
    let until = date(2017, 3, 1);
    run(&mut given, when(Action::StartRotation { person: novice(2), skills: "Facilitation".into(), until }));
    let ack = Acknowledgement::new(Rule::Co2, "two for the test");
    decide_on(&given, &by(novice(2), form).acknowledging(ack)).unwrap();
    let other = Action::StartRotation { person: veteran(1), skills: "Design".into(), until };
    assert_eq!(not_entitled(&refused(&given, by(novice(2), other.clone()))), Rule::Au7);
    assert_eq!(not_entitled(&refused(&given, by(chief(), other))), Rule::Au7);
}

#[test]
fn au8_a_decision_is_not_dated_before_its_subject_or_what_it_presupposes() {
    let mut history = Dated::base();
    let (opened, proposed, decided, started) =
        (date(2016, 7, 5), date(2016, 8, 2), date(2016, 9, 6), date(2016, 10, 4));
    // A theme proposed before the round it is decided in; qualified and prioritised after.
    history.run(chief(), proposed, propose(theme(1)));
    let dated_before = |error: DomainError| match error {
        DomainError::DatedBefore { since, .. } => since,
        other => panic!("expected dated_before, got {other:?}"),
    };
    let qualify = Action::QualifyTheme { theme: theme(1), assessments: all_met() };
    assert_eq!(
        dated_before(history.decide(chief(), opened, qualify.clone()).unwrap_err()),
        Since::Theme(theme(1))
    );
    history.run(chief(), decided, qualify);
    let prioritise =
        Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Welfare };
    history.run(chief(), decided, prioritise);
    history.run(chief(), decided, Action::AcceptReferenceRole { theme: theme(1), person: chief() });
    // A start dated before its theme was prioritised.
    let start = Action::StartNetwork {
        network: network(1),
        theme: theme(1),
        network_type: NetworkType::Welfare,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(chief()),
    };
    let error = history.decide(chief(), proposed, start.clone()).unwrap_err();
    assert_eq!(error.rule(), Some(Rule::Au8));
    assert!(error.to_string().contains("before theme"), "{error}");
    assert!(error.danish().contains("blev prioriteret"), "{}", error.danish());
    assert_eq!(dated_before(error), Since::Prioritised(theme(1)));
    history.run(chief(), started, start);
    // A phase entered, and a close, dated before the start (the leader was not the leader yet,
    // and the network was not there).
    let phases = history.state().network(network(1)).unwrap().plan.phases.clone();
    let enter = |n: usize| Action::EnterPhase { network: network(1), phase: phases[n].name.clone() };
    assert_eq!(
        dated_before(history.decide(veteran(0), decided, enter(0)).unwrap_err()),
        Since::NetworkRoles(network(1))
    );
    assert_eq!(
        dated_before(history.decide(secretary(), decided, enter(0)).unwrap_err()),
        Since::Network(network(1))
    );
    let close = Action::CloseNetwork {
        network: network(1),
        outcome: Outcome::Stopped,
        reason: Some("no".into()),
        criteria_met: None,
    };
    assert_eq!(
        dated_before(history.decide(chief(), decided, close.clone()).unwrap_err()),
        Since::Network(network(1))
    );
    // A phase, or the close, before the phase it follows.
    let later = date(2016, 11, 1);
    history.run(veteran(0), later, enter(0));
    assert_eq!(
        dated_before(history.decide(veteran(0), started, enter(1)).unwrap_err()),
        Since::Phase(network(1))
    );
    assert_eq!(
        dated_before(history.decide(chief(), started, close.clone()).unwrap_err()),
        Since::Phase(network(1))
    );
    // A co-driver attached on 2016-11-15 did not record the network's work before that.
    let attached = date(2016, 11, 15);
    history.run(veteran(0), attached, Action::AttachCoDriver { network: network(1), person: novice(2) });
    let participants =
        Action::AddParticipants { network: network(1), participants: BTreeSet::from([novice(1)]) };
    assert_eq!(
        dated_before(history.decide(novice(2), later, participants.clone()).unwrap_err()),
        Since::NetworkRoles(network(1))
    );
    history.run(novice(2), attached, participants);
    history.run(chief(), attached, close);
    // A rotation entitles until its last day, ended or not (SN-1).
    history.run(
        secretary(),
        later,
        Action::StartRotation { person: veteran(2), skills: "Records".into(), until: date(2016, 12, 31) },
    );
    let name = |on| Action::NameUnit { unit: department(), name: format!("Omdøbt {on}") };
    history.run(veteran(2), date(2016, 12, 31), name(1));
    assert_eq!(not_entitled(&history.decide(veteran(2), date(2017, 1, 2), name(2)).unwrap_err()), Rule::Au3);
    // An actor's standing on the date: made a member of the forum on 2016-11-01, novice(0) did
    // not decide as one in October.
    history.run(
        chief(),
        later,
        Action::ChangePersonRoles { person: novice(0), roles: roles(&[PersonRole::ChiefForum]) },
    );
    let error = history.decide(novice(0), started, Action::OpenRound { round: round("2017H1") }).unwrap_err();
    assert_eq!(dated_before(error), Since::Standing(novice(0)));
    // A diploma before the oral exam, a cohort step before the cohort.
    let members = BTreeSet::from([novice(1)]);
    history.run(secretary(), later, Action::FormCohort { cohort: cohort(1), members });
    let day =
        Action::RecordTeachingDay { cohort: cohort(1), person: novice(1), day: TeachingDay::WelfareAnew };
    assert_eq!(
        dated_before(history.decide(secretary(), started, day).unwrap_err()),
        Since::Cohort(cohort(1))
    );
}

/// AU-3: the secretariat, which keeps the register, gives the organisation its name (reports
/// open with it); nobody else does, and a blank name is refused.
#[test]
fn au3_the_secretariat_names_the_organisation() {
    let given = base();
    let name = |text: &str| Action::NameOrganisation { name: text.into() };
    check(
        &given,
        by(secretary(), name(" Albertslund Kommune ")),
        Ok(vec![Event::OrganisationNamed { name: "Albertslund Kommune".into() }]),
    );
    assert!(matches!(refused(&given, by(chief(), name("Albertslund"))), DomainError::NotEntitled { .. }));
    assert_eq!(
        refused(&given, by(secretary(), name("  "))),
        DomainError::BlankField { field: "name", rule: Rule::Au3 }
    );
}
