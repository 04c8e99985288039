//! Properties over random valid histories: incremental catch-up in random chunks equals a
//! rebuild; as of the last date equals now; as of a date or a position equals folding only
//! the events up to it.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use netvaerk_core::*;
use netvaerk_projections::*;
use netvaerk_store::{Envelope, EventStore, ExpectedVersion, MemoryStore, NewEvent, PersonalData, StreamId};
use proptest::prelude::*;

use crate::support::*;

/// One random step: reads the state to choose something plausible; `decide` keeps it valid.
fn step(history: &mut History, on: NaiveDate, choice: u8, pick: u8) {
    let state = &history.state;
    let themes: Vec<(ThemeId, ThemeStatus)> = state.themes().map(|(id, t)| (id, t.status)).collect();
    let networks: Vec<(NetworkId, Network)> = state.networks().map(|(id, n)| (id, n.clone())).collect();
    // Mostly a theme in a status the action can take, sometimes any theme (to be refused).
    let pick_theme = |wanted: &[ThemeStatus]| {
        let fitting: Vec<ThemeId> = themes
            .iter()
            .filter(|(_, status)| pick.is_multiple_of(8) || wanted.contains(status))
            .map(|(id, _)| *id)
            .collect();
        fitting.get(usize::from(pick) % fitting.len().max(1)).copied()
    };
    use ThemeStatus::{Deferred, InNetwork, Prioritised, Proposed, Qualified};
    let running = networks.iter().filter(|(_, n)| n.is_running()).collect::<Vec<_>>();
    let pick_network =
        || running.get(usize::from(pick) % running.len().max(1)).map(|(id, n)| (*id, n.clone()));
    let fresh = u128::from(state.version()) + 100;
    let round = state.open_round();
    let action = match choice % 16 {
        0 => match round {
            Some(round) if pick.is_multiple_of(4) => Action::CloseRound { round },
            Some(_) => return,
            // TH-3: the half-year of the meeting, or the next after the latest if that is later.
            None => Action::OpenRound {
                round: state
                    .latest_round()
                    .map_or(RoundId::containing(on), |r| r.next())
                    .max(RoundId::containing(on)),
            },
        },
        1 | 2 => Action::ProposeTheme {
            theme: theme(fresh),
            title: format!("Theme {fresh}"),
            challenge: "A burning platform".into(),
            proposed_by: person(if pick.is_multiple_of(2) { CHIEF } else { CHIEF2 }),
            departments: vec![unit(2)],
            origins: BTreeSet::from([Origin::Below]),
        },
        3 => {
            let Some(theme) = pick_theme(&[Proposed, Deferred]) else { return };
            let assessments = Criterion::ALL
                .into_iter()
                .map(|criterion| CriterionAssessment {
                    criterion,
                    met: !pick.is_multiple_of(3),
                    note: "n".into(),
                })
                .collect();
            Action::QualifyTheme { theme, assessments }
        }
        4 | 5 => {
            let qualified_now: Vec<ThemeId> = state
                .themes()
                .filter(|(_, t)| t.status == Qualified && t.qualification.as_ref().map(|(r, _)| *r) == round)
                .map(|(id, _)| id)
                .collect();
            let Some(theme) = qualified_now.get(usize::from(pick) % qualified_now.len().max(1)).copied()
            else {
                return;
            };
            let rank = round.map_or(1, |round| state.round_ranking(round).len() as u32 + 1);
            Action::PrioritiseTheme { theme, rank, recommended_type: NetworkType::ALL[usize::from(pick) % 3] }
        }
        6 => {
            if !pick.is_multiple_of(3) {
                return;
            }
            let (Some(theme), Some(round)) = (pick_theme(&[Proposed, Qualified]), round) else { return };
            Action::DeferTheme { theme, to_round: round.next() }
        }
        7 => {
            let Some(theme) = pick_theme(&[Proposed, Qualified]) else { return };
            Action::RejectTheme { theme, reason: "not cross-cutting".into() }
        }
        8 => {
            let Some(theme) = pick_theme(&[Prioritised, InNetwork]) else { return };
            Action::AcceptReferenceRole {
                theme,
                person: person([CHIEF, CHIEF2, DIRECTOR][usize::from(pick) % 3]),
            }
        }
        9 | 10 => {
            let Some(theme) = pick_theme(&[Prioritised]) else { return };
            let network_type = NetworkType::ALL[usize::from(pick) % 3];
            // Someone who opted in on the theme (RL-2), a director for innovation (RL-3).
            let accepted = state.theme(theme).map(|t| t.reference_acceptances.clone()).unwrap_or_default();
            let reference_leader = accepted
                .iter()
                .copied()
                .find(|p| network_type != NetworkType::Innovation || *p == person(DIRECTOR))
                .unwrap_or(person(CHIEF));
            Action::StartNetwork {
                network: network(fresh),
                theme,
                network_type,
                leader: person([VETERAN, VETERAN2, NOVICE][usize::from(pick) % 3]),
                co_driver: pick.is_multiple_of(2).then(|| person(NOVICE2)),
                reference_leader: Some(reference_leader),
            }
        }
        11 | 12 => {
            let Some((id, running)) = pick_network() else { return };
            let next = running.phase.map_or(0, |index| index + 1);
            let Some(phase) = running.plan.phases.get(next) else { return };
            if phase.kind == PhaseKind::Test {
                Action::BeginTestPhase {
                    network: id,
                    funding: None,
                    funding_kr: None,
                    tested: None,
                    owners: Vec::new(),
                }
            } else {
                Action::EnterPhase { network: id, phase: phase.name.clone() }
            }
        }
        13 => {
            let Some((id, _)) = pick_network() else { return };
            Action::ChangeReferenceLeader {
                network: id,
                to: person(if pick.is_multiple_of(2) { CHIEF2 } else { DIRECTOR }),
                reason: "r".into(),
            }
        }
        14 => {
            let Some((id, running)) = pick_network() else { return };
            let outcome = match running.network_type {
                NetworkType::Learning => Outcome::KnowledgeShared,
                _ => Outcome::Implemented,
            };
            Action::CloseNetwork { network: id, outcome, reason: None, criteria_met: None }
        }
        _ => match pick % 4 {
            0 => Action::FormCohort {
                cohort: cohort(u128::from(pick)),
                members: BTreeSet::from([person(NOVICE)]),
            },
            1 => Action::RecordTeachingDay {
                cohort: cohort(u128::from(pick - 1)),
                person: person(NOVICE),
                day: TeachingDay::ALL[usize::from(pick) % 5],
            },
            2 => Action::StartRotation {
                person: person(NOVICE2),
                skills: "design".into(),
                until: on + Days::new(90),
            },
            _ => Action::EndRotation { person: person(NOVICE2) },
        },
    };
    // A refusal appends nothing; the history stays valid.
    let _ = history.try_run(on, action);
}

/// A random history; some decisions are backdated, so business dates are not in log order.
pub fn history(steps: &[(u8, u8, u8)], backdate: bool) -> History {
    let mut history = History::new();
    let mut on = date(2016, 1, 4);
    for (choice, pick, days) in steps {
        on = on + Days::new(u64::from(*days % 12));
        let dated = if backdate && days % 5 == 0 { on - Days::new(u64::from(days % 20)) } else { on };
        step(&mut history, dated, *choice, *pick);
    }
    history
}

/// `count` steps for [`history`] from a seeded linear congruential generator.
pub fn seeded_steps(mut seed: u32, count: usize) -> Vec<(u8, u8, u8)> {
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) as u8
    };
    (0..count).map(|_| (next(), next(), next())).collect()
}

fn fold_only(history: &History, envelopes: &[Envelope], keep: impl Fn(&Envelope) -> bool) -> All {
    let kept: Vec<&Envelope> = envelopes.iter().filter(|e| keep(e)).collect();
    fold_envelopes::<All>(&history.stream, kept, AsOf::Now).unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn catching_up_in_random_chunks_equals_rebuilding(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 10..160),
        chunks in proptest::collection::vec(1usize..40, 1..20),
    ) {
        let history = history(&steps, true);
        let envelopes: Vec<Envelope> = history.store.read_all(1).map(Result::unwrap).collect();
        let mut incremental = Projector::<All>::new(history.stream.clone());
        let mut at = 0;
        for chunk in chunks.iter().cycle() {
            if at >= envelopes.len() {
                break;
            }
            let end = (at + chunk).min(envelopes.len());
            // Each chunk starts a little before the last one ended: applying twice is harmless.
            for envelope in &envelopes[at.saturating_sub(3)..end] {
                incremental.apply(envelope).unwrap();
            }
            at = end;
        }
        let rebuilt = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap();
        prop_assert_eq!(incremental.checkpoint(), rebuilt.checkpoint());
        prop_assert_eq!(incremental.get(), rebuilt.get());
        // The runner catching a projection up from the store gives the same, and so does the
        // two-thread rebuild of every stream.
        let mut caught = Projector::<All>::new(history.stream.clone());
        catch_up(&mut caught, &history.store).unwrap();
        prop_assert_eq!(caught.get(), rebuilt.get());
        let all_streams = rebuild_all::<All>(&history.store).unwrap();
        prop_assert_eq!(all_streams.len(), 1);
        prop_assert_eq!(all_streams[&history.stream].get(), rebuilt.get());
    }

    #[test]
    fn as_of_the_last_date_equals_now_and_as_of_t_equals_folding_up_to_t(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 10..160),
        cut in any::<prop::sample::Index>(),
        backdate in any::<bool>(),
    ) {
        let history = history(&steps, backdate);
        let envelopes: Vec<Envelope> = history.store.read_stream(&history.stream, 1).unwrap();
        let now = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
        let last_date = envelopes.iter().map(|e| e.header.metadata.occurred_on).max().unwrap();
        let at_last = rebuild::<All>(&history.store, &history.stream, AsOf::Date(last_date)).unwrap().into_inner();
        prop_assert_eq!(&at_last, &now);

        let pivot = &envelopes[cut.index(envelopes.len())];
        let t = pivot.header.metadata.occurred_on;
        let by_date = rebuild::<All>(&history.store, &history.stream, AsOf::Date(t)).unwrap().into_inner();
        prop_assert_eq!(by_date, fold_only(&history, &envelopes, |e| e.header.metadata.occurred_on <= t));

        let p = pivot.header.position;
        let by_position = rebuild::<All>(&history.store, &history.stream, AsOf::Position(p)).unwrap().into_inner();
        prop_assert_eq!(by_position, fold_only(&history, &envelopes, |e| e.header.position <= p));
    }
}

#[test]
fn random_histories_are_rich_enough_to_test_anything() {
    let history = history(&seeded_steps(11, 400), true);
    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    assert!(all.portfolio.networks.len() >= 3, "{} networks", all.portfolio.networks.len());
    assert!(all.portfolio.networks.values().any(|n| n.outcome.is_some()), "none closed");
    assert!(all.portfolio.networks.values().any(|n| n.phase.is_some()), "no phases");
    assert!(all.audit.rounds.len() >= 2, "{} rounds", all.audit.rounds.len());
}

/// `rebuild_all` reads chunks of the log on several threads and folds them in order. Over many
/// chunks of interleaved organisations (and the registry's `$` stream between them), each
/// organisation's projection equals rebuilding its stream alone.
#[test]
fn rebuilding_every_stream_over_many_chunks_equals_rebuilding_each_alone() {
    let source = history(&seeded_steps(5, 300), true);
    let envelopes: Vec<Envelope> = source.store.read_stream(&source.stream, 1).unwrap();
    let shared = MemoryStore::new();
    let streams: Vec<StreamId> = (1..=48)
        .map(|n| StreamId::organisation(OrganisationId::from_uuid(uuid::Uuid::from_u128(500 + n))))
        .collect();
    for (round, batch) in envelopes.chunks(7).enumerate() {
        for stream in &streams {
            let events: Vec<NewEvent> = batch.iter().map(copy).collect();
            shared.append(stream, ExpectedVersion::Any, &events).unwrap();
        }
        if round % 40 == 0 {
            let data = PersonalData { name: format!("Person {round}"), email: None, title: None };
            shared
                .register_person(
                    person(1000 + round as u128),
                    data,
                    person(1000 + round as u128),
                    chrono::Utc::now(),
                )
                .unwrap();
        }
    }
    let head = shared.head().unwrap().unwrap().position;
    assert!(head > 3 * 2_000, "only {head} events: not enough chunks");

    let all = rebuild_all::<All>(&shared).unwrap();
    assert_eq!(all.len(), streams.len());
    for stream in &streams {
        let alone = rebuild::<All>(&shared, stream, AsOf::Now).unwrap();
        assert_eq!(all[stream].checkpoint(), alone.checkpoint());
        assert_eq!(all[stream].get(), alone.get());
    }
}

/// The same decision as a new event (a fresh id) for another stream.
fn copy(envelope: &Envelope) -> NewEvent {
    NewEvent {
        event_id: uuid::Uuid::now_v7(),
        event_type: envelope.header.event_type.clone(),
        schema_version: envelope.header.schema_version,
        payload: envelope.payload().unwrap(),
        rationale: envelope.rationale().map(str::to_owned),
        actor: envelope.header.metadata.actor,
        occurred_on: envelope.header.metadata.occurred_on,
        correlation_id: None,
        causation_id: None,
        command_digest: None,
    }
}
