//! How an embedding system uses netvaerk: open a store, decide a command, append its events
//! with the version it was decided on, and read a projection.
//!
//! `cargo run --example embed` (writes to a temporary directory).

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use netvaerk::core::{
    decide, evolve, Action, Command, DomainError, Metadata, OrganisationId, PersonId, PersonRole, Policy,
    State, UnitId, UnitKind,
};
use netvaerk::projections::{rebuild, AsOf, CompetenceTracks, Names};
use netvaerk::store::{EventStore, ExpectedVersion, NewEvent, PersonalData, SledStore, StoreError, StreamId};

/// Decides `action` against the organisation's current state and appends the events; on a
/// concurrent writer, decides again on the fresh state.
fn decide_and_append(
    store: &dyn EventStore,
    stream: &StreamId,
    actor: PersonId,
    on: NaiveDate,
    action: Action,
) -> Result<(), Box<dyn std::error::Error>> {
    loop {
        let mut state = State::new();
        for envelope in store.read_stream(stream, 1)? {
            state = evolve(state, &envelope.decode()?);
        }
        let command = Command::new(Metadata::new(actor, on), action.clone());
        let decision = match decide(&state, &command, &Policy::ns3(), Utc::now()) {
            Ok(decision) => decision,
            Err(refusal @ DomainError::UnacknowledgedWarnings { .. }) => return Err(refusal.into()),
            Err(refusal) => return Err(format!("refused ({:?}): {refusal}", refusal.rule()).into()),
        };
        // Keep these events: a retry after a timeout must send the same event ids.
        let events = NewEvent::from_decision(&decision);
        match store.append(stream, ExpectedVersion::Exact(state.version()), &events) {
            Ok(appended) => {
                println!("appended {} event(s) at {:?}", events.len(), appended.positions);
                return Ok(());
            }
            Err(StoreError::WrongExpectedVersion { .. }) => continue,
            Err(other) => return Err(other.into()),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let directory = std::env::temp_dir().join(format!("netvaerk-embed-{}", uuid::Uuid::now_v7()));
    let store = SledStore::open(&directory)?;
    let stream = StreamId::organisation(OrganisationId::generate());
    let on = NaiveDate::from_ymd_opt(2016, 1, 4).ok_or("a date")?;

    let secretary = PersonId::generate();
    let secretariat = UnitId::generate();
    decide_and_append(
        &store,
        &stream,
        secretary,
        on,
        Action::RegisterUnit { unit: secretariat, kind: UnitKind::Secretariat, parent: None },
    )?;
    let roles = BTreeSet::from([PersonRole::Secretariat]);
    decide_and_append(
        &store,
        &stream,
        secretary,
        on,
        Action::RegisterPerson { person: secretary, unit: Some(secretariat), roles },
    )?;
    // Personal data goes to the registry, never into an event.
    store.register_person(secretary, PersonalData { name: "Sofie Holm".into(), email: None, title: None })?;

    let tracks = rebuild::<CompetenceTracks>(&store, &stream, AsOf::Now)?;
    let report = tracks.get().report(&Names::from_store(&store));
    for row in &report.tracks {
        println!("{}: {:?}, may lead {:?}", row.person.name, row.stage, row.may_lead);
    }
    assert!(store.verify()?.is_ok());
    drop(store);
    std::fs::remove_dir_all(&directory)?;
    Ok(())
}
