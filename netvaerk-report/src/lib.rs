//! Reports as documents: tables for an 80-column terminal, Markdown, CSV, JSON and HTML, with
//! English or Danish titles and column headers. The `netvaerk` program and the HTTP service
//! render the same documents from the same [`ReadModels`].
//!
//! ```
//! use netvaerk_report::{render, Format, Lang, Report};
//! use netvaerk::{projections::AsOf, Service};
//! use std::sync::Arc;
//!
//! let service = Service::new(Arc::new(netvaerk::store::MemoryStore::new()));
//! let organisation = netvaerk::core::OrganisationId::generate();
//! let text = service.read_models(organisation, AsOf::Now, |models| {
//!     render(&models, &Report::Portfolio, Format::Markdown, Lang::Da)
//! })??;
//! assert!(text.contains("### Netværk"));
//! # Ok::<(), netvaerk::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use netvaerk_core::{CountRange, NetworkId, NetworkType, OutputKind, RoundId, ThemeId, UnitId, Warning};
use netvaerk_projections::{
    summary_in, All, AsOf, AuditEntry, ForecastReport, PersonRef, PortfolioReport, RoundOutcome, Wording,
};
use uuid::Uuid;

use netvaerk::Error;
use netvaerk::ReadModels;

mod html;
mod list;
pub mod lookup;
mod text;

pub use list::{rows, NetworkRow, PersonRow, RoundRow, Rows, ThemeRow, UnitRow};
pub use netvaerk::{untranslated, Lang, GLOSSARY};

/// The width of a table when nothing says otherwise.
pub const WIDTH: usize = 80;

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    /// Themes by status and networks by type and phase.
    Portfolio,
    /// Starts per half-year against NW-2/NW-3, innovation networks against NW-4, overrides.
    HalfYear,
    /// Every role each person held, and their load.
    Leaders,
    /// The load ahead (PR-4): each leader's and co-driver's planned intensive weeks for the
    /// next half-year from the running networks' plans, where the plans ask more at once than
    /// the policy allows, and each personnel leader's staff.
    Forecast,
    /// Competence tracks, the pool of qualified leaders, cohorts.
    Competence,
    /// The audit trail of a theme or a network, by its id.
    Audit(Uuid),
    /// The chief forum's half-year round at a glance (TH-2, TH-3): its themes, new and
    /// carried over, each criterion's assessment, the ranking, deferrals and rejections with
    /// reasons, the starts that followed, and the overrides.
    Round(RoundId),
    /// A list of the organisation's persons, units, themes, networks or rounds.
    List(Listing),
    /// The overview for the chief forum: in HTML, a timeline of every network, starts per
    /// half-year against NW-2/NW-3, the load per person and month (PR-4), the competence
    /// pipeline, then the portfolio, half-year, competence and audit tables.
    Overview,
}

/// What `netvaerk list` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Persons: name, unit, standing roles.
    Persons,
    /// Units: name, kind, the unit above.
    Units,
    /// Themes: title, status, round, rank.
    Themes,
    /// Networks: theme, type, leader, start, where it is now.
    Networks,
    /// Rounds: opened, closed, themes, starts.
    Rounds,
}

impl Report {
    /// The report's name in URLs and on the command line (`audit` for an audit trail).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Portfolio => "portfolio",
            Self::HalfYear => "halfyear",
            Self::Leaders => "leaders",
            Self::Forecast => "forecast",
            Self::Competence => "competence",
            Self::Audit(_) => "audit",
            Self::Round(_) => "round",
            Self::Overview => "overview",
            Self::List(Listing::Persons) => "persons",
            Self::List(Listing::Units) => "units",
            Self::List(Listing::Themes) => "themes",
            Self::List(Listing::Networks) => "networks",
            Self::List(Listing::Rounds) => "rounds",
        }
    }

    /// The reports that take no id, by [`Report::name`].
    pub const NAMED: [Report; 11] = [
        Self::Portfolio,
        Self::HalfYear,
        Self::Leaders,
        Self::Forecast,
        Self::Competence,
        Self::Overview,
        Self::List(Listing::Persons),
        Self::List(Listing::Units),
        Self::List(Listing::Themes),
        Self::List(Listing::Networks),
        Self::List(Listing::Rounds),
    ];
}

impl FromStr for Report {
    type Err = Error;

    /// `portfolio`, `halfyear` (or `half-year`), `leaders`, `forecast`, `competence`, `overview`, and the
    /// lists `persons`, `units`, `themes`, `networks`, `rounds`.
    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted = if text == "half-year" { "halfyear" } else { text };
        Self::NAMED.into_iter().find(|report| report.name() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Self::NAMED.iter().map(Report::name).collect();
            Error::input(
                "unknown_report",
                Some("report"),
                Some(text.to_owned()),
                format!(
                    "there is no report {text:?}; the reports are {}, audit/ID and round/HALFYEAR",
                    names.join(", ")
                ),
            )
        })
    }
}

/// A report's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tables for an 80-column terminal (`text/plain`).
    Table,
    /// Markdown (`text/markdown`).
    Markdown,
    /// CSV (`text/csv`): every section in one file with a section column, or one with `--section`.
    Csv,
    /// The read model's own JSON (`application/json`).
    Json,
    /// A whole HTML page (`text/html`).
    Html,
}

impl Format {
    /// Every format, in the order content negotiation prefers them.
    pub const ALL: [Format; 5] = [Self::Json, Self::Html, Self::Csv, Self::Markdown, Self::Table];

    /// The format's name: `table`, `md`, `csv`, `json`, `html`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Markdown => "md",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Html => "html",
        }
    }

    /// The media type, with its charset where it is text.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Table => "text/plain; charset=utf-8",
            Self::Markdown => "text/markdown; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::Html => "text/html; charset=utf-8",
        }
    }

    /// The format a media type names (`text/csv`), parameters ignored.
    pub fn from_media_type(media_type: &str) -> Option<Format> {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        Self::ALL.into_iter().find(|format| {
            format.media_type().split(';').next().is_some_and(|own| own.eq_ignore_ascii_case(essence))
        })
    }
}

impl FromStr for Format {
    type Err = Error;

    /// `table`, `md` (or `markdown`), `csv`, `json`, `html`.
    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted = if text == "markdown" { "md" } else { text };
        Self::ALL.into_iter().find(|format| format.name() == wanted).ok_or_else(|| {
            Error::input(
                "unsupported_format",
                Some("format"),
                Some(text.to_owned()),
                format!("{text:?} is not a report format; use table, md, csv, json or html"),
            )
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One table of a report.
struct Section {
    lang: Lang,
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The words the read models put where data is gone: a redacted text
/// ([`netvaerk_core::REDACTED_TEXT`]) and a person's name erased or missing. A report shows
/// them in its language.
const MARKERS: [&str; 4] =
    [netvaerk_core::REDACTED_TEXT, "(erased)", "(not in the registry)", "(registry unreadable)"];

impl Section {
    fn new(lang: Lang, title: impl Into<String>, headers: &[&'static str]) -> Self {
        Self {
            lang,
            title: title.into(),
            headers: headers.iter().map(|header| lang.say(header).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; the markers of missing data in it are put in the report's language.
    fn row(&mut self, mut cells: Vec<String>) {
        if self.lang != Lang::En {
            for cell in &mut cells {
                for marker in MARKERS {
                    if cell.contains(marker) {
                        *cell = cell.replace(marker, self.lang.say(marker));
                    }
                }
            }
        }
        self.rows.push(cells);
    }
}

use crate::lookup::short_id as short;

fn name(person: &PersonRef) -> String {
    person.name.clone()
}

/// The serde name of a unit enum, in words: `reference_leader` reads "reference leader".
fn label<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default()
}

fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// A policy's range as the rules state it: `4-5`, or `1` where it is one number.
fn range(range: CountRange) -> String {
    if range.min == range.max {
        range.min.to_string()
    } else {
        format!("{}-{}", range.min, range.max)
    }
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// How to render a report: the format, the language, the width of a terminal table, and one
/// section instead of all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The format.
    pub format: Format,
    /// The language of titles and headers.
    pub lang: Lang,
    /// The width of [`Format::Table`] tables, in characters (at least 7 a column).
    pub width: usize,
    /// Only this section: its number from 1, or the start of its title (any case). Every
    /// format but JSON (which holds everything) renders only that section.
    pub section: Option<String>,
    /// What the report says of itself, on top of it (see [`Stamp`]); `None`: no stamp.
    pub stamp: Option<Stamp>,
}

impl Options {
    /// `format` in `lang`, 80 columns wide, every section, no stamp.
    pub fn new(format: Format, lang: Lang) -> Self {
        Self { format, lang, width: WIDTH, section: None, stamp: None }
    }
}

/// What a printed report says of itself, so that a reader can tell which log and which date it
/// shows: the organisation, the as-of, the log's head it was made from (give it to
/// `netvaerk verify --expect` to prove a later log still extends it), the policy in force on the
/// as-of date, and when it was made. Tables, Markdown and HTML print it above the report; CSV
/// adds it as a last block (when it holds every section); JSON stays the read model's own and
/// the HTTP service sends the stamp in headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The organisation.
    pub organisation: netvaerk_core::OrganisationId,
    /// As of what.
    pub as_of: AsOf,
    /// The log's head when the report was made.
    pub head: Option<netvaerk_store::Head>,
    /// When it was made.
    pub made_at: chrono::DateTime<chrono::Utc>,
}

impl Stamp {
    /// A stamp for `organisation` as of `as_of`, with the store's head, made now.
    pub fn now(
        organisation: netvaerk_core::OrganisationId,
        as_of: AsOf,
        store: &dyn netvaerk_store::EventStore,
    ) -> Result<Self, Error> {
        Ok(Self { organisation, as_of, head: store.head()?, made_at: chrono::Utc::now() })
    }

    /// Its fields, labelled in `lang`, with the policy in force on the as-of date.
    fn fields(&self, all: &All, lang: Lang) -> Vec<(&'static str, String)> {
        let say = |english: &'static str| lang.say(english);
        let as_of = match self.as_of {
            AsOf::Now => say("everything recorded").to_owned(),
            AsOf::Date(date) => lang.date(date),
            AsOf::Position(position) => format!("{} {position}", say("position")),
        };
        let head = self.head.map_or_else(
            || say("(empty)").to_owned(),
            |head| format!("{} {}", head.position, netvaerk_store::hex(&head.hash)),
        );
        let date = match self.as_of {
            AsOf::Date(date) => date,
            _ => chrono::NaiveDate::MAX,
        };
        let policies = &all.portfolio.policies;
        let policy = match policies.change_on(date) {
            None => say("the NS3 defaults").to_owned(),
            Some(change) => {
                let from = change
                    .in_force_from
                    .map_or_else(|| say("the beginning").to_owned(), |from| lang.date(from));
                format!(
                    "{} {} {} {}, {} {from}",
                    say("change"),
                    change.number,
                    say("of"),
                    policies.len(),
                    say("in force from")
                )
            }
        };
        vec![
            (say("organisation"), self.organisation.to_string()),
            (say("as of"), as_of),
            (say("log head"), head),
            (say("policy"), policy),
            (say("made"), self.made_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
        ]
    }
}

/// Renders `report` from `models` in `format`, its titles and headers in `lang`: every
/// section, tables 80 columns wide ([`render_with`] for the rest).
///
/// An audit trail of an id that names no theme or network (as of the read models' date) is
/// [`Error::Input`] with the code `unknown_subject`.
pub fn render(models: &ReadModels<'_>, report: &Report, format: Format, lang: Lang) -> Result<String, Error> {
    render_with(models, report, &Options::new(format, lang))
}

/// The one section `wanted` names (its number from 1, or the start of its title).
fn select(mut sections: Vec<Section>, wanted: &str) -> Result<Vec<Section>, Error> {
    let wanted = wanted.trim();
    let index = match wanted.parse::<usize>() {
        Ok(number) => number.checked_sub(1).filter(|index| *index < sections.len()),
        Err(_) => {
            let lower = wanted.to_lowercase();
            sections.iter().position(|section| section.title.to_lowercase().starts_with(&lower))
        }
    };
    match index {
        Some(index) => Ok(vec![sections.swap_remove(index)]),
        None => {
            let titles: Vec<String> = sections
                .iter()
                .enumerate()
                .map(|(index, section)| format!("{}: {}", index + 1, section.title))
                .collect();
            Err(Error::input(
                "unknown_section",
                Some("section"),
                Some(wanted.to_owned()),
                format!("the report has no section {wanted:?}; its sections are {}", titles.join("; ")),
            ))
        }
    }
}

/// A report's content before its format: the read model's JSON, or its sections.
fn document(models: &ReadModels<'_>, report: &Report, format: Format, lang: Lang) -> Result<Document, Error> {
    let all = models.all;
    let names = models.names;
    let say = |english: &'static str| lang.say(english).to_owned();
    let kept = |kept: bool| say(if kept { "kept" } else { "outside" });
    let sections = match report {
        Report::Portfolio => {
            let report = all.portfolio.report(names);
            if format == Format::Json {
                return Ok(Document::Json(json(&report)));
            }
            let mut networks =
                Section::new(lang, say("Networks"), &["network", "theme", "type", "leader", "now"]);
            for row in &report.networks {
                let network = &row.network;
                let now = match network.outcome {
                    Some(outcome) => format!("{}: {}", say("closed"), lang.word(&outcome.to_string())),
                    None => network.phase.as_ref().map_or_else(|| "-".to_owned(), |phase| lang.phase(phase)),
                };
                networks.row(vec![
                    short(network.network.as_uuid()),
                    row.theme_title.clone(),
                    lang.word(&network.network_type.to_string()),
                    name(&row.leader_name),
                    now,
                ]);
            }
            let mut themes =
                Section::new(lang, say("Themes"), &["theme", "title", "status", "round", "rank", "type"]);
            for theme in &report.themes {
                themes.row(vec![
                    short(theme.theme.as_uuid()),
                    theme.title.clone(),
                    lang.word(&theme.status.to_string()),
                    or_dash(theme.round),
                    or_dash(theme.rank),
                    theme.recommended_type.map_or_else(|| "-".to_owned(), |t| lang.word(&t.to_string())),
                ]);
            }
            let mut summary = Section::new(lang, say("Innovation networks (NW-4)"), &["running", "limit"]);
            summary.row(vec![report.innovation_running.to_string(), report.innovation_limit.to_string()]);
            let (produced, participants) = products(all, &report, lang);
            vec![networks, themes, summary, produced, participants]
        }
        Report::HalfYear => {
            let rows = all.portfolio.half_years();
            if format == Format::Json {
                return Ok(Document::Json(json(&rows)));
            }
            let mut counts = Section::new(
                lang,
                say("Starts per half-year, each judged by the policy in force on its first day (NW-2: all starts; NW-3: learning, welfare; NW-4: innovation running at its end / limit)"),
                &["half-year", "learning", "welfare", "innov.", "total", "NW-2", "NW-3", "NW-4"],
            );
            let mut overrides = Section::new(
                lang,
                say("Overridden warnings"),
                &["date", "rule", "decision", "warning", "rationale"],
            );
            for row in &rows {
                counts.row(vec![
                    row.half_year.to_string(),
                    row.learning.to_string(),
                    row.welfare.to_string(),
                    row.innovation.to_string(),
                    row.total.to_string(),
                    format!("{} {}", kept(row.nw2_kept), range(row.expected_total)),
                    format!(
                        "{} {}, {}",
                        kept(row.nw3_kept),
                        range(row.expected_learning),
                        range(row.expected_welfare)
                    ),
                    format!("{}/{}", row.innovation_running_at_end, row.innovation_limit),
                ]);
                for o in &row.overrides {
                    overrides.row(vec![
                        lang.date(o.occurred_on),
                        o.acknowledged.warning.rule().to_string(),
                        o.event_type.to_owned(),
                        warning_text(all, &o.acknowledged.warning, lang),
                        o.acknowledged.rationale.clone(),
                    ]);
                }
            }
            vec![counts, overrides]
        }
        Report::Leaders => {
            let report = all.leaders.report(names);
            if format == Format::Json {
                return Ok(Document::Json(json(&report)));
            }
            let mut spells =
                Section::new(lang, say("Roles held"), &["person", "role", "theme", "from", "to"]);
            let mut load = Section::new(
                lang,
                say("Load (PR-4): intensive weeks a month"),
                &["person", "month", "weeks"],
            );
            for history in &report {
                for spell in &history.spells {
                    spells.row(vec![
                        name(&history.person),
                        lang.word(&label(&spell.role)),
                        spell.note.clone().unwrap_or_else(|| {
                            spell.network.map_or_else(|| "-".to_owned(), |network| theme_title(all, network))
                        }),
                        lang.date(spell.from),
                        spell.to.map_or_else(|| "-".to_owned(), |to| lang.date(to)),
                    ]);
                }
                for month in &history.load {
                    load.row(vec![
                        name(&history.person),
                        month.month.clone(),
                        lang.decimal(month.intensive_weeks),
                    ]);
                }
            }
            vec![spells, load]
        }
        Report::Forecast => {
            let report = all.forecast.report(names);
            if format == Format::Json {
                return Ok(Document::Json(json(&report)));
            }
            forecast(all, report.as_ref(), lang)
        }
        Report::Competence => {
            let report = all.competence.report(names);
            if format == Format::Json {
                return Ok(Document::Json(json(&report)));
            }
            let mut tracks = Section::new(
                lang,
                say("Competence tracks (NL-3: the mean of the latest scores, 1-5, and how many were scored)"),
                &["person", "stage", "days", "written", "oral", "diploma", "may lead", "NL-3"],
            );
            for row in &report.tracks {
                let yes = |b: bool| if b { say("yes") } else { "-".to_owned() };
                let may_lead = if row.may_lead.len() == 3 {
                    vec![say("all types")]
                } else {
                    row.may_lead.iter().map(|t| lang.word(&t.to_string())).collect()
                };
                tracks.row(vec![
                    name(&row.person),
                    lang.word(&label(&row.stage)),
                    format!("{}/5", row.teaching_days),
                    yes(row.written),
                    yes(row.oral),
                    yes(row.diploma),
                    may_lead.join(", "),
                    // NL-3: the mean of the latest competence scores, and how many were scored.
                    row.competence_mean.map_or_else(
                        || "-".to_owned(),
                        |mean| format!("{} ({})", lang.decimal(mean), row.competences.len()),
                    ),
                ]);
            }
            let mut cohorts = Section::new(
                lang,
                say("Cohorts (CO-2: the size in force when formed; CO-4: 2/3 department, 1/3 secretariat)"),
                &["cohort", "formed", "size", "CO-2", "diplomas", "departments"],
            );
            for cohort in &report.cohorts {
                cohorts.row(vec![
                    short(cohort.cohort.as_uuid()),
                    lang.date(cohort.formed_on),
                    cohort.size.to_string(),
                    format!("{} {}", kept(cohort.within_range), range(cohort.expected)),
                    cohort.diplomas.to_string(),
                    cohort.cost_split.len().to_string(),
                ]);
            }
            // CO-4: who pays for the places, in places and, where the policy prices a place, kroner.
            let mut costs = Section::new(
                lang,
                say("Diploma costs per cohort and department (CO-4: the split and price in force when formed)"),
                &["cohort", "department", "members", "department pays", "secretariat pays"],
            );
            let pays = |places: f64, kroner: Option<u64>| match kroner {
                Some(kroner) => format!("{} ({})", lang.decimal(places), Wording::kroner(&lang, kroner)),
                None => lang.decimal(places),
            };
            for cohort in &report.cohorts {
                for share in &cohort.cost_split {
                    costs.row(vec![
                        short(cohort.cohort.as_uuid()),
                        share.unit.map_or_else(|| "-".to_owned(), |unit| all.directory.unit_name(unit)),
                        share.members.to_string(),
                        pays(share.split.department_share, share.split.department_kr),
                        pays(share.split.secretariat_share, share.split.secretariat_kr),
                    ]);
                }
            }
            let mut pool = Section::new(lang, say("The pool of qualified leaders (NL-1)"), &["person"]);
            for person in &report.pool {
                pool.row(vec![name(person)]);
            }
            vec![tracks, cohorts, costs, pool]
        }
        Report::Audit(id) => return audit(models, *id, format, lang),
        Report::Round(round) => return round_report(models, *round, format, lang),
        Report::Overview => {
            if format == Format::Json {
                let json = serde_json::json!({
                    "portfolio": all.portfolio.report(names),
                    "half_years": all.portfolio.half_years(),
                    "leaders": all.leaders.report(names),
                    "competence": all.competence.report(names),
                });
                return Ok(Document::Json(self::json(&json)));
            }
            let mut sections = Vec::new();
            let themes = all.portfolio.themes.keys().map(|theme| Report::Audit(theme.as_uuid()));
            for part in [Report::Portfolio, Report::HalfYear, Report::Competence].into_iter().chain(themes) {
                if let Document::Sections(more) = document(models, &part, format, lang)? {
                    sections.extend(more);
                }
            }
            sections
        }
        Report::List(listing) => {
            // JSON is for programs: the rows as data, in the commands' vocabulary.
            let rows = list::rows(models, *listing);
            if format == Format::Json {
                return Ok(Document::Json(json(&rows)));
            }
            vec![list::section(&rows, lang)]
        }
    };
    Ok(Document::Sections(sections))
}

/// The units' names, joined.
fn unit_names(all: &All, units: impl IntoIterator<Item = UnitId>) -> String {
    let names: Vec<String> = units.into_iter().map(|unit| all.directory.unit_name(unit)).collect();
    if names.is_empty() {
        "-".to_owned()
    } else {
        names.join(", ")
    }
}

/// What the networks produced (TP-4), and who took part from which units (TP-3): a learning
/// network's participants put its knowledge into play in their own units, so the table shows
/// how many of their units a recorded sharing of knowledge reached.
fn products(all: &All, report: &PortfolioReport, lang: Lang) -> (Section, Section) {
    let say = |english: &'static str| lang.say(english).to_owned();
    let mut produced = Section::new(
        lang,
        say("What the networks produced (TP-4)"),
        &["theme", "recorded", "kind", "what", "units"],
    );
    let mut participants = Section::new(
        lang,
        say("Participants and their units (TP-3); a learning network's knowledge shared back to them"),
        &["theme", "participants", "their units", "shared back"],
    );
    for row in &report.networks {
        let network = &row.network;
        for output in &network.outputs {
            produced.row(vec![
                row.theme_title.clone(),
                lang.date(output.recorded_on),
                lang.word(&output.kind.to_string()),
                output.description.clone(),
                unit_names(all, output.units.iter().copied()),
            ]);
        }
        if network.participants.is_empty() {
            continue;
        }
        let units: BTreeSet<UnitId> = network
            .participants
            .iter()
            .filter_map(|person| all.directory.persons.get(person).and_then(|entry| entry.unit))
            .collect();
        let shared: BTreeSet<UnitId> = network
            .outputs
            .iter()
            .filter(|output| output.kind == OutputKind::Knowledge)
            .flat_map(|output| output.units.iter().copied())
            .filter(|unit| units.contains(unit))
            .collect();
        participants.row(vec![
            row.theme_title.clone(),
            network.participants.len().to_string(),
            unit_names(all, units.iter().copied()),
            match network.network_type {
                NetworkType::Learning => format!("{} / {}", shared.len(), units.len()),
                NetworkType::Welfare | NetworkType::Innovation => "-".to_owned(),
            },
        ]);
    }
    (produced, participants)
}

/// The theme a network works on, by title.
fn theme_title(all: &All, network: NetworkId) -> String {
    all.portfolio
        .networks
        .get(&network)
        .and_then(|network| all.portfolio.themes.get(&network.theme))
        .map_or_else(|| "-".to_owned(), |theme| theme.title.clone())
}

/// The forecast's sections (PR-4); empty before any decision.
fn forecast(all: &All, report: Option<&ForecastReport>, lang: Lang) -> Vec<Section> {
    let say = |english: &'static str| lang.say(english).to_owned();
    let themes = |networks: &[NetworkId]| {
        networks.iter().map(|network| theme_title(all, *network)).collect::<Vec<_>>().join("; ")
    };
    let mut load = Section::new(
        lang,
        say("Load ahead (PR-4): planned intensive weeks a month, half a year from the last decision"),
        &["person", "month", "weeks"],
    );
    let mut periods = Section::new(
        lang,
        say("Intensive periods ahead, by each network's own plan"),
        &["person", "role", "theme", "phase", "from", "to"],
    );
    let mut overloads = Section::new(
        lang,
        say("More intensive periods at once than the policy allows (PR-4)"),
        &["person", "from", "to", "at once", "limit", "themes"],
    );
    let mut staff = Section::new(
        lang,
        say("Personnel leaders: the intensive weeks ahead of the staff they lend to networks"),
        &["personnel leader", "staff", "weeks", "themes"],
    );
    let limit = report.map_or(0, |report| report.max_intensive_at_once).to_string();
    for person in report.map(|report| report.people.as_slice()).unwrap_or_default() {
        for month in &person.load {
            load.row(vec![name(&person.person), month.month.clone(), lang.decimal(month.intensive_weeks)]);
        }
        for period in &person.periods {
            periods.row(vec![
                name(&person.person),
                lang.word(&label(&period.role)),
                theme_title(all, period.network),
                lang.phase(&period.phase),
                lang.date(period.from),
                lang.date(period.to),
            ]);
        }
        for overload in &person.overloads {
            overloads.row(vec![
                name(&person.person),
                lang.date(overload.from),
                lang.date(overload.to),
                overload.at_once.to_string(),
                limit.clone(),
                themes(&overload.networks),
            ]);
        }
    }
    for personnel_leader in report.map(|report| report.personnel_leaders.as_slice()).unwrap_or_default() {
        for member in &personnel_leader.staff {
            staff.row(vec![
                name(&personnel_leader.personnel_leader),
                name(&member.person),
                lang.decimal(member.intensive_weeks),
                themes(&member.networks),
            ]);
        }
    }
    vec![load, periods, overloads, staff]
}

/// Renders `report` from `models` as `options` say.
pub fn render_with(models: &ReadModels<'_>, report: &Report, options: &Options) -> Result<String, Error> {
    let (format, lang, all) = (options.format, options.lang, models.all);
    let sections = match document(models, report, format, lang)? {
        Document::Json(text) => return Ok(text),
        Document::Sections(sections) => sections,
    };
    let sections = match &options.section {
        Some(wanted) => select(sections, wanted)?,
        None => sections,
    };
    let stamp = options.stamp.as_ref().map(|stamp| stamp.fields(all, lang)).unwrap_or_default();
    let line = stamp.iter().map(|(label, value)| format!("{label}: {value}")).collect::<Vec<_>>().join(" | ");
    Ok(match format {
        Format::Table => {
            let tables =
                sections.iter().map(|section| text::table(section, lang, options.width)).collect::<Vec<_>>();
            let mut text = if stamp.is_empty() {
                String::new()
            } else {
                text::wrap(&line, options.width).join("\n") + "\n\n"
            };
            text.push_str(&tables.join("\n"));
            text
        }
        Format::Markdown => {
            let mut text = if stamp.is_empty() {
                String::new()
            } else {
                format!("_{}_\n\n", line.replace('_', "\\_").replace('*', "\\*"))
            };
            text.push_str(&sections.iter().map(text::markdown).collect::<Vec<_>>().join("\n"));
            text
        }
        Format::Csv => {
            let mut sections = sections;
            if sections.len() > 1 && !stamp.is_empty() {
                let mut block = Section::new(lang, lang.say("Stamp"), &["field", "value"]);
                for (label, value) in stamp {
                    block.row(vec![label.to_owned(), value]);
                }
                sections.push(block);
            }
            text::csv(&sections, lang)
        }
        Format::Html if *report == Report::Overview => {
            let until = match options.stamp.as_ref().map(|stamp| stamp.as_of) {
                Some(AsOf::Date(date)) => date,
                _ => all
                    .portfolio
                    .networks
                    .values()
                    .filter_map(|n| n.ended_on.or(Some(n.started_on)))
                    .max()
                    .unwrap_or_default(),
            };
            html::overview(models, &sections, lang, &line, until)
        }
        Format::Html => html::html(report, &sections, lang, &line),
        Format::Json => unreachable!("JSON returns above"),
    })
}

/// A report before its format: JSON text, or tables.
enum Document {
    Json(String),
    Sections(Vec<Section>),
}

/// The audit trail of the theme or network `id`.
fn audit(models: &ReadModels<'_>, id: Uuid, format: Format, lang: Lang) -> Result<Document, Error> {
    let (all, names, log) = (models.all, models.names, models.store);
    let say = |english: &'static str| lang.say(english);
    let decisions = |title: String| Section::new(lang, title, &["date", "who", "decision", "why"]);
    let fill = |section: &mut Section, entries: &[AuditEntry]| {
        for entry in entries {
            let mut summary = summary_in(&entry.event, names, &lang);
            for warning in &entry.acknowledged {
                // The rule, what it found, and why the forum went on: an auditor needs all three.
                summary.push_str(&format!(
                    " [{} {}: {}; {}: {}]",
                    say("overrode"),
                    warning.warning.rule(),
                    warning_text(all, &warning.warning, lang),
                    say("why"),
                    warning.rationale
                ));
            }
            section.row(vec![
                lang.date(entry.occurred_on),
                name(&entry.actor_name),
                summary,
                entry.rationale.clone().unwrap_or_default(),
            ]);
        }
    };
    if let Some(audit) = all.audit.theme(ThemeId::from_uuid(id), names, log)? {
        if format == Format::Json {
            return Ok(Document::Json(json(&audit)));
        }
        let mut theme = decisions(format!("{} \"{}\"", say("Audit trail of the theme"), audit.title));
        fill(&mut theme, &audit.decisions);
        let mut sections = vec![theme];
        for context in &audit.rounds {
            let mut round = Section::new(
                lang,
                format!("{} {}: {}", say("Round"), context.round, say("the other themes")),
                &["theme", "what became of it"],
            );
            for peer in &context.others {
                round.row(vec![peer.title.clone(), outcome(&peer.outcome, lang)]);
            }
            sections.push(round);
        }
        if let Some(network) = &audit.network {
            let mut section = decisions(say("The network that came of it").to_owned());
            fill(&mut section, &network.decisions);
            sections.push(section);
        }
        return Ok(Document::Sections(sections));
    }
    if let Some(audit) = all.audit.network(NetworkId::from_uuid(id), names, log)? {
        if format == Format::Json {
            return Ok(Document::Json(json(&audit)));
        }
        let mut network =
            decisions(format!("{} {}", say("Audit trail of the network"), short(audit.network.as_uuid())));
        fill(&mut network, &audit.decisions);
        return Ok(Document::Sections(vec![network]));
    }
    Err(Error::input(
        "unknown_subject",
        Some("id"),
        Some(id.to_string()),
        format!("there is no theme or network {id} (as of the date asked)"),
    ))
}

/// The round report: the themes on the agenda, the assessments, the ranking and the other
/// fates, the starts that followed, the overrides.
fn round_report(
    models: &ReadModels<'_>,
    round: RoundId,
    format: Format,
    lang: Lang,
) -> Result<Document, Error> {
    let (all, names) = (models.all, models.names);
    let say = |english: &'static str| lang.say(english);
    let Some(report) = all.audit.round(round, names, models.store)? else {
        return Err(Error::input(
            "unknown_round",
            Some("round"),
            Some(round.to_string()),
            format!("the chief forum decided nothing in round {round} (as of the date asked)"),
        ));
    };
    if format == Format::Json {
        return Ok(Document::Json(json(&report)));
    }
    let title = |english: &'static str| format!("{} {round}: {}", say("Round"), say(english));
    let mut agenda =
        Section::new(lang, title("On the agenda"), &["theme", "title", "origin", "what became of it"]);
    let mut assessments =
        Section::new(lang, title("Assessments (TH-2)"), &["title", "criterion", "met", "note"]);
    let mut starts = Section::new(lang, title("Starts that followed"), &["title", "date", "type", "leader"]);
    let mut overrides = Section::new(
        lang,
        title("Overridden warnings"),
        &["date", "rule", "decision", "warning", "rationale"],
    );
    let mut decisions =
        Section::new(lang, title("Decisions of the round (TH-3)"), &["date", "who", "decision", "why"]);
    for entry in &report.round_decisions {
        decisions.row(vec![
            lang.date(entry.occurred_on),
            name(&entry.actor_name),
            summary_in(&entry.event, names, &lang),
            entry.rationale.clone().unwrap_or_default(),
        ]);
    }
    for theme in &report.themes {
        agenda.row(vec![
            short(theme.theme.as_uuid()),
            theme.title.clone(),
            say(if theme.carried_over { "carried over" } else { "new" }).to_owned(),
            outcome(&theme.outcome, lang),
        ]);
        for assessment in theme.assessment.iter().flatten() {
            assessments.row(vec![
                theme.title.clone(),
                lang.word(&assessment.criterion.to_string()),
                say(if assessment.met { "met" } else { "not met" }).to_owned(),
                assessment.note.clone(),
            ]);
        }
        for entry in theme.decisions.iter().chain(&theme.start) {
            if entry.event_type != "ThemeQualified" && entry.event_type != "NetworkStarted" {
                decisions.row(vec![
                    lang.date(entry.occurred_on),
                    name(&entry.actor_name),
                    summary_in(&entry.event, names, &lang),
                    entry.rationale.clone().unwrap_or_default(),
                ]);
            }
            for warning in &entry.acknowledged {
                overrides.row(vec![
                    lang.date(entry.occurred_on),
                    warning.warning.rule().to_string(),
                    entry.event_type.to_owned(),
                    warning_text(all, &warning.warning, lang),
                    warning.rationale.clone(),
                ]);
            }
        }
        if let Some(start) = &theme.start {
            let network = all.portfolio.networks.values().find(|network| network.theme == theme.theme);
            starts.row(vec![
                theme.title.clone(),
                lang.date(start.occurred_on),
                network.map_or_else(|| "-".to_owned(), |n| lang.word(&n.network_type.to_string())),
                network.map_or_else(|| "-".to_owned(), |n| name(&names.person(n.leader))),
            ]);
        }
    }
    decisions.rows.sort_by(|a, b| a[0].cmp(&b[0]));
    Ok(Document::Sections(vec![agenda, assessments, decisions, starts, overrides]))
}

/// A warning in words, naming the theme by its title.
fn warning_text(all: &All, warning: &Warning, lang: Lang) -> String {
    match warning {
        Warning::CriterionNotMet { theme, criterion } => {
            let title =
                all.portfolio.themes.get(theme).map_or_else(|| theme.to_string(), |t| t.title.clone());
            format!("\"{title}\" {} \"{}\"", lang.say("does not meet"), lang.word(&criterion.to_string()))
        }
        Warning::CohortSizeOutsideRange { size, expected, .. } => {
            format!(
                "{} {size}, {} {}",
                lang.say("a cohort of"),
                lang.say("where NS3 trains"),
                range(*expected)
            )
        }
        other => other.to_string(),
    }
}

/// What became of a competing theme in a round.
fn outcome(outcome: &RoundOutcome, lang: Lang) -> String {
    match outcome {
        RoundOutcome::Qualified => lang.say("qualified, no decision").to_owned(),
        RoundOutcome::Prioritised { rank, recommended_type } => {
            format!("{} #{rank} ({})", lang.say("prioritised"), lang.word(&recommended_type.to_string()))
        }
        RoundOutcome::Deferred { to_round } => format!("{} {to_round}", lang.say("deferred to")),
        RoundOutcome::Rejected { reason } => format!("{} {reason}", lang.say("rejected:")),
        RoundOutcome::Withdrawn { reason } => format!("{} {reason}", lang.say("withdrawn:")),
    }
}
