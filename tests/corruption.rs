//! The corruption campaign: a small store, every byte of its records flipped one at a time on
//! redb (and a sample of the rest of its file, and of a sled store's data file), each damaged
//! copy opened as the program opens a store and asked for every report and `verify`. Each flip
//! must be detected (a typed error, or `verify` naming a bad position) or leave every report
//! identical: none silent, and no panic.
//!
//! The figures print with `--nocapture`:
//! `cargo test --release --test corruption -- --nocapture` (`NETVAERK_CAMPAIGN=full` flips every
//! byte of the redb file, not only its records, and samples sled four times as densely).

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use netvaerk::core::{Action, Command, Metadata, OrganisationId, PersonId, UnitId};
use netvaerk::projections::AsOf;
use netvaerk::report::{render_with, Format, Lang, Options, Report};
use netvaerk::store::{EventStore, OpenCheck, PersonalData};
use netvaerk::{Address, BatchMode, Service};

mod support;

use support::{id, small_history};

const ORGANISATION: u128 = 0xa1b5;

/// A small history, and a unit named.
fn commands() -> Vec<Command> {
    let titles: Vec<String> = (0..3).map(|n| format!("Tema {n}")).collect();
    let mut commands = small_history(&titles);
    let on = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
    let (secretary, secretariat) = (PersonId::from_uuid(id(1)), UnitId::from_uuid(id(11)));
    let name = Action::NameUnit { unit: secretariat, name: "Sekretariatet".into() };
    commands.push(Command::new(Metadata::new(secretary, on).with_rationale("CF"), name));
    commands
}

/// What a user sees of a store: every report as a table and as JSON, and `verify`; or the
/// typed error that stopped it.
fn observe(address: &str) -> Result<(Vec<String>, bool), String> {
    let address: Address = address.parse().map_err(|error: netvaerk::Error| error.to_string())?;
    // As the program opens a store for reports and `verify`: to read only.
    let store = address.open_for_reading(OpenCheck::Head).map_err(|error| error.to_string())?;
    let service = Service::new(std::sync::Arc::from(store));
    let organisation = OrganisationId::from_uuid(id(ORGANISATION));
    let mut seen = Vec::new();
    for report in Report::NAMED.into_iter().chain((100..103).map(|n| Report::Audit(id(n)))) {
        for format in [Format::Table, Format::Json] {
            let text = service
                .read_models(organisation, AsOf::Now, |models| {
                    render_with(&models, &report, &Options::new(format, Lang::En))
                })
                .and_then(|rendered| rendered)
                .map_err(|error| format!("{} [{}]", error, error.code()))?;
            seen.push(text);
        }
    }
    let verified = service.store().verify().map_err(|error| error.to_string())?;
    Ok((seen, verified.is_ok()))
}

#[derive(Default, Debug)]
struct Figures {
    tried: usize,
    detected: usize,
    harmless: usize,
    silent: Vec<usize>,
    panics: Vec<usize>,
}

impl Figures {
    fn print(&self, what: &str) {
        eprintln!(
            "{what}: {} offsets tried, {} detected, {} harmless, {} silent, {} panics",
            self.tried,
            self.detected,
            self.harmless,
            self.silent.len(),
            self.panics.len()
        );
    }
}

/// Flips `offsets` of `file` one at a time (in a copy of `pristine`, a store's directory or
/// file) and sorts what each flip did.
fn campaign(pristine: &Path, file: &Path, offsets: &[usize], address: impl Fn(&Path) -> String) -> Figures {
    let baseline = observe(&address(pristine)).expect("the pristine store reads");
    assert!(baseline.1, "the pristine store verifies");
    let scratch = support::TempDir::new("flip");
    let relative = file.strip_prefix(pristine).ok();
    let mut figures = Figures::default();
    // NETVAERK_CAMPAIGN_ONLY=OFFSET tries that offset alone, to look at it.
    let only: Option<usize> = std::env::var("NETVAERK_CAMPAIGN_ONLY").ok().and_then(|text| text.parse().ok());
    let offsets: Vec<usize> =
        offsets.iter().copied().filter(|offset| only.is_none_or(|only| only == *offset)).collect();
    // Panics are counted, not printed, while the flips run: the store's guard turns an engine's
    // panic into an error, and any that escaped is a failure of the test.
    let hook = std::panic::take_hook();
    // NETVAERK_CAMPAIGN_LOUD=1 prints each panic where it happens, to find it.
    if std::env::var_os("NETVAERK_CAMPAIGN_LOUD").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    for &offset in &offsets {
        let copy = scratch.0.join("copy");
        let _ = std::fs::remove_dir_all(&copy);
        let _ = std::fs::remove_file(&copy);
        copy_store(pristine, &copy);
        let target = match relative {
            Some(relative) if !relative.as_os_str().is_empty() => copy.join(relative),
            _ => copy.clone(),
        };
        let mut bytes = std::fs::read(&target).unwrap();
        // Whole bytes and single bits, in turn.
        bytes[offset] ^= if offset % 2 == 0 { 0xff } else { 1 << (offset % 8) };
        std::fs::write(&target, &bytes).unwrap();
        figures.tried += 1;
        if std::env::var_os("NETVAERK_CAMPAIGN_TRACE").is_some() {
            eprintln!("flipping {offset}");
        }
        let opened = address(&copy);
        match std::panic::catch_unwind(|| observe(&opened)) {
            Err(_) => {
                eprintln!("panic at offset {offset}");
                figures.panics.push(offset);
            }
            Ok(Err(_)) => figures.detected += 1,
            Ok(Ok((_, false))) => figures.detected += 1,
            Ok(Ok((seen, true))) if seen == baseline.0 => figures.harmless += 1,
            Ok(Ok((seen, true))) => {
                // What changed, for whoever fixes it.
                let changed = seen.iter().zip(&baseline.0).find(|(now, before)| now != before);
                if let Some((now, before)) = changed {
                    let lines: Vec<_> =
                        now.lines().zip(before.lines()).filter(|(a, b)| a != b).take(3).collect();
                    eprintln!("silent at offset {offset}: {lines:?}");
                }
                figures.silent.push(offset);
            }
        }
    }
    std::panic::set_hook(hook);
    figures
}

fn copy_store(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() == "netvaerk.lock" {
                continue;
            }
            copy_store(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Writes the small history into a new store at `address`.
fn write_history(address: &str) {
    let service = Service::open(address).unwrap();
    let organisation = OrganisationId::from_uuid(id(ORGANISATION));
    for result in service.execute_batch(organisation, &commands(), BatchMode::Atomic).unwrap() {
        result.unwrap();
    }
    for (n, name) in [(1, "Sofie Holm"), (2, "Karen Lund")] {
        let data = PersonalData { name: name.into(), email: None, title: None };
        service
            .store()
            .register_person(PersonId::from_uuid(id(n)), data, PersonId::from_uuid(id(n)), chrono::Utc::now())
            .unwrap();
    }
}

/// Where `needle` occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn full() -> bool {
    std::env::var("NETVAERK_CAMPAIGN").is_ok_and(|value| value == "full")
}

#[test]
fn every_flipped_byte_of_a_redb_stores_records_is_detected_or_harmless_and_none_panics() {
    let dir = support::TempDir::new("campaign-redb");
    let file = dir.0.join("small.redb");
    let address = |path: &Path| format!("redb:{}", path.display());
    write_history(&address(&file));
    // The record area: where each record's bytes lie in the file.
    let store = netvaerk::store::RedbStore::open(&file).unwrap();
    let records: Vec<_> = store.read_raw(1).map(Result::unwrap).collect();
    drop(store);
    let bytes_after = std::fs::read(&file).unwrap();
    let mut area = BTreeSet::new();
    for record in &records {
        let at = find(&bytes_after, &record.bytes).expect("each record lies in the file whole");
        area.extend(at..at + record.bytes.len());
    }
    let mut offsets: Vec<usize> = area.iter().copied().collect();
    // And a sample of the rest of the file: its B-tree pages, indexes, registry and header.
    let step = if full() { 1 } else { 97 };
    offsets.extend((0..bytes_after.len()).step_by(step).filter(|offset| !area.contains(offset)));
    let figures = campaign(&file, &file, &offsets, address);
    figures.print(&format!(
        "redb ({} records, {} record bytes of {} in the file)",
        records.len(),
        area.len(),
        bytes_after.len()
    ));
    assert_eq!(figures.silent, Vec::<usize>::new(), "flips that changed a report unnoticed");
    assert_eq!(figures.panics, Vec::<usize>::new(), "flips that panicked");
    assert_eq!(figures.tried, figures.detected + figures.harmless);
    assert!(figures.detected >= area.len(), "every flip of a record's bytes is detected");
}

#[test]
fn a_sample_of_flipped_bytes_of_a_sled_store_is_detected_or_harmless_and_none_panics() {
    let dir = support::TempDir::new("campaign-sled");
    let store = dir.0.join("small");
    let address = |path: &Path| format!("sled:{}", path.display());
    write_history(&address(&store));
    let data = store.join("sled").join("db");
    let length = std::fs::metadata(&data).unwrap().len() as usize;
    let step = if full() { 7 } else { 29 };
    let offsets: Vec<usize> = (0..length).step_by(step).collect();
    let figures = campaign(&store, &data, &offsets, address);
    figures.print(&format!("sled (every {step}th byte of a {length}-byte data file)"));
    assert_eq!(figures.silent, Vec::<usize>::new(), "flips that changed a report unnoticed");
    assert_eq!(figures.panics, Vec::<usize>::new(), "flips that panicked");
}
