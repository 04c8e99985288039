//! Reports as documents: tables for an 80-column terminal, Markdown, CSV, JSON, HTML and Excel,
//! in English or Danish. The `netvaerk` program and the HTTP service render the same documents
//! from the same [`ReadModels`]. Each report is a function from the read models to sections of
//! typed rows (dates, counts, words of the vocabulary, data as recorded) in no language; the
//! renderers say them in the language asked for, once, and lay them out in the format.
//!
//! ```
//! use netvaerk_report::{render, Format, Lang, Report};
//! use netvaerk::{AsOf, Service};
//! use std::sync::Arc;
//!
//! let service = Service::new(Arc::new(netvaerk_store::MemoryStore::new()));
//! let organisation = netvaerk_core::OrganisationId::generate();
//! let text = service.read_models(organisation, AsOf::Now, |models| {
//!     render(&models, &Report::Portfolio, Format::Markdown, Lang::Da)
//! })??;
//! assert!(text.contains("### Netværk"));
//! # Ok::<(), netvaerk::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use netvaerk_core::RoundId;
use netvaerk_projections::{All, AsOf};
use uuid::Uuid;

use content::{Context, Section, Table};
use lookup::short_id as short;

use netvaerk::Error;
use netvaerk::ReadModels;

mod content;
mod html;
mod list;
pub mod lookup;
mod reports;
mod text;
mod xlsx;

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
    /// The overview for the chief forum: in HTML, the organisation, the date and a summary, a
    /// timeline of every network, starts per half-year against NW-2/NW-3, the load per person
    /// and month (PR-4), the competence pipeline, then the portfolio, half-year and competence
    /// tables; the networks' goals (NW-6) and every theme's audit trail as an appendix when
    /// [`Options::appendix`] asks.
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
    /// An Excel workbook (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`):
    /// the stamp on its first sheet, then a sheet a section, dates as dates and numbers as
    /// numbers. Binary: [`render_bytes`] renders it, [`render_with`] refuses it.
    Xlsx,
}

impl Format {
    /// Every format, in the order content negotiation prefers them.
    pub const ALL: [Format; 6] = [Self::Json, Self::Html, Self::Csv, Self::Markdown, Self::Table, Self::Xlsx];

    /// The format's name: `table`, `md`, `csv`, `json`, `html`, `xlsx`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Markdown => "md",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Html => "html",
            Self::Xlsx => "xlsx",
        }
    }

    /// Whether the format is binary (xlsx), not text: it goes to a file, not a terminal.
    pub fn is_binary(self) -> bool {
        self == Self::Xlsx
    }

    /// The file name extension of the format: `txt`, `md`, `csv`, `json`, `html`, `xlsx`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Table => "txt",
            other => other.name(),
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
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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

    /// `table`, `md` (or `markdown`), `csv`, `json`, `html`, `xlsx`.
    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted = if text == "markdown" { "md" } else { text };
        Self::ALL.into_iter().find(|format| format.name() == wanted).ok_or_else(|| {
            Error::input(
                "unsupported_format",
                Some("format"),
                Some(text.to_owned()),
                format!("{text:?} is not a report format; use table, md, csv, json, html or xlsx"),
            )
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
    /// How [`Format::Csv`] writes its cells.
    pub csv_dialect: CsvDialect,
    /// What the overview adds at its end (other reports have no appendix).
    pub appendix: Appendix,
}

/// What the overview adds at its end, after a page break in print: nothing (the default), or
/// the networks' goals and success criteria (NW-6) and every theme's audit trail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Appendix {
    /// No appendix.
    #[default]
    None,
    /// Every theme's audit trail (its decisions, its round's other themes, its network's).
    Audit,
}

impl FromStr for Appendix {
    type Err = Error;

    /// `none` or `audit`.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "none" => Ok(Self::None),
            "audit" => Ok(Self::Audit),
            _ => Err(Error::input(
                "unknown_appendix",
                Some("appendix"),
                Some(text.to_owned()),
                format!("{text:?} is not an appendix; use audit or none"),
            )),
        }
    }
}

/// How CSV is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvDialect {
    /// RFC 4180: commas, LF, numbers with a decimal point, no byte order mark.
    #[default]
    Standard,
    /// For Excel in a Danish (or any comma-decimal) locale: a UTF-8 byte order mark,
    /// semicolons, CRLF, and a decimal comma in cells that are numbers.
    Excel,
}

impl FromStr for CsvDialect {
    type Err = Error;

    /// `standard` or `excel`.
    fn from_str(text: &str) -> Result<Self, Error> {
        match text {
            "standard" => Ok(Self::Standard),
            "excel" => Ok(Self::Excel),
            _ => Err(Error::input(
                "unsupported_csv_dialect",
                Some("csv_dialect"),
                Some(text.to_owned()),
                format!("{text:?} is not a CSV dialect; use standard or excel"),
            )),
        }
    }
}

impl Options {
    /// `format` in `lang`, 80 columns wide, every section, no stamp.
    pub fn new(format: Format, lang: Lang) -> Self {
        Self {
            format,
            lang,
            width: WIDTH,
            section: None,
            stamp: None,
            csv_dialect: CsvDialect::Standard,
            appendix: Appendix::None,
        }
    }
}

/// A report's stamp as data: what a JSON report carries beside itself, as
/// `{"stamp": StampData, "report": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StampData {
    /// The organisation.
    pub organisation: netvaerk_core::OrganisationId,
    /// As of what: `"now"` (everything recorded), `{"date": "2016-06-30"}` or
    /// `{"position": 1200}`.
    pub as_of: AsOf,
    /// The log's head the report was made from, `POSITION:HASH`, as `netvaerk verify --expect`
    /// takes it; `null` for an empty log.
    pub head: Option<String>,
    /// The policy in force on the as-of date.
    pub policy: PolicyInForce,
    /// When the report was made.
    pub made_at: chrono::DateTime<chrono::Utc>,
}

/// Which policy was in force on a report's as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyInForce {
    /// Its change's number, from 1 in the order recorded; 0: the NS3 defaults, no change yet.
    pub change: usize,
    /// How many changes the log holds.
    pub of: usize,
    /// The business date it is in force from (`null`: from the beginning).
    pub in_force_from: Option<chrono::NaiveDate>,
}

/// What a printed report says of itself, so that a reader can tell which log and which date it
/// shows: the organisation, the as-of, the log's head it was made from (give it to
/// `netvaerk verify --expect` to prove a later log still extends it), the policy in force on the
/// as-of date, and when it was made. Tables, Markdown and HTML print it above the report; CSV
/// adds it as a last block (when it holds every section); JSON carries it as data beside the
/// read model's own, `{"stamp": ..., "report": ...}` ([`StampData`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// The organisation.
    pub organisation: netvaerk_core::OrganisationId,
    /// The organisation's name (the municipality), where the caller knows it: the log holds
    /// only the organisation's id. The printed overview opens with it.
    pub name: Option<String>,
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
        Ok(Self { organisation, name: None, as_of, head: store.head()?, made_at: chrono::Utc::now() })
    }

    /// The organisation's name: the caller's, else the one the log gave it (AU-3), if any.
    pub fn name_in(&self, all: &All) -> Option<String> {
        self.name.clone().or_else(|| all.directory.organisation_name.clone())
    }

    /// The stamp as data, with the policy in force on the as-of date: what a JSON report
    /// carries beside itself.
    pub fn data(&self, all: &All) -> StampData {
        let date = match self.as_of {
            AsOf::Date(date) => date,
            _ => chrono::NaiveDate::MAX,
        };
        let policies = &all.portfolio.policies;
        let change = policies.change_on(date);
        StampData {
            organisation: self.organisation,
            as_of: self.as_of,
            head: self.head.map(|head| format!("{}:{}", head.position, netvaerk_store::hex(&head.hash))),
            policy: PolicyInForce {
                change: change.as_ref().map_or(0, |change| change.number),
                of: policies.len(),
                in_force_from: change.and_then(|change| change.in_force_from),
            },
            made_at: self.made_at,
        }
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
        // The policy as the stamp's data has it, so that JSON and text cannot disagree.
        let policy = match self.data(all).policy {
            PolicyInForce { change: 0, .. } => say("the NS3 defaults").to_owned(),
            PolicyInForce { change, of, in_force_from } => {
                let from =
                    in_force_from.map_or_else(|| say("the beginning").to_owned(), |from| lang.date(from));
                format!("{} {change} {} {of}, {} {from}", say("change"), say("of"), say("in force from"))
            }
        };
        let organisation = match self.name_in(all) {
            Some(name) => format!("{name} ({})", self.organisation),
            None => self.organisation.to_string(),
        };
        vec![
            (say("organisation"), organisation),
            (say("as of"), as_of),
            (say("log head"), head),
            (say("policy"), policy),
            (
                say("made"),
                format!("{} {}", lang.date(self.made_at.date_naive()), self.made_at.format("%H:%M:%S UTC")),
            ),
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
fn select(mut sections: Vec<Table>, wanted: &str) -> Result<Vec<Table>, Error> {
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
            )
            .in_danish(format!(
                "rapporten har intet afsnit {wanted:?}; dens afsnit er {}",
                titles.join("; ")
            )))
        }
    }
}

/// A report's JSON: the read model's own. Each report is a file of `reports/` (the lists are
/// `list.rs`) with its `data` and its `sections`.
fn data(models: &ReadModels<'_>, report: &Report) -> Result<String, Error> {
    match report {
        Report::Portfolio => reports::portfolio::data(models),
        Report::HalfYear => reports::halfyear::data(models),
        Report::Leaders => reports::leaders::data(models),
        Report::Forecast => reports::forecast::data(models),
        Report::Competence => reports::competence::data(models),
        Report::Audit(id) => reports::audit::data(models, *id),
        Report::Round(round) => reports::round::data(models, *round),
        Report::Overview => reports::overview::data(models),
        Report::List(listing) => list::data(models, *listing),
    }
}

/// A report's sections of typed rows, before its language and format (with the overview's
/// appendix where asked).
fn sections(models: &ReadModels<'_>, report: &Report, appendix: Appendix) -> Result<Vec<Section>, Error> {
    match report {
        Report::Portfolio => reports::portfolio::sections(models),
        Report::HalfYear => reports::halfyear::sections(models),
        Report::Leaders => reports::leaders::sections(models),
        Report::Forecast => reports::forecast::sections(models),
        Report::Competence => reports::competence::sections(models),
        Report::Audit(id) => reports::audit::sections(models, *id),
        Report::Round(round) => reports::round::sections(models, *round),
        Report::Overview => reports::overview::sections(models, appendix),
        Report::List(listing) => list::sections(models, *listing),
    }
}

/// The report's tables in `options`' language (the one place it is applied), only the one
/// section asked for where one is.
fn tables(models: &ReadModels<'_>, report: &Report, options: &Options) -> Result<Vec<Table>, Error> {
    let context = Context { all: models.all, names: models.names, lang: options.lang };
    let tables =
        sections(models, report, options.appendix)?.iter().map(|section| section.say(&context)).collect();
    match &options.section {
        Some(wanted) => select(tables, wanted),
        None => Ok(tables),
    }
}

impl Report {
    /// The JSON Schema of the report's JSON (the `report` beside the stamp): the type its file
    /// renders, so the OpenAPI document follows the list of reports without a list of its own.
    #[cfg(feature = "schema")]
    pub fn json_schema(&self, generator: &mut schemars::SchemaGenerator) -> serde_json::Value {
        fn of<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> serde_json::Value {
            generator.subschema_for::<T>().to_value()
        }
        use netvaerk_projections as p;
        match self {
            Report::Portfolio => of::<p::PortfolioReport>(generator),
            Report::HalfYear => of::<Vec<p::HalfYearRow>>(generator),
            Report::Leaders => of::<Vec<p::PersonHistory>>(generator),
            Report::Forecast => of::<Option<p::ForecastReport>>(generator),
            Report::Competence => of::<p::CompetenceReport>(generator),
            Report::Audit(_) => {
                serde_json::json!({ "anyOf": [of::<p::ThemeAudit>(generator), of::<p::NetworkAudit>(generator)] })
            }
            Report::Round(_) => of::<p::RoundAudit>(generator),
            Report::List(_) => of::<Rows>(generator),
            // The overview's JSON is the four read models it draws (reports/overview.rs).
            Report::Overview => serde_json::json!({
                "type": "object",
                "properties": {
                    "portfolio": of::<p::PortfolioReport>(generator),
                    "half_years": of::<Vec<p::HalfYearRow>>(generator),
                    "leaders": of::<Vec<p::PersonHistory>>(generator),
                    "competence": of::<p::CompetenceReport>(generator),
                },
                "required": ["portfolio", "half_years", "leaders", "competence"]
            }),
        }
    }
}

/// Renders `report` from `models` as `options` say, in a text format: [`Format::Xlsx`], which
/// is binary, is [`Error::Input`] with the code `binary_format` ([`render_bytes`] renders it).
pub fn render_with(models: &ReadModels<'_>, report: &Report, options: &Options) -> Result<String, Error> {
    let (format, lang, all) = (options.format, options.lang, models.all);
    if format.is_binary() {
        return Err(Error::input(
            "binary_format",
            Some("format"),
            Some(format.name().to_owned()),
            format!("{format} is a binary format, not text"),
        ));
    }
    if format == Format::Json {
        let text = data(models, report)?;
        let Some(stamp) = &options.stamp else { return Ok(text) };
        // Nested as it is, not parsed again, so the report keeps its own order of fields:
        // a pretty JSON text has no newline inside a string, so indenting lines is safe.
        let nest = |text: &str| text.trim_end().replace('\n', "\n  ");
        let stamp = nest(&json(&stamp.data(all)));
        return Ok(format!("{{\n  \"stamp\": {stamp},\n  \"report\": {}\n}}\n", nest(&text)));
    }
    let sections = tables(models, report, options)?;
    let stamp = options.stamp.as_ref().map(|stamp| stamp.fields(all, lang)).unwrap_or_default();
    let line = stamp.iter().map(|(label, value)| format!("{label}: {value}")).collect::<Vec<_>>().join(" | ");
    Ok(match format {
        Format::Table => {
            let tables =
                sections.iter().map(|section| text::table(section, lang, options.width)).collect::<Vec<_>>();
            let mut text = if stamp.is_empty() {
                String::new()
            } else {
                stamp_lines(&stamp, options.width).join("\n") + "\n\n"
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
                let headers = vec![lang.say("field").to_owned(), lang.say("value").to_owned()];
                let mut block = Table::new(lang.say("Stamp"), headers);
                for (label, value) in stamp {
                    block.row([label.to_owned(), value]);
                }
                sections.push(block);
            }
            text::csv(&sections, lang, options.csv_dialect)
        }
        Format::Html if *report == Report::Overview => {
            let date = match options.stamp.as_ref().map(|stamp| stamp.as_of) {
                Some(AsOf::Date(date)) => date,
                // Everything recorded: the latest decision's business date.
                _ => all.forecast.last_date.unwrap_or_else(|| {
                    let networks =
                        all.portfolio.networks.values().filter_map(|n| n.ended_on.or(Some(n.started_on)));
                    let rounds = all.directory.rounds.values().map(|r| r.closed_on.unwrap_or(r.opened_on));
                    networks.chain(rounds).max().unwrap_or_default()
                }),
            };
            let organisation = match &options.stamp {
                Some(stamp) => stamp.name_in(all).unwrap_or_else(|| {
                    format!("{} {}", lang.say("Organisation"), short(stamp.organisation.as_uuid()))
                }),
                None => {
                    all.directory.organisation_name.clone().unwrap_or_else(|| lang.say("Overview").to_owned())
                }
            };
            let opening = html::Opening { organisation: &organisation, date, stamp: &stamp, lang };
            html::overview(models, &sections, &opening)
        }
        Format::Html => html::html(report, &sections, lang, &line),
        Format::Json | Format::Xlsx => unreachable!("JSON returns above, and binary formats before"),
    })
}

/// The stamp's fields for a table: as many to a line as fit in `width`, broken only between
/// fields (a field wider than a line is wrapped on lines of its own), so that no label is
/// parted from its value. At 80 columns: organisation and as-of; the log head; policy and
/// when made.
fn stamp_lines(fields: &[(&str, String)], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for field in fields.iter().map(|(label, value)| format!("{label}: {value}")) {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 3 + field.chars().count() <= width => {
                line.push_str(" | ");
                line.push_str(&field);
            }
            _ if field.chars().count() > width => lines.extend(text::wrap(&field, width)),
            _ => lines.push(field),
        }
    }
    lines
}

/// Renders `report` from `models` as `options` say, as bytes: an Excel workbook for
/// [`Format::Xlsx`], the UTF-8 text of [`render_with`] for the other formats.
///
/// A workbook the writer cannot make is [`Error::Input`] with the code `xlsx_failed`.
pub fn render_bytes(models: &ReadModels<'_>, report: &Report, options: &Options) -> Result<Vec<u8>, Error> {
    let (format, lang, all) = (options.format, options.lang, models.all);
    if !format.is_binary() {
        return render_with(models, report, options).map(String::into_bytes);
    }
    let sections = tables(models, report, options)?;
    let stamp = options.stamp.as_ref().map(|stamp| stamp.fields(all, lang)).unwrap_or_default();
    xlsx::workbook(&sections, &stamp, lang)
}

#[cfg(test)]
mod tests {
    use super::stamp_lines;

    fn fields() -> Vec<(&'static str, String)> {
        vec![
            ("organisation", "0190ab00-0000-7000-8000-00000000a1b5".to_owned()),
            ("as of", "everything recorded".to_owned()),
            ("log head", format!("1292 {}", "d5".repeat(32))),
            ("policy", "change 1 of 1, in force from 2014-01-06".to_owned()),
            ("made", "2026-12-07 02:41:37 UTC".to_owned()),
        ]
    }

    #[test]
    fn the_stamp_breaks_between_fields_and_never_parts_a_label_from_its_value() {
        let lines = stamp_lines(&fields(), 80);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].starts_with("organisation: ") && lines[0].ends_with("as of: everything recorded"));
        assert_eq!(lines[1], format!("log head: 1292 {}", "d5".repeat(32)));
        assert!(
            lines[2].starts_with("policy: change 1 of 1")
                && lines[2].ends_with("made: 2026-12-07 02:41:37 UTC")
        );
        for width in [20, 40, 60, 100, 200] {
            let lines = stamp_lines(&fields(), width);
            assert!(lines.iter().all(|line| line.chars().count() <= width), "{width}: {lines:#?}");
            let joined = lines.join(" ");
            for (label, _) in fields() {
                assert!(joined.contains(&format!("{label}: ")), "{width}: {label} parted from its value");
            }
        }
    }
}
