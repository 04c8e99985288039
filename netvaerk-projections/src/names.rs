//! Person names at report time, from the registry beside the log.

use std::collections::HashMap;

use netvaerk_core::PersonId;
use netvaerk_store::{EventStore, RegistryEntry};
use serde::Serialize;

/// A person as a report shows them: the id, and the name from the registry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonRef {
    /// The id, as in the events.
    pub id: PersonId,
    /// The name, or `(erased)` for an erased person, or `(not in the registry)`.
    pub name: String,
}

impl PersonRef {
    /// The order reports list persons in: by name, then by id where names are the same.
    pub fn by_name(&self) -> (&str, PersonId) {
        (&self.name, self.id)
    }
}

/// The registry as a report reads it: read once, in one go (one query on PostgreSQL), when the
/// report is made, so an erasure shows in every report made after it.
#[derive(Clone, Debug, Default)]
pub struct Names {
    entries: HashMap<PersonId, RegistryEntry>,
    unreadable: bool,
}

impl Names {
    /// Names from `store`'s registry. A registry that cannot be read names every person
    /// `(registry unreadable)`; the report itself is still made from the log.
    pub fn from_store(store: &dyn EventStore) -> Self {
        match store.registry_entries() {
            Ok(entries) => Self { entries: entries.into_iter().collect(), unreadable: false },
            Err(_) => Self { entries: HashMap::new(), unreadable: true },
        }
    }

    /// No names: every person shows as `(not in the registry)`.
    pub fn none() -> Self {
        Self::default()
    }

    /// The person as a report shows them.
    pub fn person(&self, id: PersonId) -> PersonRef {
        let name = match self.entries.get(&id) {
            Some(RegistryEntry::Known(data)) => data.name.clone(),
            Some(RegistryEntry::Erased { .. }) => "(erased)".to_owned(),
            None if self.unreadable => "(registry unreadable)".to_owned(),
            None => "(not in the registry)".to_owned(),
        };
        PersonRef { id, name }
    }
}
