//! The corruption campaign: a small store, every byte of its records flipped one at a time on
//! redb (and a sample of the rest of its file, and of a sled store's data file), each damaged
//! copy opened as the program opens a store and asked for every report and `verify`. Each flip
//! must be detected (a typed error, or `verify` naming a bad position) or leave every report
//! identical: none silent, and no panic. And every byte of a small redb file, each damaged copy
//! read alone (no `verify`): each read and report is the undamaged one or an error (a page that
//! no read reaches is shown so by inverting it whole, then every byte of the others is flipped).
//!
//! The figures print with `--nocapture`:
//! `cargo test --release --test corruption -- --nocapture` (`NETVAERK_CAMPAIGN=full` flips every
//! byte of the first test's redb file, not only its records, samples sled four times as densely,
//! and renders the reports after every flip of the read-alone test, not every tenth).

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use netvaerk::{Address, BatchMode, Service};
use netvaerk_core::{Action, Command, Metadata, OrganisationId, PersonId, UnitId};
use netvaerk_projections::AsOf;
use netvaerk_report::{render_with, Format, Lang, Listing, Options, Report};
use netvaerk_store::{EventStore, OpenCheck, PersonalData, StreamId};

#[path = "../../tests/support/mod.rs"]
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
    let store = netvaerk_store::RedbStore::open(&file).unwrap();
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

/// What a read alone answers about a store with two organisations: each organisation's stream
/// as `read_stream` gives it, its version, where each of its events is by id, and its portfolio,
/// half-year report and theme list as the service renders them; or the first error. Where each
/// event is by id comes apart (`position_of`: the service's retry check, no report's read).
/// Without `reports`, the reads only.
/// Without `ids`, not where each event is by id.
fn read_alone(
    address: &str,
    organisations: &[OrganisationId],
    reports: bool,
    ids: bool,
) -> Result<(Vec<String>, Vec<String>), String> {
    let address: Address = address.parse().map_err(|error: netvaerk::Error| error.to_string())?;
    let store = address.open_for_reading(OpenCheck::Head).map_err(|error| error.to_string())?;
    let (read_ids, (mut seen, mut ids)) = (ids, (Vec::new(), Vec::new()));
    for organisation in organisations {
        let stream = StreamId::organisation(*organisation);
        let envelopes = store.read_stream(&stream, 1).map_err(|error| error.to_string())?;
        seen.push(format!("{envelopes:?}"));
        seen.push(store.stream_version(&stream).map_err(|error| error.to_string())?.to_string());
        for envelope in envelopes.iter().filter(|_| read_ids) {
            let at = store.position_of(envelope.header.event_id).map_err(|error| error.to_string())?;
            ids.push(format!("{} at {at:?}", envelope.header.event_id));
        }
    }
    let service = Service::new(std::sync::Arc::from(store));
    for organisation in organisations.iter().filter(|_| reports) {
        for report in [
            Report::Portfolio,
            Report::HalfYear,
            Report::List(Listing::Themes),
            Report::List(Listing::Networks),
        ] {
            let text = service
                .read_models(*organisation, AsOf::Now, |models| {
                    render_with(&models, &report, &Options::new(Format::Json, Lang::En))
                })
                .and_then(|rendered| rendered)
                .map_err(|error| format!("{} [{}]", error, error.code()))?;
            seen.push(text);
        }
    }
    Ok((seen, ids))
}

/// A page of the redb file (redb's pages are 4 KiB) holding any of these byte strings.
fn pages_holding(file: &[u8], needles: &[Vec<u8>]) -> BTreeSet<usize> {
    const PAGE: usize = 4096;
    (0..file.len().div_ceil(PAGE))
        .filter(|page| {
            let bytes = &file[page * PAGE..((page + 1) * PAGE).min(file.len())];
            needles.iter().any(|needle| find(bytes, needle).is_some())
        })
        .collect()
}

#[test]
fn every_flipped_byte_of_a_redb_file_gives_a_read_alone_and_its_reports_the_whole_answer_or_an_error() {
    // Two organisations, their decisions interleaved one commit each, so that both streams'
    // index entries and heads share pages: 25 and 19 events.
    let dir = support::TempDir::new("campaign-indexes");
    let file = dir.0.join("two.redb");
    let address = |path: &Path| format!("redb:{}", path.display());
    let organisations =
        [OrganisationId::from_uuid(id(ORGANISATION)), OrganisationId::from_uuid(id(ORGANISATION + 1))];
    {
        let service = Service::open(&address(&file)).unwrap();
        let titles = |count: usize| -> Vec<String> { (0..count).map(|n| format!("Tema {n}")).collect() };
        let (first, second) = (small_history(&titles(6)), small_history(&titles(4)));
        let mut queues = [first.into_iter(), second.into_iter()];
        loop {
            let mut any = false;
            for (organisation, queue) in organisations.iter().zip(&mut queues) {
                if let Some(command) = queue.next() {
                    any = true;
                    for result in service.execute_batch(*organisation, &[command], BatchMode::Atomic).unwrap()
                    {
                        result.unwrap();
                    }
                }
            }
            if !any {
                break;
            }
        }
    }
    let pristine = read_alone(&address(&file), &organisations, true, true).expect("the pristine store reads");
    let store = netvaerk_store::RedbStore::open(&file).unwrap();
    let events: Vec<_> = store.read_all(1).map(Result::unwrap).collect();
    drop(store);
    assert!((30..=60).contains(&events.len()), "{} events", events.len());
    // The offsets: every byte of the file, in two steps. First each page (redb's are 4 KiB) is
    // inverted whole: a page whose inversion leaves every read and report as it was is one no
    // read reaches (free space, a copy redb left behind, copy-on-write), so no change of its
    // bytes can change an answer. Then every byte of each page a read does reach is flipped
    // alone: the records, the stream index and heads, the event-id index, redb's header and
    // table of tables (about half the pages; with the dependencies optimised in test builds,
    // a minute or two).
    let bytes = std::fs::read(&file).unwrap();
    let mut needles: Vec<Vec<u8>> =
        organisations.iter().map(|o| StreamId::organisation(*o).as_str().as_bytes().to_vec()).collect();
    needles.extend(events.iter().map(|e| e.header.event_id.as_u128().to_le_bytes().to_vec()));
    needles.extend([b"streams".to_vec(), b"event_ids".to_vec(), b"heads".to_vec()]);
    let records: Vec<Vec<u8>> = {
        let store = netvaerk_store::RedbStore::open(&file).unwrap();
        store.read_raw(1).map(|raw| raw.unwrap().bytes).collect()
    };
    let record_pages = pages_holding(&bytes, &records);
    let scratch = support::TempDir::new("flip-indexes");
    let copy = scratch.0.join("copy.redb");
    let read_flipped = |flip: &dyn Fn(&mut Vec<u8>), reports: bool, ids: bool| {
        let mut flipped = bytes.clone();
        flip(&mut flipped);
        std::fs::write(&copy, &flipped).unwrap();
        std::panic::catch_unwind(|| read_alone(&address(&copy), &organisations, reports, ids))
    };
    let hook = std::panic::take_hook();
    if std::env::var_os("NETVAERK_CAMPAIGN_LOUD").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    // The pages a read relies on: those whose every byte inverted changes what a read answers.
    let all_pages = bytes.len().div_ceil(4096);
    let pages: Vec<usize> = (0..all_pages)
        .filter(|page| {
            let range = page * 4096..((page + 1) * 4096).min(bytes.len());
            let read = read_flipped(
                &|file| file[range.clone()].iter_mut().for_each(|byte| *byte ^= 0xff),
                true,
                true,
            );
            !matches!(read, Ok(Ok(ref seen)) if *seen == pristine)
        })
        .collect();
    let offsets: Vec<usize> =
        pages.iter().flat_map(|page| page * 4096..((page + 1) * 4096).min(bytes.len())).collect();
    // `position_of` reads the event-id table, reached through the table of tables, and the
    // records: where each event is by id is asked only after flips in the pages that hold an
    // event id or a table's name (not in the stream index's and heads' own pages).
    let id_pages = pages_holding(&bytes, &needles[organisations.len()..]);
    let only: Option<usize> = std::env::var("NETVAERK_CAMPAIGN_ONLY").ok().and_then(|text| text.parse().ok());
    let (mut errors, mut whole, mut wrong, mut panics) = (0, 0, Vec::new(), Vec::new());
    let (mut id_misses, mut ids_wrong) = (0, Vec::new());
    for &offset in offsets.iter().filter(|offset| only.is_none_or(|only| only == **offset)) {
        // Whole bytes and single bits, in turn.
        let flip =
            |file: &mut Vec<u8>| file[offset] ^= if offset % 2 == 0 { 0xff } else { 1 << (offset % 8) };
        // The reports are folds of the same checked reads, so a report can differ only where a
        // read does: each flip is read, and every tenth one also rendered (all of them would
        // take the test past a minute in a debug build; NETVAERK_CAMPAIGN=full renders all).
        let reports = full() || offset % 10 == 0;
        let expected = if reports { &pristine.0[..] } else { &pristine.0[..2 * organisations.len()] };
        let ids = id_pages.contains(&(offset / 4096));
        let expected_ids = if ids { &pristine.1[..] } else { &[] };
        match read_flipped(&flip, reports, ids) {
            Err(_) => panics.push(offset),
            Ok(Err(_)) => errors += 1,
            Ok(Ok((seen, ids))) if seen == expected => {
                whole += 1;
                // An event-id entry lost to the flip reads as "not stored" (the one answer the
                // index alone gives that no record can contradict); any other difference is wrong.
                assert_eq!(ids.len(), expected_ids.len(), "every id asked at offset {offset}");
                for (now, before) in ids.iter().zip(expected_ids).filter(|(now, before)| now != before) {
                    if now.ends_with("at None") {
                        id_misses += 1;
                    } else {
                        eprintln!("event-id answer changed at offset {offset}: {now} (was {before})");
                        ids_wrong.push(offset);
                    }
                }
            }
            Ok(Ok((seen, _))) => {
                let changed = seen.iter().zip(expected).position(|(now, before)| now != before);
                let shown = changed.map(|at| {
                    let (now, before) = (&seen[at], &expected[at]);
                    let from = now.bytes().zip(before.bytes()).position(|(a, b)| a != b).unwrap_or(0);
                    let near = |text: &str| {
                        text.get(from.saturating_sub(40)..(from + 80).min(text.len()))
                            .unwrap_or("")
                            .to_owned()
                    };
                    (near(now), near(before))
                });
                eprintln!("wrong answer at offset {offset}, item {changed:?} of {}: {shown:?}", seen.len());
                wrong.push(offset);
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "redb, {} events in {} bytes: {} pages, {} with records; {} read (the rest inverted whole without a \
         change), each byte flipped: {} offsets: {errors} errors, {whole} whole, {} wrong, {} panics; \
         {id_misses} event ids read as not stored",
        events.len(),
        bytes.len(),
        all_pages,
        record_pages.len(),
        pages.len(),
        offsets.len(),
        wrong.len(),
        panics.len()
    );
    assert_eq!(wrong, Vec::<usize>::new(), "flips that gave a read alone a wrong answer");
    assert_eq!(panics, Vec::<usize>::new(), "flips that panicked");
    assert_eq!(ids_wrong, Vec::<usize>::new(), "flips that moved an event to another position unnoticed");
}
