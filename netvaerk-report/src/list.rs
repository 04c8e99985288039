//! `netvaerk list`'s lists as data: one typed row per person, unit, theme, network or round,
//! in the vocabulary commands take (`director_area`, `learning`, ids in full, numbers as
//! numbers, ISO dates). JSON is the rows as they are; the tables for people are drawn from
//! them.

use crate::json;
use netvaerk::Error;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use netvaerk_core::{
    NetworkId, NetworkType, Outcome, PersonId, PersonRole, RoundId, ThemeId, ThemeStatus, UnitId, UnitKind,
};
use serde::Serialize;
use uuid::Uuid;

use crate::content::{Section, Value};
use crate::Listing;
use netvaerk::ReadModels;

/// A person of `list persons`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonRow {
    /// The person.
    pub id: PersonId,
    /// Their name from the registry (or a marker where it is erased or missing).
    pub name: String,
    /// Their unit, if any.
    pub unit: Option<UnitId>,
    /// That unit's name.
    pub unit_name: Option<String>,
    /// Their standing roles.
    pub roles: BTreeSet<PersonRole>,
    /// When they were registered.
    pub registered_on: NaiveDate,
}

/// A unit of `list units`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitRow {
    /// The unit.
    pub id: UnitId,
    /// Its name in force.
    pub name: String,
    /// Director area, department or the secretariat.
    pub kind: UnitKind,
    /// The unit it belongs to, if any.
    pub parent: Option<UnitId>,
    /// That unit's name.
    pub parent_name: Option<String>,
    /// When it was registered.
    pub registered_on: NaiveDate,
}

/// A theme of `list themes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ThemeRow {
    /// The theme.
    pub id: ThemeId,
    /// Its title.
    pub title: String,
    /// Where it stands.
    pub status: ThemeStatus,
    /// The round of its latest decision.
    pub round: Option<RoundId>,
    /// Its rank, if prioritised.
    pub rank: Option<u32>,
    /// The network type recommended, if prioritised.
    pub recommended_type: Option<NetworkType>,
}

/// A network of `list networks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkRow {
    /// The network.
    pub id: NetworkId,
    /// Its theme.
    pub theme: ThemeId,
    /// That theme's title.
    pub theme_title: Option<String>,
    /// Its type.
    pub network_type: NetworkType,
    /// Its leader.
    pub leader: PersonId,
    /// The leader's name.
    pub leader_name: String,
    /// When it started.
    pub started_on: NaiveDate,
    /// The phase it is in, while it runs.
    pub phase: Option<String>,
    /// How it closed, once it has.
    pub outcome: Option<Outcome>,
}

/// A round of `list rounds`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundRow {
    /// The half-year.
    pub round: RoundId,
    /// When it opened.
    pub opened_on: NaiveDate,
    /// When it closed, if it has.
    pub closed_on: Option<NaiveDate>,
    /// The themes that competed in it.
    pub themes: usize,
    /// The networks started in its half-year.
    pub networks: usize,
}

/// One list's rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Rows {
    /// `list persons`, by name.
    Persons(Vec<PersonRow>),
    /// `list units`.
    Units(Vec<UnitRow>),
    /// `list themes`.
    Themes(Vec<ThemeRow>),
    /// `list networks`.
    Networks(Vec<NetworkRow>),
    /// `list rounds`.
    Rounds(Vec<RoundRow>),
}

/// The rows of `listing`.
pub fn rows(models: &ReadModels<'_>, listing: Listing) -> Rows {
    let (all, names) = (models.all, models.names);
    let directory = &all.directory;
    match listing {
        Listing::Persons => {
            let mut rows: Vec<PersonRow> = directory
                .persons
                .iter()
                .map(|(id, person)| PersonRow {
                    id: *id,
                    name: names.person(*id).name,
                    unit: person.unit,
                    unit_name: person.unit.map(|unit| directory.unit_name(unit)),
                    roles: person.roles.clone(),
                    registered_on: person.registered_on,
                })
                .collect();
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            Rows::Persons(rows)
        }
        Listing::Units => Rows::Units(
            directory
                .units
                .iter()
                .map(|(id, unit)| UnitRow {
                    id: *id,
                    name: directory.unit_name(*id),
                    kind: unit.kind,
                    parent: unit.parent,
                    parent_name: unit.parent.map(|parent| directory.unit_name(parent)),
                    registered_on: unit.registered_on,
                })
                .collect(),
        ),
        Listing::Themes => Rows::Themes(
            all.portfolio
                .themes
                .iter()
                .map(|(id, theme)| ThemeRow {
                    id: *id,
                    title: theme.title.clone(),
                    status: theme.status,
                    round: theme.round,
                    rank: theme.rank,
                    recommended_type: theme.recommended_type,
                })
                .collect(),
        ),
        Listing::Networks => Rows::Networks(
            all.portfolio
                .networks
                .iter()
                .map(|(id, network)| NetworkRow {
                    id: *id,
                    theme: network.theme,
                    theme_title: all.portfolio.themes.get(&network.theme).map(|theme| theme.title.clone()),
                    network_type: network.network_type,
                    leader: network.leader,
                    leader_name: names.person(network.leader).name,
                    started_on: network.started_on,
                    phase: network.phase.clone(),
                    outcome: network.outcome,
                })
                .collect(),
        ),
        Listing::Rounds => Rows::Rounds(
            directory
                .rounds
                .iter()
                .map(|(round, entry)| RoundRow {
                    round: *round,
                    opened_on: entry.opened_on,
                    closed_on: entry.closed_on,
                    themes: all.audit.rounds.get(round).map_or(0, |themes| themes.len()),
                    networks: all
                        .portfolio
                        .networks
                        .values()
                        .filter(|network| RoundId::containing(network.started_on) == *round)
                        .count(),
                })
                .collect(),
        ),
    }
}

/// The rows as a table for people: ids short, words to be translated.
fn section(rows: &Rows) -> Section {
    let short = |id: Uuid| Value::Text(crate::lookup::short_id(id));
    let words = |values: Vec<Value>| Value::joined(values, ", ");
    match rows {
        Rows::Persons(rows) => {
            let mut section = Section::new(Value::Say("Persons"), &["id", "name", "unit", "roles", "from"]);
            for row in rows {
                section.row([
                    short(row.id.as_uuid()),
                    Value::text(&row.name),
                    Value::shown_or_dash(row.unit_name.as_ref()),
                    words(row.roles.iter().map(Value::label).collect()),
                    Value::Date(row.registered_on),
                ]);
            }
            section
        }
        Rows::Units(rows) => {
            let mut section = Section::new(Value::Say("Units"), &["id", "name", "kind", "unit", "from"]);
            for row in rows {
                section.row([
                    short(row.id.as_uuid()),
                    Value::text(&row.name),
                    Value::label(&row.kind),
                    Value::shown_or_dash(row.parent_name.as_ref()),
                    Value::Date(row.registered_on),
                ]);
            }
            section
        }
        Rows::Themes(rows) => {
            let mut section =
                Section::new(Value::Say("Themes"), &["id", "title", "status", "round", "rank", "type"]);
            for row in rows {
                section.row([
                    short(row.id.as_uuid()),
                    Value::text(&row.title),
                    Value::word(row.status),
                    Value::shown_or_dash(row.round),
                    Value::or_dash(row.rank, Value::count),
                    Value::or_dash(row.recommended_type, Value::word),
                ]);
            }
            section
        }
        Rows::Networks(rows) => {
            let mut section =
                Section::new(Value::Say("Networks"), &["id", "theme", "type", "leader", "from", "now"]);
            for row in rows {
                section.row([
                    short(row.id.as_uuid()),
                    Value::shown_or_dash(row.theme_title.as_ref()),
                    Value::word(row.network_type),
                    Value::text(&row.leader_name),
                    Value::Date(row.started_on),
                    crate::reports::portfolio::now(row.outcome, row.phase.as_ref()),
                ]);
            }
            section
        }
        Rows::Rounds(rows) => {
            let mut section =
                Section::new(Value::Say("Rounds"), &["round", "opened", "closed", "themes", "networks"]);
            for row in rows {
                section.row([
                    Value::Text(row.round.to_string()),
                    Value::Date(row.opened_on),
                    Value::maybe_date(row.closed_on),
                    Value::count(row.themes),
                    Value::count(row.networks),
                ]);
            }
            section
        }
    }
}

/// The list's JSON: its rows as data.
pub(crate) fn data(models: &ReadModels<'_>, listing: Listing) -> Result<String, Error> {
    // JSON is for programs: the rows as data, in the commands' vocabulary.
    Ok(json(&rows(models, listing)))
}

/// The list's one section.
pub(crate) fn sections(models: &ReadModels<'_>, listing: Listing) -> Result<Vec<Section>, Error> {
    Ok(vec![section(&rows(models, listing))])
}
