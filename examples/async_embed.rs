//! netvaerk from async code: the `AsyncService` runs every decision on tokio's blocking pool,
//! so a web handler can `await` it without stalling the runtime.
//!
//! `cargo run --example async_embed --features tokio` (writes a redb file in a temporary
//! directory). With `NETVAERK_STORE=postgres://...` it uses that database instead.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use netvaerk::{
    Action, AsOf, AsyncService, BatchMode, Command, Metadata, OrganisationId, PersonId, UnitId, UnitKind,
};

#[tokio::main]
async fn main() -> Result<(), netvaerk::Error> {
    let directory = std::env::temp_dir().join(format!("netvaerk-async-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&directory).ok();
    let address = std::env::var("NETVAERK_STORE")
        .unwrap_or_else(|_| format!("redb:{}", directory.join("log.redb").display()));
    let service = AsyncService::open(&address).await?;

    let organisation = OrganisationId::generate();
    let on = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap_or_default();
    let (secretary, chief) = (PersonId::generate(), PersonId::generate());
    let secretariat = UnitId::generate();
    let decided = |action| Command::new(Metadata::new(secretary, on), action);
    // AU-2: the founding, then the secretariat registers its unit (AU-3), in one atomic batch.
    let founding = vec![
        decided(Action::FoundOrganisation {
            chief_forum: BTreeSet::from([chief]),
            secretariat: BTreeSet::from([secretary]),
        }),
        decided(Action::RegisterUnit { unit: secretariat, kind: UnitKind::Secretariat, parent: None }),
    ];
    for outcome in service.execute_batch(organisation, founding, BatchMode::Atomic).await? {
        println!("appended at {:?}", outcome?.positions);
    }

    // Eight tasks decide for the same organisation at once; the service serialises them.
    let tasks: Vec<_> = (0..8)
        .map(|n| {
            let service = service.clone();
            let command = decided(Action::RegisterUnit {
                unit: UnitId::generate(),
                kind: UnitKind::DirectorArea,
                parent: None,
            })
            .clone();
            tokio::spawn(async move { (n, service.execute(organisation, command).await) })
        })
        .collect();
    for task in tasks {
        let (n, outcome) =
            task.await.map_err(|error| netvaerk::Error::input("task", None, None, error.to_string()))?;
        println!("task {n}: position {:?}", outcome?.positions);
    }

    let units = service.read_models(organisation, AsOf::Now, |models| models.checkpoint).await?;
    println!("read models folded up to position {units}");
    let state = service.state(organisation).await?;
    assert_eq!(state.version(), 10);
    drop(service);
    std::fs::remove_dir_all(&directory).ok();
    Ok(())
}
