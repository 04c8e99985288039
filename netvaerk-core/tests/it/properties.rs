//! Properties over random command sequences, valid and invalid: deciding never panics, the
//! state reached never breaks a hard rule, folding the produced events from scratch gives the
//! state `decide` saw, and every event survives JSON encoding.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use netvaerk_core::codec::{decode, encode};
use netvaerk_core::*;
use proptest::prelude::*;

use crate::support::*;

/// Small pools, so random commands collide with existing things often. The last of each pool
/// is never registered, to exercise unknown ids.
fn pick_person(n: u8) -> PersonId {
    let pool = [
        secretary(),
        chief(),
        chief2(),
        director(),
        director2(),
        veteran(0),
        veteran(1),
        veteran(2),
        novice(0),
        novice(1),
        novice(2),
        person(404),
    ];
    pool[usize::from(n) % pool.len()]
}
/// The generator reads the state: most picks are existing themes and networks, or the round
/// that makes sense now; one in eight is a fresh or unknown id, to exercise refusals.
struct Picker<'a> {
    state: &'a State,
}

impl Picker<'_> {
    fn fresh(&self) -> u128 {
        10_000 + u128::from(self.state.version())
    }
    fn theme(&self, n: u8) -> ThemeId {
        let known: Vec<ThemeId> = self.state.themes().map(|(id, _)| id).collect();
        if n.is_multiple_of(8) || known.is_empty() {
            theme(self.fresh())
        } else {
            known[usize::from(n) % known.len()]
        }
    }
    fn network(&self, n: u8) -> NetworkId {
        let known: Vec<NetworkId> = self.state.networks().map(|(id, _)| id).collect();
        if n.is_multiple_of(8) || known.is_empty() {
            network(self.fresh())
        } else {
            known[usize::from(n) % known.len()]
        }
    }
    /// The open round, else the next one; sometimes any round.
    fn round(&self, n: u8) -> RoundId {
        if n.is_multiple_of(8) {
            return any_round(n);
        }
        let next = self.state.latest_round().map_or(round("2016H2"), |latest| latest.next());
        self.state.open_round().unwrap_or(next)
    }
}

fn any_round(n: u8) -> RoundId {
    let mut round = round("2016H1");
    for _ in 0..(n % 8) {
        round = round.next();
    }
    round
}
/// Mostly the one cohort, sometimes another (formed or not).
fn pick_cohort(n: u8) -> CohortId {
    cohort(u128::from(n.is_multiple_of(8)))
}
fn pick_unit(n: u8) -> UnitId {
    [area(), department(), department2(), secretariat_unit(), unit(404)][usize::from(n) % 5]
}
fn pick<T: Copy>(items: &[T], n: u8) -> T {
    items[usize::from(n) % items.len()]
}
/// Mostly one of `good` (three times in four), sometimes anyone from the whole pool.
fn mostly(good: &[PersonId], n: u8) -> PersonId {
    if n.is_multiple_of(4) {
        pick_person(n / 4)
    } else {
        pick(good, n / 4)
    }
}
fn chief_forum(n: u8) -> PersonId {
    mostly(&[chief(), chief2(), director(), director2()], n)
}
fn pick_type(n: u8) -> NetworkType {
    pick(&NetworkType::ALL, n)
}
fn text(n: u8) -> String {
    if n.is_multiple_of(5) {
        " ".into()
    } else {
        format!("text {n}")
    }
}

/// A command from four random bytes: the first chooses the action, the rest its arguments.
fn action(picker: &Picker, selector: u8, a: u8, b: u8, c: u8) -> Action {
    match selector % 33 {
        1 if b.is_multiple_of(3) => Action::CloseRound { round: picker.round(a) },
        0 | 1 => Action::OpenRound { round: picker.round(a) },
        2 | 3 => Action::ProposeTheme {
            theme: theme(picker.fresh() + u128::from(a.is_multiple_of(8))),
            title: text(b),
            challenge: text(c),
            proposed_by: chief_forum(b),
            departments: vec![if c.is_multiple_of(4) { pick_unit(c / 4) } else { department() }],
            origins: if c.is_multiple_of(7) {
                BTreeSet::new()
            } else {
                BTreeSet::from([pick(&[Origin::Below, Origin::Outside, Origin::Above], c)])
            },
        },
        4 | 5 | 8 if c.is_multiple_of(2) || selector % 33 != 8 => Action::QualifyTheme {
            theme: picker.theme(a),
            assessments: Criterion::ALL
                .into_iter()
                .map(|criterion| CriterionAssessment {
                    criterion,
                    met: !(b ^ criterion as u8).is_multiple_of(4),
                    note: text(c),
                })
                .take(if c.is_multiple_of(9) { 6 } else { 7 })
                .collect(),
        },
        6 | 7 => Action::PrioritiseTheme {
            theme: picker.theme(a),
            rank: u32::from(b % 6),
            recommended_type: pick_type(c),
        },
        8 => Action::DeferTheme { theme: picker.theme(a), to_round: picker.round(b) },
        9 if b.is_multiple_of(3) => Action::RejectTheme { theme: picker.theme(a), reason: text(c) },
        10 if b.is_multiple_of(4) => Action::WithdrawTheme { theme: picker.theme(a), reason: text(c) },
        9 | 10 => Action::PrioritiseTheme {
            theme: picker.theme(a),
            rank: u32::from(c % 9),
            recommended_type: pick_type(b),
        },
        11 => Action::RefineTheme {
            theme: picker.theme(a),
            title: None,
            challenge: Some(text(b)),
            note: text(c),
        },
        12 | 13 => Action::AcceptReferenceRole { theme: picker.theme(a), person: chief_forum(b) },
        14..=17 => Action::StartNetwork {
            network: if a % 8 == 1 { picker.network(a) } else { network(picker.fresh()) },
            theme: picker.theme(a),
            network_type: pick_type(b),
            leader: mostly(&[veteran(0), veteran(1), veteran(2), novice(0), novice(1)], c),
            co_driver: if b.is_multiple_of(3) {
                None
            } else {
                Some(mostly(&[novice(0), novice(1), novice(2)], c.wrapping_add(b)))
            },
            reference_leader: Some(chief_forum(b / 3)),
        },
        18 => Action::EnterPhase {
            network: picker.network(a),
            phase: pick(
                &[
                    "intensive 1",
                    "break 1",
                    "intensive 3",
                    "start",
                    "working sessions",
                    "test",
                    "implementation",
                    "close",
                    "nowhere",
                ],
                b,
            )
            .into(),
        },
        19 => Action::BeginTestPhase {
            network: picker.network(a),
            funding: if b.is_multiple_of(2) { None } else { Some(text(b)) },
            funding_kr: c.is_multiple_of(3).then(|| u64::from(c) * 10_000),
            tested: (!c.is_multiple_of(2)).then(|| text(c)),
            owners: if b.is_multiple_of(3) { vec![department()] } else { Vec::new() },
        },
        // NW-6: goals set or revised (the revision sometimes without its reason) before a close.
        20 if a % 4 == 3 => Action::SetGoals {
            network: picker.network(b),
            goals: (0..1 + b % 2).map(|n| text(n.wrapping_add(c))).collect(),
            success_criteria: (0..c % 4).map(|n| text(n.wrapping_add(b))).collect(),
            reason: b.is_multiple_of(2).then(|| text(a)),
        },
        20 => Action::CloseNetwork {
            network: picker.network(a),
            outcome: pick(
                &[
                    Outcome::Implemented,
                    Outcome::HandedOnForScaling,
                    Outcome::KnowledgeShared,
                    Outcome::Stopped,
                ],
                b,
            ),
            reason: if c.is_multiple_of(2) { None } else { Some(text(c)) },
            // NW-6: sometimes no judgement, sometimes numbers that may not all exist.
            criteria_met: (!b.is_multiple_of(5)).then(|| (1..=u32::from(c % 4)).collect()),
        },
        21 => {
            Action::ChangeReferenceLeader { network: picker.network(a), to: chief_forum(b), reason: text(c) }
        }
        22 => Action::AttachCoDriver { network: picker.network(a), person: pick_person(b) },
        23 => Action::ChangeCoDriver {
            network: picker.network(a),
            from: c.is_multiple_of(3).then(|| pick_person(c)),
            to: pick_person(b),
            reason: text(c),
        },
        24 => Action::AgreeMandateContract {
            network: picker.network(a),
            personnel_leader: pick_person(b),
            secretariat: mostly(&[secretary()], c),
            terms: text(c),
        },
        25 => Action::FormCohort {
            cohort: pick_cohort(a),
            members: if b.is_multiple_of(4) {
                (0..(c % 4)).map(|i| pick_person(c.wrapping_add(i))).collect()
            } else {
                BTreeSet::from([novice(0), novice(1), novice(2)])
            },
        },
        26 | 27 => Action::RecordTeachingDay {
            cohort: pick_cohort(a),
            person: mostly(&[novice(0), novice(1), novice(2)], b),
            day: pick(&TeachingDay::ALL, c),
        },
        28 => match c % 3 {
            0 => Action::PassWrittenAssignment {
                cohort: pick_cohort(a),
                person: mostly(&[novice(0), novice(1), novice(2)], b),
            },
            1 => Action::PassOralExam {
                cohort: pick_cohort(a),
                person: mostly(&[novice(0), novice(1), novice(2)], b),
            },
            _ => Action::AwardDiploma {
                cohort: pick_cohort(a),
                person: mostly(&[novice(0), novice(1), novice(2)], b),
            },
        },
        29 if !a.is_multiple_of(8) => Action::AssessCompetences {
            person: pick_person(b),
            scores: BTreeMap::from([(Competence::Curiosity, c % 6 + 1)]),
        },
        29 => Action::ChangePolicy {
            policy: Policy {
                max_running_innovation_networks: u32::from(a % 4),
                starts_per_half_year: CountRange::new(u32::from(b % 6), u32::from(c % 7)),
                max_co_drivers: 1 + u32::from(c % 2),
                ..Policy::ns3()
            },
        },
        30 => match a % 3 {
            0 => Action::StartRotation { person: pick_person(b), skills: text(c), until: date(2019, 1, 1) },
            1 => Action::EndRotation { person: pick_person(b) },
            _ => Action::RequestHelp {
                network: picker.network(b),
                hotspot: if c.is_multiple_of(2) { Hotspot::design() } else { "HR".parse().unwrap() },
                note: text(c),
            },
        },
        31 => Action::RegisterPriorExperience {
            person: pick_person(a),
            generation: b % 4,
            networks_led: u32::from(c % 3),
            networks_co_driven: u32::from(b % 2),
        },
        _ => match a % 5 {
            // ORG-5: the chief forum's calendar, which later decisions are held against.
            3 | 4 => Action::ScheduleForumMeetings {
                meetings: (0..b % 3)
                    .map(|n| date(2016, 7 + u32::from((b + n) % 6), 1 + u32::from(c % 28)))
                    .collect(),
                cancelled: if c.is_multiple_of(5) {
                    BTreeSet::from([date(2016, 9, 6)])
                } else {
                    BTreeSet::new()
                },
            },
            0 => Action::AssessCompetences {
                person: pick_person(b),
                scores: BTreeMap::from([(Competence::Exploratory, c % 7)]),
            },
            1 => Action::AddParticipants {
                network: picker.network(b),
                participants: [pick_person(c), pick_person(c / 2)].into_iter().collect(),
            },
            _ => Action::RecordOutput {
                network: picker.network(b),
                kind: pick(&OutputKind::ALL, c),
                description: text(c),
                units: if c.is_multiple_of(2) { Vec::new() } else { vec![department2()] },
            },
        },
    }
}

/// The hard rules a state must never break.
/// Who records `action`: RL-2's opt-in by the person themself when `own`, else `other`.
fn recorder(action: &Action, other: PersonId, own: bool) -> PersonId {
    match action {
        Action::AcceptReferenceRole { person, .. } if own => *person,
        _ => other,
    }
}

fn check_hard_rules(before: &State, decision: &Decision, after: &State, policy: &Policy) {
    for event in &decision.events {
        // NW-6: a network with success criteria closes stating which it met, each one of its
        // own; goals are at least one goal and one criterion, and a revision has its reason.
        if let Event::NetworkClosed { network, criteria_met, .. } = event {
            let criteria = before.network(*network).expect("NW-6: a known network").success_criteria;
            match criteria_met {
                Some(met) => assert!(
                    criteria > 0 && met.iter().all(|n| (1..=criteria as u32).contains(n)),
                    "NW-6 broken by {event:?} ({criteria} criteria)"
                ),
                None => assert_eq!(criteria, 0, "NW-6 broken: {event:?} judges no criterion"),
            }
        }
        if let Event::GoalsSet { network, goals, success_criteria, reason } = event {
            assert!(!goals.is_empty() && !success_criteria.is_empty(), "NW-6 broken by {event:?}");
            let earlier = before.network(*network).expect("NW-6: a known network").goals_set;
            assert!(!earlier || reason.is_some(), "NW-6 broken: {event:?} revises without a reason");
        }
        // CD-1: a co-driver attached leaves no more co-drivers than the policy in force allows.
        if let Event::CoDriverAttached { network, .. } = event {
            let limit = before.policy_on(decision.metadata.occurred_on, policy).max_co_drivers;
            let co_drivers = &after.network(*network).expect("CD-1: a known network").co_drivers;
            assert!(co_drivers.len() <= limit as usize, "CD-1 broken by {event:?}: {co_drivers:?}");
        }
        // TP-3: a network's leader and co-driver are never its participants too.
        if let Event::ParticipantsJoined { network, participants } = event {
            let network = before.network(*network).expect("TP-3: participants join a known network");
            assert!(network.is_running(), "TP-3 broken: {event:?} joins a closed network");
            assert!(!participants.contains(&network.leader), "TP-3 broken by {event:?}");
            assert!(
                network.co_drivers.iter().all(|co| !participants.contains(co)),
                "TP-3 broken by {event:?}"
            );
        }
        // TP-4: knowledge and handovers name their units; a test result follows the test.
        if let Event::OutputRecorded { network, kind, units, .. } = event {
            assert!(!kind.needs_units() || !units.is_empty(), "TP-4 broken by {event:?}");
            if *kind == OutputKind::TestResult {
                let network = before.network(*network).expect("TP-4: a known network");
                let test = network.plan.test_position().expect("TP-4: a plan with a test phase");
                assert!(network.phase.is_some_and(|phase| phase >= test), "TP-4 broken by {event:?}");
            }
        }
        if let Event::NetworkStarted { network_type, leader, .. } = event {
            // NL-2: the leader of a non-learning network was qualified when it started.
            if *network_type != NetworkType::Learning {
                assert!(before.is_qualified(*leader), "NL-2 broken by {event:?}");
            }
            // NW-4: never more running innovation networks than the limit in force on the
            // decision's business date.
            if *network_type == NetworkType::Innovation {
                let max =
                    before.policy_on(decision.metadata.occurred_on, policy).max_running_innovation_networks;
                assert!(after.running_networks(NetworkType::Innovation) <= max, "NW-4 broken by {event:?}");
            }
        }
    }
    for (id, network) in after.networks() {
        // RL-1: every network has one reference leader (a learning network may have none),
        // distinct from leader and co-driver.
        match network.reference_leader {
            Some(reference_leader) => {
                assert_ne!(reference_leader, network.leader, "RL-1: {id}");
                assert!(!network.has_co_driver(reference_leader), "RL-1: {id}");
            }
            None => assert_eq!(network.network_type, NetworkType::Learning, "RL-1: {id} has none"),
        }
        assert!(!network.has_co_driver(network.leader), "CD-1: {id}");
        // CD-1: each co-driver once.
        let distinct: BTreeSet<_> = network.co_drivers.iter().collect();
        assert_eq!(distinct.len(), network.co_drivers.len(), "CD-1: {id} has {:?}", network.co_drivers);
    }
    // RL-1: a network leader has one reference leader at a time across their running networks.
    if before.policy_on(decision.metadata.occurred_on, policy).one_reference_leader_per_leader {
        let mut by_leader: BTreeMap<PersonId, BTreeSet<PersonId>> = BTreeMap::new();
        for (_, network) in after.networks().filter(|(_, network)| network.is_running()) {
            if let Some(reference_leader) = network.reference_leader {
                by_leader.entry(network.leader).or_default().insert(reference_leader);
            }
        }
        assert!(by_leader.values().all(|set| set.len() == 1), "RL-1 per leader broken: {by_leader:?}");
    }
    // PR-5: a phase entered is the one after the phase the network was in.
    for event in &decision.events {
        if let Event::PhaseEntered { network, .. } | Event::TestPhaseBegun { network, .. } = event {
            let was = before.network(*network).and_then(|n| n.phase);
            let is = after.network(*network).and_then(|n| n.phase);
            assert_eq!(is, Some(was.map_or(0, |index| index + 1)), "PR-5 broken by {event:?}");
        }
    }
    for (rank, theme) in (0..8).flat_map(|n| after.round_ranking(any_round(n))) {
        assert!(rank >= 1, "TH-3: rank 0 for {theme}");
    }
}

/// An oracle for AU-1 written apart from the library's: whether `actor` holds `standing` for
/// `action` in `state`.
fn oracle_holds(state: &State, action: &Action, actor: PersonId, standing: Standing, on: NaiveDate) -> bool {
    let person = state.person(actor);
    let network = action.network().and_then(|id| state.network(id));
    let network_on = action
        .network()
        .is_none_or(|id| state.since(Since::NetworkRoles(id)).is_none_or(|since| since <= on));
    let staff = person.is_some_and(|p| p.roles.contains(&PersonRole::Secretariat));
    let rotation = person.is_some_and(|p| p.in_rotation && p.rotation_until.is_none_or(|until| on <= until));
    match standing {
        Standing::ChiefForum => person.is_some_and(|p| {
            p.roles.contains(&PersonRole::ChiefForum) || p.roles.contains(&PersonRole::Director)
        }),
        Standing::SecretariatStaff => staff,
        Standing::Secretariat => staff || rotation,
        Standing::Leader => network.is_some_and(|n| n.leader == actor) && network_on,
        Standing::CoDriver => network.is_some_and(|n| n.co_drivers.contains(&actor)) && network_on,
        Standing::ReferenceLeader => network.is_some_and(|n| n.reference_leader == Some(actor)) && network_on,
        Standing::Proposer => {
            action.theme().and_then(|id| state.theme(id)).is_some_and(|theme| theme.proposed_by == actor)
        }
        Standing::Themself => {
            matches!(action, Action::AcceptReferenceRole { person, .. } if *person == actor)
        }
        Standing::PersonnelLeader => {
            matches!(action, Action::AgreeMandateContract { personnel_leader, .. } if *personnel_leader == actor)
        }
        Standing::Founder => !state.is_founded(),
    }
}

/// AU-1, AU-8: an accepted decision's actor was entitled by the authority table on its date,
/// and nothing it presupposes is dated after it.
fn check_entitled_on_its_date(before: &State, decision: &Decision, action: &Action, policy: &Policy) {
    let (actor, on) = (decision.metadata.actor, decision.metadata.occurred_on);
    let policy = before.policy_on(on, policy);
    for cell in requirements(before, &Act::Decide(action), policy) {
        let entitled = cell.may.iter().any(|standing| oracle_holds(before, action, actor, *standing, on));
        assert!(entitled, "AU-1 broken: {actor} took {} without {:?}", action.name(), cell.may);
    }
    for since in [Since::Person(actor), Since::Standing(actor)].into_iter().chain(presupposed(before, action))
    {
        if let Some(date) = before.since(since) {
            assert!(date <= on, "AU-8 broken: {} dated {on}, before {since} on {date}", action.name());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_histories_never_break_a_hard_rule(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<bool>()), 1..120)
    ) {
        let policy = Policy::ns3();
        let founded = date(2016, 1, 4);
        let mut history: Vec<(Event, NaiveDate)> = base().into_iter().map(|event| (event, founded)).collect();
        let mut state = State::from_dated(history.iter().map(|(event, on)| (event, *on)));
        // The same history with its words redacted (`Event::scrubbed`) decides the same way.
        let mut scrubbed = state.clone();
        for (index, (selector, a, b, c, acknowledge)) in steps.into_iter().enumerate() {
            // Dates move forward, but one step in five is dated up to 45 days back (AU-8).
            let forward = date(2016, 7, 1) + Days::new(u64::try_from(index).unwrap() * 9);
            let on = if b % 5 == 0 { forward - Days::new(u64::from(c % 46)) } else { forward };
            let action = action(&Picker { state: &state }, selector, a, b, c);
            // Random actors (AU-1): half the time whoever the table entitles, else anyone of the
            // pool (an unregistered one among them).
            let anyone = if a % 2 == 0 { entitled(&action) } else { pick_person(a / 2) };
            let actor = recorder(&action, anyone, c % 4 != 0);
            let mut command = Command::new(Metadata::new(actor, on), action);
            if acknowledge {
                for rule in Rule::ALL {
                    command = command.acknowledging(Acknowledgement::new(*rule, "random"));
                }
            }
            let outcome = decide(&state, &command, &policy, now());
            let scrub = |events: &[Event]| events.iter().map(Event::scrubbed).collect::<Vec<_>>();
            match (&outcome, decide(&scrubbed, &command, &policy, now())) {
                (Ok(original), Ok(redacted)) => prop_assert_eq!(scrub(&original.events), scrub(&redacted.events)),
                (Err(original), Err(redacted)) => prop_assert_eq!(original.rule(), redacted.rule()),
                (original, redacted) => prop_assert!(false, "redaction changed the decision: {original:?} / {redacted:?}"),
            }
            match outcome {
                Ok(decision) => {
                    prop_assert!(!decision.events.is_empty());
                    scrubbed = scrub(&decision.events).iter().fold(scrubbed, |state, event| evolve_on(state, event, on));
                    let after = decision.fold(state.clone());
                    check_hard_rules(&state, &decision, &after, &policy);
                    check_entitled_on_its_date(&state, &decision, &command.action, &policy);
                    for event in &decision.events {
                        let encoded = encode(event);
                        let decoded = decode(encoded.type_name, encoded.schema_version, encoded.payload).unwrap();
                        prop_assert_eq!(&decoded, event);
                    }
                    history.extend(decision.events.into_iter().map(|event| (event, on)));
                    state = after;
                }
                Err(error) => {
                    // A refusal for want of authority is right by the oracle too.
                    if let DomainError::NotEntitled { actor, may, .. } = &error {
                        let holds = |standing: &Standing| oracle_holds(&state, &command.action, *actor, *standing, on);
                        prop_assert!(!may.iter().any(holds));
                    }
                    // Every refusal explains itself in words, in English and in Danish, and a
                    // refusal under a rule ends with that rule's id in both, once: the message
                    // names it from `rule()`, never from a literal of its own. (Unacknowledged
                    // warnings name each warning's rule.)
                    let (english, danish) = (error.to_string(), error.danish());
                    prop_assert!(!english.is_empty() && !danish.is_empty());
                    match (&error, error.rule()) {
                        (DomainError::UnacknowledgedWarnings { warnings }, _) => {
                            for warning in warnings {
                                let tag = format!("({})", warning.rule());
                                prop_assert!(english.contains(&tag) && danish.contains(&tag), "{english} / {danish}");
                            }
                        }
                        (_, Some(rule)) => {
                            let tag = format!("({rule})");
                            for message in [&english, &danish] {
                                prop_assert!(message.ends_with(&tag), "{message} does not end with {tag}");
                                prop_assert_eq!(message.matches(rule.id()).count(), 1, "{}", message);
                            }
                        }
                        (_, None) => {}
                    }
                }
            }
        }
        // Folding the whole log from scratch gives the state decide saw, step by step.
        prop_assert_eq!(State::from_dated(history.iter().map(|(event, on)| (event, *on))), state);
    }
}

#[test]
fn random_histories_reach_deep_states() {
    // A guard for the property above: its pools and action mix do produce networks, phases and
    // diplomas, so the invariants are exercised on real histories, not only on refusals.
    let mut history = base();
    let mut state = State::from_events(&history);
    let policy = Policy::ns3();
    let mut seed: u32 = 7;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as u8
    };
    for index in 0..2000u64 {
        // Rounds come every half-year (TH-3), so the dates must move through several.
        let on = date(2016, 7, 1) + Days::new(index / 2);
        let (selector, a, b, c) = (next(), next(), next(), next());
        let action = action(&Picker { state: &state }, selector, a, b, c);
        let mut command = Command::new(Metadata::new(recorder(&action, entitled(&action), true), on), action);
        for rule in Rule::ALL {
            command = command.acknowledging(Acknowledgement::new(*rule, "random"));
        }
        if let Ok(decision) = decide(&state, &command, &policy, now()) {
            state = decision.events.iter().fold(state, evolve);
            history.extend(decision.events);
        }
    }
    let count = |name: &str| history.iter().filter(|event| event.type_name() == name).count();
    let mut counts = std::collections::BTreeMap::new();
    for event in &history {
        *counts.entry(event.type_name()).or_insert(0) += 1;
    }
    assert!(count("NetworkStarted") >= 3, "{counts:?}");
    assert!(count("PhaseEntered") >= 1, "{counts:?}");
    assert!(count("NetworkClosed") >= 1, "{counts:?}");
    assert!(count("ThemePrioritised") >= 3);
    assert!(count("TeachingDayAttended") >= 3, "{counts:?}");
    assert!(count("DiplomaAwarded") >= 1, "{counts:?}");
    assert!(count("ParticipantsJoined") >= 1, "{counts:?}");
    assert!(count("OutputRecorded") >= 1, "{counts:?}");
    assert!(count("GoalsSet") >= 1, "{counts:?}");
    assert!(count("ForumMeetingsScheduled") >= 1, "{counts:?}");
}
