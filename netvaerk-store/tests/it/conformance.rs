//! The conformance suite: one body of tests that every backend instantiates with
//! `conformance!(module, fresh, reopen, tamper)`. `fresh()` gives an empty store plus whatever
//! must live as long as it (a temporary directory, a schema), or `None` where the backend is not
//! available here (each test then returns at once, after `fresh` said why); `reopen(store,
//! guard)` closes and reopens a persistent store (for the memory store it returns the same
//! store); `tamper(store, position, bytes)` overwrites a stored record behind the store's back,
//! as an attacker with access to the disk or the database would.

/// Instantiates the suite for one backend.
#[macro_export]
macro_rules! conformance {
    ($module:ident, $fresh:expr, $reopen:expr, $tamper:expr, $tamper_index:expr) => {
        mod $module {
            use std::collections::BTreeSet;
            use std::sync::Barrier;
            use std::time::Duration;

            use chrono::{TimeZone, Utc};
            use netvaerk_core::PersonId;
            use netvaerk_store::*;
            use proptest::prelude::*;
            use serde_json::json;
            use uuid::Uuid;

            use $crate::support::*;

            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn expected_version_no_stream() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                let first = store.append(&s, ExpectedVersion::NoStream, &events(2)).unwrap();
                assert_eq!(first, AppendResult { positions: vec![1, 2], stream_version: 2 });
                let error = store.append(&s, ExpectedVersion::NoStream, &events(1)).unwrap_err();
                assert!(matches!(error, StoreError::WrongExpectedVersion { actual: 2, .. }), "{error}");
                assert_eq!(store.head().unwrap().unwrap().position, 2);
            }

            #[test]
            fn read_at_gives_the_envelope_at_a_position_and_none_past_the_head() {
                let Some((store, _guard)) = $fresh() else { return };
                assert_eq!(store.read_at(1).unwrap(), None);
                store.append(&stream("org-a"), ExpectedVersion::Any, &events(3)).unwrap();
                store.append(&stream("org-b"), ExpectedVersion::Any, &events(2)).unwrap();
                let all: Vec<Envelope> = store.read_all(1).map(Result::unwrap).collect();
                for envelope in &all {
                    assert_eq!(store.read_at(envelope.header.position).unwrap().as_ref(), Some(envelope));
                }
                assert_eq!(store.read_at(0).unwrap(), None);
                assert_eq!(store.read_at(6).unwrap(), None);
            }

            #[test]
            fn expected_version_exact() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                store.append(&s, ExpectedVersion::Exact(0), &events(1)).unwrap();
                store.append(&s, ExpectedVersion::Exact(1), &events(2)).unwrap();
                let error = store.append(&s, ExpectedVersion::Exact(1), &events(1)).unwrap_err();
                assert!(matches!(error, StoreError::WrongExpectedVersion { actual: 3, .. }), "{error}");
                assert_eq!(error.to_string(), "stream org-a is at version 3, not at version 1");
                assert_eq!(store.stream_version(&s).unwrap(), 3);
            }

            #[test]
            fn expected_version_stream_exists_and_any() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                let error = store.append(&s, ExpectedVersion::StreamExists, &events(1)).unwrap_err();
                assert!(matches!(error, StoreError::WrongExpectedVersion { actual: 0, .. }));
                store.append(&s, ExpectedVersion::Any, &events(1)).unwrap();
                store.append(&s, ExpectedVersion::StreamExists, &events(1)).unwrap();
                store.append(&s, ExpectedVersion::Any, &events(1)).unwrap();
                assert_eq!(store.stream_version(&s).unwrap(), 3);
                // An empty append checks the version and appends nothing.
                let empty = store.append(&s, ExpectedVersion::Exact(3), &[]).unwrap();
                assert_eq!(empty, AppendResult { positions: vec![], stream_version: 3 });
                assert!(store.append(&s, ExpectedVersion::Exact(2), &[]).is_err());
            }

            #[test]
            fn a_multi_event_append_is_all_or_nothing() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                let mut batch = events(3);
                batch[2].payload = json!("not an object");
                let error = store.append(&s, ExpectedVersion::Any, &batch).unwrap_err();
                assert!(matches!(error, StoreError::InvalidEvent { problem: "its payload is not a JSON object", .. }));
                assert_eq!(store.head().unwrap(), None);
                assert_eq!(store.read_all(1).count(), 0);
                let appended = store.append(&s, ExpectedVersion::Any, &events(3)).unwrap();
                assert_eq!(appended.positions, vec![1, 2, 3]);
            }

            #[test]
            fn malformed_events_and_streams_are_refused_with_nothing_appended() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                let mut blank = events(1);
                blank[0].event_type = " ".into();
                let mut unversioned = events(1);
                unversioned[0].schema_version = 0;
                let twice = vec![event(1), event(1)];
                let twice = vec![twice[0].clone(), twice[0].clone()];
                for bad in [blank, unversioned, twice] {
                    assert!(matches!(store.append(&s, ExpectedVersion::Any, &bad), Err(StoreError::InvalidEvent { .. })));
                }
                assert!(matches!(StreamId::new(""), Err(StoreError::InvalidStreamId { .. })));
                assert!(matches!(StreamId::new("a\nb"), Err(StoreError::InvalidStreamId { .. })));
                assert!(StreamId::new("x".repeat(201)).is_err());
                assert_eq!(store.head().unwrap(), None);
            }

            #[test]
            fn positions_are_gapless_and_read_all_is_commit_order() {
                let Some((store, _guard)) = $fresh() else { return };
                let mut committed = Vec::new();
                for round in 0..10u64 {
                    let s = stream(&format!("org-{}", round % 3));
                    let batch = events(round % 4 + 1);
                    let appended = store.append(&s, ExpectedVersion::Any, &batch).unwrap();
                    committed.extend(batch.iter().map(|event| event.event_id).zip(appended.positions));
                }
                let read: Vec<(Uuid, u64)> =
                    store.read_all(1).map(|envelope| envelope.map(|e| (e.header.event_id, e.header.position)).unwrap()).collect();
                assert_eq!(read, committed);
                let positions: Vec<u64> = read.iter().map(|(_, position)| *position).collect();
                assert_eq!(positions, (1..=positions.len() as u64).collect::<Vec<_>>());
                // Reading from the middle starts there.
                assert_eq!(store.read_all(5).next().unwrap().unwrap().header.position, 5);
                assert!(store.read_all(1000).next().is_none());
            }

            #[test]
            fn read_stream_returns_that_stream_in_version_order() {
                let Some((store, _guard)) = $fresh() else { return };
                let (a, b) = (stream("org-a"), stream("org-b"));
                for n in 0..6 {
                    let s = if n % 2 == 0 { &a } else { &b };
                    store.append(s, ExpectedVersion::Any, &[event(n)]).unwrap();
                }
                let read = store.read_stream(&a, 1).unwrap();
                assert_eq!(read.iter().map(|e| e.header.stream_version).collect::<Vec<_>>(), [1, 2, 3]);
                assert_eq!(read.iter().map(|e| e.header.position).collect::<Vec<_>>(), [1, 3, 5]);
                assert_eq!(read[1].payload().unwrap()["n"], 2);
                assert_eq!(read[1].rationale(), Some("because"));
                assert_eq!(store.read_stream(&a, 3).unwrap().len(), 1);
                assert!(store.read_stream(&stream("org-none"), 1).unwrap().is_empty());
            }

            #[test]
            fn concurrent_appenders_with_exact_versions_lose_and_duplicate_nothing() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-contended");
                let threads = 4;
                let per_thread = 25;
                let barrier = Barrier::new(threads);
                let ids: Vec<Vec<Uuid>> = std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..threads)
                        .map(|_| {
                            scope.spawn(|| {
                                barrier.wait();
                                let mut mine = Vec::new();
                                for n in 0..per_thread {
                                    let batch = vec![event(n)];
                                    loop {
                                        let version = store.stream_version(&s).unwrap();
                                        match store.append(&s, ExpectedVersion::Exact(version), &batch) {
                                            Ok(_) => break,
                                            Err(StoreError::WrongExpectedVersion { .. }) => continue,
                                            Err(other) => panic!("{other}"),
                                        }
                                    }
                                    mine.push(batch[0].event_id);
                                }
                                mine
                            })
                        })
                        .collect();
                    handles.into_iter().map(|handle| handle.join().unwrap()).collect()
                });
                let expected: BTreeSet<Uuid> = ids.into_iter().flatten().collect();
                let read = store.read_stream(&s, 1).unwrap();
                let stored: BTreeSet<Uuid> = read.iter().map(|e| e.header.event_id).collect();
                assert_eq!(read.len(), threads * per_thread as usize, "a duplicate or a loss");
                assert_eq!(stored, expected);
                let versions: Vec<u64> = read.iter().map(|e| e.header.stream_version).collect();
                assert_eq!(versions, (1..=versions.len() as u64).collect::<Vec<_>>());
                assert!(store.verify().unwrap().is_ok());
            }

            #[test]
            fn concurrent_appenders_on_many_streams_share_commits() {
                let Some((store, _guard)) = $fresh() else { return };
                std::thread::scope(|scope| {
                    for t in 0..8 {
                        let store = &store;
                        scope.spawn(move || {
                            let s = stream(&format!("org-{t}"));
                            for n in 0..20 {
                                store.append(&s, ExpectedVersion::Exact(n), &[event(n)]).unwrap();
                            }
                        });
                    }
                });
                assert_eq!(store.head().unwrap().unwrap().position, 160);
                assert!(store.verify().unwrap().is_ok());
            }

            #[test]
            fn a_retried_append_returns_the_original_result_and_appends_nothing() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                store.append(&s, ExpectedVersion::Any, &events(1)).unwrap();
                let batch = events(3);
                let original = store.append(&s, ExpectedVersion::Exact(1), &batch).unwrap();
                let retried = store.append(&s, ExpectedVersion::Exact(1), &batch).unwrap();
                assert_eq!(retried, original);
                assert_eq!(store.head().unwrap().unwrap().position, 4);
                // Only some of them stored: not a retry.
                let mut partial = batch.clone();
                partial.push(event(9));
                assert!(matches!(store.append(&s, ExpectedVersion::Any, &partial), Err(StoreError::NotARetry { .. })));
                // The same ids to another stream: not a retry either.
                assert!(matches!(
                    store.append(&stream("org-b"), ExpectedVersion::Any, &batch),
                    Err(StoreError::NotARetry { .. })
                ));
                assert_eq!(store.head().unwrap().unwrap().position, 4);
            }

            #[test]
            fn reopening_keeps_everything() {
                let Some((store, guard)) = $fresh() else { return };
                let s = stream("org-a");
                store.append(&s, ExpectedVersion::Any, &events(5)).unwrap();
                let person = PersonId::from_uuid(Uuid::from_u128(42));
                store.register_person(person, PersonalData { name: "Ane Jensen".into(), email: None, title: None }, person, chrono::Utc::now()).unwrap();
                let before: Vec<Envelope> = store.read_all(1).map(Result::unwrap).collect();
                let head = store.head().unwrap();
                let store = $reopen(store, &guard);
                assert_eq!(store.head().unwrap(), head);
                let after: Vec<Envelope> = store.read_all(1).map(Result::unwrap).collect();
                assert_eq!(after, before);
                assert!(matches!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Known(_))));
                // Position 6 is the registry's record of who put Ane's data there, and when.
                let next = store.append(&s, ExpectedVersion::Exact(5), &events(1)).unwrap();
                assert_eq!(next.positions, vec![7]);
                assert!(store.verify().unwrap().is_ok());
            }

            #[test]
            fn a_flipped_byte_in_any_record_is_found_by_verify_at_its_position() {
                let Some((store, _guard)) = $fresh() else { return };
                for n in 0..8 {
                    store.append(&stream(&format!("org-{}", n % 2)), ExpectedVersion::Any, &[event(n)]).unwrap();
                }
                let head = store.verify().unwrap();
                assert_eq!(head.checked, 8);
                let originals: Vec<RawRecord> = store.read_raw(1).map(Result::unwrap).collect();
                for raw in &originals {
                    for offset in [0, 5, 9, raw.bytes.len() / 2, raw.bytes.len() - 40, raw.bytes.len() - 1] {
                        let mut flipped = raw.bytes.clone();
                        flipped[offset] ^= 0x01;
                        $tamper(&store, raw.position, &flipped);
                        let report = store.verify().unwrap();
                        assert_eq!(
                            report.first_bad.as_ref().map(|(position, _)| *position),
                            Some(raw.position),
                            "flip at byte {offset} of position {}",
                            raw.position
                        );
                        assert_eq!(report.checked, raw.position - 1);
                        $tamper(&store, raw.position, &raw.bytes);
                    }
                }
                assert_eq!(store.verify().unwrap(), head);
            }

            #[test]
            fn a_stream_index_entry_removed_or_moved_behind_the_stores_back_makes_the_read_an_error() {
                // Each way the index can lose or gain an entry, on a fresh store: the stream
                // read (and the version the service decides on) is an error, never a shorter
                // or different stream.
                type Damage = fn(&[u64], &[u64]) -> (u64, Option<u64>);
                let cases: [(&str, Damage); 5] = [
                    ("the last entry removed", |_, _| (5, None)),
                    ("a middle entry removed", |_, _| (3, None)),
                    ("the first entry removed", |_, _| (1, None)),
                    ("an entry moved to another of the stream's records", |a, _| (2, Some(a[2]))),
                    ("an entry after the head, leading to another stream's record", |_, b| (6, Some(b[0]))),
                ];
                for (what, damage) in cases {
                    let Some((store, _guard)) = $fresh() else { return };
                    let (a, b) = (stream("org-a"), stream("org-b"));
                    let (mut at_a, mut at_b) = (Vec::new(), Vec::new());
                    for n in 0..8 {
                        let (s, at) = if n % 3 == 1 { (&b, &mut at_b) } else { (&a, &mut at_a) };
                        at.extend(store.append(s, ExpectedVersion::Any, &[event(n)]).unwrap().positions);
                    }
                    assert_eq!((at_a.len(), at_b.len()), (5, 3));
                    let whole = store.read_stream(&a, 1).unwrap();
                    let (version, position) = damage(&at_a, &at_b);
                    if !$tamper_index(&store, &a, version, position) {
                        return;
                    }
                    // A read from the start, and one from the damaged version (a read from a
                    // later version does not rely on the entry, and its answer stays whole).
                    for from in [1, version.min(5)] {
                        match store.read_stream(&a, from) {
                            Err(StoreError::Corrupt { .. }) => {}
                            other => panic!("{what}: read from version {from} gave {other:?}"),
                        }
                    }
                    if version >= 5 {
                        let error = store.stream_version(&a).unwrap_err();
                        assert!(matches!(error, StoreError::Corrupt { .. }), "{what}: {error}");
                    }
                    // The other stream is untouched, and verify names the damage too.
                    assert_eq!(store.read_stream(&b, 1).unwrap().len(), 3);
                    assert!(!store.verify().unwrap().is_ok(), "{what}: verify");
                    assert_eq!(whole.len(), 5);
                }
            }

            #[test]
            fn read_range_gives_what_read_all_gives_between_two_positions_each_record_checked() {
                let Some((store, _guard)) = $fresh() else { return };
                for n in 0..9 {
                    store.append(&stream(&format!("org-{}", n % 3)), ExpectedVersion::Any, &[event(n)]).unwrap();
                }
                let all: Vec<Envelope> = store.read_all(1).map(Result::unwrap).collect();
                for (first, last) in [(1, 9), (3, 5), (4, 4), (8, 20), (10, 12), (6, 2), (0, 2)] {
                    let got: Vec<Envelope> = store.read_range(first, last).map(Result::unwrap).collect();
                    let want: Vec<Envelope> =
                        all.iter().filter(|e| (first..=last).contains(&e.header.position)).cloned().collect();
                    assert_eq!(got, want, "{first}..={last}");
                }
                // A body changed with its checksum recomputed (the chain's hash is over the
                // header) is refused where it is, as every read refuses it.
                let raw = store.read_raw(5).next().unwrap().unwrap();
                let mut forged = raw.bytes.clone();
                let in_body = forged.len() - 4 - 32 - 3;
                forged[in_body] ^= 0x01;
                let crc_at = forged.len() - 4;
                let crc = crc32fast::hash(&forged[..crc_at]);
                forged[crc_at..].copy_from_slice(&crc.to_be_bytes());
                $tamper(&store, 5, &forged);
                let read: Vec<Result<Envelope, StoreError>> = store.read_range(3, 7).collect();
                assert!(read.len() >= 3 && read[..2].iter().all(Result::is_ok), "{read:?}");
                let error = read[2].as_ref().unwrap_err();
                assert!(
                    matches!(error, StoreError::Corrupt { position: 5, problem: Corruption::BodyDigestMismatch }),
                    "{error}"
                );
                // Visiting the records lends them after the same checks: the two before it,
                // then the same error.
                let mut visited = Vec::new();
                let error = store
                    .visit_range(3, 7, &mut |record| {
                        visited.push(record.position);
                        Ok(())
                    })
                    .unwrap_err();
                assert_eq!(visited, [3, 4]);
                assert!(
                    matches!(error, StoreError::Corrupt { position: 5, problem: Corruption::BodyDigestMismatch }),
                    "{error}"
                );
                $tamper(&store, 5, &raw.bytes);
                assert_eq!(store.read_range(3, 7).count(), 5);
            }

            /// `visit_range` lends each record as `read_range` reads it, redacted ones included
            /// (their scrubbed event and rationale), and stops where `visit` says.
            #[test]
            fn visit_range_lends_what_read_range_reads() {
                let Some((store, _guard)) = $fresh() else { return };
                for n in 0..9 {
                    let mut event = event(n);
                    event.rationale = (n % 2 == 0).then(|| format!("rationale {n}"));
                    store.append(&stream(&format!("org-{}", n % 3)), ExpectedVersion::Any, &[event]).unwrap();
                }
                let secretary = PersonId::from_uuid(Uuid::from_u128(1));
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                store.redact(3, "a citizen's name", secretary, at).unwrap();
                let head = store.head().unwrap().unwrap().position;
                // A view's fields, kept beyond the visit.
                let owned = |record: RecordView<'_>| {
                    (
                        record.position,
                        record.stream.to_owned(),
                        record.event_type.to_owned(),
                        record.metadata,
                        record.payload.map(|(version, json)| (version, json.to_owned())),
                        record.rationale.map(str::to_owned),
                    )
                };
                for (first, last) in [(1, head), (3, 5), (4, 4), (8, 20), (11, 12), (6, 2), (0, 2)] {
                    let read: Vec<Envelope> = store.read_range(first, last).map(Result::unwrap).collect();
                    let want: Vec<_> = read.iter().map(|envelope| owned(RecordView::of(envelope))).collect();
                    let mut got = Vec::new();
                    let visited = store
                        .visit_range(first, last, &mut |record| {
                            got.push(owned(record));
                            Ok(())
                        })
                        .unwrap();
                    assert_eq!(visited, want.len() as u64, "{first}..={last}");
                    assert_eq!(got, want, "{first}..={last}");
                }
                let mut seen = 0;
                let stopped = store.visit_range(1, head, &mut |_| {
                    seen += 1;
                    if seen == 2 { Err(StoreError::NoSuchPosition(2)) } else { Ok(()) }
                });
                assert!(matches!(stopped, Err(StoreError::NoSuchPosition(2))));
                assert_eq!(seen, 2);
                // A visitor's own panic is its own: it goes on up, not reported as the
                // engine's damage.
                let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    store.visit_range(1, head, &mut |_| panic!("the visitor's own"))
                }));
                let panic = panicked.expect_err("the panic goes on up");
                assert_eq!(panic.downcast_ref::<&str>(), Some(&"the visitor's own"));
                assert_eq!(store.visit_range(1, head, &mut |_| Ok(())).unwrap(), head);
            }

            #[test]
            fn a_rewritten_history_breaks_the_chain_at_that_position() {
                // A forger who recomputes a record's checksum and hash still breaks the link.
                let Some((store, _guard)) = $fresh() else { return };
                store.append(&stream("org-a"), ExpectedVersion::Any, &events(4)).unwrap();
                let Some((other, _other_guard)) = $fresh() else { return };
                let mut forged = events(4);
                forged[2].payload = json!({ "n": 99 });
                other.append(&stream("org-a"), ExpectedVersion::Any, &forged).unwrap();
                let forged_third = other.read_raw(3).next().unwrap().unwrap();
                $tamper(&store, 3, &forged_third.bytes);
                let report = store.verify().unwrap();
                assert_eq!(report.first_bad, Some((3, Corruption::BrokenLink)));
            }

            #[test]
            fn subscribers_started_before_during_and_after_a_burst_see_every_event_once_in_order() {
                let Some((store, _guard)) = $fresh() else { return };
                let total = 200u64;
                let s = stream("org-a");
                let collect = |from: u64| {
                    let mut subscription = store.subscribe(from);
                    let mut seen = Vec::new();
                    while seen.len() < (total - from + 1) as usize {
                        match subscription.next_timeout(Duration::from_secs(30)).unwrap() {
                            Some(envelope) => seen.push(envelope.header.position),
                            None => panic!("no event for 30 s after {seen:?}"),
                        }
                    }
                    assert!(subscription.next_timeout(Duration::from_millis(10)).unwrap().is_none());
                    seen
                };
                let (before, during, after) = std::thread::scope(|scope| {
                    let before = scope.spawn(|| collect(1));
                    for n in 0..total / 2 {
                        store.append(&s, ExpectedVersion::Any, &[event(n)]).unwrap();
                    }
                    let during = scope.spawn(|| collect(1));
                    for n in total / 2..total {
                        store.append(&s, ExpectedVersion::Any, &[event(n)]).unwrap();
                    }
                    (before.join().unwrap(), during.join().unwrap(), collect(1))
                });
                let all: Vec<u64> = (1..=total).collect();
                assert_eq!(before, all);
                assert_eq!(during, all);
                assert_eq!(after, all);
                // A subscription from the middle starts there.
                assert_eq!(store.subscribe(150).next().unwrap().unwrap().header.position, 150);
            }

            #[test]
            fn importing_a_registry_keeps_erasures_and_never_un_erases() {
                let Some((store, _guard)) = $fresh() else { return };
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                let secretary = PersonId::from_uuid(Uuid::from_u128(1));
                let id = |n| PersonId::from_uuid(Uuid::from_u128(n));
                let (ane, bo, cy, dan) = (id(101), id(102), id(103), id(104));
                let known = |name: &str| RegistryEntry::Known(PersonalData { name: name.into(), email: None, title: None });
                let erased = RegistryEntry::Erased { by: secretary, at };
                // The source store's registry: Ane erased there, Bo and Cy known.
                let entries = vec![(ane, erased.clone()), (bo, known("Bo Holm")), (cy, known("Cy Dahl"))];
                let source = MemoryStore::new();
                source.register_person(ane, PersonalData { name: "Ane Jensen".into(), email: None, title: None }, secretary, at).unwrap();
                source.erase(ane, secretary, at).unwrap();
                let records = source.read_raw(1).collect::<Result<Vec<_>, _>>().unwrap();
                // Here Ane is still known (an older copy: the log up to her registration).
                store.import(&records[..1]).unwrap();
                store.import_registry(&[(ane, known("Ane Jensen"))]).unwrap();
                // An erasure comes only with its record in this log.
                assert!(matches!(store.import_registry(&entries), Err(StoreError::UnrecordedErasure(p)) if p == ane));
                assert_eq!(store.registry_entry(cy).unwrap(), None, "all or nothing");
                // The record comes with the log it belongs to (as `migrate` imports the log first).
                store.import(&records[1..]).unwrap();
                store.register_person(bo, PersonalData { name: "Bo Holm".into(), email: None, title: None }, bo, chrono::Utc::now()).unwrap();
                assert_eq!(store.import_registry(&entries).unwrap(), 2, "Ane's erasure and Cy; Bo is equal");
                assert_eq!(store.registry_entry(ane).unwrap(), Some(erased.clone()), "the erasure wins");
                assert_eq!(store.registry_entry(cy).unwrap(), Some(known("Cy Dahl")));
                // Importing Ane's old data again cannot bring her back; nothing is written.
                let back = vec![(dan, known("Dan Berg")), (ane, known("Ane Jensen"))];
                assert!(matches!(store.import_registry(&back), Err(StoreError::Erased(p)) if p == ane));
                assert_eq!(store.registry_entry(dan).unwrap(), None, "all or nothing");
                // Other data for a known person is a conflict, not an overwrite.
                let other = vec![(bo, known("Bo Holm-Madsen"))];
                assert!(matches!(store.import_registry(&other), Err(StoreError::RegistryConflict(p)) if p == bo));
                assert_eq!(store.registry_entry(bo).unwrap(), Some(known("Bo Holm")));
                // Invalid data is refused as register_person refuses it.
                let blank = vec![(dan, known(" "))];
                assert!(matches!(store.import_registry(&blank), Err(StoreError::InvalidPersonalData { .. })));
            }

            #[test]
            fn erasing_a_person_keeps_the_chain_and_shows_them_erased() {
                let Some((store, _guard)) = $fresh() else { return };
                let person = PersonId::from_uuid(Uuid::from_u128(42));
                let secretary = PersonId::from_uuid(Uuid::from_u128(1));
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                store.append(&stream("org-a"), ExpectedVersion::Any, &events(3)).unwrap();
                assert!(matches!(store.erase(person, secretary, at), Err(StoreError::NotInRegistry(_))));
                let data = PersonalData { name: "Ane Jensen".into(), email: Some("ane@example.dk".into()), title: None };
                store.register_person(person, data, person, chrono::Utc::now()).unwrap();
                store.erase(person, secretary, at).unwrap();
                assert_eq!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Erased { by: secretary, at }));
                let other = PersonId::from_uuid(Uuid::from_u128(7));
                let data = PersonalData { name: "Bo Holm".into(), email: None, title: None };
                store.register_person(other, data.clone(), other, chrono::Utc::now()).unwrap();
                assert_eq!(
                    store.registry_entries().unwrap(),
                    vec![(other, RegistryEntry::Known(data)), (person, RegistryEntry::Erased { by: secretary, at })],
                    "every entry, in person id order"
                );
                // The registry's stream: who recorded whose data and which fields, who erased whom;
                // never the data.
                let records = store.read_stream(&StreamId::registry(), 1).unwrap();
                let kinds: Vec<&str> = records.iter().map(|record| record.header.event_type.as_str()).collect();
                assert_eq!(kinds, [PERSONAL_DATA_RECORDED, PERSON_ERASED, PERSONAL_DATA_RECORDED]);
                assert_eq!(records[1].header.metadata.actor, secretary);
                assert_eq!(records[0].payload().unwrap()["fields"], serde_json::json!(["name", "email"]));
                for record in &records {
                    let payload = record.payload().unwrap().to_string();
                    assert!(!payload.contains("Ane") && !payload.contains("Bo Holm") && !payload.contains("ane@"), "{payload}");
                }
                // Data recorded again unchanged leaves no record.
                let same = PersonalData { name: "Bo Holm".into(), email: None, title: None };
                assert_eq!(store.register_person(other, same, secretary, at).unwrap(), None);
                assert!(store.verify().unwrap().is_ok());
                assert!(matches!(store.erase(person, secretary, at), Err(StoreError::Erased(_))));
                let again = PersonalData { name: "Ane".into(), email: None, title: None };
                assert!(matches!(store.register_person(person, again, person, chrono::Utc::now()), Err(StoreError::Erased(_))));
            }

            #[test]
            fn a_snapshot_is_kept_per_stream_beside_the_log_and_survives_a_reopen() {
                let Some((store, guard)) = $fresh() else { return };
                let (a, b) = (stream("org-a"), stream("org-b"));
                assert_eq!(store.load_snapshot(&a).unwrap(), None);
                store.delete_snapshot(&a).unwrap(); // none is no error
                store.append(&a, ExpectedVersion::Any, &events(3)).unwrap();
                let before = store.verify().unwrap();
                let head = store.head().unwrap();
                store.save_snapshot(&a, b"first").unwrap();
                store.save_snapshot(&a, &[0, 255, 1, 2]).unwrap();
                store.save_snapshot(&b, b"other").unwrap();
                assert_eq!(store.load_snapshot(&a).unwrap().as_deref(), Some(&[0, 255, 1, 2][..]));
                // Not a record: the log, its head and its chain are as before.
                assert_eq!(store.head().unwrap(), head);
                assert_eq!(store.read_all(1).count(), 3);
                assert_eq!(store.verify().unwrap(), before);
                let store = $reopen(store, &guard);
                assert_eq!(store.load_snapshot(&a).unwrap().as_deref(), Some(&[0, 255, 1, 2][..]));
                store.delete_snapshot(&a).unwrap();
                assert_eq!(store.load_snapshot(&a).unwrap(), None);
                assert_eq!(store.load_snapshot(&b).unwrap().as_deref(), Some(&b"other"[..]));
            }

            #[test]
            fn redacting_a_record_deletes_its_streams_snapshot() {
                let Some((store, _guard)) = $fresh() else { return };
                let (a, b) = (stream("org-a"), stream("org-b"));
                let mut slip = event(1);
                slip.rationale = Some("As Ane Jensen said at the meeting".into());
                store.append(&a, ExpectedVersion::Any, &[slip]).unwrap();
                store.append(&b, ExpectedVersion::Any, &events(1)).unwrap();
                store.save_snapshot(&a, b"As Ane Jensen said").unwrap();
                store.save_snapshot(&b, b"b's words").unwrap();
                let secretary = PersonId::from_uuid(Uuid::from_u128(1));
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                store.redact(1, "a citizen's name", secretary, at).unwrap();
                assert_eq!(store.load_snapshot(&a).unwrap(), None);
                assert_eq!(store.load_snapshot(&b).unwrap().as_deref(), Some(&b"b's words"[..]));
            }

            #[test]
            fn redacting_a_body_keeps_the_chain_verifying() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                store.append(&s, ExpectedVersion::Any, &events(2)).unwrap();
                let mut slip = event(2);
                slip.rationale = Some("As Ane Jensen said at the meeting".into());
                store.append(&s, ExpectedVersion::Any, &[slip]).unwrap();
                store.append(&s, ExpectedVersion::Any, &events(2)).unwrap();
                let before = store.verify().unwrap();
                let secretary = PersonId::from_uuid(Uuid::from_u128(1));
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                store.redact(3, "a citizen's name in the rationale", secretary, at).unwrap();
                let redacted = store.read_stream(&s, 3).unwrap().remove(0);
                assert!(redacted.is_redacted());
                assert_eq!(redacted.rationale(), None);
                assert_eq!(redacted.payload(), None);
                let after = store.verify().unwrap();
                assert!(after.is_ok(), "{after:?}");
                assert_eq!(after.checked, before.checked + 1, "the redaction record is in the chain");
                let records = store.read_stream(&StreamId::redactions(), 1).unwrap();
                assert_eq!(records[0].payload().unwrap()["position"], 3);
                assert!(matches!(store.redact(3, "again", secretary, at), Err(StoreError::AlreadyRedacted(3))));
                assert!(matches!(store.redact(999, "none", secretary, at), Err(StoreError::NoSuchPosition(999))));
            }

            #[test]
            fn redacting_a_domain_event_scrubs_its_words_and_keeps_its_facts() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                let theme = netvaerk_core::ThemeId::from_uuid(Uuid::from_u128(7));
                let rejected = netvaerk_core::Event::ThemeRejected {
                    theme,
                    round: "2016H2".parse().unwrap(),
                    reason: "Ane Jensen of Hyldagerparken objects".into(), acknowledged: Vec::new()
                };
                let encoded = netvaerk_core::codec::encode(&rejected);
                let mut slip = event_with(encoded.payload);
                slip.event_type = encoded.type_name.into();
                slip.rationale = Some("As Ane Jensen said".into());
                store.append(&s, ExpectedVersion::Any, &[event(0), slip]).unwrap();
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                store.redact(2, "a citizen's name", PersonId::from_uuid(Uuid::from_u128(1)), at).unwrap();
                let redacted = store.read_at(2).unwrap().unwrap();
                assert!(redacted.is_redacted());
                assert_eq!(redacted.event().unwrap(), Some(rejected.scrubbed()), "the facts stay, the words go");
                assert_eq!(redacted.rationale(), Some(netvaerk_core::REDACTED_TEXT));
                let raw = store.read_raw(2).next().unwrap().unwrap();
                assert!(!String::from_utf8_lossy(&raw.bytes).contains("Ane"), "no word is left in the record");
                assert!(store.verify().unwrap().is_ok());
                let record = &store.read_stream(&StreamId::redactions(), 1).unwrap()[0];
                let digest = record.payload().unwrap()["body_digest"].as_str().unwrap().to_owned();
                assert_eq!(digest.len(), 64, "the redaction record binds the new body: {digest}");
            }

            #[test]
            fn a_scrubbed_event_changed_after_its_redaction_fails_verify() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                let opened = |round: &str| {
                    let encoded =
                        netvaerk_core::codec::encode(&netvaerk_core::Event::RoundOpened { round: round.parse().unwrap(), acknowledged: Vec::new()  });
                    let mut new = event_with(encoded.payload);
                    new.event_type = encoded.type_name.into();
                    new
                };
                store.append(&s, ExpectedVersion::Any, &[opened("2016H1"), opened("2016H2")]).unwrap();
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                let secretary = PersonId::from_uuid(Uuid::from_u128(1));
                // The forger redacts for real, then changes the fact the scrubbed event keeps
                // (the round) and reseals the record through the interchange format, which
                // recomputes the checksum; the header, and so the chain, stays as it was.
                store.redact(2, "a name", secretary, at).unwrap();
                let mut exported = ExportedRecord::from(&store.read_at(2).unwrap().unwrap());
                exported.payload = Some(serde_json::value::to_raw_value(&json!({ "round": "2017H1" })).unwrap());
                let forged = exported.to_record().unwrap().bytes;
                $tamper(&store, 2, &forged);
                let report = store.verify().unwrap();
                assert_eq!(report.first_bad, Some((2, Corruption::RedactedBodyMismatch)), "{report:?}");
            }

            #[test]
            fn the_stores_own_streams_are_refused_to_append_and_nothing_is_appended() {
                let Some((store, _guard)) = $fresh() else { return };
                store.append(&stream("org-a"), ExpectedVersion::Any, &events(1)).unwrap();
                let head = store.head().unwrap();
                let mut forged = event_with(json!({ "position": 1, "reason": "forged" }));
                forged.event_type = PAYLOAD_REDACTED.into();
                for own in [StreamId::redactions(), StreamId::registry(), stream("$mine")] {
                    let error = store.append(&own, ExpectedVersion::Any, &[forged.clone()]).unwrap_err();
                    assert!(matches!(&error, StoreError::ReservedStream { name } if *name == own.as_str()), "{error}");
                    assert_eq!(error.code(), "reserved_stream");
                }
                assert_eq!(store.head().unwrap(), head, "nothing appended");
                // Redaction and erasure still write their records there.
                store.redact(1, "a name", actor(), Utc::now()).unwrap();
                assert_eq!(store.stream_version(&StreamId::redactions()).unwrap(), 1);
            }

            #[test]
            fn a_forged_redaction_without_its_redactions_record_fails_verify() {
                let Some((store, _guard)) = $fresh() else { return };
                let s = stream("org-a");
                store.append(&s, ExpectedVersion::Any, &events(3)).unwrap();
                // The body blanked the way a redaction does, but without the record that
                // says who redacted it, when and why: a network vanishing unnoticed. No caller
                // can blank a body (`rewrite_body` takes a `RawAccess` only `redact` makes), so
                // the forger redacts a copy and writes its record's bytes behind the store's back.
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                let copy = MemoryStore::new();
                copy.import(&store.read_raw(1).collect::<Result<Vec<_>, _>>().unwrap()).unwrap();
                copy.redact(2, "forged", PersonId::from_uuid(Uuid::from_u128(1)), at).unwrap();
                let forged = copy.read_raw(2).next().unwrap().unwrap();
                $tamper(&store, 2, &forged.bytes);
                assert!(store.read_at(2).unwrap().unwrap().is_redacted(), "the forgery is in place");
                let report = store.verify().unwrap();
                assert_eq!(report.first_bad, Some((2, Corruption::UnrecordedRedaction)), "{report:?}");
            }

            #[test]
            fn unknown_schema_versions_are_typed_errors_on_decode() {
                let Some((store, _guard)) = $fresh() else { return };
                let mut future = event_with(json!({ "round": "2016H2" }));
                future.event_type = "RoundOpened".into();
                future.schema_version = 9;
                store.append(&stream("org-a"), ExpectedVersion::Any, &[future]).unwrap();
                let envelope = store.read_all(1).next().unwrap().unwrap();
                assert!(matches!(
                    envelope.decode(),
                    Err(netvaerk_core::DecodeError::UnknownVersion { version: 9, current: 1, .. })
                ));
            }

            #[test]
            fn an_exported_log_imports_with_its_positions_and_hashes() {
                let Some((source, _source_guard)) = $fresh() else { return };
                for n in 0..6 {
                    source.append(&stream(&format!("org-{}", n % 2)), ExpectedVersion::Any, &[event(n)]).unwrap();
                }
                let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
                source.redact(2, "a name", actor(), at).unwrap();
                let exported: Vec<String> = source
                    .read_all(1)
                    .map(|e| serde_json::to_string(&ExportedRecord::from(&e.unwrap())).unwrap())
                    .collect();
                let records: Vec<RawRecord> = exported
                    .iter()
                    .map(|line| serde_json::from_str::<ExportedRecord>(line).unwrap().to_record().unwrap())
                    .collect();
                let Some((target, _target_guard)) = $fresh() else { return };
                target.import(&records).unwrap();
                assert_eq!(target.verify().unwrap().head, source.verify().unwrap().head);
                assert!(target.read_stream(&stream("org-1"), 1).unwrap()[0].is_redacted());
                // The same records again do not follow the head.
                assert!(matches!(target.import(&records), Err(StoreError::Corrupt { position: 1, .. })));

                // A tampered line is refused, naming its position, and nothing is appended.
                let Some((fresh, _fresh_guard)) = $fresh() else { return };
                let mut tampered: Vec<ExportedRecord> =
                    exported.iter().map(|line| serde_json::from_str(line).unwrap()).collect();
                tampered[3].metadata.actor = PersonId::from_uuid(Uuid::from_u128(666));
                assert_eq!(tampered[3].to_record().unwrap_err(), Corruption::HashMismatch);
                let mut spliced = records.clone();
                spliced.remove(3);
                let error = fresh.import(&spliced).unwrap_err();
                assert!(matches!(error, StoreError::Corrupt { position: 5, problem: Corruption::Gap { missing: 4 } }), "{error}");
                assert_eq!(fresh.head().unwrap(), None);
            }

            #[derive(Clone, Debug)]
            enum Op {
                Append { stream: u8, expected: u8, count: u8, retry: bool },
                Read { stream: u8, from: u8 },
            }

            fn op() -> impl Strategy<Value = Op> {
                prop_oneof![
                    3 => (0u8..3, 0u8..8, 0u8..4, any::<bool>())
                        .prop_map(|(stream, expected, count, retry)| Op::Append { stream, expected, count, retry }),
                    1 => (0u8..3, 0u8..6).prop_map(|(stream, from)| Op::Read { stream, from }),
                ]
            }

            fn expected_of(code: u8) -> ExpectedVersion {
                match code {
                    0 => ExpectedVersion::Any,
                    1 => ExpectedVersion::NoStream,
                    2 => ExpectedVersion::StreamExists,
                    n => ExpectedVersion::Exact(u64::from(n - 3)),
                }
            }

            fn outcome(result: Result<AppendResult, StoreError>) -> Result<AppendResult, String> {
                result.map_err(|error| match error {
                    StoreError::WrongExpectedVersion { actual, .. } => format!("conflict at {actual}"),
                    other => format!("{other:?}"),
                })
            }

            proptest! {
                #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

                #[test]
                fn random_operations_match_the_in_memory_model(ops in proptest::collection::vec(op(), 1..40)) {
                    let Some((store, _guard)) = $fresh() else { return Ok(()) };
                    let model = MemoryStore::new();
                    let mut last_batch: Option<(StreamId, ExpectedVersion, Vec<NewEvent>)> = None;
                    for op in ops {
                        match op {
                            Op::Append { stream: s, expected, count, retry } => {
                                let (s, expected, batch) = match (&last_batch, retry) {
                                    (Some(previous), true) => previous.clone(),
                                    _ => (stream(&format!("org-{s}")), expected_of(expected), events(u64::from(count))),
                                };
                                let got = outcome(store.append(&s, expected, &batch));
                                let want = outcome(model.append(&s, expected, &batch));
                                prop_assert_eq!(got, want);
                                last_batch = Some((s, expected, batch));
                            }
                            Op::Read { stream: s, from } => {
                                let s = stream(&format!("org-{s}"));
                                let got: Vec<Uuid> = store.read_stream(&s, u64::from(from)).unwrap().iter().map(|e| e.header.event_id).collect();
                                let want: Vec<Uuid> = model.read_stream(&s, u64::from(from)).unwrap().iter().map(|e| e.header.event_id).collect();
                                prop_assert_eq!(got, want);
                            }
                        }
                    }
                    let got: Vec<(u64, Uuid)> = store.read_all(1).map(|e| e.map(|e| (e.header.position, e.header.event_id)).unwrap()).collect();
                    let want: Vec<(u64, Uuid)> = model.read_all(1).map(|e| e.map(|e| (e.header.position, e.header.event_id)).unwrap()).collect();
                    prop_assert_eq!(got, want);
                    prop_assert!(store.verify().unwrap().is_ok());
                }
            }
        }
    };
}
