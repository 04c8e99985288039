//! Store addresses on the command line: a path (sled), `redb:PATH`, or a PostgreSQL URL.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use netvaerk::store::{
    EventStore, OpenCheck, PostgresOptions, PostgresStore, RedbOptions, RedbStore, SledOptions, SledStore,
    StoreError,
};

/// Where a log lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A directory holding a sled store.
    Sled(PathBuf),
    /// A redb file (`redb:PATH`).
    Redb(PathBuf),
    /// A PostgreSQL database (`postgres://user@host:port/database`), with the log's schema
    /// from an optional `schema=NAME` query parameter (default `netvaerk`).
    Postgres {
        /// The connection URL, without the schema parameter.
        url: String,
        /// The schema.
        schema: String,
    },
}

impl FromStr for Address {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if let Some(path) = text.strip_prefix("redb:") {
            if path.is_empty() {
                return Err("redb: needs a file path, e.g. redb:./netvaerk.redb".into());
            }
            return Ok(Self::Redb(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let (base, query) = text.split_once('?').unwrap_or((text, ""));
            let mut schema = PostgresOptions::default().schema;
            let mut kept = Vec::new();
            for pair in query.split('&').filter(|pair| !pair.is_empty()) {
                match pair.strip_prefix("schema=") {
                    Some(name) => name.clone_into(&mut schema),
                    None => kept.push(pair),
                }
            }
            let url = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
            return Ok(Self::Postgres { url, schema });
        }
        if text.is_empty() {
            return Err("a store address cannot be empty".into());
        }
        Ok(Self::Sled(PathBuf::from(text)))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sled(path) => write!(f, "{}", path.display()),
            Self::Redb(path) => write!(f, "redb:{}", path.display()),
            // The URL may hold a password: show where, not how.
            Self::Postgres { url, schema } => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                write!(f, "{scheme}://{host} (schema {schema})")
            }
        }
    }
}

impl Address {
    /// Opens the store, creating it if needed. `check` is what an embedded store checks at
    /// open.
    pub fn open(&self, check: OpenCheck) -> Result<Box<dyn EventStore>, StoreError> {
        Ok(match self {
            Self::Sled(path) => {
                Box::new(SledStore::open_with(path, SledOptions { check, ..SledOptions::default() })?)
            }
            Self::Redb(path) => {
                Box::new(RedbStore::open_with(path, RedbOptions { check, ..RedbOptions::default() })?)
            }
            Self::Postgres { url, schema } => {
                Box::new(PostgresStore::open_with(url, PostgresOptions { schema: schema.clone() })?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_by_their_prefix() {
        assert_eq!("./data".parse(), Ok(Address::Sled("./data".into())));
        assert_eq!("redb:/tmp/log.redb".parse(), Ok(Address::Redb("/tmp/log.redb".into())));
        assert!("redb:".parse::<Address>().is_err());
        assert_eq!(
            "postgres://me:secret@db:5432/town?schema=albertslund&connect_timeout=5".parse(),
            Ok(Address::Postgres {
                url: "postgres://me:secret@db:5432/town?connect_timeout=5".into(),
                schema: "albertslund".into()
            })
        );
        let address: Address = "postgresql://db/town".parse().unwrap();
        assert_eq!(
            address,
            Address::Postgres { url: "postgresql://db/town".into(), schema: "netvaerk".into() }
        );
        let shown: Address = "postgres://me:secret@db:5432/town".parse().unwrap();
        assert_eq!(shown.to_string(), "postgres://db:5432/town (schema netvaerk)");
    }
}
