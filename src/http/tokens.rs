//! Bearer tokens: who a caller is and what it may do.
//!
//! The tokens file holds one JSON object a line, each a token's SHA-256 (never the token),
//! the person it decides as, and its scope:
//!
//! ```text
//! {"sha256":"9f86d0…","person":"0190ab00-…","scope":"write","label":"Sagssystem","created_at":"2026-12-02T10:00:00Z"}
//! ```
//!
//! `netvaerk token add --person ID --scope write|read|admin --tokens FILE` writes a line and
//! prints the token, once. Empty lines and lines starting with `#` are skipped.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use netvaerk_core::PersonId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// What a token lets its holder do. Each scope includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Reports, the event feed, the head (an auditor's): never appends.
    Read,
    /// Decisions, as the token's person; the NS3 rules decide whether that person may.
    Write,
    /// Everything: also `verify`, and the first command of a new organisation.
    Admin,
}

impl Scope {
    /// `read`, `write` or `admin`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            "admin" => Ok(Self::Admin),
            _ => Err(Error::input(
                "invalid_scope",
                Some("scope"),
                Some(text.to_owned()),
                format!("{text:?} is not a scope; use read, write or admin"),
            )),
        }
    }
}

/// One line of the tokens file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenEntry {
    /// The token's SHA-256, hex.
    pub sha256: String,
    /// The person the token decides as.
    pub person: PersonId,
    /// What it may do.
    pub scope: Scope,
    /// Whose it is, for people (a system's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// Who is calling: the person a token decides as and its scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's person; `None` when the service runs without tokens (loopback only), where
    /// a command names its own actor.
    pub person: Option<PersonId>,
    /// What the caller may do.
    pub scope: Scope,
}

/// The tokens a server accepts, by hash.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    by_hash: HashMap<String, TokenEntry>,
}

/// The hex SHA-256 of a token.
pub fn digest(token: &str) -> String {
    netvaerk_store::hex(&Sha256::digest(token.as_bytes()))
}

fn unreadable(path: &Path, message: String) -> Error {
    Error::input("invalid_tokens_file", Some("tokens"), Some(path.display().to_string()), message)
}

impl Tokens {
    /// Reads the tokens file. A missing file holds no tokens.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(unreadable(path, format!("cannot read {}: {error}", path.display()))),
        };
        let mut by_hash = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry: TokenEntry = serde_json::from_str(line).map_err(|error| {
                unreadable(
                    path,
                    format!("line {} of {} is not a token entry: {error}", index + 1, path.display()),
                )
            })?;
            by_hash.insert(entry.sha256.clone(), entry);
        }
        Ok(Self { by_hash })
    }

    /// The caller a bearer token names, if it is one of these.
    pub fn caller(&self, token: &str) -> Option<Caller> {
        self.by_hash
            .get(&digest(token))
            .map(|entry| Caller { person: Some(entry.person), scope: entry.scope })
    }

    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Makes a token for `person` with `scope`, appends its entry to the file at `path`
    /// (created with owner-only permissions), and returns the token: it is shown once and
    /// only its hash is kept.
    pub fn add(path: &Path, person: PersonId, scope: Scope, label: Option<String>) -> Result<String, Error> {
        Self::load(path)?;
        let token = new_token();
        let entry = TokenEntry { sha256: digest(&token), person, scope, label, created_at: Utc::now() };
        let line = serde_json::to_string(&entry).unwrap_or_default() + "\n";
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(path)
            .map_err(|error| unreadable(path, format!("cannot write {}: {error}", path.display())))?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|error| unreadable(path, format!("cannot write {}: {error}", path.display())))?;
        Ok(token)
    }
}

/// A fresh token: `nvk_` and 64 hex digits, 244 of their bits random (two UUID v4s).
fn new_token() -> String {
    let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    format!("nvk_{}{}", a.simple(), b.simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_added_is_accepted_with_its_person_and_scope_and_only_its_hash_is_kept() {
        let dir = std::env::temp_dir().join(format!("netvaerk-tokens-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokens");
        let person = PersonId::generate();
        let token = Tokens::add(&path, person, Scope::Read, Some("revision".into())).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&token), "the file holds the token itself");
        let tokens = Tokens::load(&path).unwrap();
        assert_eq!(tokens.caller(&token), Some(Caller { person: Some(person), scope: Scope::Read }));
        assert_eq!(tokens.caller("nvk_wrong"), None);
        std::fs::write(&path, "not json\n").unwrap();
        assert_eq!(Tokens::load(&path).unwrap_err().code(), "invalid_tokens_file");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn scopes_include_the_ones_before() {
        assert!(Scope::Admin > Scope::Write && Scope::Write > Scope::Read);
        assert_eq!("write".parse::<Scope>().unwrap(), Scope::Write);
        assert_eq!("root".parse::<Scope>().unwrap_err().code(), "invalid_scope");
    }
}
