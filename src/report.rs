//! Reports as documents: tables for an 80-column terminal, Markdown, CSV, JSON and HTML, with
//! English or Danish titles and column headers. The `netvaerk` program and the HTTP service
//! render the same documents from the same [`ReadModels`].
//!
//! ```
//! use netvaerk::report::{render, Format, Lang, Report};
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

use std::fmt;
use std::str::FromStr;

use netvaerk_core::{CountRange, NetworkId, ThemeId, Warning};
use netvaerk_projections::{All, AsOf, AuditEntry, PersonRef, RoundOutcome};
use uuid::Uuid;

use crate::error::Error;
use crate::service::ReadModels;

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
    /// Competence tracks, the pool of qualified leaders, cohorts.
    Competence,
    /// The audit trail of a theme or a network, by its id.
    Audit(Uuid),
}

impl Report {
    /// The report's name in URLs and on the command line (`audit` for an audit trail).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Portfolio => "portfolio",
            Self::HalfYear => "halfyear",
            Self::Leaders => "leaders",
            Self::Competence => "competence",
            Self::Audit(_) => "audit",
        }
    }

    /// The reports that take no id, by [`Report::name`].
    pub const NAMED: [Report; 4] = [Self::Portfolio, Self::HalfYear, Self::Leaders, Self::Competence];
}

impl FromStr for Report {
    type Err = Error;

    /// `portfolio`, `halfyear` (or `half-year`), `leaders`, `competence`.
    fn from_str(text: &str) -> Result<Self, Error> {
        let wanted = if text == "half-year" { "halfyear" } else { text };
        Self::NAMED.into_iter().find(|report| report.name() == wanted).ok_or_else(|| {
            Error::input(
                "unknown_report",
                Some("report"),
                Some(text.to_owned()),
                format!("there is no report {text:?}; the reports are portfolio, halfyear, leaders, competence and audit/ID"),
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
    /// The first table as CSV (`text/csv`); the report's JSON has everything.
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

/// The language of a report's titles and column headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Danish: the secretariat's and the chief forum's language.
    Da,
}

impl Lang {
    /// `en` or `da`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Da => "da",
        }
    }

    /// The text of `english` in this language.
    fn say(self, english: &'static str) -> &'static str {
        match self {
            Self::En => english,
            Self::Da => danish(english),
        }
    }
}

impl FromStr for Lang {
    type Err = Error;

    /// `en` or `da` (a language tag such as `da-DK` reads as its language).
    fn from_str(text: &str) -> Result<Self, Error> {
        let language = text.split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "en" => Ok(Self::En),
            "da" => Ok(Self::Da),
            _ => Err(Error::input(
                "unsupported_language",
                Some("lang"),
                Some(text.to_owned()),
                format!("{text:?} is not a report language; use en or da"),
            )),
        }
    }
}

/// The Danish of the reports' fixed English texts.
fn danish(english: &'static str) -> &'static str {
    match english {
        "Networks" => "Netværk",
        "Themes" => "Temaer",
        "Innovation networks (NW-4)" => "Innovationsnetværk (NW-4)",
        "Starts per half-year, each judged by the policy in force on its first day (NW-2: all starts; NW-3: learning, welfare; NW-4: innovation running at its end / limit)" => {
            "Opstart pr. halvår, hvert halvår vurderet efter politikken på dets første dag (NW-2: alle opstarter; NW-3: lærings-, velfærdsnetværk; NW-4: kørende innovationsnetværk ved halvårets slutning / grænse)"
        }
        "Overridden warnings" => "Tilsidesatte advarsler",
        "Roles held" => "Roller",
        "Load (PR-4): intensive weeks a month" => "Belastning (PR-4): intensive uger pr. måned",
        "Competence tracks" => "Kompetenceforløb",
        "Cohorts (CO-2: the size in force when formed; CO-4: 2/3 department, 1/3 secretariat)" => {
            "Hold (CO-2: holdstørrelsen, da holdet blev dannet; CO-4: 2/3 forvaltning, 1/3 sekretariat)"
        }
        "The pool of qualified leaders (NL-1)" => "Puljen af kvalificerede netværksledere (NL-1)",
        "The network that came of it" => "Netværket, temaet blev til",
        "Audit trail of the theme" => "Revisionsspor for temaet",
        "Audit trail of the network" => "Revisionsspor for netværket",
        "Round" => "Runde",
        "the other themes" => "de andre temaer",
        "network" => "netværk",
        "theme" => "tema",
        "type" => "type",
        "leader" => "leder",
        "now" => "nu",
        "title" => "titel",
        "status" => "status",
        "round" => "runde",
        "rank" => "rang",
        "running" => "kørende",
        "limit" => "grænse",
        "half-year" => "halvår",
        "learning" => "læring",
        "welfare" => "velfærd",
        "innov." => "innov.",
        "total" => "i alt",
        "date" => "dato",
        "rule" => "regel",
        "decision" => "beslutning",
        "warning" => "advarsel",
        "rationale" => "begrundelse",
        "person" => "person",
        "role" => "rolle",
        "from" => "fra",
        "to" => "til",
        "month" => "måned",
        "weeks" => "uger",
        "stage" => "trin",
        "days" => "dage",
        "written" => "skriftlig",
        "oral" => "mundtlig",
        "diploma" => "diplom",
        "may lead" => "må lede",
        "cohort" => "hold",
        "formed" => "dannet",
        "size" => "størrelse",
        "diplomas" => "diplomer",
        "departments" => "forvaltninger",
        "who" => "hvem",
        "why" => "hvorfor",
        "what became of it" => "hvad det blev til",
        "kept" => "holdt",
        "outside" => "udenfor",
        "yes" => "ja",
        "(none)" => "(ingen)",
        "closed" => "lukket",
        "all types" => "alle typer",
        "overrode" => "tilsidesatte",
        "Reports" => "Rapporter",
        "Stamp" => "Stempel",
        "field" => "felt",
        "value" => "værdi",
        "everything recorded" => "alt registreret",
        "position" => "position",
        "(empty)" => "(tom)",
        "the NS3 defaults" => "NS3's standardværdier",
        "change" => "ændring",
        "of" => "af",
        "in force from" => "gældende fra",
        "the beginning" => "begyndelsen",
        "organisation" => "organisation",
        "as of" => "pr.",
        "log head" => "loggens hoved",
        "policy" => "politik",
        "made" => "dannet",
        other => other,
    }
}

/// One table of a report.
struct Section {
    title: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Section {
    fn new(lang: Lang, title: impl Into<String>, headers: &[&'static str]) -> Self {
        Self {
            title: title.into(),
            headers: headers.iter().map(|header| lang.say(header)).collect(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// The last eight hex digits: UUID v7s made close together share their first digits.
fn short(id: Uuid) -> String {
    let text = id.simple().to_string();
    text[text.len() - 8..].to_owned()
}

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
            AsOf::Date(date) => date.to_string(),
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
                    .map_or_else(|| say("the beginning").to_owned(), |from| from.to_string());
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

/// Renders `report` from `models` as `options` say.
pub fn render_with(models: &ReadModels<'_>, report: &Report, options: &Options) -> Result<String, Error> {
    let (format, lang) = (options.format, options.lang);
    let all = models.all;
    let names = models.names;
    let say = |english: &'static str| lang.say(english).to_owned();
    let kept = |kept: bool| say(if kept { "kept" } else { "outside" });
    let sections = match report {
        Report::Portfolio => {
            let report = all.portfolio.report(names);
            if format == Format::Json {
                return Ok(json(&report));
            }
            let mut networks =
                Section::new(lang, say("Networks"), &["network", "theme", "type", "leader", "now"]);
            for row in &report.networks {
                let network = &row.network;
                let now = match network.outcome {
                    Some(outcome) => format!("{}: {outcome}", say("closed")),
                    None => or_dash(network.phase.as_ref()),
                };
                networks.row(vec![
                    short(network.network.as_uuid()),
                    row.theme_title.clone(),
                    network.network_type.to_string(),
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
                    theme.status.to_string(),
                    or_dash(theme.round),
                    or_dash(theme.rank),
                    or_dash(theme.recommended_type),
                ]);
            }
            let mut summary = Section::new(lang, say("Innovation networks (NW-4)"), &["running", "limit"]);
            summary.row(vec![report.innovation_running.to_string(), report.innovation_limit.to_string()]);
            vec![networks, themes, summary]
        }
        Report::HalfYear => {
            let rows = all.portfolio.half_years();
            if format == Format::Json {
                return Ok(json(&rows));
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
                        o.occurred_on.to_string(),
                        o.acknowledged.warning.rule().to_string(),
                        o.event_type.to_owned(),
                        warning_text(all, &o.acknowledged.warning),
                        o.acknowledged.rationale.clone(),
                    ]);
                }
            }
            vec![counts, overrides]
        }
        Report::Leaders => {
            let report = all.leaders.report(names);
            if format == Format::Json {
                return Ok(json(&report));
            }
            let theme_of = |network: Option<NetworkId>| {
                network
                    .and_then(|n| all.portfolio.networks.get(&n))
                    .and_then(|n| all.portfolio.themes.get(&n.theme))
                    .map_or_else(|| "-".to_owned(), |t| t.title.clone())
            };
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
                        label(&spell.role),
                        spell.note.clone().unwrap_or_else(|| theme_of(spell.network)),
                        spell.from.to_string(),
                        or_dash(spell.to),
                    ]);
                }
                for month in &history.load {
                    load.row(vec![
                        name(&history.person),
                        month.month.clone(),
                        format!("{:.1}", month.intensive_weeks),
                    ]);
                }
            }
            vec![spells, load]
        }
        Report::Competence => {
            let report = all.competence.report(names);
            if format == Format::Json {
                return Ok(json(&report));
            }
            let mut tracks = Section::new(
                lang,
                say("Competence tracks"),
                &["person", "stage", "days", "written", "oral", "diploma", "may lead"],
            );
            for row in &report.tracks {
                let yes = |b: bool| if b { say("yes") } else { "-".to_owned() };
                let may_lead = if row.may_lead.len() == 3 {
                    vec![say("all types")]
                } else {
                    row.may_lead.iter().map(ToString::to_string).collect()
                };
                tracks.row(vec![
                    name(&row.person),
                    label(&row.stage),
                    format!("{}/5", row.teaching_days),
                    yes(row.written),
                    yes(row.oral),
                    yes(row.diploma),
                    may_lead.join(", "),
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
                    cohort.formed_on.to_string(),
                    cohort.size.to_string(),
                    format!("{} {}", kept(cohort.within_range), range(cohort.expected)),
                    cohort.diplomas.to_string(),
                    cohort.cost_split.len().to_string(),
                ]);
            }
            let mut pool = Section::new(lang, say("The pool of qualified leaders (NL-1)"), &["person"]);
            for person in &report.pool {
                pool.row(vec![name(person)]);
            }
            vec![tracks, cohorts, pool]
        }
        Report::Audit(id) => match audit(models, *id, format, lang)? {
            Document::Json(text) => return Ok(text),
            Document::Sections(sections) => sections,
        },
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
                sections.iter().map(|section| table(section, lang, options.width)).collect::<Vec<_>>();
            let mut text =
                if stamp.is_empty() { String::new() } else { wrap(&line, options.width).join("\n") + "\n\n" };
            text.push_str(&tables.join("\n"));
            text
        }
        Format::Markdown => {
            let mut text = if stamp.is_empty() {
                String::new()
            } else {
                format!("_{}_\n\n", line.replace('_', "\\_").replace('*', "\\*"))
            };
            text.push_str(&sections.iter().map(markdown).collect::<Vec<_>>().join("\n"));
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
            csv(&sections)
        }
        Format::Html => html(report, &sections, lang, &line),
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
            let mut summary = entry.summary.clone();
            for warning in &entry.acknowledged {
                // The rule, what it found, and why the forum went on: an auditor needs all three.
                summary.push_str(&format!(
                    " [{} {}: {}; {}: {}]",
                    say("overrode"),
                    warning.warning.rule(),
                    warning_text(all, &warning.warning),
                    say("why"),
                    warning.rationale
                ));
            }
            section.row(vec![
                entry.occurred_on.to_string(),
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
                round.row(vec![peer.title.clone(), outcome(&peer.outcome)]);
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

/// A warning in words, naming the theme by its title.
fn warning_text(all: &All, warning: &Warning) -> String {
    match warning {
        Warning::CriterionNotMet { theme, criterion } => {
            let title =
                all.portfolio.themes.get(theme).map_or_else(|| theme.to_string(), |t| t.title.clone());
            format!("\"{title}\" does not meet \"{criterion}\"")
        }
        Warning::CohortSizeOutsideRange { size, expected, .. } => {
            format!("a cohort of {size}, where NS3 trains {}-{}", expected.min, expected.max)
        }
        other => other.to_string(),
    }
}

fn outcome(outcome: &RoundOutcome) -> String {
    match outcome {
        RoundOutcome::Qualified => "qualified, no decision".to_owned(),
        RoundOutcome::Prioritised { rank, recommended_type } => {
            format!("prioritised #{rank} ({recommended_type})")
        }
        RoundOutcome::Deferred { to_round } => format!("deferred to {to_round}"),
        RoundOutcome::Rejected { reason } => format!("rejected: {reason}"),
        RoundOutcome::Withdrawn { reason } => format!("withdrawn: {reason}"),
    }
}

/// Word-wraps `text` into lines of at most `width` characters (breaking long words).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    // The line's length in characters, kept as it grows: linear in the text.
    let mut length = 0;
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(width).peekable();
        while let Some(piece) = pieces.next() {
            if pieces.peek().is_some() {
                // A full-width piece of a word longer than the line: a line of its own.
                if length > 0 {
                    lines.push(std::mem::take(&mut line));
                    length = 0;
                }
                lines.push(piece.iter().collect());
                continue;
            }
            let needed = if length == 0 { piece.len() } else { length + 1 + piece.len() };
            if needed > width && length > 0 {
                lines.push(std::mem::take(&mut line));
                length = 0;
            }
            if length > 0 {
                line.push(' ');
                length += 1;
            }
            line.extend(piece);
            length += piece.len();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A table that fits `width` columns: the widest columns give way first, and their cells wrap.
fn table(section: &Section, lang: Lang, width: usize) -> String {
    let columns = section.headers.len();
    let mut widths: Vec<usize> = section.headers.iter().map(|h| h.chars().count()).collect();
    for row in &section.rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let budget = width.max(columns * 7).saturating_sub(2 * (columns - 1));
    // No column is wider than the whole table: a huge cell costs one pass, not one per column.
    for column in &mut widths {
        *column = (*column).min(budget);
    }
    while widths.iter().sum::<usize>() > budget {
        let Some(widest) = widths.iter().copied().max().filter(|w| *w > 6) else { break };
        if let Some(width) = widths.iter_mut().find(|w| **w == widest) {
            *width -= 1;
        }
    }
    let line = |cells: Vec<String>| {
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(&widths).map(|(cell, width)| wrap(cell, *width)).collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut text = String::new();
        for index in 0..height {
            let padded: Vec<String> = wrapped
                .iter()
                .zip(&widths)
                .map(|(lines, width)| format!("{:<width$}", lines.get(index).map_or("", String::as_str)))
                .collect();
            text.push_str(padded.join("  ").trim_end());
            text.push('\n');
        }
        text
    };
    let mut out = wrap(&section.title, width).join("\n") + "\n";
    out.push_str(&line(section.headers.iter().map(|h| (*h).to_owned()).collect()));
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    if section.rows.is_empty() {
        out.push_str(lang.say("(none)"));
        out.push('\n');
    }
    for row in &section.rows {
        out.push_str(&line(row.clone()));
    }
    out
}

fn markdown(section: &Section) -> String {
    // A cell is one line of a table row: a newline would end the table.
    let escape = |cell: &str| cell.replace('|', "\\|").replace(['\r', '\n'], " ");
    let mut out = format!(
        "### {}\n\n| {} |\n|{}\n",
        section.title.replace(['\r', '\n'], " "),
        section.headers.join(" | "),
        "---|".repeat(section.headers.len())
    );
    for row in &section.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// One section: its header and rows. Several: each block's header starts with a `section`
/// column and its rows with the section's title, blocks apart by an empty line, so that no
/// section is dropped (`--section` gives one plain table).
fn csv(sections: &[Section]) -> String {
    let field = |cell: &str| {
        if cell.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.to_owned()
        }
    };
    let line = |cells: Vec<String>| cells.iter().map(|cell| field(cell)).collect::<Vec<_>>().join(",") + "\n";
    if let [section] = sections {
        let mut out = line(section.headers.iter().map(|header| (*header).to_owned()).collect());
        for row in &section.rows {
            out.push_str(&line(row.clone()));
        }
        return out;
    }
    let mut blocks = Vec::new();
    for section in sections {
        let mut block = line(
            std::iter::once("section".to_owned())
                .chain(section.headers.iter().map(|h| (*h).to_owned()))
                .collect(),
        );
        for row in &section.rows {
            block
                .push_str(&line(std::iter::once(section.title.clone()).chain(row.iter().cloned()).collect()));
        }
        blocks.push(block);
    }
    blocks.join("\n")
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole HTML page: one `<table>` a section, styled for reading and printing.
fn html(report: &Report, sections: &[Section], lang: Lang, stamp: &str) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>netvaerk: {}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}\
         table{{border-collapse:collapse;margin-bottom:2rem}}\
         th,td{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}}\
         th{{background:#f2f2f2}}</style>\n</head>\n<body>\n",
        lang.code(),
        report.name()
    );
    if !stamp.is_empty() {
        out.push_str(&format!("<p class=\"stamp\">{}</p>\n", escape_html(stamp)));
    }
    for section in sections {
        out.push_str(&format!("<h2>{}</h2>\n<table>\n<thead><tr>", escape_html(&section.title)));
        for header in &section.headers {
            out.push_str(&format!("<th>{}</th>", escape_html(header)));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        if section.rows.is_empty() {
            out.push_str(&format!(
                "<tr><td colspan=\"{}\">{}</td></tr>\n",
                section.headers.len(),
                escape_html(lang.say("(none)"))
            ));
        }
        for row in &section.rows {
            out.push_str("<tr>");
            for cell in row {
                out.push_str(&format!("<td>{}</td>", escape_html(cell)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
