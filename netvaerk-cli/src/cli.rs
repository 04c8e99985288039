//! The command line: every domain command as a subcommand a person can type, one module per
//! noun. Each noun's module keeps its subcommands' arguments beside the one place that maps
//! them to an `Action`; values from the core's vocabularies are parsed by their own names
//! ([`core_name`]), so no enum of the core is mirrored here.

mod cohort;
pub mod help;
mod network;
mod organisation;
mod person;
mod policy;
mod rotation;
mod round;
mod theme;
mod unit;

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use netvaerk::Address;
use netvaerk_core::{Action, CohortId, NetworkId, OrganisationId, PersonId, ThemeId, UnitId};
use netvaerk_report::lookup::{Kind, Lookup};
use netvaerk_report::{Format, Lang, Listing, Report};
use serde::de::DeserializeOwned;

pub use cohort::CohortCommand;
pub use network::NetworkCommand;
pub use organisation::OrganisationCommand;
pub use person::PersonCommand;
pub use policy::PolicyCommand;
pub use rotation::RotationCommand;
pub use round::{monthly_like, RoundCommand};
pub use theme::ThemeCommand;
pub use unit::UnitCommand;

/// `POSITION:HASH`, as `verify` prints a head (`head 952 8476c0…`, also `952 8476c0…`).
fn expected_head(text: &str) -> Result<(u64, String), String> {
    let (position, hash) = text.split_once([':', ' ']).ok_or_else(|| {
        crate::in_language(
            format!("{text:?} is not POSITION:HASH"),
            format!("{text:?} er ikke POSITION:HASH"),
        )
    })?;
    let position = position.trim().parse().map_err(|_| {
        crate::in_language(
            format!("{position:?} is not a position"),
            format!("{position:?} er ikke en position"),
        )
    })?;
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(crate::in_language(
            format!("{hash:?} is not a SHA-256 hash (64 hex digits)"),
            format!("{hash:?} er ikke en SHA-256-hash (64 hex-cifre)"),
        ));
    }
    Ok((position, hash))
}

/// A business date, ISO or Danish (`netvaerk_core::parse_date`); its refusal says itself in
/// Danish too ([`netvaerk_core::IdError::danish`]).
pub fn date(text: &str) -> Result<NaiveDate, netvaerk_core::IdError> {
    netvaerk_core::parse_date(text)
}

/// Whether the store address names a running server rather than a store.
pub fn is_remote(store: &str) -> bool {
    store.starts_with("http://") || store.starts_with("https://")
}

/// The default organisation: a store that holds one municipality needs no --organisation.
pub const DEFAULT_ORGANISATION: &str = "0190ab00-0000-7000-8000-00000000a1b5";

/// netvaerk: Albertslund's network organisation (NS3) as an event-sourced log.
#[derive(Debug, Parser)]
#[command(name = "netvaerk", version, about, long_about = None)]
pub struct Cli {
    /// The store: a file or redb:FILE (redb, the default), a directory or sled:DIR (sled), or
    /// postgres://user@host/database[?schema=NAME];
    /// or a running `netvaerk serve` at http://HOST:PORT (with NETVAERK_TOKEN) for decisions,
    /// apply, report, log, verify and policy show.
    /// For `bench`, a comma-separated list of the kinds to measure side by side (sled, redb, a
    /// postgres:// URL), each in a temporary store.
    #[arg(long, global = true, env = "NETVAERK_STORE", default_value = "./netvaerk.redb")]
    pub store: String,
    /// The organisation (a UUID); one store can hold several.
    #[arg(long, global = true, env = "NETVAERK_ORGANISATION", default_value = DEFAULT_ORGANISATION)]
    pub organisation: OrganisationId,
    /// The language of reports, messages and help: en or da (default: NETVAERK_LANG, else the
    /// locale, else en); before or after the subcommand.
    #[arg(long, global = true, env = "NETVAERK_LANG", value_parser = one_of::<Lang>(&["en", "da"]), hide_possible_values = true)]
    pub lang: Option<Lang>,
    /// What to do.
    #[command(subcommand)]
    pub command: Top,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Top {
    /// Write the Albertslund demo history (2014-2018) into the store and print two reports.
    Demo,
    /// Write a synthetic history for benchmarks: organisations x years, every event decided.
    Generate {
        /// How many organisations (one stream each).
        #[arg(long, default_value_t = 1)]
        organisations: u32,
        /// How many years from 2014H2.
        #[arg(long, default_value_t = 4)]
        years: u32,
        /// Varies who leads what.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Measure replay, import, durable decisions, cold start and memory against baselines, for
    /// each kind of store `--store` names (default: redb): `--store sled,redb,postgres://...`.
    Bench {
        /// The size of the history to build.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// One JSON object with every figure.
        #[arg(long)]
        json: bool,
    },
    /// The organisation: its founding (AU-2).
    #[command(subcommand)]
    Organisation(OrganisationCommand),
    /// Units of the base organisation (ORG-1).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Persons: register, roles, prior experience, competences, erasure.
    #[command(subcommand, alias = "persons")]
    Person(PersonCommand),
    /// Half-year rounds of the chief forum (TH-3).
    #[command(subcommand)]
    Round(RoundCommand),
    /// Themes: propose, qualify, prioritise, defer, reject, withdraw, refine (TH).
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Networks: start, phases, test, roles, close (NW, RL, CD, PR, TP).
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Diploma cohorts (CO).
    #[command(subcommand)]
    Cohort(CohortCommand),
    /// Rotations in the secretariat (SN-1).
    #[command(subcommand)]
    Rotation(RotationCommand),
    /// Put a policy in force from a JSON file (see `policy show`).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Decide and append commands from JSON lines (a file, or - for standard input).
    Apply {
        /// The file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// All lines or none: any refusal appends nothing.
        #[arg(long)]
        atomic: bool,
    },
    /// Reports, rebuilt from the log.
    Report(ReportArgs),
    /// Lists of persons, units, themes, networks or rounds, with the short ids and names that
    /// commands accept.
    List(ListArgs),
    /// Redact the words of a decision, as the secretariat: its texts and rationale become
    /// "(redacted)", its facts stay, and the log records who, when and why.
    Redact {
        /// The decision's position in the log (`log` and the audit trails show it).
        position: u64,
        /// Why the words go, e.g. a citizen's name in a rationale (kept in the log: do not
        /// repeat the words).
        #[arg(long)]
        why: String,
        /// Who redacts: a person of the secretariat (or in rotation there).
        #[arg(long)]
        by: Given<PersonId>,
    },
    /// Export the log as JSON lines.
    Log {
        /// The first position to export.
        #[arg(long, default_value_t = 1)]
        from: u64,
    },
    /// Import an exported log (JSON lines); refuses a broken chain and appends nothing then.
    Import {
        /// The file; `-` reads standard input.
        file: PathBuf,
    },
    /// Print the log's head, POSITION HASH, as `verify --expect` takes it (without walking the
    /// chain).
    Head,
    /// Walk the hash chain and report the first bad position, if any.
    Verify {
        /// Also prove that the log still extends a head printed earlier (`verify` prints it):
        /// the record at POSITION must still have HASH, else exit 3 [log_not_extended].
        #[arg(long, value_name = "POSITION:HASH", value_parser = expected_head)]
        expect: Option<(u64, String)>,
    },
    /// Make the storage engine forget the old copies that redactions and erasures leave in its
    /// files, and name what still keeps them. PostgreSQL: rewrite the tables and write through
    /// the write-ahead log (a superuser, or pg_checkpoint, pg_monitor and EXECUTE on
    /// pg_switch_wal; writers wait meanwhile).
    Purge,
    /// Serve the store over HTTP/JSON (see /v1/openapi.json), with the event feed, until
    /// SIGTERM or Ctrl-C; then finish the requests in flight and stop.
    Serve(ServeArgs),
    /// Bearer tokens for `serve --tokens FILE`.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Print the shell's completion script, e.g. `netvaerk completions bash >
    /// ~/.local/share/bash-completion/completions/netvaerk`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Copy a log with its positions, hashes and registry into an empty store of any kind,
    /// then verify both: they report the same head hash.
    Migrate {
        /// The store to copy: a directory (sled), redb:FILE or postgres://...
        #[arg(long)]
        from: Address,
        /// The empty store to copy into.
        #[arg(long)]
        to: Address,
    },
}

/// `serve ...`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one (the first line printed names it).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// The tokens file (see `token add`). Without it the server listens on loopback only,
    /// every caller is admin, and a command names its own actor.
    #[arg(long, env = "NETVAERK_TOKENS")]
    pub tokens: Option<PathBuf>,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = 256 * 1024)]
    pub body_limit: usize,
    /// The longest a request may take, in seconds (the feed and long polls excepted).
    #[arg(long, default_value_t = 30)]
    pub request_timeout: u64,
    /// The most clients following the event feed at once.
    #[arg(long, default_value_t = 256)]
    pub feed_clients: usize,
    /// Connection limits: header timeout, connection caps, shutdown deadline.
    #[command(flatten)]
    pub connections: crate::serve::ConnectionArgs,
}

/// `token ...`: the tokens file a running `serve --tokens FILE` reads again when it changes, so
/// a token added or revoked takes effect within a second, without a restart.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token, add its hash to the tokens file, and print the token (shown only once).
    Add {
        /// The person the token decides as.
        #[arg(long)]
        person: PersonId,
        /// read (reports, feed), write (decisions as the person) or admin (also verify, and a
        /// new organisation's first command).
        #[arg(long)]
        scope: netvaerk_http::Scope,
        /// An organisation the token is for (a UUID); repeat it for several. A request about
        /// another organisation is refused [token_not_for_organisation].
        #[arg(long = "org", value_name = "ORGANISATION", required_unless_present = "all_organisations")]
        organisations: Vec<OrganisationId>,
        /// The token is for every organisation in the store, now and later (instead of --org).
        #[arg(long, conflicts_with = "organisations")]
        all_organisations: bool,
        /// The tokens file.
        #[arg(long, env = "NETVAERK_TOKENS", default_value = "./netvaerk-tokens")]
        tokens: PathBuf,
        /// Whose token it is, for people (a system's name).
        #[arg(long)]
        label: Option<String>,
    },
    /// Show the tokens in the file: label, person, scope, organisations, when made, and the
    /// start of the hash (never the token, which is not kept).
    List {
        /// The tokens file.
        #[arg(long, env = "NETVAERK_TOKENS", default_value = "./netvaerk-tokens")]
        tokens: PathBuf,
    },
    /// Remove a token from the file: a running server refuses it (401) within a second.
    Revoke {
        /// The token's label, or the start of its hash as `token list` shows it (at least 6 hex
        /// digits).
        which: String,
        /// The tokens file.
        #[arg(long, env = "NETVAERK_TOKENS", default_value = "./netvaerk-tokens")]
        tokens: PathBuf,
    },
}

/// Who decides, when, why.
#[derive(Debug, Args)]
pub struct Decided {
    /// The person deciding (or recording the forum's decision).
    #[arg(long)]
    pub by: Given<PersonId>,
    /// The business date: 2016-06-30 or 30.06.2016 (default: today).
    #[arg(long, value_parser = date)]
    pub on: Option<NaiveDate>,
    /// Why.
    #[arg(long)]
    pub why: Option<String>,
    /// Acknowledge every advisory warning the decision raises, with this rationale.
    #[arg(long)]
    pub acknowledge: Option<String>,
}

/// An id as a person types it: the full id, the short id that tables print, or an
/// unambiguous name (see [`netvaerk_report::lookup`]); looked up when the command runs.
#[derive(Clone, Debug)]
pub struct Given<T> {
    text: String,
    kind: std::marker::PhantomData<T>,
}

impl<T> std::str::FromStr for Given<T> {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self { text: text.to_owned(), kind: std::marker::PhantomData })
    }
}

/// The ids a [`Given`] can name.
pub trait Named: Sized {
    /// What kind of thing it is.
    const KIND: Kind;
    /// The id of that kind.
    fn from_uuid(id: uuid::Uuid) -> Self;
}

macro_rules! named {
    ($($id:ty => $kind:ident),*) => {$(
        impl Named for $id {
            const KIND: Kind = Kind::$kind;
            fn from_uuid(id: uuid::Uuid) -> Self {
                <$id>::from_uuid(id)
            }
        }
    )*};
}
named!(PersonId => Person, UnitId => Unit, ThemeId => Theme, NetworkId => Network, CohortId => Cohort);

/// The subject of an audit trail: a theme or a network.
#[derive(Clone, Copy, Debug)]
pub struct Subject(pub uuid::Uuid);

impl Named for Subject {
    const KIND: Kind = Kind::Subject;
    fn from_uuid(id: uuid::Uuid) -> Self {
        Self(id)
    }
}

impl<T: Named> Given<T> {
    /// The id the text names.
    pub fn resolve(&self, lookup: &Resolver<'_>) -> Result<T, netvaerk::Error> {
        match uuid::Uuid::parse_str(self.text.trim()) {
            Ok(id) => Ok(T::from_uuid(id)),
            Err(_) => lookup.get()?.find(T::KIND, &self.text).map(T::from_uuid),
        }
    }
}

/// A [`Lookup`] made the first time a name or short id needs one (a full id needs none).
pub struct Resolver<'a> {
    make: Box<dyn Fn() -> Result<Lookup, netvaerk::Error> + 'a>,
    made: std::cell::OnceCell<Lookup>,
}

impl<'a> Resolver<'a> {
    /// A resolver that makes its lookup with `make`.
    pub fn new(make: impl Fn() -> Result<Lookup, netvaerk::Error> + 'a) -> Self {
        Self { make: Box::new(make), made: std::cell::OnceCell::new() }
    }

    /// The lookup, made now if it was not yet.
    pub fn get(&self) -> Result<&Lookup, netvaerk::Error> {
        if let Some(lookup) = self.made.get() {
            return Ok(lookup);
        }
        let lookup = (self.make)()?;
        Ok(self.made.get_or_init(|| lookup))
    }
}

/// A value of one of the core's vocabularies by its name, as the core's JSON spells it, with
/// dashes for underscores: `director-area`, `handed-on-for-scaling`. A wrong name is refused
/// with the list of right ones.
pub fn core_name<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().replace('-', "_"))).map_err(|error| {
        let english = error.to_string().replace('_', "-");
        // serde's "unknown variant `x`, expected one of `a`, `b`": the names it expected.
        let expected = english.split_once("expected ").map_or("", |(_, names)| names);
        let expected = expected.trim_start_matches("one of ").replace('`', "").replace(" or ", ", ");
        crate::in_language(english, format!("{text:?} er ikke en af de mulige værdier: {expected}"))
    })
}

/// A parser of a `T` by its own `FromStr` (its leniency and its message kept: `da_DK.UTF-8` is
/// Danish, `markdown` is md) that names `names` as the possible values, so that the shells'
/// completion scripts offer them (`--format <TAB>`).
fn one_of<T>(names: &'static [&'static str]) -> OneOf<T> {
    OneOf { names, kind: std::marker::PhantomData }
}

/// See [`one_of`].
#[derive(Clone)]
struct OneOf<T> {
    names: &'static [&'static str],
    kind: std::marker::PhantomData<fn() -> T>,
}

impl<T> clap::builder::TypedValueParser for OneOf<T>
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
    T::Err: std::fmt::Display,
{
    type Value = T;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value
            .to_str()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(command))?;
        text.parse::<T>().map_err(|error| {
            let name = arg.map_or_else(String::new, |arg| format!(" for '--{}'", arg.get_id()));
            let message = match crate::language() {
                Lang::En => format!("invalid value '{text}'{name}: {error}\n"),
                Lang::Da => {
                    format!("ugyldig værdi '{text}'{name}; mulige værdier: {}\n", self.names.join(", "))
                }
            };
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, message).with_cmd(command)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(self.names.iter().map(|name| clap::builder::PossibleValue::new(*name))))
    }
}

/// `report ...`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[command(subcommand)]
    pub which: ReportKind,
    #[command(flatten)]
    pub output: Output,
}

/// `list ...`
#[derive(Debug, Args)]
pub struct ListArgs {
    /// What to list.
    #[command(subcommand)]
    pub which: ListKind,
    #[command(flatten)]
    pub output: Output,
}

/// The lists: what names and short ids can be typed for.
#[derive(Clone, Copy, Debug, Subcommand)]
pub enum ListKind {
    /// Persons: name, unit, standing roles.
    Persons,
    /// Units: name, kind, the unit above.
    Units,
    /// Themes: title, status, round, rank.
    Themes,
    /// Networks: theme, type, leader, start, where it is now.
    Networks,
    /// The chief forum's half-year rounds.
    Rounds,
}

impl ListKind {
    /// The library's name for the list.
    pub fn report(self) -> Report {
        Report::List(match self {
            Self::Persons => Listing::Persons,
            Self::Units => Listing::Units,
            Self::Themes => Listing::Themes,
            Self::Networks => Listing::Networks,
            Self::Rounds => Listing::Rounds,
        })
    }
}

impl Output {
    /// The format: `--format`, else the one the `--out` file's extension names, else a table.
    pub fn format(&self) -> Format {
        self.chosen_format().unwrap_or(Format::Table)
    }

    /// `--format`, else the one the `--out` file's extension names, if either says one.
    pub fn chosen_format(&self) -> Option<Format> {
        let from_file = || {
            let extension = self.file()?.extension()?.to_str()?.to_ascii_lowercase();
            [Format::Xlsx, Format::Csv, Format::Markdown, Format::Json, Format::Html]
                .into_iter()
                .find(|format| format.extension() == extension)
        };
        self.format.or_else(from_file)
    }

    /// The file to write, if not standard output (`--out -` is standard output).
    pub fn file(&self) -> Option<&std::path::Path> {
        self.out.as_deref().filter(|path| path.as_os_str() != "-")
    }
}

/// How a report or a list is rendered, and as of when.
#[derive(Debug, Args)]
pub struct Output {
    /// As of a business date: 2016-06-30 or 30.06.2016 (default: everything).
    #[arg(long, global = true, value_parser = date)]
    pub as_of: Option<NaiveDate>,
    /// The output format: table, md, csv, json, html or xlsx (an Excel workbook: a sheet a
    /// section; binary, so to --out FILE or a redirected output). Default: the --out file's
    /// extension (.xlsx, .csv, .md, .json, .html), else table.
    #[arg(long, global = true, value_parser = one_of::<Format>(&["table", "md", "csv", "json", "html", "xlsx"]), hide_possible_values = true)]
    pub format: Option<Format>,
    /// Write the report to this file (default, or -: standard output).
    #[arg(long, global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The organisation's name (the municipality), at the head of the printed overview and in
    /// the stamp (default: the name the log gives it, `organisation name`).
    #[arg(long, global = true, env = "NETVAERK_ORGANISATION_NAME")]
    pub organisation_name: Option<String>,
    /// Only this section: its number from 1, or the start of its title.
    #[arg(long, global = true)]
    pub section: Option<String>,
    /// The width of tables (default: the terminal's, else 80).
    #[arg(long, global = true)]
    pub width: Option<usize>,
    /// How csv is written: standard (RFC 4180) or excel (a byte order mark, semicolons, CRLF
    /// and decimal commas, for Excel in a Danish locale).
    #[arg(long, global = true, default_value = "standard", value_parser = one_of::<netvaerk_report::CsvDialect>(&["standard", "excel"]), hide_possible_values = true)]
    pub csv_dialect: netvaerk_report::CsvDialect,
}

/// The reports.
#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// Themes by status and networks by type and phase.
    Portfolio,
    /// Starts per half-year against NW-2/NW-3, innovation networks against NW-4, overrides.
    Halfyear,
    /// Every role each person held, and their load.
    Leaders,
    /// The load ahead (PR-4): planned intensive weeks per leader and co-driver for half a year
    /// from the running networks' plans, overlaps beyond the policy, and each personnel
    /// leader's staff.
    Forecast,
    /// Competence tracks, the pool of qualified leaders, cohorts.
    Competence,
    /// The audit trail of a theme or a network.
    Audit {
        /// A theme or a network: its id, short id, or title.
        id: Given<Subject>,
    },
    /// The chief forum's half-year round at a glance: agenda, assessments, ranking, fates,
    /// starts, overrides.
    Round {
        /// The half-year, e.g. 2016H1.
        round: netvaerk_core::RoundId,
    },
    /// The overview as one self-contained HTML page: the organisation, the date and a summary,
    /// a timeline of every network, starts per half-year against NW-2/NW-3, the load per person
    /// and month (PR-4), the competence pipeline, and the tables; prints on A4 from a browser.
    /// With --format (or an --out file's extension), the overview's tables in that format.
    Html {
        /// Add an appendix at the end, after a page break: audit (the networks' goals and every theme's audit trail).
        #[arg(long, value_name = "APPENDIX", default_value = "none")]
        appendix: netvaerk_report::Appendix,
    },
}

impl ReportKind {
    /// The library's name for the report, an audit trail's subject looked up with `r`.
    pub fn report(&self, r: &Resolver<'_>) -> Result<Report, netvaerk::Error> {
        Ok(match self {
            Self::Portfolio => Report::Portfolio,
            Self::Halfyear => Report::HalfYear,
            Self::Leaders => Report::Leaders,
            Self::Forecast => Report::Forecast,
            Self::Competence => Report::Competence,
            Self::Audit { id } => Report::Audit(id.resolve(r)?.0),
            Self::Round { round } => Report::Round(*round),
            Self::Html { .. } => Report::Overview,
        })
    }
}

/// A domain command from the command line: the actions (one, or a unit registered and named
/// in one atomic batch) and who decided them.
pub struct Domain<'a> {
    /// The actions.
    pub actions: Vec<Action>,
    /// Who, when, why.
    pub decided: &'a Decided,
}

/// The actions of a domain subcommand, its names and short ids looked up with `r`, or `None`
/// for the other subcommands.
pub fn domain<'a>(top: &'a Top, r: &Resolver<'_>) -> Result<Option<Domain<'a>>, netvaerk::Error> {
    let one = |(action, decided)| (vec![action], decided);
    let (actions, decided) = match top {
        Top::Unit(command) => command.actions(r)?,
        Top::Person(command) => match command.action(r)? {
            Some(pair) => one(pair),
            None => return Ok(None),
        },
        Top::Round(command) => one(command.action()),
        Top::Theme(command) => one(command.action(r)?),
        Top::Network(command) => one(command.action(r)?),
        Top::Cohort(command) => one(command.action(r)?),
        Top::Rotation(command) => one(command.action(r)?),
        Top::Organisation(OrganisationCommand::Name { name, decided }) => {
            one((Action::NameOrganisation { name: name.clone() }, decided))
        }
        Top::Policy(_)
        | Top::Organisation(OrganisationCommand::Found { .. })
        | Top::Demo
        | Top::Generate { .. }
        | Top::Bench { .. }
        | Top::Apply { .. }
        | Top::Report(_)
        | Top::List(_)
        | Top::Log { .. }
        | Top::Redact { .. }
        | Top::Import { .. }
        | Top::Migrate { .. }
        | Top::Serve(_)
        | Top::Token(_)
        | Top::Completions { .. }
        | Top::Head
        | Top::Purge
        | Top::Verify { .. } => return Ok(None),
    };
    Ok(Some(Domain { actions, decided }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;

    /// One list of reports: `Report::NAMED` (with the audit trail and the round report, which
    /// take an id) is what the HTTP route `reports/{report}` and the OpenAPI document offer;
    /// the program's `report` and `list` subcommands must name the same (the overview is
    /// `report html`), each mapped to the report of its name.
    #[test]
    fn the_report_and_list_subcommands_are_the_librarys_list_of_reports() {
        let command = Cli::command();
        let subcommands = |name: &str| -> BTreeSet<String> {
            let parent = command.find_subcommand(name).unwrap_or_else(|| panic!("no `{name}`"));
            parent.get_subcommands().map(|sub| sub.get_name().to_owned()).collect()
        };
        let offered: BTreeSet<String> =
            subcommands("report").into_iter().chain(subcommands("list")).collect();
        let named = Report::NAMED.iter().map(Report::name);
        let expected: BTreeSet<String> = named
            .map(|name| if name == "overview" { "html" } else { name })
            .chain(["audit", "round"])
            .map(str::to_owned)
            .collect();
        assert_eq!(offered, expected);
        for list in
            [ListKind::Persons, ListKind::Units, ListKind::Themes, ListKind::Networks, ListKind::Rounds]
        {
            let name = format!("{list:?}").to_lowercase();
            assert_eq!(name.parse::<Report>().ok(), Some(list.report()), "list {name}");
        }
    }
}
