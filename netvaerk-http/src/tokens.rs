//! Bearer tokens: who a caller is, what it may do, and in which organisations.
//!
//! The tokens file holds one JSON object a line, each a token's SHA-256 (never the token),
//! the person it decides as, its scope, and the organisations it is for (a list of ids, or
//! `"all"`):
//!
//! ```text
//! {"sha256":"9f86d0…","person":"0190ab00-…","scope":"write","organisations":["0190ab00-…"],"label":"Sagssystem","created_at":"2026-12-02T10:00:00Z"}
//! ```
//!
//! - `netvaerk token add --person ID --scope write|read|admin --org ID [--org ID …] --tokens FILE`
//!   (or `--all-organisations` instead of `--org`) writes a line and prints the token, once;
//! - `netvaerk token list --tokens FILE` shows each token's label, person, scope, organisations,
//!   creation time and the start of its hash, never the token;
//! - `netvaerk token revoke HASH-PREFIX|LABEL --tokens FILE` removes one.
//!
//! Both rewrite the file whole (a new file, synced, renamed over the old one), owner-only. A
//! running server notices the change (the file's modification time, size or inode) within
//! [`RELOAD_INTERVAL`] and reads the file again: a token added is accepted and a token revoked
//! refused without a restart.
//!
//! The server refuses, at start and at each reload, a file that is missing, that group or others
//! may read or write (as ssh refuses such a key: `chmod 600` it), or that holds a line it cannot
//! read. At start that is an error (exit 2); after a reload the server fails closed, answering
//! every request that needs a token 503 `tokens_file_refused` with the same message until the
//! file is mended, rather than go on with tokens the operator may have meant to revoke.
//!
//! **Entries written before tokens had organisations** (no `organisations` field) are refused
//! at load, with a message naming each line, person and label: a token that reached every
//! organisation should not silently keep doing so once tokens are bound. The operator re-adds
//! the token with `--org` (and revokes the old one, `token list` shows it), or, where a token is
//! meant for every organisation, writes `"organisations":"all"` into its line, an explicit
//! choice the file then shows. Empty lines and lines starting with `#` are skipped.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use netvaerk_core::{OrganisationId, PersonId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use netvaerk::Error;

/// How often, at most, a server looks at its tokens file for a change: one `stat` a second,
/// from the first request after it; a change takes effect within this long.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// How many hex digits of a token's hash `token list` shows, and the fewest `token revoke`
/// takes as a prefix.
pub const HASH_PREFIX_LEN: usize = 12;

/// The fewest hex digits `token revoke` takes as a hash prefix.
const MIN_PREFIX_LEN: usize = 6;

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

/// The organisations a token is for. Stored as `"all"` or a list of ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Organisations {
    /// Every organisation in the store (written as `"all"`: an explicit choice).
    All,
    /// These organisations only (at least one).
    Only(BTreeSet<OrganisationId>),
}

impl Organisations {
    /// Whether a token for these organisations may act in `organisation`.
    pub fn include(&self, organisation: OrganisationId) -> bool {
        match self {
            Self::All => true,
            Self::Only(organisations) => organisations.contains(&organisation),
        }
    }
}

impl std::fmt::Display for Organisations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::Only(organisations) => {
                let ids: Vec<String> = organisations.iter().map(ToString::to_string).collect();
                f.write_str(&ids.join(","))
            }
        }
    }
}

impl Serialize for Organisations {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => serializer.serialize_str("all"),
            Self::Only(organisations) => organisations.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Organisations {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Word(String),
            List(BTreeSet<OrganisationId>),
        }
        match Stored::deserialize(deserializer)? {
            Stored::Word(word) if word == "all" => Ok(Self::All),
            Stored::Word(word) => Err(serde::de::Error::custom(format!(
                "organisations is \"all\" or a list of organisation ids, not {word:?}"
            ))),
            Stored::List(list) if list.is_empty() => {
                Err(serde::de::Error::custom("organisations names no organisation"))
            }
            Stored::List(list) => Ok(Self::Only(list)),
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
    /// The organisations it is for; `None` in entries written before tokens had organisations,
    /// which a server refuses (see the module doc), and `token list` shows so they can be
    /// re-added and revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisations: Option<Organisations>,
    /// Whose it is, for people (a system's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl TokenEntry {
    /// The start of the token's hash, as `token list` shows it and `token revoke` takes it.
    pub fn hash_prefix(&self) -> &str {
        self.sha256.get(..HASH_PREFIX_LEN).unwrap_or(&self.sha256)
    }
}

/// Who is calling: the person a token decides as, its scope and its organisations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The token's person; `None` when the service runs without tokens (loopback only), where
    /// a command names its own actor.
    pub person: Option<PersonId>,
    /// What the caller may do.
    pub scope: Scope,
    /// Where it may do it.
    pub organisations: Organisations,
}

/// The tokens a server accepts, by hash, read from its tokens file and read again when the file
/// changes. Clones share the one set.
#[derive(Clone, Debug)]
pub struct Tokens {
    shared: Arc<Mutex<Loaded>>,
}

/// Why a server's tokens file was refused when it was last read again: until it is mended,
/// every request that needs a token is answered 503 with this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The stable code: `tokens_file_missing`, `tokens_file_insecure`, `invalid_tokens_file`.
    pub code: &'static str,
    /// What is wrong and what to do, for the operator.
    pub message: String,
}

/// The tokens as last read, and what the file looked like then.
#[derive(Debug)]
struct Loaded {
    path: Option<PathBuf>,
    /// The tokens, or why the file was refused at the last reload.
    by_hash: Result<HashMap<String, TokenEntry>, Refused>,
    /// The file's modification time, size and inode when it was read.
    stamp: Option<Stamp>,
    checked_at: Instant,
}

/// What tells a changed file from the one read: its modification time, size, and on unix its
/// inode and mode. A rewrite renames a new file over the old, so the inode changes even within
/// the modification time's granularity; a `chmod` changes the mode, which is checked again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
    mode: u32,
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let (inode, mode) =
            (std::os::unix::fs::MetadataExt::ino(metadata), std::os::unix::fs::MetadataExt::mode(metadata));
        #[cfg(not(unix))]
        let (inode, mode) = (0, 0);
        Self { modified: metadata.modified().ok(), len: metadata.len(), inode, mode }
    }
}

/// The hex SHA-256 of a token.
pub fn digest(token: &str) -> String {
    netvaerk_store::hex(&Sha256::digest(token.as_bytes()))
}

fn file_error(code: &'static str, path: &Path, message: String) -> Error {
    Error::input(code, Some("tokens"), Some(path.display().to_string()), message)
}

fn unreadable(path: &Path, message: String) -> Error {
    file_error("invalid_tokens_file", path, message)
}

/// Refuses a tokens file that group or others may read or write (as ssh refuses such a key).
fn check_mode(path: &Path, metadata: &std::fs::Metadata) -> Result<(), Error> {
    #[cfg(unix)]
    {
        let mode = std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o777;
        if mode & 0o077 != 0 {
            return Err(file_error(
                "tokens_file_insecure",
                path,
                format!(
                    "the tokens file {} has mode {mode:04o}: group or others may read or write it; \
                     run chmod 600 {} (and check who could have changed it)",
                    path.display(),
                    path.display()
                ),
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, metadata);
    Ok(())
}

/// The file's stamp and text, with its mode checked; `Ok(None)` when it does not exist.
fn read_file(path: &Path) -> Result<Option<(Stamp, String)>, Error> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(unreadable(path, format!("cannot read {}: {error}", path.display()))),
    };
    check_mode(path, &metadata)?;
    // The stamp is taken before the text is read: a change during the read shows as a change
    // at the next check, so the set is read again.
    let stamp = Stamp::of(&metadata);
    let text = std::fs::read_to_string(path)
        .map_err(|error| unreadable(path, format!("cannot read {}: {error}", path.display())))?;
    Ok(Some((stamp, text)))
}

/// The entries of a tokens file's text, in file order.
fn parse(path: &Path, text: &str) -> Result<Vec<TokenEntry>, Error> {
    let mut entries = Vec::new();
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
        entries.push(entry);
    }
    Ok(entries)
}

/// The tokens a server accepts from a file: it must exist, be owner-only, and every entry must
/// name its organisations.
fn load_for_serving(path: &Path) -> Result<(Stamp, HashMap<String, TokenEntry>), Error> {
    let Some((stamp, text)) = read_file(path)? else {
        return Err(file_error(
            "tokens_file_missing",
            path,
            format!(
                "the tokens file {} does not exist; make it with netvaerk token add --tokens {} \
                 --person ID --scope read|write|admin --org ORGANISATION, or leave out --tokens \
                 to serve on loopback only",
                path.display(),
                path.display()
            ),
        ));
    };
    let mut by_hash = HashMap::new();
    for entry in parse(path, &text)? {
        if entry.organisations.is_none() {
            let label = entry.label.as_deref().map(|label| format!(" ({label})")).unwrap_or_default();
            return Err(unreadable(
                path,
                format!(
                    "the token {}{label} of person {} in {} names no organisations: tokens are now \
                     bound to organisations; add a new one with netvaerk token add --org \
                     ORGANISATION and remove this one with netvaerk token revoke {}, or write \
                     \"organisations\":\"all\" into its line to keep it for every organisation",
                    entry.hash_prefix(),
                    entry.person,
                    path.display(),
                    entry.hash_prefix()
                ),
            ));
        }
        by_hash.insert(entry.sha256.clone(), entry);
    }
    Ok((stamp, by_hash))
}

/// Writes `entries` as the whole tokens file: a new owner-only file beside it, synced, renamed
/// over the old one, so a server reading it sees the old file or the new, never half.
fn write_entries(path: &Path, entries: &[TokenEntry]) -> Result<(), Error> {
    let cannot =
        |error: std::io::Error| unreadable(path, format!("cannot write {}: {error}", path.display()));
    let mut text = String::new();
    for entry in entries {
        text.push_str(&serde_json::to_string(entry).unwrap_or_default());
        text.push('\n');
    }
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.create_new(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if let Err(error) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(cannot(error));
    }
    // The rename is durable once the directory is synced (where the platform allows it).
    if let Some(directory) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        if let Ok(directory) = std::fs::File::open(directory) {
            let _ = directory.sync_all();
        }
    }
    Ok(())
}

/// The entries of the tokens file at `path` for `token add`, `list` and `revoke`: the mode is
/// checked; a missing file holds none.
fn entries(path: &Path) -> Result<Vec<TokenEntry>, Error> {
    match read_file(path)? {
        Some((_, text)) => parse(path, &text),
        None => Ok(Vec::new()),
    }
}

fn lock(shared: &Mutex<Loaded>) -> std::sync::MutexGuard<'_, Loaded> {
    // Each critical section leaves `Loaded` whole, so a poisoned lock is still usable.
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Tokens {
    /// Reads the tokens file a server is to accept, and keeps its path to read it again when it
    /// changes ([`Tokens::caller`]). Refused, with a message for the operator: a missing file
    /// (`tokens_file_missing`), one group or others may read or write (`tokens_file_insecure`),
    /// a line that is not a token entry or names no organisations (`invalid_tokens_file`).
    pub fn load(path: &Path) -> Result<Self, Error> {
        let (stamp, by_hash) = load_for_serving(path)?;
        let loaded = Loaded {
            path: Some(path.to_owned()),
            by_hash: Ok(by_hash),
            stamp: Some(stamp),
            checked_at: Instant::now(),
        };
        Ok(Self { shared: Arc::new(Mutex::new(loaded)) })
    }

    /// Tokens from entries in memory, never read again (for embedders and tests). Entries that
    /// name no organisations are taken as for none.
    pub fn from_entries(entries: impl IntoIterator<Item = TokenEntry>) -> Self {
        let by_hash = entries.into_iter().map(|entry| (entry.sha256.clone(), entry)).collect();
        let loaded = Loaded { path: None, by_hash: Ok(by_hash), stamp: None, checked_at: Instant::now() };
        Self { shared: Arc::new(Mutex::new(loaded)) }
    }

    /// Reads the file again if [`RELOAD_INTERVAL`] has passed since the last look and the file
    /// changed since it was read (or was refused then). A file refused now (missing, insecure,
    /// unreadable) replaces the tokens with the refusal, said once on standard error: the
    /// server fails closed until the file is mended.
    fn refresh(loaded: &mut Loaded) {
        let Some(path) = loaded.path.clone() else { return };
        if loaded.checked_at.elapsed() < RELOAD_INTERVAL {
            return;
        }
        loaded.checked_at = Instant::now();
        let now = std::fs::metadata(&path).ok().map(|metadata| Stamp::of(&metadata));
        if now.is_some() && now == loaded.stamp && loaded.by_hash.is_ok() {
            return;
        }
        match load_for_serving(&path) {
            Ok((stamp, by_hash)) => {
                loaded.stamp = Some(stamp);
                loaded.by_hash = Ok(by_hash);
            }
            Err(error) => {
                let refused = Refused { code: error.code(), message: error.to_string() };
                if loaded.by_hash.as_ref().err() != Some(&refused) {
                    eprintln!(
                        "netvaerk: {}; every request that needs a token is refused until it is mended",
                        refused.message
                    );
                }
                loaded.stamp = now;
                loaded.by_hash = Err(refused);
            }
        }
    }

    /// The caller a bearer token names, if it is one of these (`Ok(None)` if not). The file is
    /// read again first when it changed (at most one look a [`RELOAD_INTERVAL`]); `Err` while
    /// it is refused, with the reason for the operator.
    pub fn caller(&self, token: &str) -> Result<Option<Caller>, Refused> {
        let hash = digest(token);
        let mut loaded = lock(&self.shared);
        Self::refresh(&mut loaded);
        let by_hash = loaded.by_hash.as_ref().map_err(Clone::clone)?;
        Ok(by_hash.get(&hash).map(|entry| Caller {
            person: Some(entry.person),
            scope: entry.scope,
            organisations: entry.organisations.clone().unwrap_or(Organisations::Only(BTreeSet::new())),
        }))
    }

    /// How many tokens there are (0 while the file is refused).
    pub fn len(&self) -> usize {
        lock(&self.shared).by_hash.as_ref().map_or(0, HashMap::len)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes a token for `person` with `scope` in `organisations`, adds its entry to the file at
    /// `path` (created owner-only; an existing file must be owner-only), and returns the token:
    /// it is shown once and only its hash is kept. A running server accepts it within
    /// [`RELOAD_INTERVAL`].
    pub fn add(
        path: &Path,
        person: PersonId,
        scope: Scope,
        organisations: Organisations,
        label: Option<String>,
    ) -> Result<String, Error> {
        let mut all = entries(path)?;
        let token = new_token();
        let entry = TokenEntry {
            sha256: digest(&token),
            person,
            scope,
            organisations: Some(organisations),
            label,
            created_at: Utc::now(),
        };
        all.push(entry);
        write_entries(path, &all)?;
        Ok(token)
    }

    /// The entries of the tokens file at `path`, in file order (the tokens themselves are not
    /// kept). A missing file holds none; one group or others may read or write is refused.
    pub fn list(path: &Path) -> Result<Vec<TokenEntry>, Error> {
        entries(path)
    }

    /// Removes the token whose hash starts with `which` (at least six hex digits) or whose label
    /// is `which`, and returns its entry. A running server refuses it within
    /// [`RELOAD_INTERVAL`]. `unknown_token` when none matches, `ambiguous_token` when several
    /// do (give more of the hash).
    pub fn revoke(path: &Path, which: &str) -> Result<TokenEntry, Error> {
        let mut all = entries(path)?;
        let which = which.trim();
        let is_prefix = which.len() >= MIN_PREFIX_LEN && which.chars().all(|c| c.is_ascii_hexdigit());
        let prefix = which.to_ascii_lowercase();
        let matching: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, entry)| {
                (is_prefix && entry.sha256.starts_with(&prefix)) || entry.label.as_deref() == Some(which)
            })
            .map(|(index, _)| index)
            .collect();
        let given = || Some(which.to_owned());
        match matching.as_slice() {
            [] => Err(Error::input(
                "unknown_token",
                Some("token"),
                given(),
                format!(
                    "no token in {} has the label {which:?} or a hash starting with it (at least \
                     {MIN_PREFIX_LEN} hex digits); netvaerk token list shows them",
                    path.display()
                ),
            )),
            [index] => {
                let removed = all.remove(*index);
                write_entries(path, &all)?;
                Ok(removed)
            }
            several => {
                let prefixes: Vec<&str> = several.iter().map(|index| all[*index].hash_prefix()).collect();
                Err(Error::input(
                    "ambiguous_token",
                    Some("token"),
                    given(),
                    format!(
                        "{} tokens match {which:?} ({}); give more of the hash",
                        several.len(),
                        prefixes.join(", ")
                    ),
                ))
            }
        }
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
    fn a_token_added_is_accepted_with_its_person_scope_and_organisations_and_only_its_hash_is_kept() {
        let dir = std::env::temp_dir().join(format!("netvaerk-tokens-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokens");
        let person = PersonId::generate();
        let organisation = OrganisationId::generate();
        let organisations = Organisations::Only(BTreeSet::from([organisation]));
        let token =
            Tokens::add(&path, person, Scope::Read, organisations.clone(), Some("revision".into())).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&token), "the file holds the token itself");
        let tokens = Tokens::load(&path).unwrap();
        let caller = tokens.caller(&token).unwrap().unwrap();
        assert_eq!(caller, Caller { person: Some(person), scope: Scope::Read, organisations });
        assert!(caller.organisations.include(organisation));
        assert!(!caller.organisations.include(OrganisationId::generate()));
        assert_eq!(tokens.caller("nvk_wrong").unwrap(), None);
        std::fs::write(&path, "not json\n").unwrap();
        assert_eq!(Tokens::load(&path).unwrap_err().code(), "invalid_tokens_file");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn organisations_are_all_or_a_list_of_at_least_one() {
        let one = OrganisationId::generate();
        let read = |text: &str| serde_json::from_str::<Organisations>(text);
        assert_eq!(read("\"all\"").unwrap(), Organisations::All);
        assert_eq!(read(&format!("[\"{one}\"]")).unwrap(), Organisations::Only(BTreeSet::from([one])));
        assert!(read("[]").is_err() && read("\"some\"").is_err());
        assert_eq!(serde_json::to_string(&Organisations::All).unwrap(), "\"all\"");
    }

    #[test]
    fn scopes_include_the_ones_before() {
        assert!(Scope::Admin > Scope::Write && Scope::Write > Scope::Read);
        assert_eq!("write".parse::<Scope>().unwrap(), Scope::Write);
        assert_eq!("root".parse::<Scope>().unwrap_err().code(), "invalid_scope");
    }
}
