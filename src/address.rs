//! Store addresses: a path or `sled:PATH` (sled), `redb:PATH`, or a PostgreSQL URL.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use netvaerk_store::{EventStore, OpenCheck, StoreError};
#[cfg(feature = "postgres")]
use netvaerk_store::{PostgresOptions, PostgresStore};
#[cfg(feature = "redb")]
use netvaerk_store::{RedbOptions, RedbStore};
#[cfg(feature = "sled")]
use netvaerk_store::{SledOptions, SledStore};

use crate::error::Error;

/// Where a log lives, as text: `redb:FILE`, `sled:DIR` (or a bare directory),
/// `postgres://user@host:port/database?schema=NAME` (or `postgresql://`).
///
/// ```
/// use netvaerk::Address;
/// let address: Address = "redb:./netvaerk.redb".parse()?;
/// assert_eq!(address, Address::Redb("./netvaerk.redb".into()));
/// # Ok::<(), netvaerk::Error>(())
/// ```
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

fn bad_address(text: &str, message: &str) -> Error {
    Error::input("invalid_address", Some("store"), Some(text.to_owned()), message)
}

/// The PostgreSQL schema of an address that names none.
const DEFAULT_SCHEMA: &str = "netvaerk";

impl FromStr for Address {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        if let Some(path) = text.strip_prefix("redb:") {
            if path.is_empty() {
                return Err(bad_address(text, "redb: needs a file path, e.g. redb:./netvaerk.redb"));
            }
            return Ok(Self::Redb(PathBuf::from(path)));
        }
        if let Some(path) = text.strip_prefix("sled:") {
            if path.is_empty() {
                return Err(bad_address(text, "sled: needs a directory, e.g. sled:./netvaerk-data"));
            }
            return Ok(Self::Sled(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let (base, query) = text.split_once('?').unwrap_or((text, ""));
            let mut schema = DEFAULT_SCHEMA.to_owned();
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
            return Err(bad_address(text, "a store address cannot be empty"));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            return Err(bad_address(
                text,
                &format!("{scheme}:// is not a kind of store; use redb:FILE, sled:DIR or postgres://..."),
            ));
        }
        // A bare path: a directory is a sled store (as stores were made before redb became the
        // default), anything else a redb file.
        let path = PathBuf::from(text);
        Ok(if path.is_dir() { Self::Sled(path) } else { Self::Redb(path) })
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
    /// Opens the store, creating it if nothing is at its path (a file or directory whose parent
    /// directory exists; a PostgreSQL schema). `check` is what an embedded store checks at open.
    pub fn open(&self, check: OpenCheck) -> Result<Box<dyn EventStore>, StoreError> {
        self.open_as(check, false)
    }

    /// Opens the store to read it only (reports, lists, `verify`, `log`, `head`, the source of
    /// `migrate`): a store that is not there is `store_not_found` and nothing is created; a redb
    /// file is opened read-only, so that nothing, not even closing, writes to it (a file left
    /// unclean by a crash is recovered first).
    pub fn open_for_reading(&self, check: OpenCheck) -> Result<Box<dyn EventStore>, StoreError> {
        self.open_as(check, true)
    }

    // An engine this build lacks leaves its arguments unused.
    #[cfg_attr(not(all(feature = "redb", feature = "sled", feature = "postgres")), allow(unused_variables))]
    fn open_as(&self, check: OpenCheck, read_only: bool) -> Result<Box<dyn EventStore>, StoreError> {
        match self {
            #[cfg(feature = "sled")]
            Self::Sled(path) => {
                let options = SledOptions { check, create: !read_only, ..SledOptions::default() };
                Ok(Box::new(SledStore::open_with(path, options)?))
            }
            #[cfg(feature = "redb")]
            Self::Redb(path) => {
                let options = RedbOptions { check, read_only, ..RedbOptions::default() };
                Ok(Box::new(RedbStore::open_with(path, options)?))
            }
            #[cfg(feature = "postgres")]
            Self::Postgres { url, schema } => Ok(Box::new(PostgresStore::open_with(
                url,
                PostgresOptions { schema: schema.clone(), create: !read_only },
            )?)),
            #[allow(unreachable_patterns)] // reached only in a build without some engine
            _ => Err(self.not_built()),
        }
    }

    /// The engine this address needs (its Cargo feature's name).
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Sled(_) => "sled",
            Self::Redb(_) => "redb",
            Self::Postgres { .. } => "postgres",
        }
    }

    /// The error for an address whose engine this build does not have.
    #[cfg_attr(all(feature = "redb", feature = "sled", feature = "postgres"), allow(dead_code))]
    fn not_built(&self) -> StoreError {
        StoreError::InvalidAddress {
            address: self.to_string(),
            problem: format!(
                "this build of netvaerk has no {} engine: build it with the Cargo feature `{}`",
                self.engine(),
                self.engine()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_by_their_prefix() {
        assert_eq!("./no-such-store.redb".parse().ok(), Some(Address::Redb("./no-such-store.redb".into())));
        let dir = std::env::temp_dir();
        assert_eq!(
            dir.to_str().unwrap().parse().ok(),
            Some(Address::Sled(dir.clone())),
            "a directory is sled"
        );
        assert_eq!("redb:/tmp/log.redb".parse().ok(), Some(Address::Redb("/tmp/log.redb".into())));
        assert_eq!("sled:./data".parse().ok(), Some(Address::Sled("./data".into())));
        assert_eq!("redb:".parse::<Address>().map_err(|error| error.code()), Err("invalid_address"));
        assert_eq!("".parse::<Address>().map_err(|error| error.code()), Err("invalid_address"));
        assert_eq!("http://x".parse::<Address>().map_err(|error| error.code()), Err("invalid_address"));
        assert_eq!(
            "postgres://me:secret@db:5432/town?schema=albertslund&connect_timeout=5".parse().ok(),
            Some(Address::Postgres {
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
