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
