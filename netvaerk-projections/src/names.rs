//! Person names at report time, from the registry beside the log.

use netvaerk_core::PersonId;
use netvaerk_store::{EventStore, RegistryEntry};
use serde::Serialize;

/// A person as a report shows them: the id, and the name from the registry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PersonRef {
    /// The id, as in the events.
    pub id: PersonId,
    /// The name, or `(erased)` for an erased person, or `(not in the registry)`.
    pub name: String,
}

/// Looks names up in a store's person registry (or nowhere, for reports without names).
#[derive(Clone, Copy)]
pub struct Names<'a> {
    store: Option<&'a dyn EventStore>,
}

impl<'a> Names<'a> {
    /// Names from `store`'s registry.
    pub fn from_store(store: &'a dyn EventStore) -> Self {
        Self { store: Some(store) }
    }

    /// No names: every person shows as `(not in the registry)`.
    pub fn none() -> Self {
        Self { store: None }
    }

    /// The person as a report shows them.
    pub fn person(&self, id: PersonId) -> PersonRef {
        let entry = self.store.map(|store| store.registry_entry(id));
        let name = match entry {
            Some(Ok(Some(RegistryEntry::Known(data)))) => data.name,
            Some(Ok(Some(RegistryEntry::Erased { .. }))) => "(erased)".to_owned(),
            Some(Err(_)) => "(registry unreadable)".to_owned(),
            Some(Ok(None)) | None => "(not in the registry)".to_owned(),
        };
        PersonRef { id, name }
    }
}
