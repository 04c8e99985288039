//! `netvaerk list`'s lists as data: one typed row per person, unit, theme, network or round,
//! in the vocabulary commands take (`director_area`, `learning`, ids in full, numbers as
//! numbers, ISO dates). JSON is the rows as they are; the tables for people are drawn from
//! them.

use crate::{json, Document, Format};
use netvaerk::Error;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use netvaerk_core::{
    NetworkId, NetworkType, Outcome, PersonId, PersonRole, RoundId, ThemeId, ThemeStatus, UnitId, UnitKind,
};
use serde::Serialize;
use uuid::Uuid;

use super::{label, or_dash, Cell, Lang, Listing, Section};
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

/// The rows as a table for people in `lang`: ids short, words translated.
pub(super) fn section(rows: &Rows, lang: Lang) -> Section {
    let short = |id: Uuid| crate::lookup::short_id(id);
    let say = |english: &'static str| lang.say(english);
    let words =
        |values: Vec<String>| values.iter().map(|value| lang.word(value)).collect::<Vec<_>>().join(", ");
    let dash = |text: Option<&String>| text.map_or_else(|| "-".to_owned(), Clone::clone);
    match rows {
        Rows::Persons(rows) => {
            let mut section = Section::new(lang, say("Persons"), &["id", "name", "unit", "roles", "from"]);
            for row in rows {
                section.row(vec![
                    short(row.id.as_uuid()).into(),
                    row.name.clone().into(),
                    dash(row.unit_name.as_ref()).into(),
                    words(row.roles.iter().map(label).collect()).into(),
                    Cell::date(row.registered_on, lang),
                ]);
            }
            section
        }
        Rows::Units(rows) => {
            let mut section = Section::new(lang, say("Units"), &["id", "name", "kind", "unit", "from"]);
            for row in rows {
                section.row(vec![
                    short(row.id.as_uuid()).into(),
                    row.name.clone().into(),
                    lang.word(&label(&row.kind)).into(),
                    dash(row.parent_name.as_ref()).into(),
                    Cell::date(row.registered_on, lang),
                ]);
            }
            section
        }
        Rows::Themes(rows) => {
            let mut section =
                Section::new(lang, say("Themes"), &["id", "title", "status", "round", "rank", "type"]);
            for row in rows {
                section.row(vec![
                    short(row.id.as_uuid()).into(),
                    row.title.clone().into(),
                    lang.word(&row.status.to_string()).into(),
                    or_dash(row.round).into(),
                    row.rank.map_or_else(|| Cell::from("-".to_owned()), Cell::count),
                    row.recommended_type.map_or_else(|| "-".to_owned(), |t| lang.word(&t.to_string())).into(),
                ]);
            }
            section
        }
        Rows::Networks(rows) => {
            let mut section =
                Section::new(lang, say("Networks"), &["id", "theme", "type", "leader", "from", "now"]);
            for row in rows {
                let now = match row.outcome {
                    Some(outcome) => format!("{}: {}", say("closed"), lang.word(&outcome.to_string())),
                    None => row.phase.as_ref().map_or_else(|| "-".to_owned(), |phase| lang.phase(phase)),
                };
                section.row(vec![
                    short(row.id.as_uuid()).into(),
                    dash(row.theme_title.as_ref()).into(),
                    lang.word(&row.network_type.to_string()).into(),
                    row.leader_name.clone().into(),
                    Cell::date(row.started_on, lang),
                    now.into(),
                ]);
            }
            section
        }
        Rows::Rounds(rows) => {
            let mut section =
                Section::new(lang, say("Rounds"), &["round", "opened", "closed", "themes", "networks"]);
            for row in rows {
                section.row(vec![
                    row.round.to_string().into(),
                    Cell::date(row.opened_on, lang),
                    Cell::maybe_date(row.closed_on, lang),
                    Cell::count(row.themes),
                    Cell::count(row.networks),
                ]);
            }
            section
        }
    }
}

/// The list's content: its rows as JSON data, or one section drawn from them.
pub(crate) fn document(
    models: &ReadModels<'_>,
    listing: Listing,
    format: Format,
    lang: Lang,
) -> Result<Document, Error> {
    // JSON is for programs: the rows as data, in the commands' vocabulary.
    let rows = rows(models, listing);
    if format == Format::Json {
        return Ok(Document::Json(json(&rows)));
    }
    Ok(Document::Sections(vec![section(&rows, lang)]))
}
