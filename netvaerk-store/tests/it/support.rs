//! Helpers shared by the store tests.

use std::path::PathBuf;

use chrono::NaiveDate;
use netvaerk_core::PersonId;
use netvaerk_store::{NewEvent, StreamId};
use serde_json::{json, Value};
use uuid::Uuid;

pub fn actor() -> PersonId {
    PersonId::from_uuid(Uuid::from_u128(7))
}

pub fn stream(name: &str) -> StreamId {
    StreamId::new(name).unwrap()
}

/// An event with a fresh id and the given payload.
pub fn event_with(payload: Value) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "TestHappened".into(),
        schema_version: 1,
        payload,
        rationale: Some("because".into()),
        actor: actor(),
        occurred_on: NaiveDate::from_ymd_opt(2016, 9, 1).unwrap(),
        correlation_id: None,
        causation_id: None,
        command_digest: None,
    }
}

pub fn event(n: u64) -> NewEvent {
    event_with(json!({ "n": n }))
}

pub fn events(count: u64) -> Vec<NewEvent> {
    (0..count).map(event).collect()
}

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("netvaerk-test-{label}-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The PostgreSQL server the tests may use: `NETVAERK_TEST_POSTGRES`, a connection URL. Unset,
/// the PostgreSQL tests say they were skipped and how to run them, and pass.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("NETVAERK_TEST_POSTGRES").ok().filter(|url| !url.is_empty());
    static SAID: std::sync::Once = std::sync::Once::new();
    if url.is_none() {
        // Written to the real stderr, once: the test harness would hide an `eprintln!`.
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: the PostgreSQL tests. To run them, point NETVAERK_TEST_POSTGRES at a server, \
                 e.g. NETVAERK_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test (.ci/run does)"
            );
        });
    }
    url
}

/// A fresh schema for one test, dropped with everything in it at the end.
pub struct PgSchema {
    pub url: String,
    pub schema: String,
}

impl PgSchema {
    /// `None` (after saying why) when no server is configured.
    pub fn new() -> Option<Self> {
        let url = postgres_url()?;
        Some(Self { url, schema: format!("t_{}", Uuid::now_v7().simple()) })
    }

    pub fn options(&self) -> netvaerk_store::PostgresOptions {
        netvaerk_store::PostgresOptions::schema(self.schema.clone())
    }

    pub fn open(&self) -> netvaerk_store::PostgresStore {
        netvaerk_store::PostgresStore::open_with(&self.url, self.options()).unwrap()
    }

    /// A plain connection with the schema on its search path.
    pub fn client(&self) -> postgres::Client {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        client.batch_execute(&format!("SET search_path TO \"{}\"", self.schema)).unwrap();
        client
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema));
        }
    }
}

/// The files under `dir` (recursively) holding any of `needles`, with the needle found.
pub fn files_containing(dir: &std::path::Path, needles: &[&str]) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for needle in needles {
            if bytes.windows(needle.len()).any(|window| window == needle.as_bytes()) {
                found.push((path.clone(), (*needle).to_owned()));
            }
        }
    }
    found
}

/// Personal data easy to search for in a store's files, and the same person's corrected data.
pub fn searchable_person() -> (netvaerk_core::PersonId, [netvaerk_store::PersonalData; 2], [&'static str; 4])
{
    let person = netvaerk_core::PersonId::from_uuid(Uuid::from_u128(0x7e57));
    let data = |name: &str| netvaerk_store::PersonalData {
        name: name.into(),
        email: Some("zelda.quistgaard@example.dk".into()),
        title: Some("Vejformand Ydre Nord".into()),
    };
    (
        person,
        [data("Zelda Quistgaard"), data("Zelda Q. Quistgaard")],
        ["Quistgaard", "Zelda", "zelda.quistgaard", "Vejformand"],
    )
}
