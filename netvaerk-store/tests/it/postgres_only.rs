//! What only the PostgreSQL store has to show: the database refuses changes to history,
//! several processes append to one stream safely, and a subscriber hears other processes'
//! commits. Each test uses a fresh schema and drops it; without `NETVAERK_TEST_POSTGRES` they
//! say they were skipped.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use netvaerk_core::PersonId;
use netvaerk_store::{
    Corruption, EventStore, ExpectedVersion, PersonalData, PostgresOptions, PostgresStore, RegistryEntry,
    StoreError,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::*;

#[test]
fn the_database_refuses_update_delete_and_truncate_of_events() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    store.append(&stream("org-a"), ExpectedVersion::Any, &events(3)).unwrap();
    let mut client = schema.client();
    for statement in [
        "UPDATE events SET event_type = 'Forged' WHERE position = 2",
        "UPDATE events SET record = record WHERE position = 2",
        "DELETE FROM events WHERE position = 3",
        "TRUNCATE events",
    ] {
        let error = client.batch_execute(statement).expect_err(statement);
        assert_eq!(error.code().map(|code| code.code()), Some("NV001"), "{statement}: {error}");
    }
    // Even on the redaction path, a row's identity and hashes cannot change.
    let mut txn = client.transaction().unwrap();
    txn.batch_execute("SET LOCAL netvaerk.redacting = 'on'").unwrap();
    let error = txn.batch_execute("UPDATE events SET hash = previous_hash WHERE position = 2").unwrap_err();
    assert_eq!(error.code().map(|code| code.code()), Some("NV001"));
    drop(txn);
    assert!(store.verify().unwrap().is_ok());
    assert_eq!(store.head().unwrap().unwrap().position, 3);
}

#[test]
fn the_database_refuses_changes_to_the_registry_but_registering_and_erasing() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    let id = |n| PersonId::from_uuid(Uuid::from_u128(n));
    let (ane, bo, secretary) = (id(101), id(102), id(1));
    let data = |name: &str| PersonalData { name: name.into(), email: None, title: None };
    store.register_person(ane, data("Ane Jensen"), ane, chrono::Utc::now()).unwrap();
    store.register_person(bo, data("Bo Holm"), bo, chrono::Utc::now()).unwrap();
    // A correction through the store is allowed (rectification).
    store.register_person(bo, data("Bo Holm-Madsen"), bo, chrono::Utc::now()).unwrap();
    let at = Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap();
    store.erase(ane, secretary, at).unwrap();

    let mut client = schema.client();
    let bo_text = bo.to_string();
    let ane_text = ane.to_string();
    for statement in [
        // A name changed by hand, outside the correction path.
        format!(
            "UPDATE registry SET entry = '{{\"known\":{{\"name\":\"Someone\"}}}}' WHERE person = '{bo_text}'"
        ),
        // Bo "erased" without the erasure record that says who and when.
        format!("UPDATE registry SET entry = '{{\"erased\":{{}}}}' WHERE person = '{bo_text}'"),
        // Ane brought back.
        format!(
            "UPDATE registry SET entry = '{{\"known\":{{\"name\":\"Ane\"}}}}' WHERE person = '{ane_text}'"
        ),
        format!("DELETE FROM registry WHERE person = '{bo_text}'"),
        "TRUNCATE registry".to_owned(),
    ] {
        let error = client.batch_execute(&statement).expect_err(&statement);
        assert_eq!(error.code().map(|code| code.code()), Some("NV002"), "{statement}: {error}");
    }
    // Even on the correction path, an erased person stays erased.
    let mut txn = client.transaction().unwrap();
    txn.batch_execute("SET LOCAL netvaerk.registering = 'on'").unwrap();
    let error = txn
        .batch_execute(&format!(
            "UPDATE registry SET entry = '{{\"known\":{{\"name\":\"Ane\"}}}}' WHERE person = '{ane_text}'"
        ))
        .unwrap_err();
    assert_eq!(error.code().map(|code| code.code()), Some("NV002"));
    drop(txn);
    assert_eq!(store.registry_entry(ane).unwrap(), Some(RegistryEntry::Erased { by: secretary, at }));
    assert_eq!(store.registry_entry(bo).unwrap(), Some(RegistryEntry::Known(data("Bo Holm-Madsen"))));
}

#[test]
fn verify_names_a_payload_or_rationale_column_changed_on_the_redaction_path() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    let mut with_rationale = event_with(json!({ "round": "2016H2" }));
    with_rationale.rationale = Some("Chefforum agreed".into());
    store.append(&stream("org-a"), ExpectedVersion::Any, &[event(1), with_rationale, event(3)]).unwrap();
    assert!(store.verify().unwrap().is_ok());
    let mut client = schema.client();
    let mut redacting = |change: &str| {
        let mut txn = client.transaction().unwrap();
        txn.batch_execute("SET LOCAL netvaerk.redacting = 'on'").unwrap();
        txn.batch_execute(&format!("UPDATE events SET {change} WHERE position = 2")).unwrap();
        txn.commit().unwrap();
    };
    let original = "payload = '{\"round\": \"2016H2\"}', rationale = 'Chefforum agreed'";
    for (change, column) in [
        ("payload = '{\"round\": \"2017H1\"}'", "payload"),
        ("payload = NULL", "payload"),
        ("rationale = 'Chefforum refused'", "rationale"),
    ] {
        redacting(change);
        let report = store.verify().unwrap();
        assert_eq!(report.checked, 1, "{change}: {report:?}");
        let Some((2, Corruption::IndexMismatch { index: "columns", detail })) = report.first_bad else {
            panic!("{change}: {report:?}")
        };
        assert!(detail.contains(column), "{change}: {detail}");
        redacting(original);
    }
    assert!(store.verify().unwrap().is_ok(), "put back, the columns agree again");
}

#[test]
fn the_queryable_columns_mirror_the_record() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    store
        .append(&stream("org-a"), ExpectedVersion::Any, &[event_with(json!({ "round": "2016H2" }))])
        .unwrap();
    let row = schema
        .client()
        .query_one(
            "SELECT stream, stream_version, event_type, payload->>'round', rationale, \
             metadata->>'occurred_on' FROM events WHERE position = 1",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "org-a");
    assert_eq!(row.get::<_, i64>(1), 1);
    assert_eq!(row.get::<_, String>(2), "TestHappened");
    assert_eq!(row.get::<_, String>(3), "2016H2");
    assert_eq!(row.get::<_, String>(4), "because");
    assert_eq!(row.get::<_, String>(5), "2016-09-01");
}

/// A child process: appends `rounds` events to one stream, each with the version it read,
/// re-reading and retrying on a conflict.
fn append_child(url: &str, schema: &str, child: u64, rounds: u64) {
    let store = PostgresStore::open_with(url, PostgresOptions::schema(schema)).unwrap();
    let s = stream("org-shared");
    for round in 0..rounds {
        loop {
            let version = store.stream_version(&s).unwrap();
            let event = event_with(json!({ "child": child, "round": round }));
            match store.append(&s, ExpectedVersion::Exact(version), &[event]) {
                Ok(_) => break,
                Err(StoreError::WrongExpectedVersion { .. }) => continue,
                Err(other) => panic!("child {child}: {other}"),
            }
        }
    }
}

#[test]
fn processes_appending_to_one_stream_with_expected_versions_lose_duplicate_and_skip_nothing() {
    if let (Ok(url), Ok(schema), Ok(child)) = (
        std::env::var("NETVAERK_PG_CHILD_URL"),
        std::env::var("NETVAERK_PG_CHILD_SCHEMA"),
        std::env::var("NETVAERK_PG_CHILD"),
    ) {
        append_child(&url, &schema, child.parse().unwrap(), 25);
        return;
    }
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    let children: Vec<_> = (0..4u64)
        .map(|child| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "postgres_only::processes_appending_to_one_stream_with_expected_versions_lose_duplicate_and_skip_nothing",
                    "--exact",
                ])
                .env("NETVAERK_PG_CHILD_URL", &schema.url)
                .env("NETVAERK_PG_CHILD_SCHEMA", &schema.schema)
                .env("NETVAERK_PG_CHILD", child.to_string())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success(), "a child failed");
    }
    let read = store.read_stream(&stream("org-shared"), 1).unwrap();
    let versions: Vec<u64> = read.iter().map(|envelope| envelope.header.stream_version).collect();
    assert_eq!(versions, (1..=100).collect::<Vec<_>>(), "no gap, no duplicate version");
    let positions: Vec<u64> = read.iter().map(|envelope| envelope.header.position).collect();
    assert_eq!(positions, (1..=100).collect::<Vec<_>>(), "gapless global positions");
    let appended: BTreeSet<(u64, u64)> = read
        .iter()
        .map(|envelope| {
            let payload = envelope.payload().unwrap();
            (payload["child"].as_u64().unwrap(), payload["round"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(appended.len(), 100, "every append once: nothing lost, nothing doubled");
    assert!(store.verify().unwrap().is_ok());
}

/// Issue 30: two writers on one log (two stores on one schema, as two processes) appending in
/// turn, each to its own organisation. Each learns its stream once, told under the lock; from
/// then on each batch is one call: sealed by the writer, which finds the head moved by the
/// other, and then chained by the database (`netvaerk_append_chained`), which gives it the
/// positions after the other's. No batch is planned in a transaction. The log is gapless,
/// holds both kinds of record, verifies, and imports into an embedded store as it is.
#[test]
fn writers_taking_turns_on_their_own_streams_have_the_database_chain_their_batches() {
    let Some(schema) = PgSchema::new() else { return };
    let (first, second) = (schema.open(), schema.open());
    for round in 0..5 {
        let a = first.append(&stream("org-a"), ExpectedVersion::Exact(2 * round), &events(2)).unwrap();
        let b = second.append(&stream("org-b"), ExpectedVersion::Exact(2 * round), &events(2)).unwrap();
        assert_eq!(a.positions, [4 * round + 1, 4 * round + 2]);
        assert_eq!(b.positions, [4 * round + 3, 4 * round + 4]);
        assert_eq!((a.stream_version, b.stream_version), (2 * round + 2, 2 * round + 2));
    }
    assert_eq!((first.planned_in_transactions(), second.planned_in_transactions()), (0, 0));
    // Each learnt its stream under the lock once; every later batch was chained.
    assert_eq!((first.told_under_lock(), second.told_under_lock()), (1, 1));
    assert_eq!((first.chained_batches(), second.chained_batches()), (4, 4));
    assert_eq!(first.head().unwrap().unwrap().position, 20);
    assert!(first.verify().unwrap().is_ok());
    let records: Vec<_> = first.read_raw(1).collect::<Result<_, _>>().unwrap();
    let magics: BTreeSet<&[u8]> = records.iter().map(|record| &record.bytes[..4]).collect();
    assert_eq!(magics, BTreeSet::from([&b"NVR1"[..], &b"NVR2"[..]]));
    let copy = netvaerk_store::MemoryStore::new();
    copy.import(&records).unwrap();
    assert!(copy.verify().unwrap().is_ok());
    // The copy holds every record as its writer frames it: the same hashes, CRCs over all.
    let copied: Vec<_> = copy.read_raw(1).collect::<Result<_, _>>().unwrap();
    assert!(copied.iter().all(|record| &record.bytes[..4] == b"NVR1"));
    let read: Vec<u64> = copy.read_all(1).map(|envelope| envelope.unwrap().header.position).collect();
    assert_eq!(read, (1..=20).collect::<Vec<_>>());
    // A chained record redacted: its new body is framed as the writer frames one, and the
    // chain still verifies.
    let chained = records.iter().find(|record| &record.bytes[..4] == b"NVR2").unwrap().position;
    let secretary = PersonId::from_uuid(Uuid::from_u128(1));
    second.redact(chained, "a citizen's name", secretary, Utc::now()).unwrap();
    assert!(first.read_at(chained).unwrap().unwrap().is_redacted());
    assert!(first.verify().unwrap().is_ok());
}

/// A retry sent while the writer is overtaken: the database finds its event ids stored
/// (`netvaerk_append_chained` answers 2), and the planning transaction recognises the retry and
/// answers the first append's result, appending nothing.
#[test]
fn a_retry_by_an_overtaken_writer_answers_the_first_result_and_appends_nothing() {
    let Some(schema) = PgSchema::new() else { return };
    let (first, second) = (schema.open(), schema.open());
    let retried = events(2);
    let mut original = None;
    for round in 0..3 {
        first.append(&stream("org-a"), ExpectedVersion::Any, &events(1)).unwrap();
        if round == 1 {
            original = Some(first.append(&stream("org-a"), ExpectedVersion::Any, &retried).unwrap());
        }
        second.append(&stream("org-b"), ExpectedVersion::Any, &events(1)).unwrap();
    }
    assert!(first.chained_batches() > 0, "the writer was overtaken");
    let head = first.head().unwrap().unwrap().position;
    let again = first.append(&stream("org-a"), ExpectedVersion::Any, &retried).unwrap();
    assert_eq!(Some(again), original);
    assert_eq!(first.head().unwrap().unwrap().position, head, "nothing appended");
    assert_eq!(first.planned_in_transactions(), 1);
    assert!(first.verify().unwrap().is_ok());
}

/// `netvaerk_append_chained` chains only templates: a record sealed for a position, and bytes
/// that do not frame as one (cut anywhere, or with lengths of 2^31 and more), are refused with
/// SQLSTATE 22023 and nothing is inserted.
#[test]
fn the_database_chains_only_templates() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    store.append(&stream("org-a"), ExpectedVersion::Any, &events(1)).unwrap();
    let sealed = store.read_raw(1).next().unwrap().unwrap().bytes;
    let mut client = schema.client();
    let template = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = sealed.clone();
        bytes[..4].copy_from_slice(b"NVR2");
        edit(&mut bytes);
        bytes
    };
    let header_len = u32::from_be_bytes([sealed[4], sealed[5], sealed[6], sealed[7]]) as usize;
    let cases = [
        ("a sealed record", sealed.clone()),
        ("a template's first 3 bytes", template(&|bytes| bytes.truncate(3))),
        ("a template cut in its header", template(&|bytes| bytes.truncate(40))),
        ("a template cut in its body", template(&|bytes| bytes.truncate(8 + header_len + 10))),
        ("a template a byte long", template(&|bytes| bytes.push(0))),
        ("a header length of 2^31", template(&|bytes| bytes[4] = 0x80)),
        ("a body length of 2^31", template(&|bytes| bytes[8 + header_len] = 0x80)),
    ];
    for (what, template) in cases {
        let error = client
            .query_one(
                "SELECT * FROM netvaerk_append_chained(1, 'c', '{}', ARRAY['org-x'], ARRAY[1::bigint], \
                 ARRAY[gen_random_uuid()], ARRAY['T'], ARRAY[1], ARRAY['{}'], ARRAY[NULL::text], \
                 ARRAY['{}'], ARRAY[$1::bytea])",
                &[&template],
            )
            .expect_err(what);
        assert_eq!(error.code().map(|code| code.code()), Some("22023"), "{what}: {error}");
    }
    assert_eq!(store.head().unwrap().unwrap().position, 1);
    assert!(store.verify().unwrap().is_ok());
}

/// Issue 30: a writer whose knowledge of a stream is stale (another process appended to it)
/// finds the head moved, has the database chain its batch, which finds the stream's version
/// moved, and is then told the version under the lock: it refuses an expected version that no
/// longer holds with the version the database holds; then one that does hold appends in one
/// call. Neither goes through a planning transaction.
#[test]
fn a_stale_expected_version_is_refused_on_what_the_database_told() {
    let Some(schema) = PgSchema::new() else { return };
    let (first, second) = (schema.open(), schema.open());
    first.append(&stream("org-a"), ExpectedVersion::Exact(0), &events(2)).unwrap();
    second.append(&stream("org-a"), ExpectedVersion::Exact(2), &events(1)).unwrap();
    let refused = first.append(&stream("org-a"), ExpectedVersion::Exact(2), &events(1)).unwrap_err();
    assert!(
        matches!(refused, StoreError::WrongExpectedVersion { actual: 3, .. }),
        "refused on the version the database holds: {refused:?}"
    );
    let appended = first.append(&stream("org-a"), ExpectedVersion::Exact(3), &events(1)).unwrap();
    assert_eq!((appended.positions.as_slice(), appended.stream_version), (&[4][..], 4));
    assert_eq!((first.planned_in_transactions(), second.planned_in_transactions()), (0, 0));
    assert!(first.verify().unwrap().is_ok());
}

#[test]
fn a_subscriber_hears_another_processes_commit() {
    let Some(schema) = PgSchema::new() else { return };
    let follower = schema.open();
    let writer = schema.open();
    std::thread::scope(|scope| {
        let heard = scope.spawn(|| {
            let mut subscription = follower.subscribe(1);
            (0..3)
                .map(|_| subscription.next_timeout(Duration::from_secs(30)).unwrap().unwrap().header.position)
                .collect::<Vec<_>>()
        });
        for n in 0..3 {
            writer.append(&stream("org-a"), ExpectedVersion::Any, &[event(n)]).unwrap();
        }
        assert_eq!(heard.join().unwrap(), vec![1, 2, 3]);
    });
}

/// An open runs the schema script only when the schema is not as the script left it: a
/// second open replaces no function (its catalog row keeps the transaction that wrote it),
/// and an open after a guard or a function was changed by hand, or the schema renamed, puts
/// this build's objects back.
#[test]
fn an_open_runs_the_schema_script_only_when_the_schema_changed_and_puts_back_what_was_changed() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    store.append(&stream("org-a"), ExpectedVersion::Any, &events(2)).unwrap();
    drop(store);
    let mut client = schema.client();
    // The transaction that last wrote the append function, and its settings.
    let append_function = |client: &mut postgres::Client, schema: &str| -> (String, Vec<String>) {
        let row = client
            .query_one(
                "SELECT xmin::text, proconfig FROM pg_proc WHERE proname = 'netvaerk_append_told' \
                 AND pronamespace = $1::text::regnamespace",
                &[&schema],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    let (first, _) = append_function(&mut client, &schema.schema);
    drop(schema.open());
    assert_eq!(append_function(&mut client, &schema.schema).0, first, "a second open ran the script");

    let guarded = |client: &mut postgres::Client| {
        for statement in
            ["DELETE FROM events WHERE position = 2", "UPDATE events SET rationale = 'x'", "TRUNCATE events"]
        {
            let error = client.batch_execute(statement).expect_err(statement);
            assert_eq!(error.code().map(|code| code.code()), Some("NV001"), "{statement}: {error}");
        }
    };
    for change in [
        "DROP TRIGGER events_append_only ON events",
        "ALTER TABLE events DISABLE TRIGGER events_no_truncate",
        "CREATE OR REPLACE FUNCTION netvaerk_append_only() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RETURN OLD; END $$",
        "CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW \
         WHEN (false) EXECUTE FUNCTION netvaerk_append_only()",
        "ALTER FUNCTION netvaerk_append_told RESET enable_seqscan",
    ] {
        let (before, _) = append_function(&mut client, &schema.schema);
        client.batch_execute(change).unwrap();
        let store = schema.open();
        guarded(&mut client);
        let (after, settings) = append_function(&mut client, &schema.schema);
        assert_ne!(after, before, "{change}: the open did not run the script");
        assert!(settings.contains(&"enable_seqscan=off".to_owned()), "{change}: {settings:?}");
        assert_eq!(store.head().unwrap().unwrap().position, 2);
        assert!(store.verify().unwrap().is_ok());
    }

    // A renamed schema's functions still name the old one on their search path: its first
    // open runs the script, which names the new one.
    let renamed = format!("{}_r", schema.schema);
    client.batch_execute(&format!("ALTER SCHEMA \"{}\" RENAME TO \"{renamed}\"", schema.schema)).unwrap();
    let reopened = PostgresStore::open_with(&schema.url, PostgresOptions::schema(&renamed))
        .map(|store| store.head().map(|head| head.map(|head| head.position)));
    let (_, settings) = append_function(&mut client, &renamed);
    client.batch_execute(&format!("ALTER SCHEMA \"{renamed}\" RENAME TO \"{}\"", schema.schema)).unwrap();
    assert_eq!(reopened.unwrap().unwrap(), Some(2));
    assert!(settings.contains(&format!("search_path={renamed}")), "{settings:?}");
    drop(schema.open());

    // A role that owns the log's tables and functions but not the schema may not comment on
    // it: its open runs the script all the same, puts back a guard dropped by hand, and appends.
    let role = format!("netvaerk_owner_{}", Uuid::now_v7().simple());
    let database: String = client.query_one("SELECT current_database()", &[]).unwrap().get(0);
    client
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; GRANT CREATE ON DATABASE \"{database}\" TO {role}; \
             GRANT USAGE, CREATE ON SCHEMA \"{schema}\" TO {role}; \
             DO $$ DECLARE object record; BEGIN \
               FOR object IN SELECT tablename FROM pg_tables WHERE schemaname = '{schema}' LOOP \
                 EXECUTE format('ALTER TABLE %I.%I OWNER TO {role}', '{schema}', object.tablename); END LOOP; \
               FOR object IN SELECT p.oid::regprocedure AS function FROM pg_proc p \
                 WHERE p.pronamespace = '{schema}'::regnamespace LOOP \
                 EXECUTE format('ALTER FUNCTION %s OWNER TO {role}', object.function); END LOOP; END $$; \
             COMMENT ON SCHEMA \"{schema}\" IS NULL; DROP TRIGGER events_append_only ON events",
            schema = schema.schema,
        ))
        .unwrap();
    let (scheme, rest) = schema.url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    let opened = PostgresStore::open_with(&format!("{scheme}://{role}@{host}"), schema.options())
        .map(|store| store.append(&stream("org-b"), ExpectedVersion::Any, &events(1)).map(|_| store.head()));
    let comment: Option<String> = client
        .query_one("SELECT obj_description(current_schema()::regnamespace, 'pg_namespace')", &[])
        .unwrap()
        .get(0);
    client
        .batch_execute(&format!(
            "REASSIGN OWNED BY {role} TO CURRENT_USER; DROP OWNED BY {role}; DROP ROLE {role}"
        ))
        .unwrap();
    let head = opened.unwrap().unwrap().unwrap().unwrap();
    assert_eq!(head.position, 3);
    assert_eq!(comment, None, "only the schema's owner may comment on it");
    guarded(&mut client);
}

#[test]
fn bad_addresses_and_unreachable_servers_are_typed_errors() {
    let Some(schema) = PgSchema::new() else { return };
    let bad = PostgresStore::open_with(&schema.url, PostgresOptions::schema("Robert'); DROP"));
    assert!(matches!(bad, Err(StoreError::InvalidAddress { .. })));
    // PostgreSQL's own schemas are refused before anything is created in them.
    for system in ["information_schema", "pg_catalog", "pg_toast"] {
        let bad = PostgresStore::open_with(&schema.url, PostgresOptions::schema(system));
        let error = bad.err().expect("a system schema is refused");
        assert!(error.to_string().contains("system schemas"), "{system}: {error}");
    }
    assert!(matches!(PostgresStore::open("postgres://[::1"), Err(StoreError::InvalidAddress { .. })));
    let unreachable = PostgresStore::open("postgres://nobody@127.0.0.1:1/none?connect_timeout=2");
    let error = unreachable.err().expect("nothing listens on port 1");
    assert!(matches!(error, StoreError::Engine { .. }), "{error}");
}

/// Crypto-shredding on PostgreSQL: the registry holds each person's data encrypted under a key
/// of `registry_keys`, which erasure deletes, so after a checkpoint no table file holds a byte
/// of it (the search reads the files through the server, `pg_read_binary_file`). A key cannot
/// be changed or deleted by hand while its person is not erased.
#[test]
fn after_an_erasure_and_a_checkpoint_no_table_file_holds_a_byte_of_the_persons_data() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    let (person, [first, corrected], needles) = searchable_person();
    store
        .append(&stream("org-a"), ExpectedVersion::Any, &[event_with(json!({ "marker": "visible-9q" }))])
        .unwrap();
    store.register_person(person, first, person, chrono::Utc::now()).unwrap();
    store.register_person(person, corrected.clone(), person, chrono::Utc::now()).unwrap();
    assert_eq!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Known(corrected)));
    let mut client = schema.client();
    let (plain,): (String,) = {
        let row = client
            .query_one("SELECT entry::text FROM registry WHERE person = $1", &[&person.as_uuid()])
            .unwrap();
        (row.get(0),)
    };
    assert!(!plain.contains("Quistgaard") && plain.contains("sealed"), "stored encrypted: {plain}");
    for statement in
        ["UPDATE registry_keys SET key = key", "DELETE FROM registry_keys", "TRUNCATE registry_keys"]
    {
        let error = client.batch_execute(statement).expect_err(statement);
        assert_eq!(error.code().map(|code| code.code()), Some("NV002"), "{statement}: {error}");
    }
    store.erase(person, actor(), Utc::now()).unwrap();
    assert!(matches!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Erased { .. })));
    client.batch_execute("CHECKPOINT").unwrap();
    let file = |client: &mut postgres::Client, table: &str| -> Vec<u8> {
        client
            .query_one(&format!("SELECT pg_read_binary_file(pg_relation_filepath('{table}'))"), &[])
            .unwrap()
            .get(0)
    };
    for table in ["registry", "registry_keys", "events"] {
        let bytes = file(&mut client, table);
        for needle in needles {
            assert!(
                !bytes.windows(needle.len()).any(|window| window == needle.as_bytes()),
                "{needle} in {table}"
            );
        }
    }
    let events = file(&mut client, "events");
    assert!(events.windows(10).any(|window| window == b"visible-9q"), "the search reads the files");
    assert!(store.verify().unwrap().is_ok());
}

/// Every file of the database cluster a purge must leave clean: the write-ahead log's segments
/// and this database's table files, read through the server (`pg_read_binary_file`; a file
/// removed between listing and reading is skipped). Returns the files that hold a needle.
fn cluster_files_holding(client: &mut postgres::Client, needles: &[&[u8]]) -> Vec<String> {
    let listing = "SELECT 'pg_wal/' || name FROM pg_ls_waldir() \
         UNION ALL SELECT 'base/' || d.oid || '/' || f FROM pg_database d, pg_ls_dir('base/' || d.oid) f \
         WHERE d.datname = current_database()";
    let paths: Vec<String> = client.query(listing, &[]).unwrap().iter().map(|row| row.get(0)).collect();
    assert!(paths.iter().any(|path| path.starts_with("pg_wal/")), "the listing holds the WAL: {paths:?}");
    let mut holding = Vec::new();
    for path in paths {
        let row =
            client.query_one("SELECT pg_read_binary_file($1::text, 0, 268435456, true)", &[&path]).unwrap();
        let Some(bytes) = row.get::<_, Option<Vec<u8>>>(0) else { continue };
        if needles.iter().any(|needle| bytes.windows(needle.len()).any(|window| window == *needle)) {
            holding.push(path);
        }
    }
    holding
}

/// A physical replication slot that keeps every WAL segment from its making until it is
/// dropped (also when a test panics, so no slot outlives its test and holds WAL for good).
struct WalHeld {
    client: postgres::Client,
    name: String,
}

impl WalHeld {
    fn new(schema: &PgSchema) -> Self {
        let mut client = schema.client();
        let name = format!("netvaerk_test_{}", Uuid::now_v7().simple());
        client.query_one("SELECT pg_create_physical_replication_slot($1, true)", &[&name]).unwrap();
        Self { client, name }
    }
}

impl Drop for WalHeld {
    fn drop(&mut self) {
        let _ = self.client.query_one("SELECT pg_drop_replication_slot($1)", &[&self.name]);
    }
}

/// Item 5 of issue 26: after `purge`, neither the words of a redacted record (nor of the
/// snapshot the redaction deleted) nor the key an erasure destroyed is in any file of the cluster: not in the table files (`VACUUM FULL`),
/// not in the write-ahead log (written through and recycled). Before it, both are: the search
/// reads the files. The log still verifies and reads the same.
#[test]
fn after_a_purge_no_file_of_the_database_holds_redacted_words_or_an_erased_key() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    // Tests running beside this one write WAL and take checkpoints, which could recycle the
    // segment holding the words before the first search reads it. A replication slot, made
    // before the words are written and dropped before the purge, keeps that segment in place.
    let slot = WalHeld::new(&schema);
    let mut client = schema.client();
    let words = format!("purge-needle-{}", Uuid::now_v7().simple());
    let position = store
        .append(&stream("org-a"), ExpectedVersion::Any, &[event_with(json!({ "note": words }))])
        .unwrap()
        .positions[0];
    let person = PersonId::from_uuid(Uuid::now_v7());
    let data = PersonalData { name: "Ulla Purgesen".into(), email: None, title: None };
    store.register_person(person, data, person, Utc::now()).unwrap();
    let key: Vec<u8> = client
        .query_one("SELECT key FROM registry_keys WHERE person = $1", &[&person.as_uuid()])
        .unwrap()
        .get(0);
    store.erase(person, actor(), Utc::now()).unwrap();
    // A snapshot of the stream holds the words too; the redaction deletes it, leaving a dead row.
    store.save_snapshot(&stream("org-a"), format!("a snapshot: {words}").as_bytes()).unwrap();
    store.redact(position, "a citizen's name", actor(), Utc::now()).unwrap();
    assert_eq!(store.load_snapshot(&stream("org-a")).unwrap(), None);
    client.batch_execute("CHECKPOINT").unwrap();
    let needles: [&[u8]; 2] = [words.as_bytes(), &key[4..]];
    let before = cluster_files_holding(&mut client, &needles);
    drop(slot);
    assert!(before.iter().any(|path| path.starts_with("pg_wal/")), "the WAL holds them: {before:?}");
    assert!(before.iter().any(|path| path.starts_with("base/")), "a dead row holds them: {before:?}");
    let head = store.head().unwrap();

    let purged = store.purge().unwrap();
    assert_eq!(purged.tables_rewritten, ["events", "registry", "registry_keys", "snapshots"]);
    assert!(purged.wal_segments_cycled >= 2, "{purged:?}");
    assert_eq!(purged.kept, [], "this server archives or replicates, so copies stay: {purged:?}");
    assert_eq!(cluster_files_holding(&mut client, &needles), Vec::<String>::new());
    assert_eq!(store.head().unwrap(), head, "a purge changes no record");
    assert!(store.verify().unwrap().is_ok());
    assert!(store.read_at(position).unwrap().unwrap().is_redacted());
    assert!(matches!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Erased { .. })));
}

/// A role without the privileges a purge needs is refused before the purge takes a lock, with
/// `not_permitted` naming what is missing; the store works on.
#[test]
fn a_purge_by_a_role_without_the_privileges_is_refused_naming_them() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    store.append(&stream("org-a"), ExpectedVersion::Any, &events(2)).unwrap();
    let role = format!("netvaerk_purge_{}", Uuid::now_v7().simple());
    let mut admin = schema.client();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA \"{0}\" TO {role}; \
             GRANT SELECT ON ALL TABLES IN SCHEMA \"{0}\" TO {role}",
            schema.schema
        ))
        .unwrap();
    let (scheme, rest) = schema.url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    let url = format!("{scheme}://{role}@{host}");
    let options = PostgresOptions { create: false, ..PostgresOptions::schema(&schema.schema) };
    let weak = PostgresStore::open_with(&url, options);
    let result = weak.map(|weak| weak.purge());
    admin.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}")).unwrap();
    let error = result.unwrap().unwrap_err();
    assert!(matches!(error, StoreError::NotPermitted { operation: "purge", .. }), "{error}");
    assert_eq!(error.code(), "not_permitted");
    for missing in ["CHECKPOINT", "pg_switch_wal", "pg_ls_waldir", "own the tables"] {
        assert!(error.to_string().contains(missing), "{missing}: {error}");
    }
    assert_eq!(store.head().unwrap().unwrap().position, 2);
}

/// Item 4 of issue 26: tamper evidence for the registry on PostgreSQL. Each edit a database
/// administrator can make with the triggers off (`session_replication_role = replica`) fails
/// `verify`, naming the person whose row it changed: the store checks each entry against its
/// key and against the `$registry` records, which the chain covers.
#[test]
fn verify_names_the_person_whose_registry_row_was_edited_with_the_triggers_off() {
    let id = |n| PersonId::from_uuid(Uuid::from_u128(n));
    let (ane, bo, cy, secretary) = (id(101), id(102), id(103), id(1));
    let (ane_text, bo_text) = (ane.to_string(), bo.to_string());
    let edits: [(&str, String, PersonId); 7] = [
        (
            "two entries swapped",
            format!(
                "UPDATE registry r SET entry = o.entry FROM registry o \
                 WHERE (r.person, o.person) IN (('{ane_text}', '{bo_text}'), ('{bo_text}', '{ane_text}'))"
            ),
            ane,
        ),
        ("a row deleted", format!("DELETE FROM registry WHERE person = '{bo_text}'"), bo),
        ("a key deleted", format!("DELETE FROM registry_keys WHERE person = '{bo_text}'"), bo),
        (
            "keys swapped",
            format!(
                "UPDATE registry_keys k SET key = o.key FROM registry_keys o \
                 WHERE (k.person, o.person) IN (('{ane_text}', '{bo_text}'), ('{bo_text}', '{ane_text}'))"
            ),
            ane,
        ),
        (
            "marked erased without a PersonErased record",
            format!(
                "UPDATE registry SET entry = '{{\"erased\":{{\"by\":\"{secretary}\",\"at\":\"2020-05-01T09:00:00Z\"}}}}' \
                 WHERE person = '{bo_text}'; DELETE FROM registry_keys WHERE person = '{bo_text}'"
            ),
            bo,
        ),
        (
            "a name written in the clear over a sealed entry",
            format!("UPDATE registry SET entry = '{{\"known\":{{\"name\":\"Someone\"}}}}' WHERE person = '{bo_text}'"),
            bo,
        ),
        (
            "an erasure's author changed",
            format!(
                "UPDATE registry SET entry = jsonb_set(entry, '{{erased,by}}', '\"{ane_text}\"') \
                 WHERE person = '{}'",
                cy
            ),
            cy,
        ),
    ];
    for (what, statement, person) in edits {
        let Some(schema) = PgSchema::new() else { return };
        let store = schema.open();
        let data = |name: &str| PersonalData { name: name.into(), email: None, title: None };
        store.register_person(ane, data("Ane Jensen"), ane, Utc::now()).unwrap();
        store.register_person(bo, data("Bo Holm"), bo, Utc::now()).unwrap();
        store.register_person(bo, data("Bo Holm-Madsen"), bo, Utc::now()).unwrap();
        store.register_person(cy, data("Cy Berg"), cy, Utc::now()).unwrap();
        store.erase(cy, secretary, Utc.with_ymd_and_hms(2020, 5, 1, 9, 0, 0).unwrap()).unwrap();
        assert!(store.verify().unwrap().is_ok(), "{what}: the store verifies before the edit");

        let mut client = schema.client();
        client.batch_execute(&format!("SET session_replication_role = replica; {statement}")).unwrap();
        let report = store.verify().unwrap();
        let head = store.head().unwrap().unwrap().position;
        assert_eq!(report.checked, head, "{what}: the chain itself is whole: {report:?}");
        let Some((position, Corruption::RegistryPerson { person: named, detail })) = &report.first_bad else {
            panic!("{what}: verify must name the person: {report:?}")
        };
        assert_eq!((*position, *named), (head + 1, person), "{what}: {detail}");
        let message = report.first_bad.as_ref().unwrap().1.to_string();
        assert!(message.contains(&person.to_string()), "{what}: {message}");
    }
}

/// The triggers refuse a registry row or key added by hand: known data comes only on the
/// registering path, an erasure only with its PersonErased record.
#[test]
fn the_database_refuses_a_registry_row_or_key_added_by_hand() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    let person = PersonId::from_uuid(Uuid::from_u128(201));
    let mut client = schema.client();
    for statement in [
        format!("INSERT INTO registry (person, entry) VALUES ('{person}', '{{\"known\":{{\"name\":\"Someone\"}}}}')"),
        format!(
            "INSERT INTO registry (person, entry) VALUES ('{person}', \
             '{{\"erased\":{{\"by\":\"{person}\",\"at\":\"2020-05-01T09:00:00Z\"}}}}')"
        ),
        format!("INSERT INTO registry_keys (person, key) VALUES ('{person}', '\\x00')"),
    ] {
        let error = client.batch_execute(&statement).expect_err(&statement);
        assert_eq!(error.code().map(|code| code.code()), Some("NV002"), "{statement}: {error}");
    }
    assert_eq!(store.registry_entry(person).unwrap(), None);
    assert!(store.verify().unwrap().is_ok());
}

/// An entry written before the log recorded registrations (plain, or sealed, with no
/// `PersonalDataRecorded` record) still verifies: nothing in the log tells it from a row added
/// by hand with the triggers off, and calling every older store damaged would be a false alarm.
#[test]
fn an_entry_from_before_personal_data_was_recorded_verifies() {
    let Some(schema) = PgSchema::new() else { return };
    let store = schema.open();
    let person = PersonId::from_uuid(Uuid::from_u128(301));
    let mut client = schema.client();
    client
        .batch_execute(&format!(
            "SET session_replication_role = replica; \
             INSERT INTO registry (person, entry) VALUES ('{person}', '{{\"known\":{{\"name\":\"Ane Jensen\"}}}}')"
        ))
        .unwrap();
    assert!(store.verify().unwrap().is_ok());
    let data = PersonalData { name: "Ane Jensen".into(), email: None, title: None };
    assert_eq!(store.registry_entry(person).unwrap(), Some(RegistryEntry::Known(data)));
}
