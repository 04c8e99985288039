//! The application service: concurrency, idempotency, a cache that matches a fresh fold, the
//! error codes, and async use, on every backend the machine has.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use netvaerk::{BatchMode, Error, ErrorClass, Outcome, Retry, Service};
use netvaerk_core::{
    decide, evolve_on, AcknowledgedWarning, Acknowledgement, Action, Command, Competence, Event, Metadata,
    NetworkId, OrganisationId, PersonId, Policy, Rule, State, UnitId, UnitKind, Warning,
};
use netvaerk_projections::{rebuild, All, AsOf};
use netvaerk_store::{
    AppendResult, Body, EventStore, ExpectedVersion, Head, MemoryStore, NewEvent, RawAccess, RawRecord,
    RawRecords, RedbStore, RegistryEntry, StoreError, StreamId,
};
use proptest::prelude::*;

mod support;
use support::{PgSchema, TempDir};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 6, 30, 12, 0, 0).unwrap()
}

fn on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 6, 1).unwrap()
}

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n)
}

fn unit(n: u128) -> UnitId {
    UnitId::from_uuid(id(0x1_0000 + n))
}

fn person(n: u128) -> PersonId {
    PersonId::from_uuid(id(0x2_0000 + n))
}

fn by(actor: PersonId, action: Action) -> Command {
    Command::new(Metadata::new(actor, on()), action)
}

fn register_unit(actor: PersonId, n: u128) -> Command {
    by(actor, Action::RegisterUnit { unit: unit(n), kind: UnitKind::Secretariat, parent: None })
}

fn assess(actor: PersonId, score: u8) -> Command {
    let scores = [(Competence::Curiosity, score)].into_iter().collect();
    by(actor, Action::AssessCompetences { person: actor, scores })
}

/// The chief forum's first member in [`founded`].
fn chief() -> PersonId {
    person(1000)
}

/// An organisation founded by its secretary (person 0) with [`chief`] as its chief forum
/// (AU-2), and a secretariat; the secretary decides the rest.
fn founded(service: &Service) -> (OrganisationId, PersonId) {
    let organisation = OrganisationId::generate();
    let secretary = person(0);
    let found = Action::FoundOrganisation {
        chief_forum: BTreeSet::from([chief()]),
        secretariat: BTreeSet::from([secretary]),
    };
    let founding = [by(secretary, found), register_unit(secretary, 0)];
    service.execute_batch(organisation, &founding, BatchMode::Atomic).unwrap();
    (organisation, secretary)
}

/// The state folded afresh from the store.
fn fresh_fold(store: &dyn EventStore, organisation: OrganisationId) -> State {
    let stream = StreamId::organisation(organisation);
    store
        .read_stream(&stream, 1)
        .unwrap()
        .iter()
        .map(|envelope| (envelope.decode().unwrap(), envelope.header.metadata.occurred_on))
        .fold(State::new(), |state, (event, on)| evolve_on(state, &event, on))
}

/// 8 threads × 50 commands to one organisation through one service: every command decided,
/// none gives up, and the organisation's positions are its versions without a gap.
fn eight_threads_on_one_organisation(store: Arc<dyn EventStore>) {
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let outcomes: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8u128)
            .map(|thread| {
                let service = &service;
                scope.spawn(move || {
                    (0..50u128)
                        .map(|n| {
                            let command = register_unit(secretary, 1 + thread * 50 + n);
                            let outcome = service.execute(organisation, &command).expect("decided");
                            outcome.positions[0]
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    let mut positions: Vec<u64> = outcomes.into_iter().flatten().collect();
    positions.sort_unstable();
    assert_eq!(positions.len(), 400);
    assert_eq!(positions, (3..=402).collect::<Vec<u64>>(), "the positions have a gap or a repeat");
    let stream = StreamId::organisation(organisation);
    let versions: Vec<u64> =
        store.read_stream(&stream, 1).unwrap().iter().map(|e| e.header.stream_version).collect();
    assert_eq!(versions, (1..=402).collect::<Vec<u64>>());
    assert_eq!(service.state(organisation).unwrap(), fresh_fold(&*store, organisation));
    assert!(store.verify().unwrap().is_ok());
}

#[test]
fn eight_threads_times_fifty_commands_on_one_organisation_all_decided_gapless_memory() {
    eight_threads_on_one_organisation(Arc::new(MemoryStore::new()));
}

#[test]
fn eight_threads_times_fifty_commands_on_one_organisation_all_decided_gapless_redb() {
    let dir = TempDir::new("service-redb-threads");
    eight_threads_on_one_organisation(Arc::new(RedbStore::open(dir.0.join("log.redb")).unwrap()));
}

#[test]
fn eight_threads_times_fifty_commands_on_one_organisation_all_decided_gapless_postgres() {
    let Some(schema) = PgSchema::new("nvservice") else { return };
    let service = Service::open(&schema.address()).unwrap();
    eight_threads_on_one_organisation(service.shared_store());
}

#[test]
fn a_command_with_an_id_sent_again_appends_nothing_and_returns_the_first_outcome() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    // Refused the second time (the unit exists) and accepted the second time (an assessment)
    // alike: the first outcome comes back, marked replayed.
    for command in [register_unit(secretary, 7), assess(secretary, 3)] {
        let mut command = command;
        command.metadata.command_id = Some(uuid::Uuid::now_v7());
        let first = service.execute(organisation, &command).unwrap();
        let head = store.head().unwrap();
        let again = service.execute(organisation, &command).unwrap();
        assert!(!first.replayed && again.replayed);
        assert_eq!((again.events, again.positions), (first.events, first.positions));
        assert_eq!(store.head().unwrap(), head, "the retry appended");
        // Another service (another process, say) recognises it too.
        let other = Service::new(Arc::clone(&store)).with_clock(now);
        assert!(other.execute(organisation, &command).unwrap().replayed);
        let batch = other.execute_batch(organisation, &[command], BatchMode::EachOnItsOwn).unwrap();
        assert!(batch[0].as_ref().unwrap().replayed);
        assert_eq!(store.head().unwrap(), head);
    }
}

#[test]
fn a_command_id_sent_again_with_another_command_is_idempotency_key_reused_and_appends_nothing() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let command_id = uuid::Uuid::now_v7();
    let with_id =
        |command: Command| Command { metadata: command.metadata.with_command_id(command_id), ..command };
    let first = service.execute(organisation, &with_id(assess(secretary, 3))).unwrap();
    let head = store.head().unwrap();
    // Another action, another score, another rationale, another acknowledgement: each is
    // another command, never answered with the first outcome.
    let mut with_rationale = with_id(assess(secretary, 3));
    with_rationale.metadata.rationale = Some("Another reason".into());
    let others = [
        with_id(assess(secretary, 4)),
        with_id(register_unit(secretary, 7)),
        with_rationale,
        with_id(assess(secretary, 3)).acknowledging(Acknowledgement::new(Rule::Co2, "Another body")),
    ];
    for other in &others {
        let error = service.execute(organisation, other).unwrap_err();
        assert_eq!(error.code(), "idempotency_key_reused", "{error}");
        assert_eq!(error.class(), ErrorClass::Input);
        assert_eq!(error.subject(), Some(("command_id".to_owned(), command_id.to_string())));
        // In a batch: an atomic one fails whole, each on its own names the command.
        let atomic =
            service.execute_batch(organisation, &[assess(secretary, 1), other.clone()], BatchMode::Atomic);
        assert_eq!(atomic.unwrap_err().code(), "idempotency_key_reused");
        assert_eq!(store.head().unwrap(), head, "a reused id appended something");
    }
    let each = service
        .execute_batch(organisation, &[others[0].clone(), assess(secretary, 1)], BatchMode::EachOnItsOwn)
        .unwrap();
    assert_eq!(each[0].as_ref().unwrap_err().code(), "idempotency_key_reused");
    assert!(each[1].is_ok());
    // Another process sees the same; and the first command is still replayed, unchanged.
    let other_process = Service::new(Arc::clone(&store)).with_clock(now);
    assert_eq!(other_process.execute(organisation, &others[0]).unwrap_err().code(), "idempotency_key_reused");
    let again = other_process.execute(organisation, &with_id(assess(secretary, 3))).unwrap();
    assert_eq!(Outcome { replayed: false, ..again }, first);
}

#[test]
fn the_same_command_id_in_two_organisations_decides_in_each_its_own() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (first_organisation, secretary) = founded(&service);
    let (second_organisation, _) = founded(&service);
    let command_id = uuid::Uuid::now_v7();
    let command = Command {
        metadata: Metadata::new(secretary, on()).with_command_id(command_id),
        ..assess(secretary, 3)
    };
    let in_first = service.execute(first_organisation, &command).unwrap();
    let in_second = service.execute(second_organisation, &command).unwrap();
    assert!(!in_first.replayed && !in_second.replayed, "the second organisation got the first's outcome");
    assert_ne!(in_first.positions, in_second.positions);
    for (organisation, outcome) in [(first_organisation, &in_first), (second_organisation, &in_second)] {
        let stream = StreamId::organisation(organisation);
        let stored = store.read_at(outcome.positions[0]).unwrap().unwrap();
        assert_eq!(stored.header.stream, stream, "the outcome carries another organisation's event");
        assert_eq!(store.stream_version(&stream).unwrap(), 3);
        // Each replays its own.
        let again = service.execute(organisation, &command).unwrap();
        assert!(again.replayed);
        assert_eq!(again.positions, outcome.positions);
    }
}

#[test]
fn a_replay_returns_exactly_the_first_outcome_with_its_rl3_acknowledgement_and_the_overrides_show_it() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (history, change) = support::rl3_history();
    let organisation = OrganisationId::generate();
    service.execute_batch(organisation, &history, BatchMode::Atomic).unwrap();
    let change =
        Command { metadata: change.metadata.clone().with_command_id(uuid::Uuid::now_v7()), ..change };
    let (network, employee) = (NetworkId::from_uuid(support::id(200)), PersonId::from_uuid(support::id(4)));
    let first = service.execute(organisation, &change).unwrap();
    let expected = vec![AcknowledgedWarning {
        warning: Warning::ReferenceLeaderOutsideForum { network, person: employee },
        rationale: "Closest to the test site".into(),
    }];
    assert_eq!(first.acknowledged, expected);
    let head = store.head().unwrap();
    for replayer in [&service, &Service::new(Arc::clone(&store)).with_clock(now)] {
        let again = replayer.execute(organisation, &change).unwrap();
        assert!(again.replayed);
        assert_eq!(Outcome { replayed: false, ..again }, first, "the replay is not the first outcome");
        let batch = replayer
            .execute_batch(organisation, std::slice::from_ref(&change), BatchMode::EachOnItsOwn)
            .unwrap();
        assert_eq!(batch[0].as_ref().unwrap().acknowledged, expected);
    }
    assert_eq!(store.head().unwrap(), head);
    // The half-year report's overrides and the audit trail read the same declaration.
    let overrides = service
        .read_models(organisation, AsOf::Now, |models| {
            let rows = models.all.portfolio.half_years();
            rows.iter().flat_map(|row| row.overrides.clone()).collect::<Vec<_>>()
        })
        .unwrap();
    let rl3: Vec<_> = overrides.iter().filter(|o| o.event_type == "ReferenceLeaderChanged").collect();
    assert_eq!(rl3.len(), 1, "{overrides:?}");
    assert_eq!(rl3[0].acknowledged, expected[0]);
    assert_eq!(rl3[0].position, first.positions[0]);
    let started = store.read_at(first.positions[0]).unwrap().unwrap().decode().unwrap();
    assert!(matches!(started, Event::ReferenceLeaderChanged { .. }));
    assert_eq!(started.acknowledged(), expected.as_slice());
}

#[test]
fn an_atomic_batch_with_a_refusal_appends_nothing_and_names_the_command() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let head = store.head().unwrap();
    let batch = [register_unit(secretary, 1), register_unit(secretary, 1), register_unit(secretary, 2)];
    let error = service.execute_batch(organisation, &batch, BatchMode::Atomic).unwrap_err();
    assert!(matches!(error, Error::BatchRefused { index: 1, .. }), "{error:?}");
    assert_eq!((error.code(), error.class()), ("unit_exists", ErrorClass::Refused));
    assert_eq!(store.head().unwrap(), head);
    // Each on its own: the second is refused, the others appended in one append.
    let results = service.execute_batch(organisation, &batch, BatchMode::EachOnItsOwn).unwrap();
    let codes: Vec<Option<&str>> =
        results.iter().map(|result| result.as_ref().err().map(Error::code)).collect();
    assert_eq!(codes, [None, Some("unit_exists"), None]);
    assert_eq!(results[2].as_ref().unwrap().positions, [4]);
    assert_eq!(service.state(organisation).unwrap(), fresh_fold(&*store, organisation));
}

/// Each on its own decides on the cached state itself (no copy): a batch refused whole, and a
/// batch whose refusal came from state another service had moved on, leave the cache equal
/// to a fresh fold, and the refusal is judged on fresh state.
#[test]
fn each_on_its_own_judges_refusals_on_fresh_state_and_keeps_the_cached_state_true() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    service.execute(organisation, &register_unit(secretary, 1)).unwrap();
    let refused =
        service.execute_batch(organisation, &[register_unit(secretary, 1)], BatchMode::EachOnItsOwn).unwrap();
    assert_eq!(refused[0].as_ref().unwrap_err().code(), "unit_exists");
    assert_eq!(service.state(organisation).unwrap(), fresh_fold(&*store, organisation));
    // Another service registers person 1; this one's cache does not know them yet, so
    // assessing them is refused on the cached state, then judged again on the log: accepted,
    // beside unit 1 refused again (with nothing else accepted, no conflict at the append
    // would have caught the stale refusal).
    let other = Service::new(Arc::clone(&store)).with_clock(now);
    let register = Action::RegisterPerson { person: person(1), unit: Some(unit(0)), roles: BTreeSet::new() };
    other.execute(organisation, &by(secretary, register)).unwrap();
    let scores = [(Competence::Curiosity, 4)].into_iter().collect();
    let assess_other = by(secretary, Action::AssessCompetences { person: person(1), scores });
    let batch = [assess_other, register_unit(secretary, 1)];
    let results = service.execute_batch(organisation, &batch, BatchMode::EachOnItsOwn).unwrap();
    let codes: Vec<Option<&str>> =
        results.iter().map(|result| result.as_ref().err().map(Error::code)).collect();
    assert_eq!(codes, [None, Some("unit_exists")]);
    assert_eq!(service.state(organisation).unwrap(), fresh_fold(&*store, organisation));
    service.execute(organisation, &assess(secretary, 2)).unwrap();
    assert_eq!(service.state(organisation).unwrap(), fresh_fold(&*store, organisation));
}

#[test]
fn the_live_read_models_equal_a_rebuild_after_appends_by_this_service_and_another() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let other = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let stream = StreamId::organisation(organisation);
    for n in 0..6u8 {
        let writer = if n % 2 == 0 { &service } else { &other };
        writer.execute(organisation, &assess(secretary, 1 + n % 5)).unwrap();
        let live = service.read_models(organisation, AsOf::Now, |models| models.all.clone()).unwrap();
        let rebuilt = rebuild::<All>(&*store, &stream, AsOf::Now).unwrap().into_inner();
        assert_eq!(live, rebuilt);
    }
    let checkpoint = service.read_models(organisation, AsOf::Now, |models| models.checkpoint).unwrap();
    assert_eq!(checkpoint, store.head().unwrap().unwrap().position);
}

/// The secretariat redacts a decision's words: the log keeps its facts, every service's
/// reports (this one's and another's on the same store) show "(redacted)" at once, and the
/// organisation decides on. Anyone else, a blank reason, a position of another organisation:
/// refused, nothing appended.
#[test]
fn the_secretariat_redacts_the_words_of_a_decision_and_the_organisation_decides_on() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let other = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let outsider = person(1);
    let register = Action::RegisterPerson { person: outsider, unit: Some(unit(0)), roles: BTreeSet::new() };
    service.execute(organisation, &by(secretary, register)).unwrap();
    // A unit named after a citizen (the words), with a rationale naming her too.
    let slip = Command::new(
        Metadata::new(secretary, on()).with_rationale("Ane Jensen, a citizen, asked for it"),
        Action::NameUnit { unit: unit(0), name: "Ane Jensens sekretariat".into() },
    );
    let position = service.execute(organisation, &slip).unwrap().positions[0];
    let unit_name = |service: &Service| {
        service
            .read_models(organisation, AsOf::Now, |models| models.all.directory.unit_name(unit(0)))
            .unwrap()
    };
    assert_eq!(unit_name(&other), "Ane Jensens sekretariat");
    assert_eq!(unit_name(&service), "Ane Jensens sekretariat");
    let live_before = other.read_models(organisation, AsOf::Now, |models| models.all.clone()).unwrap();

    let head = store.head().unwrap();
    let refusals = [
        (outsider, position, "A citizen's name", "not_entitled"),
        (secretary, position, " ", "no_redaction_reason"),
        (secretary, 1, "A citizen's name", "not_in_organisation"),
        (secretary, 999, "A citizen's name", "no_such_position"),
    ];
    let (elsewhere, _) = founded(&service);
    let head_before_refusals = store.head().unwrap();
    assert_ne!(head, head_before_refusals, "the second organisation was founded");
    for (who, at, why, code) in refusals {
        let target = if code == "not_in_organisation" { elsewhere } else { organisation };
        let at = if code == "not_in_organisation" { position } else { at };
        let error = service.redact(target, at, why, who).unwrap_err();
        assert_eq!(error.code(), code, "{error}");
        assert_eq!(store.head().unwrap(), head_before_refusals, "{code}: nothing appended");
    }

    let appended =
        service.redact(organisation, position, "A citizen's name in the rationale", secretary).unwrap();
    let record = store.read_at(appended.positions[0]).unwrap().unwrap();
    assert_eq!(record.header.stream, StreamId::redactions());
    assert_eq!(record.header.metadata.actor, secretary);
    assert_eq!(record.rationale(), None, "the redaction record holds the reason in its payload");
    assert_eq!(store.read_at(position).unwrap().unwrap().rationale(), Some(netvaerk_core::REDACTED_TEXT));
    // The cached read models of both services held the words; both now show the marker.
    assert_eq!(unit_name(&other), netvaerk_core::REDACTED_TEXT, "another service sees the redaction");
    assert_eq!(unit_name(&service), netvaerk_core::REDACTED_TEXT);
    // The facts are the same: the read models equal those before, the words aside.
    let live_after = other.read_models(organisation, AsOf::Now, |models| models.all.clone()).unwrap();
    assert_eq!(live_after.competence, live_before.competence);
    assert_eq!(fresh_fold(&*store, organisation), service.state(organisation).unwrap());
    service.execute(organisation, &assess(secretary, 4)).unwrap();
    other.execute(organisation, &assess(secretary, 5)).unwrap();
    assert_eq!(
        service.redact(organisation, position, "again", secretary).unwrap_err().code(),
        "already_redacted"
    );
    assert!(store.verify().unwrap().is_ok());
}

/// A store that lets another writer append to the stream before every append: the service
/// can never win, and must give up with `contention` after its retry bound, appending nothing
/// of its own.
struct AlwaysRaced {
    inner: MemoryStore,
}

impl EventStore for AlwaysRaced {
    fn append_any(
        &self,
        access: RawAccess,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        let mut rival = events[..1].to_vec();
        rival[0].event_id = uuid::Uuid::now_v7();
        self.inner.append_any(access, stream, ExpectedVersion::Any, &rival)?;
        self.inner.append_any(access, stream, expected, events)
    }
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        self.inner.stream_version(stream)
    }
    fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<netvaerk_store::Envelope>, StoreError> {
        self.inner.read_stream(stream, from_version)
    }
    fn read_raw(&self, from_position: u64) -> RawRecords<'_> {
        self.inner.read_raw(from_position)
    }
    fn head(&self) -> Result<Option<Head>, StoreError> {
        self.inner.head()
    }
    fn wait_beyond(&self, position: u64, timeout: Duration) -> Result<u64, StoreError> {
        self.inner.wait_beyond(position, timeout)
    }
    fn rewrite_body(&self, access: RawAccess, position: u64, body: &Body) -> Result<(), StoreError> {
        self.inner.rewrite_body(access, position, body)
    }
    fn import(&self, records: &[RawRecord]) -> Result<(), StoreError> {
        self.inner.import(records)
    }
    fn registry_entry(&self, person: PersonId) -> Result<Option<RegistryEntry>, StoreError> {
        self.inner.registry_entry(person)
    }
    fn write_registry_entry(
        &self,
        access: RawAccess,
        person: PersonId,
        entry: &RegistryEntry,
    ) -> Result<(), StoreError> {
        self.inner.write_registry_entry(access, person, entry)
    }
    fn registry_entries(&self) -> Result<Vec<(PersonId, RegistryEntry)>, StoreError> {
        self.inner.registry_entries()
    }
    fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.load_snapshot(stream)
    }
    fn save_snapshot(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        self.inner.save_snapshot(stream, bytes)
    }
    fn delete_snapshot(&self, stream: &StreamId) -> Result<(), StoreError> {
        self.inner.delete_snapshot(stream)
    }
}

#[test]
fn contention_that_outlasts_the_retries_is_its_own_error_with_exit_code_4() {
    let founding = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&founding) as Arc<dyn EventStore>).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let records: Vec<RawRecord> = founding.read_raw(1).collect::<Result<_, _>>().unwrap();
    let raced = AlwaysRaced { inner: MemoryStore::new() };
    raced.inner.import(&records).unwrap();
    let service = Service::new(Arc::new(raced))
        .with_clock(now)
        .with_retry(Retry { attempts: 5, deadline: Duration::from_secs(60) });
    let error = service.execute(organisation, &assess(secretary, 2)).unwrap_err();
    assert!(matches!(error, Error::Contention { attempts: 5, .. }), "{error:?}");
    assert_eq!(
        (error.code(), error.class(), error.class().exit_code()),
        ("contention", ErrorClass::Contention, 4)
    );
    let state = service.state(organisation).unwrap();
    // Only the rival's five appends landed.
    assert_eq!(state.version(), 2 + 5);
}

#[test]
fn every_class_of_error_serialises_with_its_code_rule_field_and_message_and_maps_to_one_exit_code() {
    let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
    let service = Service::new(Arc::clone(&store)).with_clock(now);
    let (organisation, secretary) = founded(&service);
    let stranger = person(99);
    // The error, then its code, class, rule and field.
    type Case = (Error, &'static str, ErrorClass, Option<&'static str>, Option<&'static str>);
    let cases: Vec<Case> = vec![
        (
            service.execute(organisation, &register_unit(secretary, 0)).unwrap_err(),
            "unit_exists",
            ErrorClass::Refused,
            None,
            Some("unit"),
        ),
        (
            service
                .execute(organisation, &by(secretary, Action::OpenRound { round: "2016H2".parse().unwrap() }))
                .unwrap_err(),
            "not_entitled",
            ErrorClass::Refused,
            Some("ORG-3"),
            Some("actor"),
        ),
        (
            service.execute(organisation, &register_unit(stranger, 5)).unwrap_err(),
            "unknown_actor",
            ErrorClass::Refused,
            Some("AU-1"),
            Some("actor"),
        ),
        (
            "ftp://nowhere".parse::<netvaerk::Address>().unwrap_err(),
            "invalid_address",
            ErrorClass::Input,
            None,
            Some("store"),
        ),
        (
            store.erase(stranger, secretary, now()).map_err(Error::from).unwrap_err(),
            "not_in_registry",
            ErrorClass::Input,
            None,
            Some("person"),
        ),
        (
            Error::from(StoreError::Corrupt {
                position: 9,
                problem: netvaerk_store::Corruption::BadChecksum,
            }),
            "corrupt_record",
            ErrorClass::Store,
            None,
            None,
        ),
        (Error::Contention { organisation, attempts: 3 }, "contention", ErrorClass::Contention, None, None),
        (
            Error::IdempotencyKeyReused { organisation, command_id: id(5) },
            "idempotency_key_reused",
            ErrorClass::Input,
            None,
            Some("command_id"),
        ),
        (
            Error::NotExtended { position: 952, expected: "ab".repeat(32), found: None },
            "log_not_extended",
            ErrorClass::Store,
            None,
            None,
        ),
    ];
    let mut exit_codes = std::collections::BTreeMap::new();
    for (error, code, class, rule, field) in cases {
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], code, "{json}");
        assert_eq!(json["class"], serde_json::to_value(class).unwrap());
        assert_eq!(json["rule"].as_str(), rule, "{json}");
        assert_eq!(json["field"].as_str(), field, "{json}");
        assert_eq!(json["message"], error.to_string());
        exit_codes.insert(format!("{class:?}"), class.exit_code());
    }
    let table: Vec<(String, u8)> = exit_codes.into_iter().collect();
    assert_eq!(
        table,
        [("Contention".into(), 4), ("Input".into(), 2), ("Refused".into(), 1), ("Store".into(), 3)]
    );
}

#[cfg(feature = "tokio")]
#[test]
fn the_async_service_decides_from_tokio_workers_and_postgres_opens_there_without_a_panic() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = TempDir::new("service-async");
    let schema = PgSchema::new("nvservice");
    let mut addresses = vec![format!("redb:{}", dir.0.join("log.redb").display())];
    addresses.extend(schema.as_ref().map(PgSchema::address));
    for address in addresses {
        runtime.block_on(async {
            let service = netvaerk::AsyncService::open(&address).await.unwrap();
            let organisation = OrganisationId::generate();
            let secretary = person(0);
            let found = Action::FoundOrganisation {
                chief_forum: BTreeSet::from([chief()]),
                secretariat: BTreeSet::from([secretary]),
            };
            let founding = vec![by(secretary, found), register_unit(secretary, 0)];
            service.execute_batch(organisation, founding, BatchMode::Atomic).await.unwrap();
            let tasks: Vec<_> = (1..=16u128)
                .map(|n| {
                    let service = service.clone();
                    tokio::spawn(
                        async move { service.execute(organisation, register_unit(secretary, n)).await },
                    )
                })
                .collect();
            for task in tasks {
                task.await.unwrap().unwrap();
            }
            assert_eq!(service.state(organisation).await.unwrap().version(), 18);
            if address.starts_with("postgres") {
                // Opened and used straight on a worker: the blocking client must not panic.
                let store =
                    netvaerk::Address::open(&address.parse().unwrap(), netvaerk_store::OpenCheck::Head)
                        .unwrap();
                assert_eq!(store.stream_version(&StreamId::organisation(organisation)).unwrap(), 18);
            }
        });
    }
}

/// The next item of an async stream (no stream combinators needed).
#[cfg(feature = "tokio")]
async fn next(events: &mut netvaerk::EventStream) -> Option<Result<netvaerk_store::Envelope, Error>> {
    use futures_core::Stream as _;
    std::future::poll_fn(|context| std::pin::Pin::new(&mut *events).poll_next(context)).await
}

#[cfg(feature = "tokio")]
#[test]
fn the_async_subscription_streams_the_log_from_a_position_then_each_append_in_order() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let blocking = Arc::new(Service::new(Arc::new(MemoryStore::new())).with_clock(now));
    let (organisation, secretary) = founded(&blocking);
    let service = netvaerk::AsyncService::from(Arc::clone(&blocking));
    runtime.block_on(async {
        let mut events = service.subscribe(1);
        let mut positions = Vec::new();
        for _ in 0..2 {
            let envelope = next(&mut events).await.unwrap().unwrap();
            assert_eq!(envelope.header.stream, StreamId::organisation(organisation));
            positions.push(envelope.header.position);
        }
        assert_eq!(positions, [1, 2]);
        assert_eq!(events.position(), 3);
        // Appended while the stream waits: each arrives, in order.
        let writer = {
            let blocking = Arc::clone(&blocking);
            std::thread::spawn(move || {
                for score in 1..=5 {
                    blocking.execute(organisation, &assess(secretary, score)).unwrap();
                }
            })
        };
        for position in 3..=7 {
            let envelope = next(&mut events).await.unwrap().unwrap();
            assert_eq!(envelope.header.position, position);
            assert_eq!(envelope.header.event_type, "CompetencesAssessed");
        }
        writer.join().unwrap();
        // From a later position, only what follows it.
        let mut later = service.subscribe(6);
        assert_eq!(next(&mut later).await.unwrap().unwrap().header.position, 6);
        assert_eq!(next(&mut later).await.unwrap().unwrap().header.position, 7);
    });
}

#[test]
fn the_service_lists_the_organisations_the_log_holds_reading_only_what_was_appended_since() {
    let service = Service::new(Arc::new(MemoryStore::new())).with_clock(now);
    assert_eq!(service.organisations().unwrap(), []);
    let (first, _) = founded(&service);
    let (second, secretary) = founded(&service);
    let mut both = vec![first, second];
    both.sort();
    assert_eq!(service.organisations().unwrap(), both);
    service.execute(second, &assess(secretary, 1)).unwrap();
    let data = netvaerk_store::PersonalData { name: "Sekretær".into(), email: None, title: None };
    assert!(service.record_person(second, secretary, data, secretary).unwrap().is_some());
    assert_eq!(service.organisations().unwrap(), both, "the $registry stream is no organisation");
}

/// One step of a random history: which writer (this service or another one on the same
/// store, as another process would be) and what it asks.
#[derive(Clone, Debug)]
enum Step {
    Unit { writer: bool, actor: u128, unit: u128 },
    Person { writer: bool, actor: u128, person: u128, unit: u128 },
    Assess { writer: bool, actor: u128, score: u8 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<bool>(), 0..3u128, 0..6u128).prop_map(|(writer, actor, unit)| Step::Unit {
            writer,
            actor,
            unit
        }),
        (any::<bool>(), 0..3u128, 0..4u128, 0..6u128)
            .prop_map(|(writer, actor, person, unit)| Step::Person { writer, actor, person, unit }),
        (any::<bool>(), 0..3u128, 0..7u8).prop_map(|(writer, actor, score)| Step::Assess {
            writer,
            actor,
            score
        }),
    ]
}

impl Step {
    fn writer(&self) -> bool {
        match self {
            Self::Unit { writer, .. } | Self::Person { writer, .. } | Self::Assess { writer, .. } => *writer,
        }
    }

    fn command(&self) -> Command {
        match *self {
            Self::Unit { actor, unit: n, .. } => register_unit(person(actor), n),
            Self::Person { actor, person: n, unit: u, .. } => by(
                person(actor),
                Action::RegisterPerson { person: person(n), unit: Some(unit(u)), roles: BTreeSet::new() },
            ),
            Self::Assess { actor, score, .. } => assess(person(actor), score),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The cached state decides exactly as a fresh fold of the stream would, after every step,
    /// also when another writer appended since the service last looked.
    #[test]
    fn the_cached_state_decides_as_a_fresh_fold_even_after_another_writer(steps in prop::collection::vec(step(), 1..40)) {
        let store: Arc<dyn EventStore> = Arc::new(MemoryStore::new());
        let ours = Service::new(Arc::clone(&store)).with_clock(now);
        let theirs = Service::new(Arc::clone(&store)).with_clock(now);
        let (organisation, _) = founded(&ours);
        for step in &steps {
            let command = step.command();
            let fresh = fresh_fold(&*store, organisation);
            let expected = decide(&fresh, &command, &Policy::ns3(), now());
            let writer = if step.writer() { &ours } else { &theirs };
            match (writer.execute(organisation, &command), expected) {
                (Ok(outcome), Ok(decision)) => {
                    prop_assert_eq!(outcome.events, decision.events);
                    prop_assert_eq!(outcome.stream_version, fresh.version() + outcome.positions.len() as u64);
                }
                (Err(error), Err(refusal)) => prop_assert_eq!(error.code(), refusal.code()),
                (got, wanted) => prop_assert!(false, "the service gave {got:?}, a fresh fold {wanted:?}"),
            }
            prop_assert_eq!(ours.state(organisation).unwrap(), fresh_fold(&*store, organisation));
        }
    }
}
