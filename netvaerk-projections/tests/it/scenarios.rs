//! Scenarios from the NS3 text, told through commands and read back through the projections.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use netvaerk_core::*;
use netvaerk_projections::*;
use netvaerk_store::{EventStore, PersonalData};

use crate::support::*;

/// A welfare network through its intensive periods; a test phase in which a new reference
/// leader takes over (TP-1); closed as implemented (TP-2).
#[test]
fn pr4_tp1_a_welfare_network_through_intensive_periods_test_and_implementation_loads_its_people() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Welfare);
    history.start(date(2016, 9, 1), 1, NetworkType::Welfare, VETERAN, Some(NOVICE));
    let phases = [
        (date(2016, 9, 5), "intensive 1"),
        (date(2016, 9, 19), "break 1"),
        (date(2016, 10, 10), "intensive 2"),
        (date(2016, 10, 24), "break 2"),
        (date(2016, 11, 1), "intensive 3"),
        (date(2016, 11, 8), "break 3"),
        (date(2016, 11, 15), "intensive 4"),
    ];
    for (on, phase) in phases {
        history.run(on, Action::EnterPhase { network: network(1), phase: phase.into() });
    }
    history.run(
        date(2016, 11, 22),
        Action::BeginTestPhase {
            network: network(1),
            funding: Some("Welfare pool".into()),
            funding_kr: Some(1_250_000),
            tested: None,
            owners: Vec::new(),
        },
    );
    history.run(
        date(2016, 12, 1),
        Action::ChangeReferenceLeader {
            network: network(1),
            to: person(CHIEF2),
            reason: "Owns implementation".into(),
        },
    );
    history.run(
        date(2017, 2, 1),
        Action::CloseNetwork {
            network: network(1),
            outcome: Outcome::Implemented,
            reason: None,
            criteria_met: None,
        },
    );

    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let entry = &all.portfolio.networks[&network(1)];
    assert_eq!(entry.outcome, Some(Outcome::Implemented));
    assert_eq!(entry.ended_on, Some(date(2017, 2, 1)));
    assert_eq!(entry.reference_leader, Some(person(CHIEF2)));
    assert_eq!(all.portfolio.themes[&theme(1)].status, ThemeStatus::Closed);

    // Leader histories: the old reference leader's spell ends at the change, the new one's at
    // the close.
    let chief_spells = &all.leaders.spells[&person(CHIEF)];
    assert_eq!(chief_spells[0].role, Role::ReferenceLeader);
    assert_eq!((chief_spells[0].from, chief_spells[0].to), (date(2016, 9, 1), Some(date(2016, 12, 1))));
    let chief2_spells = &all.leaders.spells[&person(CHIEF2)];
    assert_eq!((chief2_spells[0].from, chief2_spells[0].to), (date(2016, 12, 1), Some(date(2017, 2, 1))));

    // PR-4: two intensive weeks in September, two in October, two in November, for leader and
    // co-driver alike.
    for who in [VETERAN, NOVICE] {
        let load = all.leaders.load(person(who));
        assert_eq!(
            load,
            vec![
                MonthLoad { month: "2016-09".into(), intensive_weeks: 2.0 },
                MonthLoad { month: "2016-10".into(), intensive_weeks: 2.0 },
                MonthLoad { month: "2016-11".into(), intensive_weeks: 2.0 },
            ]
        );
    }

    // The network's audit trail, start to close, with the change and its reason.
    let audit = all.audit.network(network(1), &Names::none(), &history.store).unwrap().unwrap();
    let steps: Vec<&str> = audit.decisions.iter().map(|d| d.event_type).collect();
    assert_eq!(
        steps,
        [
            "NetworkStarted",
            "ReferenceLeaderAssigned",
            "CoDriverAttached",
            "PhaseEntered",
            "PhaseEntered",
            "PhaseEntered",
            "PhaseEntered",
            "PhaseEntered",
            "PhaseEntered",
            "PhaseEntered",
            "TestPhaseBegun",
            "ReferenceLeaderChanged",
            "NetworkClosed"
        ]
    );
    assert!(audit.decisions[11].summary.ends_with("Owns implementation"));
    // RL-5: the funding's source and amount, its thousands grouped.
    assert_eq!(audit.decisions[10].summary, "test phase begun, funded by Welfare pool: 1,250,000 kr.");
}

/// A co-driver who completes the diploma and then leads a welfare network (CO-1, NL-1).
#[test]
fn a_co_driver_completes_the_diploma_and_then_leads_a_welfare_network() {
    let mut history = History::new();
    let stage = |history: &History| {
        let tracks =
            rebuild::<CompetenceTracks>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
        let track = &tracks.tracks[&person(NOVICE)];
        (track.stage(LeaderQualification::default()), track.may_lead(LeaderQualification::default()))
    };
    assert_eq!(stage(&history), (Stage::Candidate, vec![NetworkType::Learning]));

    // NL-3: scored on two competences, then one again: the latest score of each counts.
    let assess = |scores: &[(Competence, u8)]| Action::AssessCompetences {
        person: person(NOVICE),
        scores: scores.iter().copied().collect(),
    };
    history.run(
        date(2016, 1, 10),
        assess(&[(Competence::ThinksOthersIn, 2), (Competence::CourageToExperiment, 4)]),
    );
    history.run(date(2016, 1, 20), assess(&[(Competence::ThinksOthersIn, 4)]));
    let tracks =
        rebuild::<CompetenceTracks>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let row =
        tracks.report(&Names::none()).tracks.into_iter().find(|row| row.person.id == person(NOVICE)).unwrap();
    assert_eq!(row.competence_mean, Some(4.0));
    assert_eq!(row.competences.len(), 2);

    history.run(date(2016, 2, 1), Action::OpenRound { round: "2016H1".parse().unwrap() });
    history.prioritised(date(2016, 2, 10), 1, 1, NetworkType::Welfare);
    history.start(date(2016, 3, 1), 1, NetworkType::Welfare, VETERAN, Some(NOVICE));
    assert_eq!(stage(&history).0, Stage::CoDriver);

    let members: BTreeSet<PersonId> = [NOVICE, NOVICE2].into_iter().map(person).collect();
    history.run(date(2016, 4, 1), Action::FormCohort { cohort: cohort(1), members });
    for day in TeachingDay::ALL {
        history.run(
            date(2016, 5, 1),
            Action::RecordTeachingDay { cohort: cohort(1), person: person(NOVICE), day },
        );
    }
    assert_eq!(stage(&history).0, Stage::InDiploma);
    history
        .run(date(2016, 6, 1), Action::PassWrittenAssignment { cohort: cohort(1), person: person(NOVICE) });
    history.run(date(2016, 6, 8), Action::PassOralExam { cohort: cohort(1), person: person(NOVICE) });
    history.run(date(2016, 6, 15), Action::AwardDiploma { cohort: cohort(1), person: person(NOVICE) });
    assert_eq!(stage(&history), (Stage::QualifiedLeader, NetworkType::ALL.to_vec()));
    // Their cohort-mate has the diploma but has driven no network: trained, not in training,
    // and not yet qualified (NL-1).
    for day in TeachingDay::ALL {
        history.run(
            date(2016, 5, 1),
            Action::RecordTeachingDay { cohort: cohort(1), person: person(NOVICE2), day },
        );
    }
    history
        .run(date(2016, 6, 1), Action::PassWrittenAssignment { cohort: cohort(1), person: person(NOVICE2) });
    history.run(date(2016, 6, 8), Action::PassOralExam { cohort: cohort(1), person: person(NOVICE2) });
    history.run(date(2016, 6, 15), Action::AwardDiploma { cohort: cohort(1), person: person(NOVICE2) });
    let tracks =
        rebuild::<CompetenceTracks>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let mate = &tracks.tracks[&person(NOVICE2)];
    assert_eq!(mate.stage(LeaderQualification::default()), Stage::DiplomaHolder);
    assert_eq!(mate.may_lead(LeaderQualification::default()), vec![NetworkType::Learning]);

    history.run(date(2016, 6, 20), Action::CloseRound { round: "2016H1".parse().unwrap() });
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 2, 1, NetworkType::Welfare);
    history.start(date(2016, 9, 1), 2, NetworkType::Welfare, NOVICE, None);

    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let roles: Vec<Role> = all.leaders.spells[&person(NOVICE)].iter().map(|s| s.role).collect();
    assert_eq!(roles, [Role::CoDriver, Role::NetworkLeader]);
    let report = all.competence.report(&Names::none());
    assert!(report.pool.iter().any(|p| p.id == person(NOVICE)));
    let cohort_row = &report.cohorts[0];
    assert_eq!((cohort_row.size, cohort_row.within_range, cohort_row.diplomas), (2, false, 2));
    // CO-4: one member from each department; each pays 2/3 of a place, the secretariat 1/3.
    assert_eq!(cohort_row.cost_split.len(), 2);
    assert_eq!(cohort_row.cost_split[0].split.department_share, 0.67);
    assert_eq!(cohort_row.cost_split[0].split.secretariat_share, 0.33);
    // The cohort's CO-2 override is listed in the portfolio.
    assert!(all.portfolio.overrides.iter().any(|o| o.acknowledged.warning.rule() == Rule::Co2));
}

/// A round where one theme is prioritised, one deferred and one rejected; the audit trail of
/// each shows the others (TH-3).
#[test]
fn a_round_prioritises_defers_and_rejects_and_each_trail_shows_the_others() {
    let mut history = History::new();
    let round: RoundId = "2016H2".parse().unwrap();
    history.run(date(2016, 8, 1), Action::OpenRound { round });
    for (n, title) in [(1, "Urban farming"), (2, "Sharing economy"), (3, "Parking signs")] {
        history.propose(date(2016, 8, 2), n, title);
        history.qualify(date(2016, 9, 5), n);
    }
    history.run(
        date(2016, 9, 5),
        Action::PrioritiseTheme { theme: theme(1), rank: 1, recommended_type: NetworkType::Innovation },
    );
    history.run(date(2016, 9, 5), Action::DeferTheme { theme: theme(2), to_round: round.next() });
    history.run(
        date(2016, 9, 5),
        Action::RejectTheme { theme: theme(3), reason: "Solved in one department".into() },
    );
    history.run(date(2016, 12, 1), Action::CloseRound { round });

    let trail = rebuild::<AuditTrail>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let names = Names::from_store(&history.store);
    let prioritised = trail.theme(theme(1), &names, &history.store).unwrap().unwrap();
    let steps: Vec<&str> = prioritised.decisions.iter().map(|d| d.event_type).collect();
    assert_eq!(steps, ["ThemeProposed", "ThemeQualified", "ThemePrioritised"]);
    let qualified = &prioritised.decisions[1];
    assert_eq!(qualified.assessment.as_ref().unwrap().len(), 7);
    assert_eq!(qualified.rationale.as_deref(), Some("decided on 2016-09-05"));
    // TH-2: the unmet innovation criterion was overridden, and the trail says so.
    assert_eq!(prioritised.decisions[2].acknowledged[0].warning.rule(), Rule::Th2);

    let context = &prioritised.rounds[0];
    assert_eq!(context.round, round);
    assert_eq!(
        context.outcome,
        RoundOutcome::Prioritised { rank: 1, recommended_type: NetworkType::Innovation }
    );
    let others: Vec<(&str, &RoundOutcome)> =
        context.others.iter().map(|p| (p.title.as_str(), &p.outcome)).collect();
    assert_eq!(
        others,
        [
            ("Parking signs", &RoundOutcome::Rejected { reason: "Solved in one department".into() }),
            ("Sharing economy", &RoundOutcome::Deferred { to_round: round.next() }),
        ]
    );
    // The round's closing, with its NW-2/NW-3 overrides, is in the context.
    let closing = context.round_decisions.iter().find(|d| d.event_type == "RoundClosed").unwrap();
    assert!(!closing.acknowledged.is_empty());

    for (n, expected) in [(2, 2), (3, 2)] {
        let audit = trail.theme(theme(n), &names, &history.store).unwrap().unwrap();
        assert_eq!(audit.rounds[0].others.len(), expected);
        assert!(audit.rounds[0].others.iter().any(|peer| peer.theme == theme(1)));
    }
    // Names come from the registry at report time.
    assert_eq!(prioritised.decisions[0].actor_name.name, "(not in the registry)");
}

#[test]
fn an_erased_person_shows_as_erased_and_the_chain_verifies() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Welfare);
    history.start(date(2016, 9, 1), 1, NetworkType::Welfare, VETERAN, None);
    let data = PersonalData { name: "Bo Veteran".into(), email: None, title: Some("Leader".into()) };
    history.store.register_person(person(VETERAN), data, person(VETERAN), chrono::Utc::now()).unwrap();
    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let names = Names::from_store(&history.store);
    assert_eq!(all.portfolio.report(&names).networks[0].leader_name.name, "Bo Veteran");

    let at = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    history.store.erase(person(VETERAN), person(SECRETARY), at).unwrap();
    // Names are read once per report: the names read before the erasure still hold the name,
    // every report made after it shows the erasure.
    assert_eq!(all.portfolio.report(&names).networks[0].leader_name.name, "Bo Veteran");
    let names = Names::from_store(&history.store);
    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    assert_eq!(all.portfolio.report(&names).networks[0].leader_name.name, "(erased)");
    let leaders = all.leaders.report(&names);
    assert!(leaders.iter().any(|h| h.person.id == person(VETERAN) && h.person.name == "(erased)"));
    assert!(history.store.verify().unwrap().is_ok());
}

#[test]
fn as_of_a_date_shows_the_portfolio_as_it_was() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Innovation);
    history.start(date(2016, 9, 1), 1, NetworkType::Innovation, VETERAN, None);
    let before_refinement = history.store.head().unwrap().unwrap().position;
    // Recorded after the start, decided before it: a backdated refinement.
    history.run(
        date(2016, 8, 20),
        Action::RefineTheme {
            theme: theme(1),
            title: Some("Urban farming".into()),
            challenge: None,
            note: "Named".into(),
        },
    );
    history.run(
        date(2017, 3, 1),
        Action::CloseNetwork {
            network: network(1),
            outcome: Outcome::Stopped,
            reason: Some("No capital".into()),
            criteria_met: None,
        },
    );

    let as_of = |as_of| rebuild::<Portfolio>(&history.store, &history.stream, as_of).unwrap().into_inner();
    let before_start = as_of(AsOf::Date(date(2016, 8, 31)));
    assert_eq!(before_start.themes[&theme(1)].status, ThemeStatus::Prioritised);
    assert_eq!(
        before_start.themes[&theme(1)].title,
        "Urban farming",
        "by business date, the backdated refinement counts"
    );
    assert!(before_start.networks.is_empty());
    let running = as_of(AsOf::Date(date(2016, 12, 31)));
    assert_eq!(running.innovation_running(), 1);
    let now = as_of(AsOf::Now);
    assert_eq!(now.innovation_running(), 0);
    // By position: what was recorded before the refinement.
    let recorded_then = as_of(AsOf::Position(before_refinement));
    assert_eq!(recorded_then.themes[&theme(1)].title, "Theme 1");
    assert_eq!(recorded_then.innovation_running(), 1);
    // The half-year view counts the start in 2016H2 against NW-2 and NW-4.
    let half_years = now.half_years();
    assert_eq!(half_years[0].half_year.to_string(), "2016H2");
    assert_eq!((half_years[0].innovation, half_years[0].nw2_kept), (1, false));
    assert_eq!(half_years[0].innovation_running_at_end, 1);
}

/// The trail keeps positions and a report reads the decisions back: one redacted since keeps
/// its place and facts, with "(redacted)" where its words were (TH-2's qualification here),
/// and the theme can still be decided on.
#[test]
fn an_audit_trail_reads_its_decisions_back_from_the_log_with_a_redacted_one_scrubbed() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Welfare);
    let trail = rebuild::<AuditTrail>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let kept: Vec<u64> = trail.themes[&theme(1)].iter().map(|decision| decision.position).collect();
    let audit = trail.theme(theme(1), &Names::none(), &history.store).unwrap().unwrap();
    let positions: Vec<u64> = audit.decisions.iter().map(|entry| entry.position).collect();
    assert_eq!(positions, kept);
    assert_eq!(audit.decisions[1].event_type, "ThemeQualified");
    let original = audit.decisions[1].event.clone();

    let at = Utc.with_ymd_and_hms(2017, 1, 2, 9, 0, 0).unwrap();
    history.store.redact(kept[1], "personal data in the notes", person(SECRETARY), at).unwrap();
    let audit = trail.theme(theme(1), &Names::none(), &history.store).unwrap().unwrap();
    let positions: Vec<u64> = audit.decisions.iter().map(|entry| entry.position).collect();
    assert_eq!(positions, kept, "the redacted decision keeps its place");
    let redacted = &audit.decisions[1];
    assert_eq!(redacted.event, original.scrubbed());
    let Event::ThemeQualified { assessments, .. } = &redacted.event else { panic!("{:?}", redacted.event) };
    assert!(assessments.iter().all(|assessment| assessment.note == REDACTED_TEXT));
    assert_eq!(
        redacted.redaction,
        Some(RedactionNote { reason: "personal data in the notes".into(), redacted_at: at })
    );
    assert!(audit.decisions[0].redaction.is_none());
    // The organisation still decides after the redaction: its stream, read back, folds into
    // the state decide needs (NW-5 starts the network).
    let events: Vec<Event> = history
        .store
        .read_stream(&history.stream, 1)
        .unwrap()
        .iter()
        .map(|envelope| envelope.event().unwrap().expect("a scrubbed body still decodes"))
        .collect();
    history.state = State::from_events(&events);
    history.start(date(2016, 9, 1), 1, NetworkType::Welfare, VETERAN, Some(NOVICE));
}

/// Read against a store that does not hold its positions, a trail says which is missing.
#[test]
fn an_audit_trail_read_against_another_log_is_a_typed_error() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Welfare);
    let trail = rebuild::<AuditTrail>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let first = trail.themes[&theme(1)][0].position;
    let empty = netvaerk_store::MemoryStore::new();
    let error = trail.theme(theme(1), &Names::none(), &empty).unwrap_err();
    assert!(
        matches!(error, ProjectionError::Store(netvaerk_store::StoreError::NoSuchPosition(p)) if p == first),
        "{error}"
    );
    assert!(trail.theme(theme(2), &Names::none(), &empty).unwrap().is_none());
}

/// NW-2 narrowed to 1 from 2016-12-31: 2016H2, whose round closed before it, is judged by the
/// NS3 range it was planned under; 2017H1, whose round has not closed, by the range in force on
/// its first day, the new one.
#[test]
fn nw2_each_half_year_is_judged_by_the_policy_in_force_when_its_round_closed() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Welfare);
    history.start(date(2016, 9, 1), 1, NetworkType::Welfare, VETERAN, None);
    let mut narrow = Policy::ns3();
    narrow.starts_per_half_year = CountRange::new(1, 1);
    narrow.max_running_innovation_networks = 3;
    history.run(date(2016, 12, 20), Action::CloseRound { round: "2016H2".parse().unwrap() });
    history.run(date(2016, 12, 31), Action::ChangePolicy { policy: narrow });
    history.run(date(2017, 1, 5), Action::OpenRound { round: "2017H1".parse().unwrap() });
    history.prioritised(date(2017, 1, 10), 2, 1, NetworkType::Welfare);
    history.start(date(2017, 2, 1), 2, NetworkType::Welfare, VETERAN2, None);

    let portfolio = rebuild::<Portfolio>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let rows = portfolio.half_years();
    let row = |half: &str| rows.iter().find(|row| row.half_year.to_string() == half).unwrap();
    // 2016H2 began under NS3 (4-5): one start is outside it, and its row says 4-5.
    assert_eq!((row("2016H2").expected_total, row("2016H2").nw2_kept), (CountRange::new(4, 5), false));
    assert_eq!(row("2016H2").innovation_limit, 3, "NW-4 at the half-year's end: the new limit");
    // 2017H1 began under the new policy (1): one start keeps it.
    assert_eq!((row("2017H1").expected_total, row("2017H1").nw2_kept), (CountRange::new(1, 1), true));
    // As of a date before the change, nothing of it shows.
    let then = rebuild::<Portfolio>(&history.store, &history.stream, AsOf::Date(date(2016, 12, 30)))
        .unwrap()
        .into_inner();
    assert_eq!(then.report(&Names::none()).innovation_limit, 2);
    assert_eq!(portfolio.report(&Names::none()).innovation_limit, 3);
}

/// A competing theme qualified in the round and withdrawn before the forum decided on it shows
/// as withdrawn, with the reason, not as pending.
#[test]
fn a_competitor_withdrawn_after_qualification_shows_as_withdrawn_in_the_round() {
    let mut history = History::new();
    history.run(date(2016, 8, 1), Action::OpenRound { round: "2016H2".parse().unwrap() });
    history.prioritised(date(2016, 8, 15), 1, 1, NetworkType::Welfare);
    history.propose(date(2016, 8, 2), 2, "Theme 2");
    history.qualify(date(2016, 8, 15), 2);
    history.run(
        date(2016, 8, 20),
        Action::WithdrawTheme { theme: theme(2), reason: "The department took it on".into() },
    );
    let trail = rebuild::<AuditTrail>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let audit = trail.theme(theme(1), &Names::none(), &history.store).unwrap().unwrap();
    let peer = audit.rounds[0].others.iter().find(|peer| peer.theme == theme(2)).unwrap();
    assert_eq!(peer.outcome, RoundOutcome::Withdrawn { reason: "The department took it on".into() });
    // As of a date before the withdrawal it was still pending.
    let before = rebuild::<AuditTrail>(&history.store, &history.stream, AsOf::Date(date(2016, 8, 19)))
        .unwrap()
        .into_inner();
    let audit = before.theme(theme(1), &Names::none(), &history.store).unwrap().unwrap();
    let peer = audit.rounds[0].others.iter().find(|peer| peer.theme == theme(2)).unwrap();
    assert_eq!(peer.outcome, RoundOutcome::Qualified);
}

/// CO-2: a cohort is judged by the cohort size in force on the day it was formed, not by a
/// size put in force later.
#[test]
fn co2_a_cohort_is_judged_by_the_size_in_force_on_the_day_it_was_formed() {
    let mut history = History::new();
    let members = BTreeSet::from([person(NOVICE), person(NOVICE2), person(VETERAN)]);
    history.run(date(2016, 2, 1), Action::FormCohort { cohort: cohort(1), members: members.clone() });
    let mut small = Policy::ns3();
    small.cohort_size = CountRange::new(2, 4);
    history.run(date(2016, 6, 1), Action::ChangePolicy { policy: small });
    history.run(date(2016, 8, 1), Action::FormCohort { cohort: cohort(2), members });
    let tracks =
        rebuild::<CompetenceTracks>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let report = tracks.report(&Names::none());
    let row = |id| report.cohorts.iter().find(|row| row.cohort == id).unwrap();
    assert_eq!((row(cohort(1)).expected, row(cohort(1)).within_range), (CountRange::new(12, 15), false));
    assert_eq!((row(cohort(2)).expected, row(cohort(2)).within_range), (CountRange::new(2, 4), true));
}

/// PR-4 ahead: two welfare networks share a co-driver; the forecast places each network's
/// remaining phases on the calendar from its own plan, flags the weeks the co-driver is in two
/// intensive periods at once, shows each personnel leader their staff, and follows a replan and
/// a close.
#[test]
fn pr4_the_forecast_plans_each_networks_phases_ahead_and_flags_overlapping_intensive_periods() {
    let mut history = History::new();
    history.run(date(2017, 1, 2), Action::OpenRound { round: "2017H1".parse().unwrap() });
    history.prioritised(date(2017, 1, 10), 1, 1, NetworkType::Welfare);
    history.prioritised(date(2017, 1, 10), 2, 2, NetworkType::Welfare);
    history.start(date(2017, 2, 1), 1, NetworkType::Welfare, VETERAN, Some(NOVICE));
    history.start(date(2017, 2, 1), 2, NetworkType::Welfare, VETERAN2, Some(NOVICE));
    history.run(date(2017, 2, 6), Action::EnterPhase { network: network(1), phase: "intensive 1".into() });
    history.run(date(2017, 2, 13), Action::EnterPhase { network: network(2), phase: "intensive 1".into() });
    for (n, personnel_leader) in [(1, CHIEF), (2, CHIEF2)] {
        let contract = Action::AgreeMandateContract {
            network: network(n),
            personnel_leader: person(personnel_leader),
            secretariat: person(SECRETARY),
            terms: "Four hours a week".into(),
        };
        history.run(date(2017, 2, 13), contract);
    }
    let forecast = |history: &History| {
        let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
        all.forecast.report(&Names::none()).expect("decisions were made")
    };
    let of = |report: &ForecastReport, who: u128| {
        report.people.iter().find(|forecast| forecast.person.id == person(who)).cloned().unwrap()
    };
    let spans = |overloads: &[Overload]| overloads.iter().map(|o| (o.from, o.to)).collect::<Vec<_>>();

    let report = forecast(&history);
    assert_eq!((report.from, report.until), (date(2017, 2, 13), date(2017, 8, 13)));
    assert_eq!(report.max_intensive_at_once, 1);
    // The leader of network 1: its four intensive periods from its plan (2, 2, 3 and 2 weeks
    // with breaks of 3), the first counted from the forecast's first day.
    let veteran = of(&report, VETERAN);
    let periods: Vec<_> = veteran.periods.iter().map(|p| (p.phase.as_str(), p.from, p.to)).collect();
    assert_eq!(
        periods,
        [
            ("intensive 1", date(2017, 2, 13), date(2017, 2, 20)),
            ("intensive 2", date(2017, 3, 13), date(2017, 3, 27)),
            ("intensive 3", date(2017, 4, 17), date(2017, 5, 8)),
            ("intensive 4", date(2017, 5, 29), date(2017, 6, 12)),
        ]
    );
    assert!(veteran.periods.iter().all(|p| p.role == Role::NetworkLeader && p.network == network(1)));
    let months: Vec<_> = veteran.load.iter().map(|m| (m.month.as_str(), m.intensive_weeks)).collect();
    assert_eq!(
        months,
        [("2017-02", 1.0), ("2017-03", 2.0), ("2017-04", 2.0), ("2017-05", 1.4), ("2017-06", 1.6)]
    );
    assert!(veteran.overloads.is_empty());
    // The shared co-driver is in both networks' intensive periods where they meet.
    let novice = of(&report, NOVICE);
    assert_eq!(
        spans(&novice.overloads),
        [
            (date(2017, 2, 13), date(2017, 2, 20)),
            (date(2017, 3, 20), date(2017, 3, 27)),
            (date(2017, 4, 24), date(2017, 5, 8)),
            (date(2017, 6, 5), date(2017, 6, 12)),
        ]
    );
    assert!(novice.overloads.iter().all(|o| o.at_once == 2 && o.networks == [network(1), network(2)]));
    // Each personnel leader sees the staff they lend, and how much the plans ask of them.
    let lent: Vec<_> = report
        .personnel_leaders
        .iter()
        .map(|view| (view.personnel_leader.id, view.staff[0].person.id, view.staff[0].intensive_weeks))
        .collect();
    assert_eq!(lent, [(person(CHIEF), person(VETERAN), 8.0), (person(CHIEF2), person(VETERAN2), 9.0)]);

    // A policy that allows two at once flags nothing.
    let policy = Policy { max_intensive_at_once: 2, ..Policy::ns3() };
    history.run(date(2017, 2, 13), Action::ChangePolicy { policy });
    assert!(of(&forecast(&history), NOVICE).overloads.is_empty());
    history.run(date(2017, 2, 13), Action::ChangePolicy { policy: Policy::ns3() });

    // PR-5: network 1 planned anew with a longer first break moves its later periods, and the
    // co-driver's second overlap goes.
    let mut plan = PhasePlan::ns3_welfare();
    plan.phases[1].weeks = 6;
    history.run(
        date(2017, 2, 13),
        Action::ReplanNetwork { network: network(1), phase_plan: plan, reason: "Summer holidays".into() },
    );
    let report = forecast(&history);
    assert_eq!(of(&report, VETERAN).periods[1].from, date(2017, 4, 3));
    assert!(!spans(&of(&report, NOVICE).overloads).contains(&(date(2017, 3, 20), date(2017, 3, 27))));

    // Closed, a network draws on no one: its leader and personnel leader leave the forecast.
    history.run(
        date(2017, 2, 14),
        Action::CloseNetwork {
            network: network(2),
            outcome: Outcome::Stopped,
            reason: Some("No base unit took ownership".into()),
            criteria_met: None,
        },
    );
    let report = forecast(&history);
    assert!(report.people.iter().all(|forecast| forecast.person.id != person(VETERAN2)));
    assert!(report.personnel_leaders.iter().all(|view| view.personnel_leader.id != person(CHIEF2)));
    assert!(of(&report, NOVICE).overloads.is_empty());
}
