//! `netvaerk bench`: each figure measured beside its baseline in one run, so the ratios hold on
//! a noisy machine.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use netvaerk::core::{
    codec::decode_json, decide, evolve, Action, Command, Competence, Metadata, OrganisationId, PersonId,
    PersonRole, Policy, State, UnitId, UnitKind,
};
use netvaerk::projections::{rebuild, rebuild_all, All, AsOf, AuditTrail, Names, Portfolio};
use netvaerk::store::{
    Envelope, EventStore, ExpectedVersion, NewEvent, OpenCheck, RawRecord, SledOptions, SledStore, StreamId,
};
use serde::Serialize;

use crate::{demo, Failure};

/// Every figure, with its baseline and ratio.
#[derive(Debug, Serialize)]
pub struct Figures {
    /// Events in the history.
    pub events: u64,
    /// Organisations (streams).
    pub organisations: u32,
    /// Rebuilding all four projections from the store, events/s.
    pub replay_per_s: f64,
    /// Decoding the same payloads from memory, events/s.
    pub decode_baseline_per_s: f64,
    /// replay / decode.
    pub replay_ratio: f64,
    /// Importing the records into a fresh store, events/s.
    pub import_per_s: f64,
    /// sled's raw batch insert of the same bytes (with flush and fdatasync), events/s.
    pub raw_insert_per_s: f64,
    /// import / raw.
    pub import_ratio: f64,
    /// One decision decided, appended and synced: median, ms.
    pub decision_p50_ms: f64,
    /// The same, 99th percentile, ms.
    pub decision_p99_ms: f64,
    /// A bare write + fdatasync of the same size: median, ms.
    pub fdatasync_p50_ms: f64,
    /// decision p50 / fdatasync p50.
    pub decision_ratio: f64,
    /// Decisions/s with one writer.
    pub one_writer_per_s: f64,
    /// Decisions/s with 8 writers on 8 organisations.
    pub eight_writers_per_s: f64,
    /// eight / one.
    pub writers_ratio: f64,
    /// Opening the store (head check) and answering one organisation's portfolio, ms.
    pub cold_portfolio_ms: f64,
    /// Of which opening the store, ms.
    pub cold_open_ms: f64,
    /// The audit trail of one theme as of a past date, ms.
    pub audit_as_of_ms: f64,
    /// Peak resident memory through generating the history and replaying it, MB.
    pub peak_rss_mb: f64,
    /// Bytes on disk per event.
    pub disk_bytes_per_event: f64,
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

fn percentile(samples: &mut [Duration], fraction: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * fraction).round() as usize;
    samples.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn disk_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => disk_bytes(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

fn io(context: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |error| Failure::Usage(format!("{context}: {error}"))
}

/// A tiny organisation with one person to assess: the repeatable decision.
fn bootstrap(store: &dyn EventStore, index: u32) -> Result<(StreamId, State, PersonId), Failure> {
    let organisation = OrganisationId::from_uuid(uuid::Uuid::from_u128(0xbe_0000 + u128::from(index)));
    let stream = StreamId::organisation(organisation);
    let person = PersonId::from_uuid(uuid::Uuid::from_u128(0xbe_1000 + u128::from(index)));
    let unit = UnitId::from_uuid(uuid::Uuid::from_u128(0xbe_2000 + u128::from(index)));
    let mut state = State::new();
    for action in [
        Action::RegisterUnit { unit, kind: UnitKind::Secretariat, parent: None },
        Action::RegisterPerson { person, unit: Some(unit), roles: BTreeSet::from([PersonRole::Secretariat]) },
    ] {
        state = decide_and_append(store, &stream, state, person, action)?;
    }
    Ok((stream, state, person))
}

fn decide_and_append(
    store: &dyn EventStore,
    stream: &StreamId,
    state: State,
    actor: PersonId,
    action: Action,
) -> Result<State, Failure> {
    let on = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap_or(NaiveDate::MIN);
    let decision =
        decide(&state, &Command::new(Metadata::new(actor, on), action), &Policy::ns3(), Utc::now())?;
    store.append(stream, ExpectedVersion::Exact(state.version()), &NewEvent::from_decision(&decision))?;
    Ok(decision.events.iter().fold(state, evolve))
}

fn assess(person: PersonId, n: usize) -> Action {
    let score = u8::try_from(n % 5).unwrap_or(0) + 1;
    Action::AssessCompetences { person, scores: [(Competence::Curiosity, score)].into_iter().collect() }
}

/// Runs the benchmark in a temporary directory and returns the figures.
pub fn run(events: u64) -> Result<Figures, Failure> {
    let directory = std::env::temp_dir().join(format!("netvaerk-bench-{}", uuid::Uuid::now_v7()));
    let result = run_in(&directory, events);
    let _ = std::fs::remove_dir_all(&directory);
    result
}

fn run_in(directory: &Path, events: u64) -> Result<Figures, Failure> {
    // The history: 30-year organisations of about 7,400 events each, or one shorter one.
    let organisations = u32::try_from(events / 7_400).unwrap_or(u32::MAX).max(1);
    let years =
        if organisations == 1 { u32::try_from((events / 240).clamp(1, 30)).unwrap_or(30) } else { 30 };
    let history_path = directory.join("history");
    let store = SledStore::open(&history_path)?;
    let written = demo::generate(&store, organisations, years, 1)?;

    // Replay: all four projections, one per organisation, in one pass over the log (one
    // thread reads and decodes, this one folds).
    let total = store.head()?.map_or(0, |head| head.position);
    let started = Instant::now();
    let projectors = rebuild_all::<All>(&store)?;
    let replay = per_second(total, started.elapsed());
    drop(projectors);
    // The high-water mark through generating and replaying; the import phase below holds
    // every record in memory on purpose, so it is not counted.
    let peak_rss = peak_rss_mb();
    // Baseline: decoding the same payloads from memory.
    let payloads: Vec<(String, u32, String)> = store
        .read_all(1)
        .filter_map(Result::ok)
        .filter(|e: &Envelope| !e.stream.as_str().starts_with('$'))
        .map(|e| (e.event_type.clone(), e.schema_version, e.payload_json().unwrap_or("{}").to_owned()))
        .collect();
    let started = Instant::now();
    for (event_type, version, json) in &payloads {
        std::hint::black_box(decode_json(event_type, *version, json).ok());
    }
    let decode = per_second(payloads.len() as u64, started.elapsed());
    drop(payloads);

    // Import: the same records into a fresh store, in batches of 10,000; baseline: sled's raw
    // batch insert of the same bytes.
    let records: Vec<RawRecord> = store.read_raw(1).collect::<Result<_, _>>()?;
    let import_store = SledStore::open(directory.join("import"))?;
    let started = Instant::now();
    for chunk in records.chunks(10_000) {
        import_store.import(chunk)?;
    }
    let import = per_second(records.len() as u64, started.elapsed());
    drop(import_store);
    let raw_path = directory.join("raw");
    let raw = sled::Config::new()
        .path(&raw_path)
        .cache_capacity(64 * 1024 * 1024)
        .open()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let raw_file = std::fs::File::open(raw_path.join("db")).map_err(io("opening sled's file"))?;
    let started = Instant::now();
    for chunk in records.chunks(10_000) {
        let mut batch = sled::Batch::default();
        for record in chunk {
            batch.insert(&record.position.to_be_bytes()[..], record.bytes.as_slice());
        }
        raw.apply_batch(batch).map_err(|e| Failure::Usage(e.to_string()))?;
        raw.flush().map_err(|e| Failure::Usage(e.to_string()))?;
        raw_file.sync_data().map_err(io("syncing"))?;
    }
    let raw_rate = per_second(records.len() as u64, started.elapsed());
    let record_size = records.iter().map(|r| r.bytes.len()).sum::<usize>() / records.len().max(1);
    drop(records);
    drop(raw);

    // Durable decisions: decide + append + sync, one at a time; baseline write + fdatasync.
    let decisions_store = SledStore::open(directory.join("decisions"))?;
    let (stream, mut state, person) = bootstrap(&decisions_store, 0)?;
    let mut latencies = Vec::with_capacity(300);
    let started = Instant::now();
    for n in 0..300 {
        let one = Instant::now();
        state = decide_and_append(&decisions_store, &stream, state, person, assess(person, n))?;
        latencies.push(one.elapsed());
    }
    let one_writer = per_second(300, started.elapsed());
    let decision_p50 = percentile(&mut latencies, 0.5);
    let decision_p99 = percentile(&mut latencies, 0.99);
    let mut file =
        std::fs::File::create(directory.join("fdatasync")).map_err(io("creating the sync file"))?;
    let block = vec![b'x'; record_size.max(1)];
    let mut syncs = Vec::with_capacity(300);
    for _ in 0..300 {
        let one = Instant::now();
        file.write_all(&block).map_err(io("writing"))?;
        file.sync_data().map_err(io("syncing"))?;
        syncs.push(one.elapsed());
    }
    let fdatasync_p50 = percentile(&mut syncs, 0.5);
    // Eight writers on eight organisations: group commit shares the syncs.
    let mut writers = Vec::new();
    for index in 1..=8 {
        writers.push(bootstrap(&decisions_store, index)?);
    }
    let started = Instant::now();
    let outcomes: Vec<Result<(), Failure>> = std::thread::scope(|scope| {
        let handles: Vec<_> = writers
            .into_iter()
            .map(|(stream, state, person)| {
                let store = &decisions_store;
                scope.spawn(move || {
                    let mut state = state;
                    for n in 0..150 {
                        state = decide_and_append(store, &stream, state, person, assess(person, n))?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Failure::Usage("a writer died".into()))))
            .collect()
    });
    outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
    let eight_writers = per_second(8 * 150, started.elapsed());
    drop(decisions_store);

    // Cold start: open the history (head check) and answer one organisation's portfolio; then
    // the audit trail of one theme as of a past date.
    drop(store);
    let started = Instant::now();
    let store = SledStore::open_with(
        &history_path,
        SledOptions { check: OpenCheck::Head, ..SledOptions::default() },
    )?;
    let open = started.elapsed().as_secs_f64() * 1000.0;
    let organisation = StreamId::organisation(demo::generated_organisation(0));
    let portfolio = rebuild::<Portfolio>(&store, &organisation, AsOf::Now)?;
    std::hint::black_box(portfolio.get().report(&Names::none()));
    let cold = started.elapsed().as_secs_f64() * 1000.0;
    let theme = portfolio.get().themes.keys().next().copied();
    let started = Instant::now();
    let as_of = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or(NaiveDate::MIN);
    let trail = rebuild::<AuditTrail>(&store, &organisation, AsOf::Date(as_of))?;
    std::hint::black_box(theme.and_then(|theme| trail.get().theme(theme, &Names::none())));
    let audit = started.elapsed().as_secs_f64() * 1000.0;
    drop(store);

    Ok(Figures {
        events: written,
        organisations,
        replay_per_s: replay,
        decode_baseline_per_s: decode,
        replay_ratio: replay / decode,
        import_per_s: import,
        raw_insert_per_s: raw_rate,
        import_ratio: import / raw_rate,
        decision_p50_ms: decision_p50,
        decision_p99_ms: decision_p99,
        fdatasync_p50_ms: fdatasync_p50,
        decision_ratio: decision_p50 / fdatasync_p50.max(1e-9),
        one_writer_per_s: one_writer,
        eight_writers_per_s: eight_writers,
        writers_ratio: eight_writers / one_writer,
        cold_portfolio_ms: cold,
        cold_open_ms: open,
        audit_as_of_ms: audit,
        peak_rss_mb: peak_rss,
        disk_bytes_per_event: disk_bytes(&history_path) as f64 / written.max(1) as f64,
    })
}

/// The figures as a table for people.
pub fn table(f: &Figures) -> String {
    let rows = [
        ("history", format!("{} events, {} organisation(s)", f.events, f.organisations), String::new()),
        (
            "replay, 4 projections",
            format!("{:.0} events/s", f.replay_per_s),
            format!("decode {:.0}/s: ratio {:.2}", f.decode_baseline_per_s, f.replay_ratio),
        ),
        (
            "import",
            format!("{:.0} events/s", f.import_per_s),
            format!("raw sled {:.0}/s: ratio {:.2}", f.raw_insert_per_s, f.import_ratio),
        ),
        (
            "durable decision",
            format!("p50 {:.2} ms, p99 {:.2} ms", f.decision_p50_ms, f.decision_p99_ms),
            format!("fdatasync {:.2} ms: ratio {:.1}", f.fdatasync_p50_ms, f.decision_ratio),
        ),
        (
            "8 writers vs 1",
            format!("{:.0} vs {:.0} decisions/s", f.eight_writers_per_s, f.one_writer_per_s),
            format!("ratio {:.1}", f.writers_ratio),
        ),
        (
            "cold start, portfolio",
            format!("{:.1} ms", f.cold_portfolio_ms),
            format!("of which opening the store {:.1} ms", f.cold_open_ms),
        ),
        ("audit as of a date", format!("{:.1} ms", f.audit_as_of_ms), String::new()),
        ("peak RSS, replay", format!("{:.0} MB", f.peak_rss_mb), String::new()),
        ("on disk", format!("{:.0} bytes/event", f.disk_bytes_per_event), String::new()),
    ];
    let mut out = String::new();
    for (label, value, baseline) in rows {
        out.push_str(format!("{label:<22} {value:<30} {baseline}").trim_end());
        out.push('\n');
    }
    out
}
