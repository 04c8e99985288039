//! Micro-benchmarks of the pure core: `cargo bench -p netvaerk-core`.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use netvaerk_core::codec::{decode_json, encode};
use netvaerk_core::*;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_ab00_0000_7000_8000_0000_0000_0000 | n)
}

/// A small organisation with a round open, and the command to propose one more theme.
fn setting() -> (State, Command, Vec<Event>) {
    let chief = PersonId::from_uuid(id(1));
    let (area, department) = (UnitId::from_uuid(id(2)), UnitId::from_uuid(id(3)));
    let on = NaiveDate::from_ymd_opt(2016, 9, 1).unwrap();
    let now = Utc.with_ymd_and_hms(2016, 9, 30, 0, 0, 0).unwrap();
    let actions = vec![
        Action::RegisterUnit { unit: area, kind: UnitKind::DirectorArea, parent: None },
        Action::RegisterUnit { unit: department, kind: UnitKind::Department, parent: Some(area) },
        Action::RegisterPerson {
            person: chief,
            unit: Some(department),
            roles: BTreeSet::from([PersonRole::ChiefForum]),
        },
        Action::OpenRound { round: "2016H2".parse().unwrap() },
    ];
    let propose = |n: u128| Action::ProposeTheme {
        theme: ThemeId::from_uuid(id(100 + n)),
        title: format!("Theme {n}"),
        challenge: "Citizens meet a municipality that works in silos".into(),
        proposed_by: chief,
        departments: vec![department],
        origins: BTreeSet::from([Origin::Below, Origin::Outside]),
    };
    let mut state = State::new();
    let mut events = Vec::new();
    for action in actions.into_iter().chain((0..200).map(propose)) {
        let decision =
            decide(&state, &Command::new(Metadata::new(chief, on), action), &Policy::ns3(), now).unwrap();
        state = decision.events.iter().fold(state, evolve);
        events.extend(decision.events);
    }
    (state, Command::new(Metadata::new(chief, on), propose(999)), events)
}

fn core(c: &mut Criterion) {
    let (state, command, events) = setting();
    let now = Utc.with_ymd_and_hms(2016, 9, 30, 0, 0, 0).unwrap();
    let policy = Policy::ns3();
    c.bench_function("decide: propose a theme", |b| b.iter(|| decide(&state, &command, &policy, now)));
    c.bench_function("evolve: fold 204 events from scratch", |b| b.iter(|| State::from_events(&events)));
    let event = events.last().unwrap().clone();
    c.bench_function("encode: ThemeProposed to JSON text", |b| b.iter(|| encode(&event).payload.to_string()));
    let json = encode(&event).payload.to_string();
    c.bench_function("decode: ThemeProposed from JSON text", |b| {
        b.iter(|| decode_json("ThemeProposed", 2, &json))
    });
    let record = vec![0x5a_u8; 600];
    c.bench_function("hash: SHA-256 of a 600-byte record", |b| {
        b.iter(|| <sha2::Sha256 as sha2::Digest>::digest(&record))
    });
}

criterion_group!(benches, core);
criterion_main!(benches);
