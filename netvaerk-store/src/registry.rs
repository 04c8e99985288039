//! The person registry: personal data beside the log, keyed by person id, erasable.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use netvaerk_core::PersonId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::StoreError;
use crate::record::sha256;
use crate::shred::{KeyRecord, ENCRYPTED};

/// A person's personal data. It never enters an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonalData {
    /// Full name.
    pub name: String,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl PersonalData {
    /// Checks the data before it is stored: a name that is not blank, every field at most 200
    /// characters (an e-mail address 320), none holding a control character, a line separator
    /// or a bidirectional override, and an e-mail address shaped as one (`local@domain.tld`).
    pub fn validate(&self) -> Result<(), crate::StoreError> {
        let invalid = |field: &'static str, problem: String| {
            Err(crate::StoreError::InvalidPersonalData { field, problem })
        };
        if self.name.trim().is_empty() {
            return invalid("name", "a name must not be blank".to_owned());
        }
        let fields = [
            ("name", Some(&self.name), 200),
            ("email", self.email.as_ref(), 320),
            ("title", self.title.as_ref(), 200),
        ];
        for (field, value, max) in fields {
            let Some(value) = value else { continue };
            let length = value.chars().count();
            if length > max {
                return invalid(field, format!("{length} characters, where {max} is the most"));
            }
            if let Some(character) = value.chars().find(|c| netvaerk_core::TextKind::Name.forbids(*c)) {
                return invalid(
                    field,
                    format!(
                        "it holds the character U+{:04X}, a control character or a bidirectional override",
                        u32::from(character)
                    ),
                );
            }
        }
        if let Some(email) = &self.email {
            let shaped = email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.split('.').count() >= 2
                    && domain.split('.').all(|label| !label.is_empty())
                    && !email.chars().any(char::is_whitespace)
            });
            if !shaped {
                return invalid("email", format!("{email:?} is not an e-mail address (name@example.dk)"));
            }
        }
        Ok(())
    }
}

impl PersonalData {
    /// The fields (`name`, `email`, `title`) that differ from `before`: all that are given
    /// when there is nothing before.
    pub fn changed_fields(&self, before: Option<&PersonalData>) -> Vec<&'static str> {
        let now =
            [("name", Some(&self.name)), ("email", self.email.as_ref()), ("title", self.title.as_ref())];
        let then = before.map(|before| [Some(&before.name), before.email.as_ref(), before.title.as_ref()]);
        now.iter()
            .enumerate()
            .filter(|(index, (_, value))| match then {
                Some(then) => then[*index] != *value,
                None => value.is_some(),
            })
            .map(|(_, (field, _))| *field)
            .collect()
    }
}

/// A correction of personal data: the fields given replace the registry's, the others stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonalDataPatch {
    /// A new full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A new job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl PersonalDataPatch {
    /// `data` with the fields given here replaced.
    pub fn apply_to(&self, data: &PersonalData) -> PersonalData {
        PersonalData {
            name: self.name.clone().unwrap_or_else(|| data.name.clone()),
            email: self.email.clone().or_else(|| data.email.clone()),
            title: self.title.clone().or_else(|| data.title.clone()),
        }
    }
}

/// What the registry holds for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistryEntry {
    /// Their data.
    Known(PersonalData),
    /// Erased (GDPR): the data is gone; who erased and when remain, as in the erasure record.
    Erased {
        /// Who erased.
        by: PersonId,
        /// When.
        at: DateTime<Utc>,
    },
}

/// The stored type name of the record appended to the `$registry` stream when a person's data
/// is registered or corrected: who, when, which fields; never the data.
pub const PERSONAL_DATA_RECORDED: &str = "PersonalDataRecorded";

/// The stored type name of the erasure record appended to the `$registry` stream.
pub const PERSON_ERASED: &str = "PersonErased";

/// The stored type name of the redaction record appended to the `$redactions` stream.
pub const PAYLOAD_REDACTED: &str = "PayloadRedacted";

// How `LogStore` keeps the registry in a backend's bytes ---------------------------------

/// The registry key of the manifest: the nil id, which no person has.
pub(crate) fn manifest_key() -> PersonId {
    PersonId::from_uuid(Uuid::nil())
}

/// The marker of the registry's manifest.
pub(crate) const REGISTRY_MANIFEST: &[u8; 4] = b"NVM1";

/// The manifest's bytes: the marker, the SHA-256 of the ids, the ids (16 bytes each, in order).
pub(crate) fn manifest_bytes(persons: &BTreeSet<PersonId>) -> Vec<u8> {
    let ids: Vec<u8> = persons.iter().flat_map(|person| *person.as_uuid().as_bytes()).collect();
    let mut bytes = REGISTRY_MANIFEST.to_vec();
    bytes.extend_from_slice(&sha256(&ids));
    bytes.extend_from_slice(&ids);
    bytes
}

/// The marker of a registry entry stored with its digest.
pub(crate) const REGISTRY_SEALED: &[u8; 4] = b"NVR1";

/// A registry entry's stored bytes: the marker, the SHA-256 of the person's id and the JSON,
/// the JSON. The log's chain does not cover the registry (an erasure rewrites it), so each
/// entry carries its own digest, over its key too: a damaged entry, or one moved to another
/// person, is an error, not a wrong name in a report.
pub(crate) fn registry_bytes(person: PersonId, entry: &RegistryEntry) -> Vec<u8> {
    let json = serde_json::to_vec(entry).unwrap_or_default();
    let mut bytes = Vec::with_capacity(36 + json.len());
    bytes.extend_from_slice(REGISTRY_SEALED);
    bytes.extend_from_slice(&registry_digest(person, &json));
    bytes.extend_from_slice(&json);
    bytes
}

pub(crate) fn registry_digest(person: PersonId, json: &[u8]) -> [u8; 32] {
    let mut keyed = person.as_uuid().as_bytes().to_vec();
    keyed.extend_from_slice(json);
    sha256(&keyed)
}

/// The registry entry in `bytes`: decrypted with the key `key` reads (`NVR2`), or its digest
/// checked (`NVR1`; entries written before digests are plain JSON).
pub(crate) fn registry_from_bytes(
    person: PersonId,
    bytes: &[u8],
    key: impl FnOnce() -> Result<Option<Vec<u8>>, StoreError>,
) -> Result<RegistryEntry, StoreError> {
    if bytes.starts_with(ENCRYPTED) {
        let key = match key()?.as_deref().map(KeyRecord::parse) {
            Some(Some(KeyRecord::Live(key))) => key,
            _ => return Err(damaged_key(person)),
        };
        let json = key.open(person, bytes).ok_or_else(|| StoreError::Damaged {
            detail: format!("the registry entry of {person} does not decrypt under its key"),
        })?;
        return registry_from_json(person, &json);
    }
    let Some(sealed) = bytes.strip_prefix(REGISTRY_SEALED) else {
        return registry_from_json(person, bytes);
    };
    match sealed.split_at_checked(32) {
        Some((digest, json)) if registry_digest(person, json)[..] == *digest => {
            registry_from_json(person, json)
        }
        _ => Err(StoreError::Damaged {
            detail: format!("the registry entry of {person} does not match its digest"),
        }),
    }
}

pub(crate) fn damaged_key(person: PersonId) -> StoreError {
    StoreError::Damaged { detail: format!("the registry key of {person} is missing or damaged") }
}

pub(crate) fn registry_from_json(person: PersonId, bytes: &[u8]) -> Result<RegistryEntry, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| {
        StoreError::engine_error(format!("registry entry of {person} is unreadable: {error}"), error)
    })
}
