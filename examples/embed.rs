//! How an embedding system uses netvaerk: open the service on a store, execute commands, read
//! a report. The service keeps the organisation's state, retries a concurrent writer and gives
//! one error type with stable codes.
//!
//! `cargo run --example embed` (writes to a temporary directory).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use netvaerk::{
    Action, AsOf, Command, ErrorClass, Metadata, OrganisationId, PersonId, PersonRole, PersonalData, Service,
    UnitId, UnitKind,
};

fn main() -> Result<(), netvaerk::Error> {
    let directory = std::env::temp_dir().join(format!("netvaerk-embed-{}", uuid::Uuid::now_v7()));
    let service = Service::open(&format!("redb:{}", directory.join("log.redb").display()))?;
    let organisation = OrganisationId::generate();
    let on = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap_or_default();

    let (secretary, chief, consultant) = (PersonId::generate(), PersonId::generate(), PersonId::generate());
    let secretariat = UnitId::generate();
    let decided = |action| Command::new(Metadata::new(secretary, on), action);
    // AU-2: the first decision founds the organisation, naming its first chief forum and
    // secretariat; from then on each decision is taken by whom the authority table entitles.
    let found = Action::FoundOrganisation {
        chief_forum: BTreeSet::from([chief]),
        secretariat: BTreeSet::from([secretary]),
    };
    service.execute(organisation, &decided(found))?;
    let outcome = service.execute(
        organisation,
        &decided(Action::RegisterUnit { unit: secretariat, kind: UnitKind::Secretariat, parent: None }),
    )?;
    println!("appended {} event(s) at {:?}", outcome.events.len(), outcome.positions);
    let roles = BTreeSet::from([PersonRole::Secretariat]);
    // A command id makes the command idempotent: sent again (after a timeout, say), it appends
    // nothing and returns the first outcome.
    let register = Command::new(
        Metadata::new(secretary, on).with_command_id(uuid::Uuid::now_v7()),
        Action::RegisterPerson { person: consultant, unit: Some(secretariat), roles },
    );
    let first = service.execute(organisation, &register)?;
    let again = service.execute(organisation, &register)?;
    assert!(again.replayed && again.positions == first.positions);
    // Personal data goes to the registry, never into an event; the log records who put it
    // there and when (AU-3: the secretariat does).
    let data = PersonalData { name: "Jonas Berg".into(), email: None, title: None };
    service.record_person(organisation, consultant, data, secretary)?;

    // A refusal is a typed error with a stable code, its class and the NS3 rule.
    let refused = service
        .execute(
            organisation,
            &decided(Action::RegisterUnit { unit: secretariat, kind: UnitKind::Secretariat, parent: None }),
        )
        .unwrap_err();
    assert_eq!((refused.code(), refused.class()), ("unit_exists", ErrorClass::Refused));
    println!("refused: {}", serde_json::to_string(&refused).unwrap_or_default());

    service.read_models(organisation, AsOf::Now, |models| {
        for row in &models.all.competence.report(models.names).tracks {
            println!("{}: {:?}, may lead {:?}", row.person.name, row.stage, row.may_lead);
        }
    })?;
    assert!(service.store().verify()?.is_ok());
    drop(service);
    std::fs::remove_dir_all(&directory).ok();
    Ok(())
}
