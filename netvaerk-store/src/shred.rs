//! Crypto-shredding of the person registry: each person's data is stored encrypted under a key
//! of their own, and erasure destroys the key.
//!
//! Storage engines keep bytes they no longer use (sled's log segments until they are rewritten,
//! PostgreSQL's dead tuples until `VACUUM`, free pages of a B-tree), so overwriting a name does
//! not remove it from the files. Encrypted, the name never reaches the engine at all: after the
//! key is destroyed, what remains is ciphertext nobody can read. What can remain is the *key's*
//! old bytes, in the same places and until the same compaction (on PostgreSQL in the dead row
//! and the write-ahead log too), until [`EventStore::purge`](crate::EventStore::purge).
//!
//! ```text
//! key record      "NVK1" ‖ 32-byte key            (destroyed: "NVK0")
//! entry (known)   "NVR2" ‖ 12-byte nonce ‖ ChaCha20-Poly1305(key, nonce, JSON, aad = person id)
//! ```
//!
//! The cipher's tag also checks the entry: a damaged or moved entry does not decrypt.

use chacha20poly1305::aead::{Aead, Generate, Key, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::record::sha256;

/// The marker of an encrypted registry entry.
pub(crate) const ENCRYPTED: &[u8; 4] = b"NVR2";
const KEY: &[u8; 4] = b"NVK1";
const DESTROYED: &[u8; 4] = b"NVK0";
const NONCE_LEN: usize = 12;

/// A person's registry key.
pub(crate) struct PersonKey(Key<ChaCha20Poly1305>);

/// What a key record holds.
pub(crate) enum KeyRecord {
    /// The key.
    Live(PersonKey),
    /// Destroyed by an erasure.
    Destroyed,
}

impl PersonKey {
    /// A fresh random key (from the operating system's generator).
    pub fn generate() -> Self {
        Self(Key::<ChaCha20Poly1305>::generate())
    }

    /// The key record's bytes.
    pub fn record(&self) -> Vec<u8> {
        [&KEY[..], self.0.as_slice()].concat()
    }

    /// `json`, `person`'s entry, encrypted: the `NVR2` bytes.
    pub fn seal(&self, person: PersonId, json: &[u8]) -> Vec<u8> {
        let nonce = Nonce::generate();
        let aad = *person.as_uuid().as_bytes();
        let payload = Payload { msg: json, aad: &aad };
        // Encrypting into a vector fails only past the cipher's 256 GiB message limit.
        let sealed = ChaCha20Poly1305::new(&self.0).encrypt(&nonce, payload).unwrap_or_default();
        [&ENCRYPTED[..], nonce.as_slice(), &sealed].concat()
    }

    /// The JSON of `person`'s entry from its `NVR2` bytes; `None` if they do not decrypt under
    /// this key (damaged, cut, or another person's).
    pub fn open(&self, person: PersonId, bytes: &[u8]) -> Option<Vec<u8>> {
        let sealed = bytes.strip_prefix(ENCRYPTED)?;
        let (nonce, sealed) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_from(nonce).ok()?;
        let aad = *person.as_uuid().as_bytes();
        let payload = Payload { msg: sealed, aad: &aad };
        ChaCha20Poly1305::new(&self.0).decrypt(&nonce, payload).ok()
    }
}

impl KeyRecord {
    /// The record's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Live(key) => key.record(),
            Self::Destroyed => DESTROYED.to_vec(),
        }
    }

    /// Reads a key record; `None` if the bytes are not one.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        if bytes == DESTROYED {
            return Some(Self::Destroyed);
        }
        let key = bytes.strip_prefix(KEY)?;
        Key::<ChaCha20Poly1305>::try_from(key).ok().map(|key| Self::Live(PersonKey(key)))
    }

    /// Whether `bytes` are a key record (live or destroyed), not a person's entry.
    pub fn is_key(bytes: &[u8]) -> bool {
        bytes.starts_with(KEY) || bytes == DESTROYED
    }
}

/// Where `person`'s key is kept beside their entry: an id derived from theirs, which no person
/// has (a version-8 UUID of a SHA-256).
pub(crate) fn key_id(person: PersonId) -> PersonId {
    let mut keyed = b"netvaerk-registry-key-1".to_vec();
    keyed.extend_from_slice(person.as_uuid().as_bytes());
    let digest = sha256(&keyed);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    PersonId::from_uuid(Uuid::new_v8(bytes))
}

/// The bytes of lower-case or upper-case hex; `None` if it is not hex.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store uses it
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|index| u8::from_str_radix(&text[index..index + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(n: u128) -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn an_entry_opens_under_its_key_and_person_only_and_hides_its_words() {
        let key = PersonKey::generate();
        let json = br#"{"known":{"name":"Ane Jensen"}}"#;
        let sealed = key.seal(person(1), json);
        assert!(!sealed.windows(3).any(|window| window == b"Ane"), "the name is not in the bytes");
        assert_eq!(key.open(person(1), &sealed).as_deref(), Some(&json[..]));
        assert_eq!(key.open(person(2), &sealed), None, "moved to another person");
        assert_eq!(PersonKey::generate().open(person(1), &sealed), None, "another key");
        for index in 0..sealed.len() {
            let mut flipped = sealed.clone();
            flipped[index] ^= 1;
            assert_eq!(key.open(person(1), &flipped), None, "a flip at {index}");
        }
        assert_ne!(key.seal(person(1), json), sealed, "a fresh nonce each time");
    }

    #[test]
    fn key_records_read_back_and_are_told_from_entries() {
        let key = PersonKey::generate();
        let Some(KeyRecord::Live(read)) = KeyRecord::parse(&key.record()) else { panic!("a live key") };
        let sealed = key.seal(person(1), b"{}");
        assert_eq!(read.open(person(1), &sealed).as_deref(), Some(&b"{}"[..]));
        assert!(matches!(KeyRecord::parse(&KeyRecord::Destroyed.bytes()), Some(KeyRecord::Destroyed)));
        assert!(KeyRecord::is_key(&key.record()) && KeyRecord::is_key(b"NVK0"));
        assert!(!KeyRecord::is_key(&sealed) && !KeyRecord::is_key(b"NVR1"));
        assert!(KeyRecord::parse(&key.record()[..20]).is_none(), "a cut key");
        assert_eq!(from_hex(&crate::envelope::hex(&sealed)), Some(sealed));
        assert_eq!(from_hex("0g"), None);
        assert_ne!(key_id(person(1)), person(1));
        assert_ne!(key_id(person(1)), key_id(person(2)));
    }
}
