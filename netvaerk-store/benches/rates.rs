//! Append and scan rates of the store backends, batch 1 and batch 1000.
//!
//! `cargo bench -p netvaerk-store --bench rates` (add `-- --events N` for the batch-1000 run's
//! size, default 200,000). Each event is a realistic decision: a ~250-byte JSON payload with a
//! rationale. Figures are events per second, best of three runs; "streams" reads every one of
//! the 100 streams whole with `read_stream` (the service's fold), "scan" the log in order.

use std::time::Instant;

use chrono::NaiveDate;
use netvaerk_core::PersonId;
use netvaerk_store::{EventStore, ExpectedVersion, MemoryStore, NewEvent, RedbStore, SledStore, StreamId};
use serde_json::json;
use uuid::Uuid;

fn event(n: u64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "ThemeProposed".into(),
        schema_version: 2,
        payload: json!({
            "theme": Uuid::now_v7(),
            "title": format!("Theme number {n}"),
            "challenge": "Citizens wait too long between the first call and the first visit",
            "proposed_by": Uuid::from_u128(u128::from(n % 40)),
            "departments": [Uuid::from_u128(1), Uuid::from_u128(2)],
            "origins": ["below", "outside"],
        }),
        rationale: Some("Raised at the chief forum's spring meeting".into()),
        actor: PersonId::from_uuid(Uuid::from_u128(7)),
        occurred_on: NaiveDate::from_ymd_opt(2016, 9, 1).unwrap(),
        correlation_id: None,
        causation_id: None,
        command_digest: None,
    }
}

fn append_rate(store: &dyn EventStore, total: u64, batch: u64) -> f64 {
    let events: Vec<NewEvent> = (0..total).map(event).collect();
    let start = Instant::now();
    for (index, chunk) in events.chunks(usize::try_from(batch).unwrap()).enumerate() {
        let stream = StreamId::new(format!("organisation-{}", index % 100)).unwrap();
        store.append(&stream, ExpectedVersion::Any, chunk).unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn scan_rate(store: &dyn EventStore, decode: bool) -> f64 {
    let start = Instant::now();
    let mut count = 0u64;
    for envelope in store.read_all(1) {
        let envelope = envelope.unwrap();
        if decode {
            std::hint::black_box(envelope.decode().unwrap());
        }
        count += 1;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn stream_rate(store: &dyn EventStore) -> f64 {
    let start = Instant::now();
    let mut count = 0usize;
    for index in 0..100 {
        let stream = StreamId::new(format!("organisation-{index}")).unwrap();
        count += std::hint::black_box(store.read_stream(&stream, 1).unwrap()).len();
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn best(runs: impl Fn() -> f64) -> f64 {
    (0..3).map(|_| runs()).fold(0.0, f64::max)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let events = args
        .iter()
        .position(|arg| arg == "--events")
        .and_then(|index| args.get(index + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(200_000u64);
    // `--only memory|sled|redb` runs one backend (for profiling).
    let only = args.iter().position(|arg| arg == "--only").and_then(|index| args.get(index + 1)).cloned();
    let runs = |backend: &str| only.as_deref().is_none_or(|only| only == backend);
    let temp = std::env::temp_dir().join(format!("netvaerk-bench-{}", Uuid::now_v7()));
    // A store is created only in a directory that exists.
    std::fs::create_dir_all(&temp).unwrap();

    println!("netvaerk-store rates, events/s (best of 3)");
    println!(
        "{:<8} {:>14} {:>16} {:>12} {:>18} {:>12}",
        "backend", "append b=1", "append b=1000", "scan", "scan + decode", "streams"
    );
    if runs("memory") {
        rates("memory", events, 20_000, |_| MemoryStore::new(), |_| None);
    }
    let path = |label: &str| temp.join(format!("{label}-{}", Uuid::now_v7()));
    if runs("sled") {
        rates(
            "sled",
            events,
            2_000,
            |label| SledStore::open(path(label)).unwrap(),
            |store| store.size_on_disk().ok(),
        );
    }
    if runs("redb") {
        let open = |label: &str| {
            let dir = path(label);
            std::fs::create_dir_all(&dir).unwrap();
            RedbStore::open(dir.join("log.redb")).unwrap()
        };
        rates("redb", events, 2_000, open, |store| store.size_on_disk().ok());
    }
    let _ = std::fs::remove_dir_all(&temp);
}

/// One backend's row: appends of single events and of batches, scans with and without decoding.
fn rates<S: EventStore>(
    name: &str,
    events: u64,
    single_events: u64,
    fresh: impl Fn(&str) -> S,
    size_on_disk: impl Fn(&S) -> Option<u64>,
) {
    let b1 = best(|| append_rate(&fresh("b1"), single_events, 1));
    let b1000 = best(|| append_rate(&fresh("b1000"), events, 1000));
    let store = fresh("scan");
    append_rate(&store, events, 1000);
    let (scan, decode) = (best(|| scan_rate(&store, false)), best(|| scan_rate(&store, true)));
    let streams = best(|| stream_rate(&store));
    println!("{name:<8} {b1:>14.0} {b1000:>16.0} {scan:>12.0} {decode:>18.0} {streams:>12.0}");
    if let Some(bytes) = size_on_disk(&store) {
        println!("{name} on disk: {:.0} bytes/event over {events} events", bytes as f64 / events as f64);
    }
}
