//! How was a theme prioritised? The audit trail as of a date, rebuilt from the log alone.
//!
//! `cargo run --example audit -- [STORE] [THEME] [DATE]`; by default the demo store
//! (`cargo run -- demo` writes it to `./netvaerk.redb`), the urban-farming theme, as of
//! 2015-12-31. STORE is any address the program takes; this build needs only `redb`:
//! `cargo run --example audit --no-default-features --features redb`.

use chrono::NaiveDate;
use netvaerk::{rebuild, Address, AsOf, AuditTrail, Names, OpenCheck, OrganisationId, StreamId, ThemeId};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let address: Address = args.next().unwrap_or_else(|| "./netvaerk.redb".into()).parse()?;
    let store = address.open_for_reading(OpenCheck::Head)?;
    let store = &*store;
    let theme: ThemeId =
        args.next().unwrap_or_else(|| "0190ab00-0000-7000-8000-000300000065".into()).parse()?;
    let as_of: NaiveDate = args.next().unwrap_or_else(|| "2015-12-31".into()).parse()?;
    // The demo's organisation; an embedder knows its own.
    let organisation: OrganisationId = "0190ab00-0000-7000-8000-00000000a1b5".parse()?;

    let trail = rebuild::<AuditTrail>(store, &StreamId::organisation(organisation), AsOf::Date(as_of))?;
    let names = Names::from_store(store);
    let Some(audit) = trail.get().theme(theme, &names, store)? else {
        return Err(format!("no theme {theme} as of {as_of}").into());
    };
    println!("How \"{}\" was decided, as of {as_of}:", audit.title);
    for decision in &audit.decisions {
        let who = &decision.actor_name.name;
        println!("  {}  {who}: {}", decision.occurred_on, decision.summary);
        for warning in &decision.acknowledged {
            println!("      overrode {}: {}", warning.warning.rule(), warning.rationale);
        }
    }
    for round in &audit.rounds {
        println!("In round {}, beside it:", round.round);
        for other in &round.others {
            println!("  {:?}: {}", other.outcome, other.title);
        }
    }
    if let Some(network) = &audit.network {
        println!("Its network: {} decisions so far", network.decisions.len());
    }
    Ok(())
}
