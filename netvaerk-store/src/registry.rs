//! The person registry: personal data beside the log, keyed by person id, erasable.

use chrono::{DateTime, Utc};
use netvaerk_core::PersonId;
use serde::{Deserialize, Serialize};

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

/// The stored type name of the erasure record appended to the `$registry` stream.
pub const PERSON_ERASED: &str = "PersonErased";

/// The stored type name of the redaction record appended to the `$redactions` stream.
pub const PAYLOAD_REDACTED: &str = "PayloadRedacted";
