//! What the integration tests share: temporary directories and PostgreSQL schemas.

#![allow(dead_code)] // each test crate uses what it needs

use std::path::PathBuf;

/// A fresh directory under the system's temporary directory, removed at the end.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `netvaerk-LABEL-<uuid>`, created.
    pub fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("netvaerk-{label}-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh schema on the test server (`NETVAERK_TEST_POSTGRES`), dropped at the end; `None`
/// when the variable is unset.
pub struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    /// A schema named `PREFIX_<16 hex digits>`.
    pub fn new(prefix: &str) -> Option<Self> {
        let url = std::env::var("NETVAERK_TEST_POSTGRES").ok().filter(|url| !url.is_empty())?;
        let id = uuid::Uuid::now_v7().simple().to_string();
        Some(Self { url, schema: format!("{prefix}_{}", &id[id.len() - 16..]) })
    }

    /// The store address of the schema.
    pub fn address(&self) -> String {
        format!("{}?schema={}", self.url, self.schema)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema));
        }
    }
}
