//! The directory: the organisation's units with their names, its persons with their units and
//! roles, and the half-year rounds, as of the date asked. Lists are made from it, and names and
//! short ids typed by people are looked up in it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use netvaerk_core::{Event, PersonId, PersonRole, RoundId, UnitId, UnitKind};
use serde::{Deserialize, Serialize};

use crate::projection::{Fold, Recorded};

/// A unit of the base organisation, or the secretariat (ORG-1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitEntry {
    /// Director area, department or secretariat.
    pub kind: UnitKind,
    /// The unit above it.
    pub parent: Option<UnitId>,
    /// Its name in force, once named.
    pub name: Option<String>,
    /// When it was registered.
    pub registered_on: NaiveDate,
}

/// A registered person (their name is in the registry, not here).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonEntry {
    /// Their unit.
    pub unit: Option<UnitId>,
    /// Their standing roles.
    pub roles: BTreeSet<PersonRole>,
    /// When they were registered.
    pub registered_on: NaiveDate,
}

/// A half-year round of the chief forum (TH-3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundEntry {
    /// When it was opened.
    pub opened_on: NaiveDate,
    /// When it was closed, if it is.
    pub closed_on: Option<NaiveDate>,
}

/// Units, persons and rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Directory {
    /// Every unit, by id.
    pub units: BTreeMap<UnitId, UnitEntry>,
    /// Every person, by id.
    pub persons: BTreeMap<PersonId, PersonEntry>,
    /// Every round, by half-year.
    pub rounds: BTreeMap<RoundId, RoundEntry>,
    /// The organisation's name in force (AU-3), once named: reports open with it.
    pub organisation_name: Option<String>,
}

impl Directory {
    /// The unit's name, else its short id (the last eight hex digits, as tables print ids).
    pub fn unit_name(&self, unit: UnitId) -> String {
        match self.units.get(&unit).and_then(|entry| entry.name.clone()) {
            Some(name) => name,
            None => {
                let text = unit.as_uuid().simple().to_string();
                text[text.len() - 8..].to_owned()
            }
        }
    }
}

impl Fold for Directory {
    fn fold(&mut self, recorded: &Recorded<'_>) {
        let on = recorded.on();
        match recorded.event {
            Event::UnitRegistered { unit, kind, parent } => {
                self.units
                    .insert(*unit, UnitEntry { kind: *kind, parent: *parent, name: None, registered_on: on });
            }
            Event::UnitNamed { unit, name } => {
                if let Some(entry) = self.units.get_mut(unit) {
                    entry.name = Some(name.clone());
                }
            }
            Event::OrganisationNamed { name } => self.organisation_name = Some(name.clone()),
            Event::PersonRegistered { person, unit, roles } => {
                self.persons
                    .insert(*person, PersonEntry { unit: *unit, roles: roles.clone(), registered_on: on });
            }
            Event::PersonRolesChanged { person, roles } => {
                if let Some(entry) = self.persons.get_mut(person) {
                    entry.roles = roles.clone();
                }
            }
            Event::OrganisationFounded { chief_forum, secretariat } => {
                for (members, role) in
                    [(chief_forum, PersonRole::ChiefForum), (secretariat, PersonRole::Secretariat)]
                {
                    for member in members {
                        let entry = self.persons.entry(*member).or_insert_with(|| PersonEntry {
                            unit: None,
                            roles: BTreeSet::new(),
                            registered_on: on,
                        });
                        entry.roles.insert(role);
                    }
                }
            }
            Event::PersonMoved { person, unit } => {
                if let Some(entry) = self.persons.get_mut(person) {
                    entry.unit = Some(*unit);
                }
            }
            Event::RoundOpened { round, .. } => {
                self.rounds.insert(*round, RoundEntry { opened_on: on, closed_on: None });
            }
            Event::RoundClosed { round, .. } => {
                if let Some(entry) = self.rounds.get_mut(round) {
                    entry.closed_on = Some(on);
                }
            }
            _ => {}
        }
    }
}
