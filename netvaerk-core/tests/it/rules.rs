//! One test (at least) per NS3 rule the core enforces, named after the rule.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use netvaerk_core::*;

use crate::support::*;

// ORG ------------------------------------------------------------------------------------------

#[test]
fn org1_department_must_sit_under_a_director_area() {
    let given = base();
    let loose = unit(50);
    check(
        &given,
        when(Action::RegisterUnit { unit: loose, kind: UnitKind::Department, parent: None }),
        Err(DomainError::DepartmentOutsideDirectorArea { unit: loose }),
    );
    check(
        &given,
        when(Action::RegisterUnit { unit: loose, kind: UnitKind::Department, parent: Some(department()) }),
        Err(DomainError::DepartmentOutsideDirectorArea { unit: loose }),
    );
    check(
        &given,
        when(Action::RegisterUnit { unit: loose, kind: UnitKind::DirectorArea, parent: Some(area()) }),
        Err(DomainError::DirectorAreaUnderUnit { unit: loose }),
    );
    check(
        &given,
        when(Action::RegisterUnit { unit: loose, kind: UnitKind::Department, parent: Some(area()) }),
        Ok(vec![Event::UnitRegistered { unit: loose, kind: UnitKind::Department, parent: Some(area()) }]),
    );
}

#[test]
fn org1_a_unit_is_named_and_renamed_by_events_and_the_name_in_force_is_the_last() {
    let mut given = base();
    check(
        &given,
        when(Action::NameUnit { unit: unit(50), name: "Kultur".into() }),
        Err(DomainError::UnknownUnit(unit(50))),
    );
    check(
        &given,
        when(Action::NameUnit { unit: department(), name: "  ".into() }),
        Err(DomainError::BlankField { field: "name", rule: Rule::Org1 }),
    );
    run(&mut given, when(Action::NameUnit { unit: department(), name: " Børn og Unge ".into() }));
    assert_eq!(
        given.last(),
        Some(&Event::UnitNamed { unit: department(), name: "Børn og Unge".into() }),
        "the name is stored trimmed"
    );
    run(&mut given, when(Action::NameUnit { unit: department(), name: "Børn, Unge og Familie".into() }));
    let state = State::from_events(&given);
    assert_eq!(state.unit(department()).unwrap().name.as_deref(), Some("Børn, Unge og Familie"));
}

#[test]
fn org_units_and_persons_are_registered_once_and_by_a_registered_actor() {
    let given = base();
    check(
        &given,
        when(Action::RegisterUnit { unit: area(), kind: UnitKind::DirectorArea, parent: None }),
        Err(DomainError::UnitExists(area())),
    );
    check(
        &given,
        when(Action::RegisterPerson { person: chief(), unit: None, roles: BTreeSet::new() }),
        Err(DomainError::PersonExists(chief())),
    );
    let mut stranger = when(Action::OpenRound { round: round("2017H1") });
    stranger.metadata.actor = person(999);
    assert_eq!(refused(&given, stranger), DomainError::UnknownActor(person(999)));
}

#[test]
fn org2_th1_a_theme_the_political_level_asks_for_is_proposed_with_the_origin_above() {
    let given = base();
    let Action::ProposeTheme { theme: id, title, challenge, proposed_by, departments, .. } =
        propose(theme(1))
    else {
        unreachable!("propose makes a proposal")
    };
    let origins = BTreeSet::from([Origin::Above]);
    let action = Action::ProposeTheme {
        theme: id,
        title: title.clone(),
        challenge: challenge.clone(),
        proposed_by,
        departments: departments.clone(),
        origins: origins.clone(),
    };
    check(
        &given,
        when(action),
        Ok(vec![Event::ThemeProposed { theme: id, title, challenge, proposed_by, departments, origins }]),
    );
}

#[test]
fn nw1_there_are_three_network_types_each_with_its_own_plan_and_only_learning_without_a_test() {
    assert_eq!(NetworkType::ALL, [NetworkType::Learning, NetworkType::Welfare, NetworkType::Innovation]);
    let policy = Policy::ns3();
    for network_type in NetworkType::ALL {
        let plan = policy.plan(network_type);
        assert!(!plan.phases.is_empty(), "{network_type} has a plan");
        let tested = plan.phases.iter().any(|phase| phase.kind == PhaseKind::Test);
        assert_eq!(tested, network_type != NetworkType::Learning, "{network_type}: TP-1");
    }
    let mut given = base();
    let learning = started(&mut given, 1, NetworkType::Learning, novice(0));
    let welfare = started(&mut given, 2, NetworkType::Welfare, veteran(0));
    let state = State::from_events(&given);
    assert_eq!(state.network(learning).unwrap().network_type, NetworkType::Learning);
    assert_eq!(state.network(welfare).unwrap().network_type, NetworkType::Welfare);
}

#[test]
fn cd3_nl3_a_candidates_ten_competences_are_recorded_and_the_chief_forum_then_attaches_them() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let scores: BTreeMap<Competence, u8> =
        Competence::ALL.iter().map(|competence| (*competence, 3)).collect();
    assert_eq!(scores.len(), 10);
    check(
        &given,
        when(Action::AssessCompetences { person: novice(0), scores: scores.clone() }),
        Ok(vec![Event::CompetencesAssessed { person: novice(0), scores: scores.clone() }]),
    );
    run(&mut given, when(Action::AssessCompetences { person: novice(0), scores }));
    check(
        &given,
        when(Action::AttachCoDriver { network: id, person: novice(0) }),
        Ok(vec![Event::CoDriverAttached { network: id, person: novice(0) }]),
    );
}

#[test]
fn org3_org4_the_chief_forum_decides_and_the_secretariat_does_not() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    let forum_decisions = [
        Action::CloseRound { round: round("2016H2") },
        Action::QualifyTheme { theme: theme(1), assessments: all_met() },
        Action::RejectTheme { theme: theme(1), reason: "no".into() },
        Action::DeferTheme { theme: theme(1), to_round: round("2017H1") },
    ];
    for action in forum_decisions {
        for outsider in [secretary(), novice(0), veteran(0)] {
            let error = refused(&given, by(outsider, action.clone()));
            assert_eq!(error.code(), "not_entitled", "{error}");
            assert_eq!(error.rule(), Some(Rule::Org3));
            assert!(error.to_string().ends_with("(ORG-3)"), "{error}");
        }
        // Chief forum members and directors (who sit in the forum) decide.
        for member in [chief2(), director()] {
            let command = by(member, action.clone())
                .acknowledging(Acknowledgement::new(Rule::Nw2, "a thin round"))
                .acknowledging(Acknowledgement::new(Rule::Nw3, "a thin round"));
            decide_on(&given, &command).unwrap();
        }
    }
    // The secretariat does record the work of networks and the diploma.
    let form = Action::FormCohort { cohort: cohort(1), members: BTreeSet::from([novice(0)]) };
    let form = by(secretary(), form).acknowledging(Acknowledgement::new(Rule::Co2, "a pilot"));
    decide_on(&given, &form).unwrap();
}

#[test]
fn decisions_dated_after_now_are_refused() {
    let given = base();
    let command = on(date(2030, 1, 1), Action::OpenRound { round: round("2017H1") });
    assert!(matches!(refused(&given, command), DomainError::OccursInFuture { .. }));
}

// TH -------------------------------------------------------------------------------------------

#[test]
fn th1_a_theme_needs_an_origin() {
    let given = base();
    let Action::ProposeTheme { title, challenge, proposed_by, departments, .. } = propose(theme(1)) else {
        unreachable!()
    };
    let without_origin = Action::ProposeTheme {
        theme: theme(1),
        title,
        challenge,
        proposed_by,
        departments,
        origins: BTreeSet::new(),
    };
    let error = refused(&given, when(without_origin));
    assert_eq!(error, DomainError::MissingOrigin);
    assert_eq!(error.rule(), Some(Rule::Th1));
    assert!(error.to_string().contains("(TH-1)"), "{error}");
}

#[test]
fn th1_the_template_needs_title_challenge_department_and_a_chief_forum_proposer() {
    let given = base();
    let with = |change: &dyn Fn(&mut Action)| {
        let mut action = propose(theme(1));
        change(&mut action);
        refused(&given, when(action))
    };
    let blank_title = with(&|action| {
        if let Action::ProposeTheme { title, .. } = action {
            *title = "  ".into();
        }
    });
    assert_eq!(blank_title, DomainError::BlankField { field: "title", rule: Rule::Th1 });
    let no_department = with(&|action| {
        if let Action::ProposeTheme { departments, .. } = action {
            departments.clear();
        }
    });
    assert_eq!(no_department, DomainError::NoDepartment);
    let area_as_department = with(&|action| {
        if let Action::ProposeTheme { departments, .. } = action {
            *departments = vec![area()];
        }
    });
    assert_eq!(area_as_department, DomainError::NotADepartment(area()));
    let novice_proposer = with(&|action| {
        if let Action::ProposeTheme { proposed_by, .. } = action {
            *proposed_by = novice(0);
        }
    });
    assert_eq!(novice_proposer, DomainError::ProposerNotChiefForum(novice(0)));
}

#[test]
fn th2_an_assessment_covers_all_seven_criteria_once() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    let mut six = all_met();
    six.pop();
    assert_eq!(
        refused(&given, when(Action::QualifyTheme { theme: theme(1), assessments: six })),
        DomainError::AssessmentIncomplete { missing: vec![Criterion::NewPerspectives] }
    );
    let mut twice = all_met();
    twice[6].criterion = Criterion::CitizenWelfare;
    assert_eq!(
        refused(&given, when(Action::QualifyTheme { theme: theme(1), assessments: twice })),
        DomainError::CriterionAssessedTwice(Criterion::CitizenWelfare)
    );
}

#[test]
fn th2_prioritising_needs_a_qualification_in_the_round() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    let prioritise =
        Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Welfare };
    assert_eq!(
        refused(&given, when(prioritise.clone())),
        DomainError::NotQualified { theme: theme(1), round: round("2016H2") }
    );
    // A qualification from an earlier round does not count.
    run(&mut given, when(Action::QualifyTheme { theme: theme(1), assessments: all_met() }));
    run_acknowledged(&mut given, when(Action::CloseRound { round: round("2016H2") }));
    run(&mut given, when(Action::OpenRound { round: round("2017H1") }));
    assert_eq!(
        refused(&given, when(prioritise)),
        DomainError::NotQualified { theme: theme(1), round: round("2017H1") }
    );
}

#[test]
fn th2_an_unmet_criterion_is_a_warning_that_must_be_acknowledged() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    let mut assessments = all_met();
    assessments[5].met = false; // innovation
    run(&mut given, when(Action::QualifyTheme { theme: theme(1), assessments }));
    let prioritise =
        Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Learning };
    let warning = Warning::CriterionNotMet { theme: theme(1), criterion: Criterion::Innovation };
    assert_eq!(
        refused(&given, when(prioritise.clone())),
        DomainError::UnacknowledgedWarnings { warnings: vec![warning.clone()] }
    );
    // A blank rationale is no acknowledgement.
    let blank = when(prioritise.clone()).acknowledging(Acknowledgement::new(Rule::Th2, " "));
    assert!(matches!(refused(&given, blank), DomainError::UnacknowledgedWarnings { .. }));
    // Acknowledging another rule is no acknowledgement either.
    let other = when(prioritise.clone()).acknowledging(Acknowledgement::new(Rule::Nw2, "why not"));
    assert!(matches!(refused(&given, other), DomainError::UnacknowledgedWarnings { .. }));

    let rationale = "A learning network; innovation is not its aim";
    let acknowledged = when(prioritise).acknowledging(Acknowledgement::new(Rule::Th2, rationale));
    check(
        &given,
        acknowledged,
        Ok(vec![Event::ThemePrioritised {
            theme: theme(1),
            round: round("2016H2"),
            rank: 1,
            recommended_type: NetworkType::Learning,
            acknowledged: vec![AcknowledgedWarning { warning, rationale: rationale.into() }],
        }]),
    );
}

#[test]
fn th2_policy_may_drop_a_criterion_from_the_required_set() {
    let mut given = base();
    let mut policy = Policy::ns3();
    policy.required_criteria.remove(&Criterion::Innovation);
    run(&mut given, when(Action::ChangePolicy { policy }));
    run(&mut given, when(propose(theme(1))));
    let mut assessments = all_met();
    assessments[5].met = false;
    run(&mut given, when(Action::QualifyTheme { theme: theme(1), assessments }));
    let decision = run(
        &mut given,
        when(Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Learning }),
    );
    assert!(decision.acknowledged.is_empty());
}

#[test]
fn th3_one_round_at_a_time_moving_forward() {
    let mut given = base();
    assert_eq!(
        refused(&given, when(Action::OpenRound { round: round("2017H1") })),
        DomainError::RoundAlreadyOpen { open: round("2016H2") }
    );
    assert_eq!(
        refused(&given, when(Action::CloseRound { round: round("2017H1") })),
        DomainError::RoundNotOpen { round: round("2017H1") }
    );
    run_acknowledged(&mut given, when(Action::CloseRound { round: round("2016H2") }));
    assert_eq!(
        refused(&given, when(Action::OpenRound { round: round("2016H1") })),
        DomainError::RoundNotLater { round: round("2016H1"), latest: round("2016H2") }
    );
    run(&mut given, when(propose(theme(1))));
    assert_eq!(
        refused(&given, when(Action::QualifyTheme { theme: theme(1), assessments: all_met() })),
        DomainError::NoOpenRound
    );
}

#[test]
fn th3_ranks_are_unique_in_a_round() {
    let mut given = base();
    prioritised(&mut given, 1, NetworkType::Welfare);
    run(&mut given, when(propose(theme(2))));
    run(&mut given, when(Action::QualifyTheme { theme: theme(2), assessments: all_met() }));
    assert_eq!(
        refused(
            &given,
            when(Action::PrioritiseTheme {
                theme: theme(2),
                rank: 1,
                recommended_type: NetworkType::Welfare
            })
        ),
        DomainError::RankTaken { round: round("2016H2"), rank: 1, holder: theme(1) }
    );
    assert_eq!(
        refused(
            &given,
            when(Action::PrioritiseTheme {
                theme: theme(2),
                rank: 0,
                recommended_type: NetworkType::Welfare
            })
        ),
        DomainError::RankZero
    );
}

#[test]
fn th3_a_rejected_theme_cannot_be_prioritised() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    run(&mut given, when(Action::RejectTheme { theme: theme(1), reason: "Solved in one department".into() }));
    let error = refused(
        &given,
        when(Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Welfare }),
    );
    assert_eq!(
        error,
        DomainError::ThemeNotAvailable {
            theme: theme(1),
            status: ThemeStatus::Rejected,
            action: "prioritised",
            rule: Rule::Th3
        }
    );
    assert!(error.to_string().contains("is rejected, so it cannot be prioritised (TH-3)"), "{error}");
}

#[test]
fn th3_deferral_goes_to_a_later_round_and_rejection_needs_a_reason() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    assert_eq!(
        refused(&given, when(Action::DeferTheme { theme: theme(1), to_round: round("2016H2") })),
        DomainError::DeferTargetNotLater { round: round("2016H2"), to: round("2016H2") }
    );
    assert_eq!(
        refused(&given, when(Action::RejectTheme { theme: theme(1), reason: String::new() })),
        DomainError::BlankField { field: "reason for rejecting", rule: Rule::Th3 }
    );
    check(
        &given,
        when(Action::DeferTheme { theme: theme(1), to_round: round("2017H1") }),
        Ok(vec![Event::ThemeDeferred {
            theme: theme(1),
            round: round("2016H2"),
            to_round: round("2017H1"),
            acknowledged: Vec::new(),
        }]),
    );
}

#[test]
fn th3_a_theme_in_a_network_cannot_be_withdrawn() {
    let mut given = base();
    started(&mut given, 1, NetworkType::Learning, novice(0));
    assert!(matches!(
        refused(&given, when(Action::WithdrawTheme { theme: theme(1), reason: "no longer".into() })),
        DomainError::ThemeNotAvailable { status: ThemeStatus::InNetwork, rule: Rule::Th3, .. }
    ));
}

#[test]
fn th4_refinements_are_events_while_the_theme_lives() {
    let mut given = base();
    started(&mut given, 1, NetworkType::Learning, novice(0));
    check(
        &given,
        when(Action::RefineTheme {
            theme: theme(1),
            title: None,
            challenge: Some(" Sharing economy among citizens ".into()),
            note: "Narrowed after the first working session".into(),
        }),
        Ok(vec![Event::ThemeRefined {
            theme: theme(1),
            title: None,
            challenge: Some("Sharing economy among citizens".into()),
            note: "Narrowed after the first working session".into(),
        }]),
    );
    let mut rejected = base();
    run(&mut rejected, when(propose(theme(2))));
    run(&mut rejected, when(Action::RejectTheme { theme: theme(2), reason: "Out of scope".into() }));
    let refine = Action::RefineTheme { theme: theme(2), title: None, challenge: None, note: "x".into() };
    assert_eq!(refused(&rejected, when(refine)).rule(), Some(Rule::Th4));
}

// NW -------------------------------------------------------------------------------------------

#[test]
fn nw4_third_innovation_network_is_refused() {
    let mut given = base();
    let start = third_innovation_start(&mut given);
    let error = refused(&given, when(start.clone()));
    assert_eq!(error, DomainError::InnovationLimitReached { running: 2, max: 2 });
    assert_eq!(error.to_string(), "at most 2 innovation networks may run at once, and 2 already run (NW-4)");

    // Once one of them closes, the third may start.
    run(
        &mut given,
        when(Action::CloseNetwork {
            network: network(1),
            outcome: Outcome::Stopped,
            reason: Some("No test capital".into()),
            criteria_met: None,
        }),
    );
    run_acknowledged(&mut given, when(start));
}

#[test]
fn nw4_the_limit_is_policy() {
    let mut given = base();
    let mut policy = Policy::ns3();
    policy.max_running_innovation_networks = 1;
    run(&mut given, when(Action::ChangePolicy { policy }));
    started(&mut given, 1, NetworkType::Innovation, veteran(0));
    let second = prioritised(&mut given, 2, NetworkType::Innovation);
    let start = Action::StartNetwork {
        network: network(2),
        theme: second,
        network_type: NetworkType::Innovation,
        leader: veteran(1),
        co_driver: None,
        reference_leader: Some(director()),
    };
    assert_eq!(refused(&given, when(start)), DomainError::InnovationLimitReached { running: 1, max: 1 });
}

/// A third innovation network, prioritised in `given` with two running, ready to start.
fn third_innovation_start(given: &mut Vec<Event>) -> Action {
    started(given, 1, NetworkType::Innovation, veteran(0));
    started(given, 2, NetworkType::Innovation, veteran(1));
    let third = prioritised(given, 3, NetworkType::Innovation);
    Action::StartNetwork {
        network: network(3),
        theme: third,
        network_type: NetworkType::Innovation,
        leader: veteran(2),
        co_driver: None,
        reference_leader: Some(director()),
    }
}

#[test]
fn nw4_a_raised_limit_applies_from_its_business_date_not_to_a_backdated_start() {
    let mut given = base();
    let start = third_innovation_start(&mut given);
    let mut raised = Policy::ns3();
    raised.max_running_innovation_networks = 3;
    // Recorded after the starts, in force from 2017-01-10.
    run(&mut given, on(date(2017, 1, 10), Action::ChangePolicy { policy: raised }));
    // A start dated before it is judged by the limit then in force, whenever it is recorded.
    assert_eq!(
        refused(&given, on(date(2016, 6, 1), start.clone())),
        DomainError::InnovationLimitReached { running: 2, max: 2 }
    );
    // On or after its date, the raised limit applies.
    run_acknowledged(&mut given, on(date(2017, 1, 10), start));
}

#[test]
fn nw4_a_lowered_limit_does_not_refuse_a_start_dated_before_it() {
    let mut given = base();
    started(&mut given, 1, NetworkType::Innovation, veteran(0));
    let second = prioritised(&mut given, 2, NetworkType::Innovation);
    let start = |n: u128| Action::StartNetwork {
        network: network(n),
        theme: second,
        network_type: NetworkType::Innovation,
        leader: veteran(1),
        co_driver: None,
        reference_leader: Some(director()),
    };
    let mut lowered = Policy::ns3();
    lowered.max_running_innovation_networks = 1;
    run(&mut given, on(date(2017, 1, 10), Action::ChangePolicy { policy: lowered }));
    assert_eq!(
        refused(&given, on(date(2017, 2, 1), start(2))),
        DomainError::InnovationLimitReached { running: 1, max: 1 }
    );
    // Backdated to when the NS3 limit of 2 was in force: accepted.
    run_acknowledged(&mut given, on(date(2016, 12, 1), start(2)));
}

#[test]
fn the_policy_on_a_date_is_the_one_in_force_from_the_latest_date_on_or_before_it() {
    let mut history = PolicyHistory::default();
    let policy = |limit| Policy { max_running_innovation_networks: limit, ..Policy::ns3() };
    assert_eq!(history.on(date(2016, 1, 1)), None);
    history.record(policy(5), None);
    history.record(policy(3), Some(date(2017, 1, 10)));
    history.record(policy(1), Some(date(2016, 1, 1)));
    history.record(policy(4), Some(date(2017, 1, 10)));
    let limit_on = |day| history.on(day).map(|policy| policy.max_running_innovation_networks);
    assert_eq!(limit_on(date(2015, 6, 1)), Some(5), "undated: in force from the beginning");
    assert_eq!(limit_on(date(2016, 6, 1)), Some(1), "recorded last, in force from an earlier date");
    assert_eq!(limit_on(date(2017, 1, 10)), Some(4), "among equal dates the last recorded");
    assert_eq!(history.latest().map(|policy| policy.max_running_innovation_networks), Some(4));
}

#[test]
fn nw5_a_network_starts_from_a_prioritised_theme() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    let start = Action::StartNetwork {
        network: network(1),
        theme: theme(1),
        network_type: NetworkType::Learning,
        leader: novice(0),
        co_driver: None,
        reference_leader: Some(chief()),
    };
    assert!(matches!(
        refused(&given, when(start)),
        DomainError::ThemeNotAvailable { status: ThemeStatus::Proposed, rule: Rule::Nw5, .. }
    ));
}

#[test]
fn nw5_a_started_network_gets_its_plan_reference_leader_and_co_driver() {
    let mut given = base();
    let id = prioritised(&mut given, 1, NetworkType::Welfare);
    let plan = PhasePlan::ns3_welfare();
    let start = Action::StartNetwork {
        network: network(1),
        theme: id,
        network_type: NetworkType::Welfare,
        leader: veteran(0),
        co_driver: Some(novice(0)),
        reference_leader: Some(chief()),
    };
    let started_on = date(2016, 9, 1);
    check(
        &given,
        when(start),
        Ok(vec![
            Event::NetworkStarted {
                network: network(1),
                theme: id,
                network_type: NetworkType::Welfare,
                leader: veteran(0),
                started_on,
                expected_end: started_on + chrono::Days::new(u64::from(plan.total_weeks()) * 7),
                phase_plan: plan,
                acknowledged: vec![],
            },
            Event::ReferenceLeaderAssigned { network: network(1), person: chief() },
            Event::CoDriverAttached { network: network(1), person: novice(0) },
        ]),
    );
}

#[test]
fn nw2_a_sixth_start_in_a_half_year_is_a_warning() {
    let mut given = base();
    // One learning and four welfare, the most NS3 plans for.
    started(&mut given, 1, NetworkType::Learning, novice(0));
    for n in 2..=5 {
        started(&mut given, n, NetworkType::Welfare, veteran(0));
    }
    let sixth = prioritised(&mut given, 6, NetworkType::Innovation);
    let start = Action::StartNetwork {
        network: network(6),
        theme: sixth,
        network_type: NetworkType::Innovation,
        leader: veteran(1),
        co_driver: None,
        reference_leader: Some(director()),
    };
    let expected =
        Warning::StartsOutsideRange { half_year: round("2016H2"), count: 6, expected: CountRange::new(4, 5) };
    assert_eq!(
        refused(&given, when(start.clone())),
        DomainError::UnacknowledgedWarnings { warnings: vec![expected.clone()] }
    );
    let decision = run(
        &mut given,
        when(start).acknowledging(Acknowledgement::new(Rule::Nw2, "The council asked for urban farming now")),
    );
    let Event::NetworkStarted { acknowledged, .. } = &decision.events[0] else { panic!("not a start") };
    assert_eq!(acknowledged[0].warning, expected);
    assert_eq!(decision.acknowledged, *acknowledged);
}

#[test]
fn nw2_nw3_a_round_prioritising_too_few_or_the_wrong_mix_warns_at_closing() {
    let mut given = base();
    prioritised(&mut given, 1, NetworkType::Welfare);
    let close = Action::CloseRound { round: round("2016H2") };
    let DomainError::UnacknowledgedWarnings { warnings } = refused(&given, when(close.clone())) else {
        panic!("expected warnings")
    };
    let rules: Vec<Rule> = warnings.iter().map(Warning::rule).collect();
    assert_eq!(rules, [Rule::Nw2, Rule::Nw3, Rule::Nw3]);
    let only_nw2 = when(close.clone()).acknowledging(Acknowledgement::new(Rule::Nw2, "a thin half-year"));
    assert!(
        matches!(refused(&given, only_nw2), DomainError::UnacknowledgedWarnings { warnings } if warnings.len() == 2)
    );
    let both = when(close)
        .acknowledging(Acknowledgement::new(Rule::Nw2, "a thin half-year"))
        .acknowledging(Acknowledgement::new(Rule::Nw3, "no learning theme this time"));
    let decision = run(&mut given, both);
    assert_eq!(decision.acknowledged.len(), 3);
}

#[test]
fn nw2_nw3_a_withdrawn_prioritised_theme_is_not_counted_at_closing() {
    let mut given = base();
    for n in 1..=4 {
        prioritised(&mut given, n, NetworkType::Welfare);
    }
    prioritised(&mut given, 5, NetworkType::Learning);
    run(
        &mut given,
        when(Action::WithdrawTheme { theme: theme(5), reason: "The department took it on".into() }),
    );
    // Four welfare themes remain: four starts, but no learning network, so NW-3 warns on the
    // learning type; the withdrawn learning theme does not fill it.
    let close = Action::CloseRound { round: round("2016H2") };
    assert_eq!(
        refused(&given, when(close)),
        DomainError::UnacknowledgedWarnings {
            warnings: vec![Warning::TypeMixOutsideRange {
                half_year: round("2016H2"),
                network_type: NetworkType::Learning,
                count: 0,
                expected: CountRange::new(1, 1),
            }]
        }
    );
}

#[test]
fn nw5_a_start_as_another_type_than_recommended_is_a_warning_to_acknowledge() {
    let mut given = base();
    let theme = prioritised(&mut given, 1, NetworkType::Learning);
    let start = Action::StartNetwork {
        network: network(1),
        theme,
        network_type: NetworkType::Innovation,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(director()),
    };
    let warning = Warning::TypeNotRecommended {
        theme,
        recommended: NetworkType::Learning,
        network_type: NetworkType::Innovation,
    };
    let error = refused(&given, when(start.clone()));
    assert_eq!(error, DomainError::UnacknowledgedWarnings { warnings: vec![warning.clone()] });
    assert!(error.danish().contains("anbefalede læringsnetværk (NW-5)"), "{}", error.danish());
    let decision = run(
        &mut given,
        when(start).acknowledging(Acknowledgement::new(Rule::Nw5, "The director has the budget")),
    );
    assert_eq!(
        decision.acknowledged,
        [AcknowledgedWarning { warning, rationale: "The director has the budget".into() }]
    );
}

#[test]
fn nw3_a_second_learning_network_in_a_half_year_is_a_warning() {
    let mut given = base();
    started(&mut given, 1, NetworkType::Learning, novice(0));
    let second = prioritised(&mut given, 2, NetworkType::Learning);
    let start = Action::StartNetwork {
        network: network(2),
        theme: second,
        network_type: NetworkType::Learning,
        leader: novice(1),
        co_driver: None,
        reference_leader: Some(chief()),
    };
    assert_eq!(
        refused(&given, when(start)),
        DomainError::UnacknowledgedWarnings {
            warnings: vec![Warning::TypeMixOutsideRange {
                half_year: round("2016H2"),
                network_type: NetworkType::Learning,
                count: 2,
                expected: CountRange::new(1, 1),
            }]
        }
    );
}

// NL, CD, RL -----------------------------------------------------------------------------------

#[test]
fn nl2_untried_leader_may_lead_learning_only() {
    let mut given = base();
    let welfare = prioritised(&mut given, 1, NetworkType::Welfare);
    let start = |network_type| Action::StartNetwork {
        network: network(1),
        theme: welfare,
        network_type,
        leader: novice(0),
        co_driver: None,
        reference_leader: Some(chief()),
    };
    let error = refused(&given, when(start(NetworkType::Welfare)));
    assert_eq!(
        error,
        DomainError::LeaderNotQualified { person: novice(0), network_type: NetworkType::Welfare }
    );
    assert_eq!(error.rule(), Some(Rule::Nl2));
    run_acknowledged(&mut given, when(start(NetworkType::Learning)));
}

#[test]
fn nl1_diploma_alone_does_not_qualify_without_a_network_driven() {
    let mut given = base();
    diploma(&mut given, novice(0));
    let state = State::from_events(&given);
    assert!(!state.is_qualified(novice(0)), "a diploma without co-driving is not enough (NL-1)");
    // After co-driving a network, the diploma holder is qualified.
    let id = started(&mut given, 1, NetworkType::Learning, novice(1));
    run(&mut given, when(Action::AttachCoDriver { network: id, person: novice(0) }));
    assert!(State::from_events(&given).is_qualified(novice(0)));
}

#[test]
fn nl1_co_driving_alone_does_not_qualify_without_the_diploma() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Learning, novice(1));
    run(&mut given, when(Action::AttachCoDriver { network: id, person: novice(0) }));
    assert!(!State::from_events(&given).is_qualified(novice(0)));
}

#[test]
fn nl1_prior_experience_is_for_generations_one_and_two_once() {
    let given = base();
    let register = |generation, led| Action::RegisterPriorExperience {
        person: novice(0),
        generation,
        networks_led: led,
        networks_co_driven: 0,
    };
    assert_eq!(refused(&given, when(register(3, 1))), DomainError::InvalidGeneration { generation: 3 });
    assert_eq!(refused(&given, when(register(2, 0))), DomainError::NoPriorNetworks);
    let again = Action::RegisterPriorExperience {
        person: veteran(0),
        generation: 1,
        networks_led: 1,
        networks_co_driven: 0,
    };
    assert_eq!(refused(&given, when(again)), DomainError::PriorExperienceExists(veteran(0)));
    let mut history = given;
    run(&mut history, when(register(2, 1)));
    assert!(State::from_events(&history).is_qualified(novice(0)));
}

#[test]
fn nl3_competence_scores_run_from_one_to_five() {
    let given = base();
    let assess = |score| Action::AssessCompetences {
        person: novice(0),
        scores: BTreeMap::from([(Competence::CourageToExperiment, score)]),
    };
    assert_eq!(refused(&given, when(assess(6))), DomainError::InvalidScore { score: 6 });
    assert_eq!(refused(&given, when(assess(0))), DomainError::InvalidScore { score: 0 });
    let empty = Action::AssessCompetences { person: novice(0), scores: BTreeMap::new() };
    assert_eq!(refused(&given, when(empty)), DomainError::EmptyCompetenceAssessment);
    check(
        &given,
        when(assess(4)),
        Ok(vec![Event::CompetencesAssessed {
            person: novice(0),
            scores: BTreeMap::from([(Competence::CourageToExperiment, 4)]),
        }]),
    );
}

#[test]
fn cd1_one_co_driver_at_a_time() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    run(&mut given, when(Action::AttachCoDriver { network: id, person: novice(0) }));
    assert_eq!(
        refused(&given, when(Action::AttachCoDriver { network: id, person: novice(1) })),
        DomainError::CoDriverAlreadyAttached { network: id, co_driver: novice(0) }
    );
}

/// CD-1 as policy: a network may have as many co-drivers as `max_co_drivers` allows, each
/// once; with several, a change names who leaves (CD-2), and the newcomer takes their place.
#[test]
fn cd1_cd2_a_policy_may_allow_several_co_drivers_and_a_change_names_who_leaves() {
    let mut given = base();
    given.push(Event::PolicyChanged {
        policy: Policy { max_co_drivers: 2, ..Policy::ns3() },
        in_force_from: None,
    });
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    run(&mut given, when(Action::AttachCoDriver { network: id, person: novice(0) }));
    assert_eq!(
        refused(&given, when(Action::AttachCoDriver { network: id, person: novice(0) })),
        DomainError::AlreadyHoldsRole {
            person: novice(0),
            network: id,
            role: NetworkRole::CoDriver,
            rule: Rule::Cd1
        }
    );
    run(&mut given, when(Action::AttachCoDriver { network: id, person: novice(1) }));
    assert_eq!(
        refused(&given, when(Action::AttachCoDriver { network: id, person: novice(2) })),
        DomainError::CoDriverAlreadyAttached { network: id, co_driver: novice(1) }
    );
    let change = |from: Option<PersonId>, to: PersonId| Action::ChangeCoDriver {
        network: id,
        from,
        to,
        reason: "Parental leave".into(),
    };
    assert_eq!(refused(&given, when(change(None, novice(2)))), DomainError::WhichCoDriver(id));
    assert_eq!(
        refused(&given, when(change(Some(novice(2)), veteran(1)))),
        DomainError::NotCoDriver { network: id, person: novice(2) }
    );
    assert_eq!(
        refused(&given, when(change(Some(novice(0)), novice(1)))),
        DomainError::AlreadyHoldsRole {
            person: novice(1),
            network: id,
            role: NetworkRole::CoDriver,
            rule: Rule::Cd2
        }
    );
    run(&mut given, when(change(Some(novice(0)), novice(2))));
    let state = State::from_events(&given);
    assert_eq!(state.network(id).unwrap().co_drivers, [novice(2), novice(1)]);
    // The bounds: one to five.
    for (value, valid) in [(0, false), (1, true), (5, true), (6, false)] {
        assert_eq!(Policy { max_co_drivers: value, ..Policy::ns3() }.validate().is_ok(), valid, "{value}");
    }
}

#[test]
fn cd2_changing_the_co_driver_needs_a_reason() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    assert_eq!(
        refused(
            &given,
            when(Action::ChangeCoDriver { network: id, from: None, to: novice(1), reason: "x".into() })
        ),
        DomainError::NoCoDriver(id)
    );
    run(&mut given, when(Action::AttachCoDriver { network: id, person: novice(0) }));
    assert_eq!(
        refused(
            &given,
            when(Action::ChangeCoDriver { network: id, from: None, to: novice(1), reason: " ".into() })
        ),
        DomainError::BlankField { field: "reason for the change", rule: Rule::Cd2 }
    );
    check(
        &given,
        when(Action::ChangeCoDriver {
            network: id,
            from: None,
            to: novice(1),
            reason: "Parental leave".into(),
        }),
        Ok(vec![Event::CoDriverChanged {
            network: id,
            from: novice(0),
            to: novice(1),
            reason: "Parental leave".into(),
        }]),
    );
}

#[test]
fn rl1_one_reference_leader_per_network_and_roles_are_distinct() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    assert_eq!(
        refused(&given, when(Action::ChangeReferenceLeader { network: id, to: chief(), reason: "x".into() })),
        DomainError::AlreadyHoldsRole {
            person: chief(),
            network: id,
            role: NetworkRole::ReferenceLeader,
            rule: Rule::Rl1
        }
    );
    assert_eq!(
        refused(&given, when(Action::AttachCoDriver { network: id, person: chief() })),
        DomainError::RolesNotDistinct {
            person: chief(),
            held: NetworkRole::ReferenceLeader,
            asked: NetworkRole::CoDriver
        }
    );
    let state = State::from_events(&given);
    assert_eq!(state.network(id).unwrap().reference_leader, Some(chief()));
}

#[test]
fn rl2_a_reference_leader_opts_in_on_the_theme() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    run(&mut given, when(Action::QualifyTheme { theme: theme(1), assessments: all_met() }));
    run(
        &mut given,
        when(Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Welfare }),
    );
    let start = Action::StartNetwork {
        network: network(1),
        theme: theme(1),
        network_type: NetworkType::Welfare,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(chief()),
    };
    assert_eq!(
        refused(&given, when(start.clone())),
        DomainError::ReferenceLeaderNotAccepted { person: chief(), theme: theme(1) }
    );
    // Another member cannot opt them in; the secretariat can, on their documented request.
    let accept = |person| Action::AcceptReferenceRole { theme: theme(1), person };
    assert_eq!(
        refused(&given, by(chief(), accept(chief2()))),
        DomainError::NotEntitled {
            actor: chief(),
            act: "accept_reference_role",
            may: &[Standing::Themself, Standing::Secretariat],
            rule: Rule::Rl2
        }
    );
    assert_eq!(
        refused(&given, by(secretary(), accept(chief2()))),
        DomainError::BlankField { field: "rationale (their request)", rule: Rule::Rl2 }
    );
    check(
        &given,
        Command::new(
            Metadata::new(secretary(), date(2016, 9, 1)).with_rationale("E-mail from the member, 2016-08-30"),
            accept(chief2()),
        ),
        Ok(vec![Event::ReferenceLeaderAccepted {
            theme: theme(1),
            person: chief2(),
            on_behalf_by: Some(secretary()),
        }]),
    );
    check(
        &given,
        opts_in(theme(1), chief()),
        Ok(vec![Event::ReferenceLeaderAccepted { theme: theme(1), person: chief(), on_behalf_by: None }]),
    );
    run(&mut given, opts_in(theme(1), chief()));
    assert_eq!(
        refused(&given, opts_in(theme(1), chief())),
        DomainError::ReferenceAlreadyAccepted { person: chief(), theme: theme(1) }
    );
    run(&mut given, when(start));
}

#[test]
fn rl3_reference_leaders_come_from_the_chief_forum_and_directors_for_innovation() {
    let mut given = base();
    let welfare = prioritised(&mut given, 1, NetworkType::Welfare);
    run(&mut given, opts_in(welfare, novice(1)));
    let start = |theme, network_type, reference_leader| Action::StartNetwork {
        network: network(1),
        theme,
        network_type,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(reference_leader),
    };
    assert_eq!(
        refused(&given, when(start(welfare, NetworkType::Welfare, novice(1)))),
        DomainError::ReferenceLeaderNotChiefForum(novice(1))
    );
    assert_eq!(
        refused(&given, when(start(welfare, NetworkType::Innovation, chief()))),
        DomainError::ReferenceLeaderNotDirector(chief())
    );
    run_acknowledged(&mut given, when(start(welfare, NetworkType::Innovation, director())));
    // A director is a member of the chief forum: the CF rule holds for innovation too, and a
    // director meets it.
    assert!(netvaerk_core::State::from_events(&given).person(director()).unwrap().is_chief_forum());
}

#[test]
fn rl3_a_later_reference_leader_from_outside_the_chief_forum_is_a_warning_to_acknowledge() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    run(&mut given, opts_in(theme(1), novice(1)));
    let change =
        Action::ChangeReferenceLeader { network: id, to: novice(1), reason: "Runs the base unit".into() };
    let warning = Warning::ReferenceLeaderOutsideForum { network: id, person: novice(1) };
    assert_eq!(
        refused(&given, when(change.clone())),
        DomainError::UnacknowledgedWarnings { warnings: vec![warning.clone()] }
    );
    let acknowledged = vec![AcknowledgedWarning { warning, rationale: "Closest to the test site".into() }];
    check(
        &given,
        when(change).acknowledging(Acknowledgement::new(Rule::Rl3, "Closest to the test site")),
        Ok(vec![Event::ReferenceLeaderChanged {
            network: id,
            from: chief(),
            to: novice(1),
            reason: "Runs the base unit".into(),
            acknowledged,
        }]),
    );
    // An innovation network's stays at director level, later too.
    let innovation = started(&mut given, 2, NetworkType::Innovation, veteran(1));
    run(&mut given, opts_in(theme(2), novice(1)));
    assert_eq!(
        refused(
            &given,
            when(Action::ChangeReferenceLeader { network: innovation, to: novice(1), reason: "x".into() })
                .acknowledging(Acknowledgement::new(Rule::Rl3, "y"))
        ),
        DomainError::ReferenceLeaderNotDirector(novice(1))
    );
}

/// RL-4: the mandate contract divides the load between the leader's network and base work, so
/// a welfare or innovation network enters an intensive period only with one, or with the
/// warning acknowledged (written into the event); a learning network has no intensive periods.
#[test]
fn rl4_an_intensive_period_without_a_mandate_contract_is_a_warning() {
    let mut given = base();
    let theme = prioritised(&mut given, 1, NetworkType::Welfare);
    let id = network(1);
    let start = Action::StartNetwork {
        network: id,
        theme,
        network_type: NetworkType::Welfare,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(chief()),
    };
    run_acknowledged(&mut given, when(start));
    let enter = Action::EnterPhase { network: id, phase: "intensive 1".into() };
    let missing = Warning::NoMandateContract { network: id, phase: "intensive 1".into() };
    assert_eq!(missing.rule(), Rule::Rl4);
    assert_eq!(
        refused(&given, when(enter.clone())),
        DomainError::UnacknowledgedWarnings { warnings: vec![missing.clone()] }
    );
    let rationale = "The personnel leader signs next week";
    let decision =
        decide_on(&given, &when(enter.clone()).acknowledging(Acknowledgement::new(Rule::Rl4, rationale)))
            .unwrap();
    let written = vec![AcknowledgedWarning { warning: missing, rationale: rationale.into() }];
    assert_eq!(decision.events[0].acknowledged(), written.as_slice());
    // With the contract agreed, the same step needs no acknowledgement.
    let contract = Action::AgreeMandateContract {
        network: id,
        personnel_leader: director(),
        secretariat: secretary(),
        terms: "Four hours a week".into(),
    };
    run(&mut given, by(director(), contract));
    check(
        &given,
        when(enter),
        Ok(vec![Event::PhaseEntered {
            network: id,
            phase: "intensive 1".into(),
            kind: PhaseKind::Intensive,
            acknowledged: Vec::new(),
        }]),
    );
}

#[test]
fn rl4_the_mandate_contract_binds_the_secretariat_and_the_leaders_own_personnel_leader() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let agree = |secretariat| Action::AgreeMandateContract {
        network: id,
        personnel_leader: chief2(),
        secretariat,
        terms: "Content with the leader, base work with the personnel leader".into(),
    };
    assert_eq!(refused(&given, when(agree(novice(0)))), DomainError::NotSecretariat(novice(0)));
    // The personnel leader is the leader's own: of their department, or their area's director.
    let contract = |personnel_leader| Action::AgreeMandateContract {
        network: id,
        personnel_leader,
        secretariat: secretary(),
        terms: "Four hours a week".into(),
    };
    // veteran(1) works in the leader's department but heads nothing: a colleague, not a
    // personnel leader (only a chief-forum member of the department, or the area's director).
    for other in [novice(1), veteran(0), veteran(1)] {
        let error = refused(&given, when(contract(other)));
        assert_eq!(
            error,
            DomainError::NotTheLeadersPersonnelLeader { personnel_leader: other, leader: veteran(0) }
        );
        assert!(error.to_string().ends_with("(RL-4)"), "{error}");
    }
    let area_director = person(50);
    let mut with_director = given.clone();
    with_director.push(Event::PersonRegistered {
        person: area_director,
        unit: Some(area()),
        roles: [PersonRole::Director].into_iter().collect(),
    });
    decide_on(&with_director, &when(contract(area_director))).unwrap();
    check(
        &given,
        when(agree(secretary())),
        Ok(vec![Event::MandateContractAgreed {
            network: id,
            leader: veteran(0),
            reference_leader: chief(),
            personnel_leader: chief2(),
            secretariat: secretary(),
            terms: "Content with the leader, base work with the personnel leader".into(),
        }]),
    );
}

// PR, TP ---------------------------------------------------------------------------------------

#[test]
fn pr5_phases_follow_the_plan_in_order_none_skipped() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    assert_eq!(
        refused(&given, when(Action::EnterPhase { network: id, phase: "intensive 9".into() })),
        DomainError::UnknownPhase { network: id, phase: "intensive 9".into() }
    );
    // Not straight to the second intensive period: the first and its break come before it.
    let skipping = refused(&given, when(Action::EnterPhase { network: id, phase: "intensive 2".into() }));
    assert_eq!(
        skipping,
        DomainError::PhaseSkipped { network: id, phase: "intensive 2".into(), skipped: "intensive 1".into() }
    );
    assert!(skipping.to_string().ends_with("(PR-5)"), "{skipping}");
    phases_before(&mut given, id, "break 2");
    assert_eq!(
        refused(&given, when(Action::EnterPhase { network: id, phase: "intensive 1".into() })),
        DomainError::PhaseOutOfOrder { network: id, phase: "intensive 1".into() }
    );
    check(
        &given,
        when(Action::EnterPhase { network: id, phase: "break 2".into() }),
        Ok(vec![Event::PhaseEntered {
            network: id,
            phase: "break 2".into(),
            kind: PhaseKind::Break,
            acknowledged: Vec::new(),
        }]),
    );
    // Nor from intensive 3 straight to the test: break 3 and intensive 4 come first.
    phases_before(&mut given, id, "intensive 3");
    run(&mut given, when(Action::EnterPhase { network: id, phase: "intensive 3".into() }));
    assert_eq!(
        refused(&given, when(begin_test_phase(id))),
        DomainError::PhaseSkipped { network: id, phase: "test".into(), skipped: "break 3".into() }
    );
}

#[test]
fn pr5_a_network_is_planned_anew_keeping_the_phases_it_has_been_through() {
    use PhaseKind::{Break, Implementation, Intensive, Test};
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    phases_before(&mut given, id, "intensive 2");
    let plan = |phases: &[(&str, PhaseKind, u32)]| PhasePlan {
        phases: phases.iter().map(|(name, kind, weeks)| PhaseSpec::new(name, *kind, *weeks)).collect(),
    };
    let replan = |phase_plan: PhasePlan, reason: &str| Action::ReplanNetwork {
        network: id,
        phase_plan,
        reason: reason.into(),
    };
    let shorter = plan(&[
        ("intensive 1", Intensive, 2),
        ("break 1", Break, 3),
        ("intensive 2", Intensive, 4),
        ("test", Test, 6),
        ("implementation", Implementation, 4),
    ]);
    // The phases done so far stay, in order.
    let dropped = plan(&[("intensive 1", Intensive, 2), ("intensive 2", Intensive, 4)]);
    assert_eq!(
        refused(&given, when(replan(dropped, "Shorter"))),
        DomainError::ReplanChangesThePast { network: id, phase: "break 1".into() }
    );
    // A valid plan for the type (TP-1).
    let upside_down_again = || {
        plan(&[
            ("intensive 1", Intensive, 2),
            ("break 1", Break, 3),
            ("implementation", Implementation, 4),
            ("test", Test, 6),
        ])
    };
    let upside_down = upside_down_again();
    assert_eq!(
        refused(&given, when(replan(upside_down, "Shorter"))),
        DomainError::InvalidPhasePlan {
            network: id,
            problem: PolicyProblem::TestNotLastBeforeImplementation { network_type: NetworkType::Welfare }
        }
    );
    // The message names its rule once, in English and in Danish (no "(TP-1) (TP-1)").
    let error = refused(&given, when(replan(upside_down_again(), "Shorter")));
    for message in [error.to_string(), error.danish()] {
        let rule = error.rule().unwrap();
        assert_eq!(message.matches(rule.id()).count(), 1, "{message}");
        assert!(message.ends_with(&format!("({rule})")), "{message}");
    }
    assert_eq!(
        refused(&given, when(replan(shorter.clone(), " "))),
        DomainError::BlankField { field: "reason for the new plan", rule: Rule::Pr5 }
    );
    // 19 weeks from the start on 2016-09-01.
    check(
        &given,
        when(replan(shorter.clone(), "The citizens' test comes sooner")),
        Ok(vec![Event::NetworkReplanned {
            network: id,
            phase_plan: shorter.clone(),
            expected_end: date(2017, 1, 12),
            reason: "The citizens' test comes sooner".into(),
        }]),
    );
    run(&mut given, when(replan(shorter, "The citizens' test comes sooner")));
    run(&mut given, when(Action::EnterPhase { network: id, phase: "intensive 2".into() }));
    assert_eq!(
        refused(&given, when(Action::EnterPhase { network: id, phase: "break 2".into() })),
        DomainError::UnknownPhase { network: id, phase: "break 2".into() }
    );
    run(&mut given, when(begin_test_phase(id)));
    // NW-1: a learning network's plan has no test phase.
    let learning = started(&mut given, 2, NetworkType::Learning, novice(0));
    let with_test =
        plan(&[("start", PhaseKind::Start, 1), ("test", Test, 4), ("close", PhaseKind::Close, 1)]);
    assert_eq!(
        refused(
            &given,
            when(Action::ReplanNetwork { network: learning, phase_plan: with_test, reason: "x".into() })
        ),
        DomainError::InvalidPhasePlan { network: learning, problem: PolicyProblem::TestInLearningPlan }
    );
}

#[test]
fn tp1_rl5_the_test_phase_is_begun_with_its_own_command_and_its_funding_never_by_a_learning_network() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let learning = started(&mut given, 2, NetworkType::Learning, novice(0));
    assert_eq!(
        refused(&given, when(Action::EnterPhase { network: welfare, phase: "test".into() })),
        DomainError::TestPhaseNeedsItsCommand { phase: "test".into() }
    );
    assert_eq!(refused(&given, when(begin_test_phase(learning))), DomainError::NoTestPhase(learning));
    // RL-5: the capital the reference leader found for the test phase is recorded with it: its
    // source and its amount in kroner; an amount needs its source, and a plausible size.
    phases_before(&mut given, welfare, "test");
    let test = |funding: Option<&str>, funding_kr| Action::BeginTestPhase {
        network: welfare,
        funding: funding.map(str::to_owned),
        funding_kr,
        tested: None,
        owners: Vec::new(),
    };
    assert_eq!(
        refused(&given, when(test(None, Some(250_000)))),
        DomainError::FundingWithoutSource { amount: 250_000 }
    );
    for amount in [0, 20_000_000_000] {
        assert_eq!(
            refused(&given, when(test(Some("Welfare pool 2017"), Some(amount)))),
            DomainError::ImplausibleFunding { amount }
        );
    }
    check(
        &given,
        when(test(Some("Welfare pool 2017"), Some(250_000))),
        Ok(vec![Event::TestPhaseBegun {
            network: welfare,
            phase: "test".into(),
            funding: Some("Welfare pool 2017".into()),
            funding_kr: Some(250_000),
            tested: None,
            owners: Vec::new(),
        }]),
    );
    run(&mut given, when(begin_test_phase(welfare)));
    assert_eq!(
        refused(&given, when(begin_test_phase(welfare))),
        DomainError::PhaseOutOfOrder { network: welfare, phase: "test".into() }
    );
}

#[test]
fn tp1_a_new_reference_leader_may_take_over_in_the_test_phase() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    phases_before(&mut given, id, "test");
    run(&mut given, when(begin_test_phase(id)));
    assert_eq!(
        refused(&given, when(Action::ChangeReferenceLeader { network: id, to: chief2(), reason: "".into() })),
        DomainError::BlankField { field: "reason for the change", rule: Rule::Tp1 }
    );
    check(
        &given,
        when(Action::ChangeReferenceLeader {
            network: id,
            to: chief2(),
            reason: "Owns the budget for scaling".into(),
        }),
        Ok(vec![Event::ReferenceLeaderChanged {
            network: id,
            from: chief(),
            to: chief2(),
            reason: "Owns the budget for scaling".into(),
            acknowledged: Vec::new(),
        }]),
    );
}

#[test]
fn org3_tp2_the_chief_forum_or_the_networks_reference_leader_closes_it_and_nobody_else() {
    let given = base();
    let mut history = given.clone();
    let id = started(&mut history, 1, NetworkType::Learning, novice(0));
    let reference_leader = State::from_events(&history).network(id).unwrap().reference_leader.unwrap();
    let close = |actor: PersonId| {
        let (y, m, d) = TODAY;
        Command::new(
            Metadata::new(actor, date(y, m, d)),
            Action::CloseNetwork {
                network: id,
                outcome: Outcome::KnowledgeShared,
                reason: None,
                criteria_met: None,
            },
        )
    };
    // The leader, a co-driver candidate, the secretariat: not theirs to close.
    for outsider in [novice(0), novice(1), secretary()] {
        let error = refused(&history, close(outsider));
        assert_eq!(
            error,
            DomainError::NotEntitled {
                actor: outsider,
                act: "close_network",
                may: &[Standing::ChiefForum, Standing::ReferenceLeader],
                rule: Rule::Org3
            }
        );
        assert_eq!(error.rule(), Some(Rule::Org3));
    }
    for closer in [reference_leader, chief2(), director()] {
        decide_on(&history, &close(closer)).unwrap_or_else(|error| panic!("{closer}: {error}"));
    }
}

#[test]
fn co3_a_cohort_is_of_co_drivers_and_candidates_never_of_the_chief_forum() {
    let given = base();
    for member in [chief2(), director()] {
        let members = BTreeSet::from([novice(0), member]);
        let error = refused(&given, when(Action::FormCohort { cohort: cohort(1), members }));
        assert_eq!(error, DomainError::NotACandidate(member));
        assert_eq!(error.rule(), Some(Rule::Co3));
    }
    let command =
        when(Action::FormCohort { cohort: cohort(1), members: BTreeSet::from([novice(0), novice(1)]) })
            .acknowledging(Acknowledgement::new(Rule::Co2, "a small first cohort"));
    decide_on(&given, &command).unwrap();
}

#[test]
fn th3_a_round_is_the_half_year_of_its_meeting_or_the_next_never_one_further() {
    let mut given = base();
    given.retain(|event| !matches!(event, Event::RoundOpened { .. }));
    // 2016-09-01 lies in 2016H2: that round or 2017H1 (opened ahead), not 2017H2 or later.
    for ahead in ["2016H2", "2017H1"] {
        decide_on(&given, &when(Action::OpenRound { round: round(ahead) })).unwrap();
    }
    for skipped in ["2017H2", "2019H2"] {
        assert_eq!(
            refused(&given, when(Action::OpenRound { round: round(skipped) })),
            DomainError::RoundNotDue { round: round(skipped), on: date(2016, 9, 1) }
        );
    }
}

#[test]
fn th2_every_criterion_is_assessed_with_a_note() {
    let mut given = base();
    run(&mut given, when(propose(theme(1))));
    let mut assessments = all_met();
    assessments[3].note = "  ".into();
    assert_eq!(
        refused(&given, when(Action::QualifyTheme { theme: theme(1), assessments })),
        DomainError::BlankField { field: "note on each criterion", rule: Rule::Th2 }
    );
}

/// TP-1: the test phase records what it tests and the base units that take ownership ("nye
/// aktører skal arbejde sammen og tage ejerskab"): each unit a known one, named once.
#[test]
fn tp1_the_test_phase_records_what_it_tests_and_the_base_units_that_take_ownership() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    phases_before(&mut given, welfare, "test");
    let test = |tested: Option<&str>, owners: Vec<UnitId>| Action::BeginTestPhase {
        network: welfare,
        funding: None,
        funding_kr: None,
        tested: tested.map(str::to_owned),
        owners,
    };
    assert_eq!(refused(&given, when(test(None, vec![unit(99)]))), DomainError::UnknownUnit(unit(99)));
    assert_eq!(
        refused(&given, when(test(Some("  "), Vec::new()))),
        DomainError::BlankField { field: "what is tested", rule: Rule::Tp1 }
    );
    check(
        &given,
        when(test(Some(" A shared care plan "), vec![department2(), department(), department2()])),
        Ok(vec![Event::TestPhaseBegun {
            network: welfare,
            phase: "test".into(),
            funding: None,
            funding_kr: None,
            tested: Some("A shared care plan".into()),
            owners: vec![department2(), department()],
        }]),
    );
}

/// TP-3: participants are employees of a unit, to which they carry the work back; the
/// network's leader, co-driver or reference leader or the secretariat records them (AU-6), while it runs; its leader and co-driver are not participants too, and each joins once.
#[test]
fn tp3_participants_are_employees_of_a_unit_recorded_by_the_networks_people_or_the_secretariat() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let join = |people: &[PersonId]| Action::AddParticipants {
        network: welfare,
        participants: people.iter().copied().collect(),
    };
    assert_eq!(
        refused(&given, by(novice(2), join(&[novice(0)]))),
        DomainError::NotEntitled {
            actor: novice(2),
            act: "add_participants",
            may: &[Standing::Leader, Standing::CoDriver, Standing::ReferenceLeader, Standing::Secretariat],
            rule: Rule::Au6
        }
    );
    assert_eq!(refused(&given, by(veteran(0), join(&[]))), DomainError::NoParticipants);
    assert_eq!(
        refused(&given, by(veteran(0), join(&[veteran(0)]))),
        DomainError::ParticipantHoldsRole { person: veteran(0), network: welfare }
    );
    assert_eq!(
        refused(&given, by(veteran(0), join(&[person(999)]))),
        DomainError::UnknownPerson(person(999))
    );
    given.push(Event::PersonRegistered { person: person(500), unit: None, roles: BTreeSet::new() });
    assert_eq!(
        refused(&given, by(secretary(), join(&[person(500)]))),
        DomainError::ParticipantWithoutUnit(person(500))
    );
    // AU-6: the network's people and the secretariat record; the chief forum does not.
    assert_eq!(refused(&given, by(chief2(), join(&[novice(0)]))).code(), "not_entitled");
    for actor in [veteran(0), secretary()] {
        check(
            &given,
            by(actor, join(&[novice(1), novice(0)])),
            Ok(vec![Event::ParticipantsJoined {
                network: welfare,
                participants: BTreeSet::from([novice(0), novice(1)]),
            }]),
        );
    }
    run(&mut given, by(veteran(0), join(&[novice(0)])));
    assert_eq!(
        refused(&given, by(veteran(0), join(&[novice(1), novice(0)]))),
        DomainError::AlreadyParticipant { person: novice(0), network: welfare }
    );
    let stop = Action::CloseNetwork {
        network: welfare,
        outcome: Outcome::Stopped,
        reason: Some("No base unit could free the time".into()),
        criteria_met: None,
    };
    run(&mut given, when(stop));
    assert_eq!(refused(&given, by(veteran(0), join(&[novice(1)]))), DomainError::NetworkNotRunning(welfare));
}

/// TP-4: what a network produced is recorded, while it runs or after it closed, with what it
/// is and the base units it concerns; knowledge shared back and a handover name their units,
/// and a test result follows the test phase's beginning.
#[test]
fn tp4_outputs_are_recorded_with_their_units_while_the_network_runs_or_after_it_closed() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let output = |kind, description: &str, units: Vec<UnitId>| Action::RecordOutput {
        network: welfare,
        kind,
        description: description.into(),
        units,
    };
    assert_eq!(
        refused(&given, by(veteran(0), output(OutputKind::Product, " ", Vec::new()))),
        DomainError::BlankField { field: "what it produced", rule: Rule::Tp4 }
    );
    for kind in [OutputKind::Knowledge, OutputKind::Handover] {
        assert!(kind.needs_units());
        assert_eq!(
            refused(&given, by(veteran(0), output(kind, "A guide", Vec::new()))),
            DomainError::OutputWithoutUnit { kind }
        );
    }
    assert_eq!(
        refused(&given, by(veteran(0), output(OutputKind::TestResult, "Waits halved", Vec::new()))),
        DomainError::TestResultBeforeTest(welfare)
    );
    assert_eq!(
        refused(&given, by(novice(2), output(OutputKind::Effect, "Shorter waits", Vec::new()))),
        DomainError::NotEntitled {
            actor: novice(2),
            act: "record_output",
            may: &[Standing::Leader, Standing::CoDriver, Standing::ReferenceLeader, Standing::Secretariat],
            rule: Rule::Au6
        }
    );
    assert_eq!(
        refused(&given, by(veteran(0), output(OutputKind::Product, "A plan", vec![unit(99)]))),
        DomainError::UnknownUnit(unit(99))
    );
    let elsewhere = Action::RecordOutput {
        network: network(9),
        kind: OutputKind::Effect,
        description: "Shorter waits".into(),
        units: Vec::new(),
    };
    assert_eq!(refused(&given, by(veteran(0), elsewhere)), DomainError::UnknownNetwork(network(9)));
    check(
        &given,
        by(veteran(0), output(OutputKind::Knowledge, " A guide ", vec![department(), department()])),
        Ok(vec![Event::OutputRecorded {
            network: welfare,
            kind: OutputKind::Knowledge,
            description: "A guide".into(),
            units: vec![department()],
        }]),
    );
    // Through its test (its result recorded), implementation and close; its effect is shown
    // after it closed.
    phases_before(&mut given, welfare, "test");
    let test = begin_test_phase(welfare);
    run(&mut given, when(test));
    run(&mut given, by(veteran(0), output(OutputKind::TestResult, "Waits halved", Vec::new())));
    run(&mut given, when(Action::EnterPhase { network: welfare, phase: "implementation".into() }));
    let close = Action::CloseNetwork {
        network: welfare,
        outcome: Outcome::Implemented,
        reason: None,
        criteria_met: None,
    };
    run(&mut given, when(close));
    check(
        &given,
        by(secretary(), output(OutputKind::Effect, "Shown to the council", Vec::new())),
        Ok(vec![Event::OutputRecorded {
            network: welfare,
            kind: OutputKind::Effect,
            description: "Shown to the council".into(),
            units: Vec::new(),
        }]),
    );
}

#[test]
fn tp2_outcomes_fit_the_type_and_stopping_needs_a_reason() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let learning = started(&mut given, 2, NetworkType::Learning, novice(0));
    assert_eq!(
        refused(
            &given,
            when(Action::CloseNetwork {
                network: learning,
                outcome: Outcome::Implemented,
                reason: None,
                criteria_met: None
            })
        ),
        DomainError::OutcomeNotForType { outcome: Outcome::Implemented, network_type: NetworkType::Learning }
    );
    assert_eq!(
        refused(
            &given,
            when(Action::CloseNetwork {
                network: welfare,
                outcome: Outcome::KnowledgeShared,
                reason: None,
                criteria_met: None
            })
        ),
        DomainError::OutcomeNotForType {
            outcome: Outcome::KnowledgeShared,
            network_type: NetworkType::Welfare
        }
    );
    assert_eq!(
        refused(
            &given,
            when(Action::CloseNetwork {
                network: welfare,
                outcome: Outcome::Stopped,
                reason: None,
                criteria_met: None
            })
        ),
        DomainError::BlankField { field: "reason for stopping", rule: Rule::Tp2 }
    );
    // Implemented or handed on only after the test phase began.
    for outcome in [Outcome::Implemented, Outcome::HandedOnForScaling] {
        assert_eq!(
            refused(
                &given,
                when(Action::CloseNetwork { network: welfare, outcome, reason: None, criteria_met: None })
            ),
            DomainError::NotTestedYet { network: welfare, outcome }
        );
    }
    phases_before(&mut given, welfare, "implementation");
    run(&mut given, when(Action::EnterPhase { network: welfare, phase: "implementation".into() }));
    // In implementation, it came through its test: not stopped.
    assert_eq!(
        refused(
            &given,
            when(Action::CloseNetwork {
                network: welfare,
                outcome: Outcome::Stopped,
                reason: Some("No money".into()),
                criteria_met: None
            })
        ),
        DomainError::StoppedInImplementation(welfare)
    );
    run(
        &mut given,
        when(Action::CloseNetwork {
            network: welfare,
            outcome: Outcome::Implemented,
            reason: None,
            criteria_met: None,
        }),
    );
    let state = State::from_events(&given);
    assert_eq!(state.theme(theme(1)).unwrap().status, ThemeStatus::Closed);
    // A closed network takes no more decisions.
    assert_eq!(
        refused(&given, when(Action::EnterPhase { network: welfare, phase: "implementation".into() })),
        DomainError::NetworkNotRunning(welfare)
    );
}

// CO -------------------------------------------------------------------------------------------

/// Takes `who` through a cohort of their own to the diploma (acknowledging CO-2).
fn diploma(history: &mut Vec<Event>, who: PersonId) {
    let id = cohort(who.as_uuid().as_u128());
    run_acknowledged(history, when(Action::FormCohort { cohort: id, members: BTreeSet::from([who]) }));
    for day in TeachingDay::ALL {
        run(history, when(Action::RecordTeachingDay { cohort: id, person: who, day }));
    }
    run(history, when(Action::PassWrittenAssignment { cohort: id, person: who }));
    run(history, when(Action::PassOralExam { cohort: id, person: who }));
    run(history, when(Action::AwardDiploma { cohort: id, person: who }));
}

#[test]
fn co2_a_cohort_outside_twelve_to_fifteen_is_a_warning() {
    let given = base();
    let members = BTreeSet::from([novice(0), novice(1), novice(2)]);
    let form = Action::FormCohort { cohort: cohort(1), members: members.clone() };
    assert_eq!(
        refused(&given, when(form.clone())),
        DomainError::UnacknowledgedWarnings {
            warnings: vec![Warning::CohortSizeOutsideRange {
                cohort: cohort(1),
                size: 3,
                expected: CountRange::new(12, 15)
            }]
        }
    );
    let decision =
        decide_on(&given, &when(form).acknowledging(Acknowledgement::new(Rule::Co2, "A pilot cohort")))
            .unwrap();
    assert_eq!(decision.acknowledged.len(), 1);
    assert_eq!(
        refused(&given, when(Action::FormCohort { cohort: cohort(1), members: BTreeSet::new() })),
        DomainError::EmptyCohort
    );
}

/// CO-5: "afholdes uddannelse hvert 1½ år". A cohort formed sooner after the one before than
/// the policy's interval (18 months by default) warns, naming the earlier cohort and the months
/// between; one formed on time does not; the policy's interval decides.
#[test]
fn co5_a_cohort_sooner_than_eighteen_months_after_the_last_is_a_warning() {
    let formed_first = date(2015, 3, 2);
    let mut dated: Vec<(Event, chrono::NaiveDate)> =
        base().into_iter().map(|event| (event, date(2014, 1, 6))).collect();
    let first = BTreeSet::from([novice(0)]);
    dated.push((
        Event::CohortFormed { cohort: cohort(1), members: first, acknowledged: Vec::new() },
        formed_first,
    ));
    let state = State::from_dated(dated.iter().map(|(event, on)| (event, *on)));
    let second = |on: chrono::NaiveDate, policy: &Policy| {
        let form = Action::FormCohort { cohort: cohort(2), members: BTreeSet::from([novice(1)]) };
        let command = Command::new(Metadata::new(secretary(), on), form)
            .acknowledging(Acknowledgement::new(Rule::Co2, "A pilot cohort"));
        decide(&state, &command, policy, now())
    };
    let sooner = Warning::CohortSoonerThanInterval {
        cohort: cohort(2),
        previous: cohort(1),
        previous_formed_on: formed_first,
        months: 14,
        expected_months: 18,
    };
    assert_eq!(sooner.rule(), Rule::Co5);
    assert_eq!(
        second(date(2016, 5, 20), &Policy::ns3()),
        Err(DomainError::UnacknowledgedWarnings { warnings: vec![sooner.clone()] })
    );
    let form = Action::FormCohort { cohort: cohort(2), members: BTreeSet::from([novice(1)]) };
    let command = Command::new(Metadata::new(secretary(), date(2016, 5, 20)), form)
        .acknowledging(Acknowledgement::new(Rule::Co2, "A pilot cohort"))
        .acknowledging(Acknowledgement::new(Rule::Co5, "Eight networks lack co-drivers"));
    let decision = decide(&state, &command, &Policy::ns3(), now()).unwrap();
    assert!(decision.acknowledged.iter().any(|ack| ack.warning == sooner));
    // Eighteen months on, the day itself included, no warning of CO-5.
    assert!(second(date(2016, 9, 2), &Policy::ns3()).is_ok());
    // A policy with a yearly cadence takes the same date without a warning.
    let yearly = Policy { cohort_interval_months: 12, ..Policy::ns3() };
    assert!(second(date(2016, 5, 20), &yearly).is_ok());
    assert!(Policy { cohort_interval_months: 0, ..Policy::ns3() }.validate().is_err());
}

#[test]
fn co3_the_diploma_needs_five_days_the_assignment_and_the_exam() {
    let mut given = base();
    run_acknowledged(
        &mut given,
        when(Action::FormCohort { cohort: cohort(1), members: BTreeSet::from([novice(0)]) }),
    );
    run(
        &mut given,
        when(Action::RecordTeachingDay {
            cohort: cohort(1),
            person: novice(0),
            day: TeachingDay::WelfareAnew,
        }),
    );
    let award = Action::AwardDiploma { cohort: cohort(1), person: novice(0) };
    let error = refused(&given, when(award.clone()));
    assert_eq!(
        error,
        DomainError::DiplomaIncomplete {
            person: novice(0),
            missing_days: TeachingDay::ALL[1..].to_vec(),
            written: false,
            oral: false,
        }
    );
    assert_eq!(error.rule(), Some(Rule::Co3));
    assert_eq!(
        refused(&given, when(Action::PassOralExam { cohort: cohort(1), person: novice(0) })),
        DomainError::WrittenAssignmentFirst(novice(0))
    );
    assert!(matches!(
        refused(
            &given,
            when(Action::RecordTeachingDay {
                cohort: cohort(1),
                person: novice(0),
                day: TeachingDay::WelfareAnew
            })
        ),
        DomainError::AlreadyRecorded { .. }
    ));
    assert_eq!(
        refused(
            &given,
            when(Action::RecordTeachingDay {
                cohort: cohort(1),
                person: novice(1),
                day: TeachingDay::WelfareAnew
            })
        ),
        DomainError::NotCohortMember { cohort: cohort(1), person: novice(1) }
    );
    let mut complete = base();
    diploma(&mut complete, novice(0));
    assert!(State::from_events(&complete).person(novice(0)).unwrap().diploma);
    // A diploma holder does not join another cohort.
    assert_eq!(
        refused(
            &complete,
            when(Action::FormCohort { cohort: cohort(9), members: BTreeSet::from([novice(0)]) })
        ),
        DomainError::AlreadyHoldsDiploma(novice(0))
    );
}

#[test]
fn co1_a_co_driver_with_the_diploma_may_then_lead_a_welfare_network() {
    let mut given = base();
    let learning = started(&mut given, 1, NetworkType::Learning, novice(1));
    run(&mut given, when(Action::AttachCoDriver { network: learning, person: novice(0) }));
    diploma(&mut given, novice(0));
    let welfare = prioritised(&mut given, 2, NetworkType::Welfare);
    run(
        &mut given,
        when(Action::StartNetwork {
            network: network(2),
            theme: welfare,
            network_type: NetworkType::Welfare,
            leader: novice(0),
            co_driver: None,
            reference_leader: Some(chief()),
        }),
    );
}

#[test]
fn nl1_co1_a_learning_leader_with_the_diploma_qualifies_unless_the_policy_wants_co_driving_first() {
    let mut given = base();
    let learning = started(&mut given, 1, NetworkType::Learning, novice(1));
    run(&mut given, when(Action::AttachCoDriver { network: learning, person: novice(0) }));
    diploma(&mut given, novice(0));
    diploma(&mut given, novice(1));
    let welfare = prioritised(&mut given, 2, NetworkType::Welfare);
    let start = |leader| Action::StartNetwork {
        network: network(2),
        theme: welfare,
        network_type: NetworkType::Welfare,
        leader,
        co_driver: None,
        reference_leader: Some(chief()),
    };
    // NL-1 (the default): led a learning network, then the diploma: qualified.
    let person = State::from_events(&given).person(novice(1)).cloned().unwrap();
    assert!(person.qualifies_under(LeaderQualification::DiplomaAndDriven));
    assert!(!person.qualifies_under(LeaderQualification::DiplomaAndCoDriven));
    decide_on(&given, &when(start(novice(1))).acknowledging(Acknowledgement::new(Rule::Nw2, "x"))).unwrap();
    // CO-1's reading, switched on: leading is not enough, co-driving is.
    let co_driving_first =
        Policy { leader_qualification: LeaderQualification::DiplomaAndCoDriven, ..Policy::ns3() };
    run(&mut given, when(Action::ChangePolicy { policy: co_driving_first }));
    assert_eq!(
        refused(&given, when(start(novice(1)))),
        DomainError::LeaderNotQualified { person: novice(1), network_type: NetworkType::Welfare }
    );
    run_acknowledged(&mut given, when(start(novice(0))));
}

#[test]
fn rl1_a_network_leader_has_one_reference_leader_at_a_time_across_their_networks() {
    let mut given = base();
    let first = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let second = prioritised(&mut given, 2, NetworkType::Welfare);
    let start = |reference_leader| Action::StartNetwork {
        network: network(2),
        theme: second,
        network_type: NetworkType::Welfare,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(reference_leader),
    };
    let error = refused(&given, when(start(chief2())));
    assert_eq!(
        error,
        DomainError::LeaderHasAnotherReferenceLeader {
            leader: veteran(0),
            network: first,
            reference_leader: chief()
        }
    );
    assert!(error.danish().ends_with("kun én referenceleder ad gangen (RL-1)"), "{}", error.danish());
    // The same reference leader for both: started.
    let mut shared = given.clone();
    run_acknowledged(&mut shared, when(start(chief())));
    // A change of the leader's reference leader carries over to their other running networks,
    // each its own event with the same reason: they keep one reference leader.
    let change = Action::ChangeReferenceLeader { network: first, to: chief2(), reason: "Budget".into() };
    let changed = |network| Event::ReferenceLeaderChanged {
        network,
        from: chief(),
        to: chief2(),
        reason: "Budget".into(),
        acknowledged: Vec::new(),
    };
    check(&shared, when(change.clone()), Ok(vec![changed(first), changed(network(2))]));
    // Each network is checked as the one named: the new reference leader must have opted in
    // on its theme too (RL-2).
    let outsider = Action::ChangeReferenceLeader { network: first, to: director(), reason: "Budget".into() };
    let mut without_opt_in: Vec<Event> = shared.clone();
    without_opt_in.retain(|event| {
        !matches!(event, Event::ReferenceLeaderAccepted { theme: accepted, person, .. } if *accepted == second && *person == director())
    });
    assert_eq!(
        refused(&without_opt_in, when(outsider)),
        DomainError::ReferenceLeaderNotAccepted { person: director(), theme: second }
    );
    // Once the other network closes, the change touches only the one left.
    run(
        &mut shared,
        when(Action::CloseNetwork {
            network: network(2),
            outcome: Outcome::Stopped,
            reason: Some("No test site".into()),
            criteria_met: None,
        }),
    );
    check(&shared, when(change), Ok(vec![changed(first)]));
    // Read per network instead, by policy: two reference leaders for one leader, and a change
    // stays in its network.
    let per_network = Policy { one_reference_leader_per_leader: false, ..Policy::ns3() };
    run(&mut given, when(Action::ChangePolicy { policy: per_network }));
    run_acknowledged(&mut given, when(start(chief2())));
    let alone = Action::ChangeReferenceLeader { network: first, to: chief2(), reason: "Budget".into() };
    check(&given, when(alone), Ok(vec![changed(first)]));
}

#[test]
fn rl1_nw1_a_learning_network_may_start_without_a_reference_leader_unless_the_policy_wants_one() {
    let mut given = base();
    let learning = prioritised(&mut given, 1, NetworkType::Learning);
    let welfare = prioritised(&mut given, 2, NetworkType::Welfare);
    let start = |n, theme, network_type| Action::StartNetwork {
        network: network(n),
        theme,
        network_type,
        leader: veteran(0),
        co_driver: None,
        reference_leader: None,
    };
    assert_eq!(
        refused(&given, when(start(2, welfare, NetworkType::Welfare))),
        DomainError::NoReferenceLeader { network_type: NetworkType::Welfare }
    );
    let mut wanting = given.clone();
    run(
        &mut wanting,
        when(Action::ChangePolicy {
            policy: Policy { learning_needs_reference_leader: true, ..Policy::ns3() },
        }),
    );
    assert_eq!(
        refused(&wanting, when(start(1, learning, NetworkType::Learning))),
        DomainError::NoReferenceLeader { network_type: NetworkType::Learning }
    );
    // By default it starts without one: no ReferenceLeaderAssigned.
    let decision = run_acknowledged(&mut given, when(start(1, learning, NetworkType::Learning)));
    assert_eq!(decision.events.len(), 1, "{:?}", decision.events);
    assert_eq!(State::from_events(&given).network(network(1)).unwrap().reference_leader, None);
    // A mandate contract needs one; the first is assigned, not changed.
    let contract = Action::AgreeMandateContract {
        network: network(1),
        personnel_leader: chief(),
        secretariat: secretary(),
        terms: "Two hours a week".into(),
    };
    assert_eq!(refused(&given, when(contract)), DomainError::MandateWithoutReferenceLeader(network(1)));
    check(
        &given,
        when(Action::ChangeReferenceLeader {
            network: network(1),
            to: chief2(),
            reason: "The forum asks".into(),
        }),
        Ok(vec![Event::ReferenceLeaderAssigned { network: network(1), person: chief2() }]),
    );
}

#[test]
fn rl3_a_policy_may_take_reference_leaders_from_outside_the_chief_forum_but_not_for_innovation() {
    let mut given = base();
    let from_anywhere = Policy { reference_leaders_from_chief_forum: false, ..Policy::ns3() };
    run(&mut given, when(Action::ChangePolicy { policy: from_anywhere }));
    let welfare = prioritised(&mut given, 1, NetworkType::Welfare);
    run(&mut given, opts_in(welfare, novice(1)));
    let start = |network_type| Action::StartNetwork {
        network: network(1),
        theme: welfare,
        network_type,
        leader: veteran(0),
        co_driver: None,
        reference_leader: Some(novice(1)),
    };
    assert_eq!(
        refused(
            &given,
            when(start(NetworkType::Innovation)).acknowledging(Acknowledgement::new(Rule::Nw5, "x"))
        ),
        DomainError::ReferenceLeaderNotDirector(novice(1))
    );
    run_acknowledged(&mut given, when(start(NetworkType::Welfare)));
}

// SN -------------------------------------------------------------------------------------------

#[test]
fn sn1_a_rotation_is_bounded_and_one_at_a_time() {
    let mut given = base();
    let start = |until| Action::StartRotation { person: novice(0), skills: "Facilitation".into(), until };
    assert_eq!(
        refused(&given, when(start(date(2016, 9, 1)))),
        DomainError::RotationNotBounded { until: date(2016, 9, 1) }
    );
    assert_eq!(
        refused(&given, when(Action::EndRotation { person: novice(0) })),
        DomainError::NotInRotation(novice(0))
    );
    run(&mut given, when(start(date(2017, 3, 1))));
    assert_eq!(refused(&given, when(start(date(2017, 3, 1)))), DomainError::AlreadyInRotation(novice(0)));
    run(&mut given, when(Action::EndRotation { person: novice(0) }));
}

#[test]
fn sn1_the_secretariat_and_those_in_rotation_there_redact_and_say_why() {
    let mut given = base();
    let state = State::from_events(&given);
    let check_redaction = |state: &State, by: PersonId, why: &str| {
        netvaerk_core::check_redaction(state, by, why, date(2016, 9, 1), &Policy::ns3())
    };
    assert_eq!(check_redaction(&state, secretary(), "A citizen's name in the notes"), Ok(()));
    assert_eq!(
        check_redaction(&state, chief(), "A name"),
        Err(DomainError::NotEntitled {
            actor: chief(),
            act: "redact",
            may: &[Standing::Secretariat],
            rule: Rule::Au3
        })
    );
    assert_eq!(check_redaction(&state, person(999), "A name"), Err(DomainError::UnknownActor(person(999))));
    assert_eq!(check_redaction(&state, secretary(), "  "), Err(DomainError::NoRedactionReason));
    assert_eq!(
        check_redaction(&state, secretary(), "a\u{202E}b"),
        Err(DomainError::ForbiddenCharacter { field: "why", character: '\u{202E}' })
    );
    assert!(matches!(
        check_redaction(&state, secretary(), &"x".repeat(10_001)),
        Err(DomainError::TextTooLong { field: "why", .. })
    ));
    // A person in rotation in the secretariat (SN-1) redacts as its staff do.
    let until = date(2017, 3, 1);
    run(&mut given, when(Action::StartRotation { person: novice(0), skills: "Records".into(), until }));
    assert_eq!(check_redaction(&State::from_events(&given), novice(0), "A name"), Ok(()));
}

#[test]
fn sn2_running_networks_call_on_the_help_hotspots() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let help =
        |note: &str| Action::RequestHelp { network: id, hotspot: Hotspot::design(), note: note.into() };
    assert_eq!(
        refused(&given, when(help(""))),
        DomainError::BlankField { field: "note on the help needed", rule: Rule::Sn2 }
    );
    check(
        &given,
        when(help("A prototype for the citizen test")),
        Ok(vec![Event::HelpRequested {
            network: id,
            hotspot: Hotspot::design(),
            note: "A prototype for the citizen test".into(),
        }]),
    );
}

/// SN-2 names five hotspots and ends "osv.": another staff function is taken as given, and in
/// JSON a hotspot is the function's name. Blank, multi-line or overlong names do not decode.
#[test]
fn sn2_the_help_hotspots_are_an_open_list_with_the_five_as_examples() {
    let mut given = base();
    let id = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let hr: Hotspot = " HR-partner ".parse().unwrap();
    assert_eq!((hr.as_str(), hr.is_named(), Hotspot::legal().is_named()), ("HR-partner", false, true));
    check(
        &given,
        when(Action::RequestHelp { network: id, hotspot: hr.clone(), note: "Rekruttering".into() }),
        Ok(vec![Event::HelpRequested { network: id, hotspot: hr, note: "Rekruttering".into() }]),
    );
    assert_eq!(serde_json::to_value(Hotspot::finance()).unwrap(), serde_json::json!("finance"));
    assert_eq!(serde_json::from_str::<Hotspot>("\"design\"").unwrap(), Hotspot::design());
    let too_long = format!("\"{}\"", "x".repeat(Hotspot::MAX_CHARS + 1));
    for bad in ["\"\"", "\"  \"", "\"a\\nb\"", too_long.as_str()] {
        assert!(serde_json::from_str::<Hotspot>(bad).is_err(), "{bad}");
    }
}

// Policy and unknown ids -----------------------------------------------------------------------

#[test]
fn an_invalid_policy_is_refused() {
    let given = base();
    let mut policy = Policy::ns3();
    policy.starts_per_half_year = CountRange::new(5, 4);
    assert_eq!(
        refused(&given, when(Action::ChangePolicy { policy })),
        DomainError::InvalidPolicy(PolicyProblem::EmptyRange { field: "starts_per_half_year" })
    );
}

#[test]
fn unknown_ids_are_named() {
    let given = base();
    assert_eq!(
        refused(&given, when(Action::QualifyTheme { theme: theme(404), assessments: all_met() })),
        DomainError::UnknownTheme(theme(404))
    );
    assert_eq!(
        refused(&given, when(Action::EnterPhase { network: network(404), phase: "start".into() })),
        DomainError::UnknownNetwork(network(404))
    );
    assert_eq!(
        refused(&given, when(Action::PassWrittenAssignment { cohort: cohort(404), person: novice(0) })),
        DomainError::UnknownCohort(cohort(404))
    );
    assert_eq!(
        refused(&given, when(Action::ChangePersonRoles { person: person(404), roles: BTreeSet::new() })),
        DomainError::UnknownPerson(person(404))
    );
    assert_eq!(
        refused(
            &given,
            when(Action::RegisterPerson {
                person: person(405),
                unit: Some(unit(404)),
                roles: BTreeSet::new()
            })
        ),
        DomainError::UnknownUnit(unit(404))
    );
}

#[test]
fn the_policy_in_force_is_the_one_the_log_says() {
    let mut given = base();
    let mut strict = Policy::ns3();
    strict.max_running_innovation_networks = 0;
    run(&mut given, when(Action::ChangePolicy { policy: strict.clone() }));
    let state = State::from_events(&given);
    assert_eq!(state.policy_in_force(&Policy::ns3()), &strict);
}

// Input limits (before any rule) ------------------------------------------------------------

#[test]
fn input_limits_texts_dates_and_policy_values_are_refused_naming_the_field_and_the_value() {
    let given = base();
    let long = "x".repeat(TextKind::Name.max() + 1);
    let error = refused(&given, when(Action::NameUnit { unit: department(), name: long }));
    assert_eq!(error, DomainError::TextTooLong { field: "name", length: 201, max: 200 });
    assert_eq!(error.subject(), Some(("name", "201 characters".to_owned())));
    for character in ['\u{1}', '\u{202E}', '\u{2066}', '\n'] {
        let error = refused(
            &given,
            when(Action::NameUnit { unit: department(), name: format!("Børn{character}Unge") }),
        );
        assert_eq!(error, DomainError::ForbiddenCharacter { field: "name", character }, "{character:?}");
        assert_eq!(error.code(), "forbidden_character");
    }
    // A line break is fine in a longer text; a ten-megabyte one is not.
    let mut lines = when(Action::NameUnit { unit: department(), name: "Børn og Unge".into() });
    lines.metadata.rationale = Some("Chefforum\nmødet".into());
    assert!(decide_on(&given, &lines).is_ok());
    lines.metadata.rationale = Some("x".repeat(10 * 1024 * 1024));
    assert!(matches!(decide_on(&given, &lines), Err(DomainError::TextTooLong { field: "rationale", .. })));
    // Business dates of the years 0, 1, 16 and -1 are not decisions of the organisation.
    for year in [0, 1, 16, -1, 1999] {
        let date = chrono::NaiveDate::from_ymd_opt(year, 6, 1).unwrap();
        let error = refused(&given, on(date, Action::NameUnit { unit: department(), name: "Kultur".into() }));
        assert_eq!(error, DomainError::ImplausibleDate { date });
    }
    // A policy with cohorts of none, or phases of four billion weeks.
    let mut policy = Policy::ns3();
    policy.cohort_size = CountRange { min: 0, max: 0 };
    let error = refused(&given, when(Action::ChangePolicy { policy: policy.clone() }));
    assert!(
        matches!(error, DomainError::InvalidPolicy(PolicyProblem::OutOfBounds { field: "cohort_size", .. })),
        "{error}"
    );
    let mut policy = Policy::ns3();
    policy.welfare_plan.phases[0].weeks = u32::MAX;
    let error = refused(&given, when(Action::ChangePolicy { policy }));
    assert!(
        matches!(
            error,
            DomainError::InvalidPolicy(PolicyProblem::OutOfBounds {
                field: "weeks",
                value: 4_294_967_295,
                ..
            })
        ),
        "{error}"
    );
    // Danish too, naming the field.
    assert!(DomainError::TextTooLong { field: "title", length: 300, max: 200 }
        .danish()
        .starts_with("titlen er 300 tegn"));
}

/// NL-1 and the input limits (issue 26): a line or paragraph separator does not belong in a
/// one-line name (a longer text may hold one, as it may a line break), and no person led or
/// co-drove 65,535 networks before NS3.
#[test]
fn nl1_input_limits_a_line_separator_in_a_name_and_an_implausible_prior_count_are_refused() {
    let given = base();
    for separator in ['\u{2028}', '\u{2029}'] {
        let name = Action::NameUnit { unit: department(), name: format!("Børn{separator}og Unge") };
        assert_eq!(
            refused(&given, when(name)),
            DomainError::ForbiddenCharacter { field: "name", character: separator }
        );
        let reason = Action::RejectTheme { theme: theme(9), reason: format!("Nej{separator}tak") };
        assert!(TextKind::Text.check("reason", &format!("a{separator}b")).is_ok(), "{reason:?}");
    }
    let prior = |led| Action::RegisterPriorExperience {
        person: novice(0),
        generation: 2,
        networks_led: led,
        networks_co_driven: 0,
    };
    let error = refused(&given, when(prior(65_535)));
    assert_eq!(error, DomainError::ImplausiblePriorNetworks { count: 65_535, max: 100 });
    assert_eq!(error.rule(), Some(Rule::Nl1));
    decide_on(&given, &when(prior(3))).unwrap();
}

/// ORG-2 with the reference leader's duty ("ansvarlig for at vurdere relevansen af og sikre et
/// eventuelt politisk samspil"): the network's reference leader judges where it plays up to the
/// political level. A welfare network's is a subject committee, an innovation network's the
/// innovation committee; the municipal council or none fits any. A committee is named only for
/// a subject committee; the leader may not judge it.
#[test]
fn org2_the_reference_leader_judges_the_political_link_which_fits_the_type() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let innovation = started(&mut given, 2, NetworkType::Innovation, veteran(1));
    let link = |network, link, committee: Option<&str>| Action::LinkPolitically {
        network,
        link,
        committee: committee.map(str::to_owned),
    };
    check(
        &given,
        by(chief(), link(welfare, PoliticalLink::SubjectCommittee, Some(" Social- og Sundhedsudvalget "))),
        Ok(vec![Event::PoliticallyLinked {
            network: welfare,
            link: PoliticalLink::SubjectCommittee,
            committee: Some("Social- og Sundhedsudvalget".into()),
        }]),
    );
    assert_eq!(
        refused(&given, by(chief(), link(welfare, PoliticalLink::InnovationCommittee, None))),
        DomainError::PoliticalLinkMisfit {
            network: welfare,
            network_type: NetworkType::Welfare,
            link: PoliticalLink::InnovationCommittee
        }
    );
    assert_eq!(
        refused(&given, by(director(), link(innovation, PoliticalLink::SubjectCommittee, None))).rule(),
        Some(Rule::Org2)
    );
    assert_eq!(
        refused(&given, by(chief(), link(welfare, PoliticalLink::MunicipalCouncil, Some("Økonomiudvalget")))),
        DomainError::CommitteeWithoutSubjectCommittee {
            network: welfare,
            committee: "Økonomiudvalget".into()
        }
    );
    for fits in [PoliticalLink::InnovationCommittee, PoliticalLink::MunicipalCouncil, PoliticalLink::Unlinked]
    {
        assert!(decide_on(&given, &by(director(), link(innovation, fits, None))).is_ok(), "{fits:?}");
    }
    // The network's leader records its work (AU-6) but does not judge its political link.
    assert!(matches!(
        refused(&given, by(veteran(0), link(welfare, PoliticalLink::Unlinked, None))),
        DomainError::NotEntitled { .. }
    ));
}

/// NW-6: "er netværkstyperne rammesættende for netværkets mål og succeskriterier". A network's
/// goals and success criteria are set while it runs (by its leader, reference leader, the
/// chief forum or the secretariat), at least one of each; set again they are a revision with a
/// reason; its close states which success criteria it met, by number, and names none it has
/// not.
#[test]
fn nw6_goals_and_success_criteria_are_set_revised_with_a_reason_and_judged_at_the_close() {
    let mut given = base();
    let welfare = started(&mut given, 1, NetworkType::Welfare, veteran(0));
    let goals = |goals: &[&str], criteria: &[&str], reason: Option<&str>| Action::SetGoals {
        network: welfare,
        goals: goals.iter().map(|goal| (*goal).to_owned()).collect(),
        success_criteria: criteria.iter().map(|criterion| (*criterion).to_owned()).collect(),
        reason: reason.map(str::to_owned),
    };
    assert_eq!(
        refused(&given, by(veteran(0), goals(&["One plan"], &[], None))),
        DomainError::GoalsIncomplete { network: welfare, what: "success criterion", given: 0 }
    );
    assert_eq!(
        refused(&given, by(veteran(0), goals(&[" "], &["Half have one plan"], None))),
        DomainError::BlankField { field: "goal", rule: Rule::Nw6 }
    );
    assert_eq!(
        refused(&given, by(veteran(0), goals(&["One plan", " One plan"], &["c"], None))),
        DomainError::DuplicateGoal { network: welfare, text: "One plan".into() }
    );
    let too_many: Vec<String> = (0..=MAX_GOALS).map(|n| format!("Goal {n}")).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    assert_eq!(refused(&given, by(veteran(0), goals(&too_many, &["c"], None))).rule(), Some(Rule::Nw6));
    // A participant of the base may not set them (AU-1 under NW-6).
    assert!(matches!(
        refused(&given, by(novice(1), goals(&["One plan"], &["c"], None))),
        DomainError::NotEntitled { .. }
    ));
    check(
        &given,
        by(
            veteran(0),
            goals(
                &[" One plan for citizens with many cases "],
                &["Half have one plan", "Staff use it"],
                None,
            ),
        ),
        Ok(vec![Event::GoalsSet {
            network: welfare,
            goals: vec!["One plan for citizens with many cases".into()],
            success_criteria: vec!["Half have one plan".into(), "Staff use it".into()],
            reason: None,
        }]),
    );
    run(&mut given, by(veteran(0), goals(&["One plan"], &["Half have one plan", "Staff use it"], None)));
    assert_eq!(
        refused(&given, by(chief(), goals(&["One plan"], &["A third have one plan"], None))),
        DomainError::GoalsRevisedWithoutReason(welfare)
    );
    let revised = goals(
        &["One plan"],
        &["A third have one plan", "Staff use it", "No case told twice"],
        Some("Narrowed"),
    );
    run(&mut given, by(chief(), revised));
    // The close judges the three criteria: required, by number from 1.
    phases_before(&mut given, welfare, "test");
    run(&mut given, when(begin_test_phase(welfare)));
    let close = |met: Option<&[u32]>| Action::CloseNetwork {
        network: welfare,
        outcome: Outcome::HandedOnForScaling,
        reason: None,
        criteria_met: met.map(|met| met.iter().copied().collect()),
    };
    assert_eq!(
        refused(&given, when(close(None))),
        DomainError::SuccessNotJudged { network: welfare, criteria: 3 }
    );
    assert_eq!(
        refused(&given, when(close(Some(&[1, 4])))),
        DomainError::UnknownSuccessCriterion { network: welfare, number: 4, criteria: 3 }
    );
    assert_eq!(refused(&given, when(close(Some(&[0])))).rule(), Some(Rule::Nw6));
    check(
        &given,
        when(close(Some(&[3, 1]))),
        Ok(vec![Event::NetworkClosed {
            network: welfare,
            outcome: Outcome::HandedOnForScaling,
            reason: None,
            criteria_met: Some([1, 3].into_iter().collect()),
            acknowledged: Vec::new(),
        }]),
    );
    // None met is an empty list; a network without goals is closed without judging.
    assert!(decide_on(&given, &when(close(Some(&[])))).is_ok());
    let learning = started(&mut given, 2, NetworkType::Learning, novice(0));
    let close_learning = Action::CloseNetwork {
        network: learning,
        outcome: Outcome::KnowledgeShared,
        reason: None,
        criteria_met: Some([1].into_iter().collect()),
    };
    assert_eq!(
        refused(&given, when(close_learning)),
        DomainError::UnknownSuccessCriterion { network: learning, number: 1, criteria: 0 }
    );
}

/// ORG-5: "på chefforums løbende møder én gang månedligt". Once the organisation keeps the
/// chief forum's calendar in the log (scheduled by the forum or the secretariat, each meeting
/// once, cancelled only where scheduled), a decision of the chief forum's dated on a day
/// without a meeting warns, naming the next meeting; acknowledged (a written procedure), the
/// warning is kept in the event. The calendar speaks for its span, first meeting to last.
/// Other decisions, and a policy that does not know the rhythm (NS2's), are not held against
/// the calendar.
#[test]
fn org5_a_chief_forum_decision_off_the_calendars_meeting_days_is_a_warning() {
    let mut given = base();
    let theme = theme(1);
    run(&mut given, when(propose(theme)));
    let defer = Action::DeferTheme { theme, to_round: round("2017H1") };
    // No calendar in the log: nothing to hold the decision against.
    assert!(decide_on(&given, &when(defer.clone())).is_ok());
    let schedule = |meetings: &[NaiveDate], cancelled: &[NaiveDate]| Action::ScheduleForumMeetings {
        meetings: meetings.iter().copied().collect(),
        cancelled: cancelled.iter().copied().collect(),
    };
    let (august, september, october) = (date(2016, 8, 2), date(2016, 9, 6), date(2016, 10, 4));
    check(
        &given,
        by(secretary(), schedule(&[august, september, october], &[])),
        Ok(vec![Event::ForumMeetingsScheduled {
            meetings: [august, september, october].into_iter().collect(),
            cancelled: BTreeSet::new(),
        }]),
    );
    run(&mut given, by(secretary(), schedule(&[august, september, october], &[])));
    assert_eq!(refused(&given, by(chief(), schedule(&[], &[]))), DomainError::NoForumMeetingsGiven);
    assert_eq!(
        refused(&given, by(chief(), schedule(&[october], &[]))),
        DomainError::ForumMeetingScheduled(october)
    );
    assert_eq!(
        refused(&given, by(chief(), schedule(&[], &[date(2016, 9, 13)]))),
        DomainError::NoForumMeeting(date(2016, 9, 13))
    );
    assert!(matches!(
        refused(&given, by(veteran(0), schedule(&[date(2016, 11, 1)], &[]))),
        DomainError::NotEntitled { .. }
    ));
    // At most two years ahead; a meeting that has passed is not cancelled (decisions may have
    // been taken at it).
    assert_eq!(
        refused(&given, by(chief(), schedule(&[date(2018, 9, 4)], &[]))),
        DomainError::ForumMeetingTooFarAhead { day: date(2018, 9, 4), latest: date(2018, 9, 1) }
    );
    assert_eq!(
        refused(&given, by(chief(), schedule(&[], &[august]))),
        DomainError::ForumMeetingPassed(august)
    );
    // On 2016-09-01, between meetings: the deferral warns and is kept with its rationale.
    let off = Warning::OffMeetingDay { on: date(2016, 9, 1), next: Some(september) };
    assert_eq!(off.rule(), Rule::Org5);
    assert_eq!(
        refused(&given, when(defer.clone())),
        DomainError::UnacknowledgedWarnings { warnings: vec![off.clone()] }
    );
    let rationale = "Decided by written procedure";
    let decision =
        decide_on(&given, &when(defer.clone()).acknowledging(Acknowledgement::new(Rule::Org5, rationale)))
            .unwrap();
    assert_eq!(
        decision.events,
        vec![Event::ThemeDeferred {
            theme,
            round: round("2016H2"),
            to_round: round("2017H1"),
            acknowledged: vec![AcknowledgedWarning { warning: off, rationale: rationale.into() }],
        }]
    );
    // On the meeting day it passes; a decision not the chief forum's is not held against it.
    assert!(decide_on(&given, &on(september, defer.clone())).is_ok());
    assert!(decide_on(
        &given,
        &by(chief(), Action::RefineTheme { theme, title: None, challenge: None, note: "Narrower".into() })
    )
    .is_ok());
    // The calendar speaks for its span, its first meeting to its last: after it, nothing is
    // known of the meetings, so nothing is held against it.
    assert!(decide_on(&given, &on(date(2016, 10, 20), defer.clone())).is_ok());
    assert!(decide_on(&given, &on(date(2016, 7, 20), defer.clone())).is_ok());
    // Cancelled, the day is off again.
    run(&mut given, by(chief(), schedule(&[], &[september])));
    assert!(matches!(
        refused(&given, on(september, defer.clone())),
        DomainError::UnacknowledgedWarnings { .. }
    ));
    // A policy that does not know the rhythm (NS2's) holds nothing against the calendar.
    given.push(Event::PolicyChanged { policy: Policy::ns2(), in_force_from: None });
    assert!(decide_on(&given, &on(september, defer)).is_ok());
}

/// NS2 before NS3 (the seed is dated "FORÅR 2016", and NS2 already had the three types, the
/// diploma in cohorts, rotations and co-drivers): its numbers are not in the seed, so an NS2
/// policy holds them unknown, and no rule judges by an unknown number: NW-2 and NW-3 warn of
/// no mix, NW-4 refuses no third innovation network, CO-2 and CO-5 warn of no cohort. NS3 in
/// force from its date judges by its own.
#[test]
fn nw2_nw3_nw4_co2_co5_an_ns2_policy_with_unknown_numbers_judges_by_none_of_them() {
    let ns2 = Policy::ns2();
    assert_eq!(ns2.structure.as_deref(), Some("NS2"));
    assert!(PolicyValue::ALL.iter().all(|value| !ns2.knows(*value)));
    assert!(PolicyValue::ALL.iter().all(|value| Policy::ns3().knows(*value)));
    ns2.validate().unwrap();
    let mut given = base();
    given.push(Event::PolicyChanged { policy: ns2, in_force_from: Some(date(2014, 1, 6)) });
    let start = third_innovation_start(&mut given);
    assert!(decide_on(&given, &when(start.clone())).is_ok(), "NW-4 unknown: no limit");
    prioritised(&mut given, 4, NetworkType::Welfare);
    assert!(
        decide_on(&given, &when(Action::CloseRound { round: round("2016H2") })).is_ok(),
        "NW-2, NW-3 unknown"
    );
    let cohort = |n| Action::FormCohort { cohort: cohort(n), members: [novice(n)].into_iter().collect() };
    run(&mut given, when(cohort(1)));
    assert!(decide_on(&given, &when(cohort(2))).is_ok(), "CO-2, CO-5 unknown");
    // NS3 in force from spring 2016 judges by its numbers again.
    let mut ns3 = Policy::ns3();
    ns3.structure = Some("NS3".into());
    given.push(Event::PolicyChanged { policy: ns3, in_force_from: Some(date(2016, 3, 1)) });
    assert_eq!(refused(&given, when(start)), DomainError::InnovationLimitReached { running: 2, max: 2 });
    // (CO-5 needs the cohorts' dates, which this undated history does not give.)
    let DomainError::UnacknowledgedWarnings { warnings } = refused(&given, when(cohort(2))) else {
        panic!("CO-2 warns under NS3")
    };
    assert_eq!(warnings.iter().map(Warning::rule).collect::<Vec<_>>(), [Rule::Co2]);
}
