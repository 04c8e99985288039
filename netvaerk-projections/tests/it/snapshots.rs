//! The folds' snapshot: over random histories, the state and the read models read back from
//! their snapshot at any point and caught up with the rest equal a full fold; and the snapshot
//! of a fixed history is the fixture committed for [`SNAPSHOT_FORMAT`], so that a change to a
//! fold or to a type a snapshot holds fails here until the format is bumped.

use std::path::PathBuf;

use netvaerk_core::*;
use netvaerk_projections::*;
use netvaerk_store::{Envelope, EventStore};
use proptest::prelude::*;

use crate::properties::{history, seeded_steps};

/// Folds the state as the service does: each event on its business date.
fn fold_state(state: State, envelopes: &[Envelope]) -> State {
    envelopes.iter().fold(state, |state, envelope| {
        evolve_on(state, &envelope.decode().unwrap(), envelope.header.metadata.occurred_on)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_snapshot_read_back_and_caught_up_equals_a_full_fold(
        steps in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>()), 10..160),
        cut in any::<prop::sample::Index>(),
        backdate in any::<bool>(),
    ) {
        let history = history(&steps, backdate);
        let envelopes: Vec<Envelope> = history.store.read_stream(&history.stream, 1).unwrap();
        let (before, after) = envelopes.split_at(cut.index(envelopes.len() + 1));

        let state = fold_state(State::new(), before);
        let mut projector = Projector::<All>::new(history.stream.clone());
        for envelope in before {
            projector.apply(envelope).unwrap();
        }
        let bytes = encode_folds(&state, projector.get());
        let (read_state, read_all) = decode_folds(&bytes).expect("a snapshot reads back");
        prop_assert_eq!(&read_state, &state);
        prop_assert_eq!(&read_all, projector.get());

        let mut resumed = Projector::resume(history.stream.clone(), projector.checkpoint(), read_all);
        for envelope in after {
            resumed.apply(envelope).unwrap();
        }
        let full = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap();
        prop_assert_eq!(resumed.checkpoint(), full.checkpoint());
        prop_assert_eq!(resumed.get(), full.get());
        prop_assert_eq!(fold_state(read_state, after), fold_state(State::new(), &envelopes));
    }

    #[test]
    fn any_bytes_are_refused_or_read_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_folds(&bytes);
    }
}

/// A history under a policy of its own: the seeded random steps, then NS2's policy (with its
/// unknown values and a named structure, fields the policy's JSON skips when they hold their
/// defaults) put in force, then more steps.
fn with_a_policy() -> crate::support::History {
    let mut history = history(&seeded_steps(11, 400), true);
    let on = history.state.forum_meetings().iter().next_back().copied().unwrap_or(chrono::NaiveDate::MIN);
    let on = on.max(chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap());
    let mut policy = Policy::ns2();
    policy.max_co_drivers = 2;
    history.try_run(on, Action::ChangePolicy { policy }).expect("the policy is put in force");
    history
}

#[test]
fn a_snapshot_of_a_history_under_its_own_policy_reads_back() {
    let history = with_a_policy();
    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    assert!(!all.portfolio.policies.is_empty(), "the policy is in the read models");
    let bytes = encode_folds(&history.state, &all);
    assert_eq!(decode_folds(&bytes), Some((history.state.clone(), all)));
}

#[test]
fn every_byte_cut_off_a_snapshot_is_refused() {
    let history = history(&seeded_steps(3, 60), true);
    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let bytes = encode_folds(&history.state, &all);
    for length in 0..bytes.len() {
        assert!(decode_folds(&bytes[..length]).is_none(), "cut to {length} of {} bytes", bytes.len());
    }
}

/// The snapshot of a fixed history (the seeded random one of 400 steps, then a policy), against the fixture of
/// this format. To write the fixture of a new format: `NETVAERK_BLESS=1 cargo test -p
/// netvaerk-projections snapshot_fixture` (it writes only a fixture that does not exist yet).
#[test]
fn snapshot_fixture() {
    let history = with_a_policy();
    let envelopes: Vec<Envelope> = history.store.read_stream(&history.stream, 1).unwrap();
    let state = fold_state(State::new(), &envelopes);
    let all = rebuild::<All>(&history.store, &history.stream, AsOf::Now).unwrap().into_inner();
    let bytes = encode_folds(&state, &all);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/snapshot-v{SNAPSHOT_FORMAT}.msgpack"));
    let Ok(fixture) = std::fs::read(&path) else {
        if std::env::var_os("NETVAERK_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
            return;
        }
        panic!(
            "no fixture {} for snapshot format {SNAPSHOT_FORMAT}: write it with NETVAERK_BLESS=1",
            path.display()
        );
    };
    assert!(
        fixture == bytes,
        "the snapshot of the fixed history is not {} any more: a fold, or a type a snapshot holds, \
         changed. Bump SNAPSHOT_FORMAT (netvaerk-projections/src/snapshot.rs), so that snapshots \
         written before are folded afresh, and write the new format's fixture with NETVAERK_BLESS=1",
        path.display()
    );
    // And the fixture reads back as the folds it was made from.
    assert_eq!(decode_folds(&fixture), Some((state, all)));
}
