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

impl PersonalData {
    /// Checks the data before it is stored: a name that is not blank, every field at most 200
    /// characters (an e-mail address 320), and none holding a control character or a
    /// bidirectional override.
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
        Ok(())
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

/// The stored type name of the erasure record appended to the `$registry` stream.
pub const PERSON_ERASED: &str = "PersonErased";

/// The stored type name of the redaction record appended to the `$redactions` stream.
pub const PAYLOAD_REDACTED: &str = "PayloadRedacted";
