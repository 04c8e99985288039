//! Snapshots through the service: an organisation opened from its snapshot and the events after
//! it decides and reports exactly as one folded from the start; a snapshot that does not hold
//! (bytes changed, another format, a hash or a position the log does not have) is ignored and
//! written again; a redaction deletes it. Behaviour only: the benchmark measures the time.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use netvaerk::snapshot::{trusted, Rejected, Snapshot, SNAPSHOT_FORMAT};
use netvaerk::{BatchMode, Service, Snapshots};
use netvaerk_core::{
    evolve_on, Action, Command, Competence, Metadata, OrganisationId, PersonId, State, UnitId, UnitKind,
};
use netvaerk_projections::{rebuild, All, AsOf};
use netvaerk_store::{EventStore, MemoryStore, RedbStore, StreamId};
use proptest::prelude::*;

mod support;
use support::TempDir;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 6, 30, 12, 0, 0).unwrap()
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 6, 1).unwrap()
}

fn person(n: u128) -> PersonId {
    PersonId::from_uuid(support::id(0x2_0000 + n))
}

fn unit(n: u128) -> UnitId {
    UnitId::from_uuid(support::id(0x1_0000 + n))
}

fn by(actor: PersonId, action: Action) -> Command {
    Command::new(Metadata::new(actor, on()), action)
}

fn secretary() -> PersonId {
    person(0)
}

/// A founded organisation with a unit.
fn founded(service: &Service) -> OrganisationId {
    let organisation = OrganisationId::generate();
    let found = Action::FoundOrganisation {
        chief_forum: BTreeSet::from([person(1000)]),
        secretariat: BTreeSet::from([secretary()]),
    };
    let unit = Action::RegisterUnit { unit: unit(0), kind: UnitKind::Secretariat, parent: None };
    service
        .execute_batch(organisation, &[by(secretary(), found), by(secretary(), unit)], BatchMode::Atomic)
        .unwrap();
    organisation
}

/// A service over `store` that snapshots every 10 events, and an organisation it founded.
fn snapshotting(store: &Arc<dyn EventStore>) -> (Service, OrganisationId) {
    let service = Service::new(Arc::clone(store)).with_clock(now).with_snapshots(Snapshots::Every(10));
    let organisation = founded(&service);
    (service, organisation)
}

/// `n` more decisions: units registered and named (words a snapshot holds), competences assessed.
fn decide_more(service: &Service, organisation: OrganisationId, from: u128, n: u128) {
    for k in from..from + n {
        let action = match k % 3 {
            0 => Action::RegisterUnit { unit: unit(k + 1), kind: UnitKind::Secretariat, parent: None },
            1 => Action::NameUnit { unit: unit(0), name: format!("Sekretariatet {k}") },
            _ => Action::AssessCompetences {
                person: secretary(),
                scores: [(Competence::Curiosity, 1 + (k % 5) as u8)].into_iter().collect(),
            },
        };
        service.execute(organisation, &by(secretary(), action)).unwrap();
    }
}

/// The state and read models folded afresh from the log.
fn fresh(store: &dyn EventStore, organisation: OrganisationId) -> (State, All) {
    let stream = StreamId::organisation(organisation);
    let state =
        store.read_stream(&stream, 1).unwrap().iter().fold(State::new(), |state, e| {
            evolve_on(state, &e.decode().unwrap(), e.header.metadata.occurred_on)
        });
    (state, rebuild::<All>(store, &stream, AsOf::Now).unwrap().into_inner())
}

/// What a service opened anew on `store` sees of the organisation.
fn opened(store: &Arc<dyn EventStore>, organisation: OrganisationId, snapshots: Snapshots) -> (State, All) {
    let service = Service::new(Arc::clone(store)).with_clock(now).with_snapshots(snapshots);
    let state = service.state(organisation).unwrap();
    let all = service.read_models(organisation, AsOf::Now, |models| models.all.clone()).unwrap();
    (state, all)
}

fn stored(store: &dyn EventStore, organisation: OrganisationId) -> Option<Snapshot> {
    let bytes = store.load_snapshot(&StreamId::organisation(organisation)).unwrap()?;
    Some(Snapshot::decode(&bytes).unwrap())
}

fn redactions(store: &dyn EventStore) -> u64 {
    store.stream_version(&StreamId::redactions()).unwrap()
}

#[test]
fn an_open_that_folds_enough_events_writes_a_snapshot_and_the_next_open_starts_from_it() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let (service, organisation) = snapshotting(&store);
    decide_more(&service, organisation, 0, 30);
    // The service decided from its cache: no open folded 10 events yet.
    assert_eq!(stored(&*store, organisation), None);

    // A new service's first use folds 32 events: it writes a snapshot at the head.
    assert_eq!(opened(&store, organisation, Snapshots::Every(10)), fresh(&*store, organisation));
    let snapshot = stored(&*store, organisation).expect("a snapshot after folding 32 events");
    assert_eq!(snapshot.version, 32);
    let head = store.head().unwrap().unwrap();
    assert_eq!((snapshot.position, snapshot.hash), (head.position, head.hash));
    assert_eq!((snapshot.state.clone(), snapshot.all.clone()), fresh(&*store, organisation));

    // Fewer than 10 events later: the snapshot is used and stays; the tail is folded on it.
    decide_more(&service, organisation, 30, 5);
    assert_eq!(opened(&store, organisation, Snapshots::Every(10)), fresh(&*store, organisation));
    assert_eq!(stored(&*store, organisation).unwrap().version, 32);
    // 10 or more beyond it: the next open writes a new one.
    decide_more(&service, organisation, 35, 6);
    assert_eq!(opened(&store, organisation, Snapshots::Every(10)), fresh(&*store, organisation));
    assert_eq!(stored(&*store, organisation).unwrap().version, 43);
    // The service decides on the opened state as on a fresh fold.
    let reopened = Service::new(Arc::clone(&store)).with_clock(now);
    decide_more(&reopened, organisation, 41, 3);
    assert_eq!(reopened.state(organisation).unwrap(), fresh(&*store, organisation).0);
}

#[test]
fn a_service_opened_to_read_or_without_snapshots_writes_none() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let organisation = founded(&service);
    decide_more(&service, organisation, 0, 20);
    for snapshots in [Snapshots::ReadOnly, Snapshots::Off] {
        assert_eq!(opened(&store, organisation, snapshots), fresh(&*store, organisation));
        assert_eq!(stored(&*store, organisation), None);
    }
}

/// Each way a snapshot can fail to hold: it is ignored (the open folds from the start and
/// answers as a fresh fold, no error) and written again, right.
#[test]
fn a_snapshot_that_does_not_hold_is_ignored_and_rebuilt() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let (service, organisation) = snapshotting(&store);
    let stream = StreamId::organisation(organisation);
    decide_more(&service, organisation, 0, 30);
    opened(&store, organisation, Snapshots::Every(10));
    let good = store.load_snapshot(&stream).unwrap().unwrap();
    let snapshot = Snapshot::decode(&good).unwrap();
    let head = store.head().unwrap().unwrap().position;

    let with = |change: &dyn Fn(&mut Snapshot)| {
        let mut changed = snapshot.clone();
        change(&mut changed);
        changed.encode()
    };
    let mut other_format = good.clone();
    other_format[4..8].copy_from_slice(&(SNAPSHOT_FORMAT + 1).to_be_bytes());
    let mut lying_state = snapshot.clone();
    lying_state.state = State::new();
    let cases: Vec<(&str, Vec<u8>, Rejected)> = vec![
        ("another format", other_format, Rejected::Format(SNAPSHOT_FORMAT + 1)),
        ("a hash the log does not have", with(&|s| s.hash[0] ^= 1), Rejected::NotTheLog),
        ("a position past the head", with(&|s| s.position = head + 5), Rejected::NotTheLog),
        ("another record's position", with(&|s| s.position -= 1), Rejected::NotTheLog),
        (
            "a version the record does not have",
            with(&|s| {
                s.version -= 1;
                s.state = fresh_at(&*store, organisation, s.version)
            }),
            Rejected::NotTheLog,
        ),
        ("a redaction since", with(&|s| s.redactions += 1), Rejected::Redacted),
        ("a body of another version", lying_state.encode(), Rejected::Body),
        ("cut short", good[..good.len() - 1].to_vec(), Rejected::Digest),
        ("too short", good[..20].to_vec(), Rejected::Malformed),
        ("not a snapshot", b"hello, world".to_vec(), Rejected::Malformed),
    ];
    for (what, bytes, why) in cases {
        store.save_snapshot(&stream, &bytes).unwrap();
        assert_eq!(trusted(&*store, &stream, redactions(&*store)).err(), Some(Some(why)), "{what}");
        assert_eq!(
            opened(&store, organisation, Snapshots::Every(10)),
            fresh(&*store, organisation),
            "{what}"
        );
        assert_eq!(
            store.load_snapshot(&stream).unwrap().as_deref(),
            Some(&good[..]),
            "{what}: written again"
        );
    }
    // Any byte flipped, anywhere: never trusted, never an error, never a wrong answer.
    for at in (0..good.len()).step_by(good.len() / 97 + 1).chain([good.len() - 1]) {
        let mut flipped = good.clone();
        flipped[at] ^= 0x40;
        store.save_snapshot(&stream, &flipped).unwrap();
        assert!(trusted(&*store, &stream, redactions(&*store)).is_err(), "byte {at} flipped");
        assert_eq!(
            opened(&store, organisation, Snapshots::Every(10)),
            fresh(&*store, organisation),
            "byte {at}"
        );
        assert_eq!(
            store.load_snapshot(&stream).unwrap().as_deref(),
            Some(&good[..]),
            "byte {at}: written again"
        );
    }
}

/// The state at `version`, for a snapshot that claims it.
fn fresh_at(store: &dyn EventStore, organisation: OrganisationId, version: u64) -> State {
    let stream = StreamId::organisation(organisation);
    store.read_stream(&stream, 1).unwrap()[..version as usize]
        .iter()
        .fold(State::new(), |state, e| evolve_on(state, &e.decode().unwrap(), e.header.metadata.occurred_on))
}

/// A redaction deletes the organisation's snapshot (it holds the words), and the next open
/// writes one without them.
#[test]
fn a_redaction_deletes_the_snapshot_and_the_next_one_holds_no_redacted_words() {
    let dir = TempDir::new("snapshot-redaction");
    let store: Arc<dyn EventStore> = Arc::new(RedbStore::open(dir.0.join("log.redb")).unwrap());
    let (service, organisation) = snapshotting(&store);
    let words = "Ane Jensens sekretariat";
    let named = by(secretary(), Action::NameUnit { unit: unit(5000), name: words.into() });
    service
        .execute(
            organisation,
            &by(
                secretary(),
                Action::RegisterUnit { unit: unit(5000), kind: UnitKind::Secretariat, parent: None },
            ),
        )
        .unwrap();
    let position = service.execute(organisation, &named).unwrap().positions[0];
    decide_more(&service, organisation, 0, 20);
    opened(&store, organisation, Snapshots::Every(10));
    let contains = |bytes: &[u8]| bytes.windows(words.len()).any(|window| window == words.as_bytes());
    let before = store.load_snapshot(&StreamId::organisation(organisation)).unwrap().expect("a snapshot");
    assert!(contains(&before), "the snapshot holds the unit's name");

    service.redact(organisation, position, "a citizen's name", secretary()).unwrap();
    assert_eq!(store.load_snapshot(&StreamId::organisation(organisation)).unwrap(), None);

    assert_eq!(opened(&store, organisation, Snapshots::Every(10)), fresh(&*store, organisation));
    let after = store.load_snapshot(&StreamId::organisation(organisation)).unwrap().expect("written again");
    assert!(!contains(&after), "the new snapshot holds no redacted words");
    assert_eq!(stored(&*store, organisation).unwrap().redactions, 1);
}

/// A snapshot left from before a redaction (written by a process that folded before it, say)
/// is not trusted: the `$redactions` stream moved since.
#[test]
fn a_snapshot_from_before_a_redaction_is_not_trusted() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let (service, organisation) = snapshotting(&store);
    let stream = StreamId::organisation(organisation);
    decide_more(&service, organisation, 0, 20);
    opened(&store, organisation, Snapshots::Every(10));
    let old = store.load_snapshot(&stream).unwrap().unwrap();
    let named = service
        .execute(organisation, &by(secretary(), Action::NameUnit { unit: unit(0), name: "Ane".into() }))
        .unwrap();
    service.redact(organisation, named.positions[0], "a name", secretary()).unwrap();
    store.save_snapshot(&stream, &old).unwrap();
    assert_eq!(trusted(&*store, &stream, redactions(&*store)).err(), Some(Some(Rejected::Redacted)));
    assert_eq!(opened(&store, organisation, Snapshots::Every(10)), fresh(&*store, organisation));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Over random lengths and snapshot intervals: whatever the snapshots written on the way,
    /// every open answers as a fresh fold.
    #[test]
    fn opening_from_snapshots_at_random_points_equals_a_fresh_fold(
        rounds in prop::collection::vec((1u128..25, 1u64..12), 1..6),
    ) {
        let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
        let service = Service::new(Arc::clone(&store)).with_clock(now).with_snapshots(Snapshots::Off);
        let organisation = founded(&service);
        let mut decided = 0;
        for (more, every) in rounds {
            decide_more(&service, organisation, decided, more);
            decided += more;
            prop_assert_eq!(opened(&store, organisation, Snapshots::Every(every)), fresh(&*store, organisation));
        }
    }
}
