//! The `netvaerk` command-line program: decisions and `apply`, reports and lists, the demo,
//! `generate` and `bench`, `serve` (the `netvaerk-http` server), `import`, `migrate`, `purge`
//! and tokens. Every subcommand on an organisation's log goes through one dispatcher
//! (`dispatch.rs`), against the store itself or a running server (`remote.rs`).
//!
//! Exit codes: 0 done, 1 refused by a rule, 2 usage, 3 store error or corruption, or output
//! that could not be written (a closed pipe ends the output quietly). Messages go
//! to standard error in plain words, naming the rule or the position.

/// Writes to standard output through [`output`]: a closed pipe (`netvaerk report leaders |
/// head`) ends the output quietly instead of panicking, as `println!` would; any other failure
/// (a full disk) makes the program fail.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        $crate::output(writeln!(std::io::stdout(), $($arg)*));
    }};
}

/// [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        $crate::output(write!(std::io::stdout(), $($arg)*));
    }};
}

/// The first failure to write standard output other than a closed pipe. `main` reports it and
/// exits 3, so that an export to a full disk never passes for a finished one.
static OUTPUT_ERROR: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);

/// Notes the outcome of a write to standard output (see [`OUTPUT_ERROR`]); whether it
/// succeeded, so that a long output stops at the first failure.
fn output(result: std::io::Result<()>) -> bool {
    match result {
        Ok(()) => true,
        Err(error) => {
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                let mut first = OUTPUT_ERROR.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                first.get_or_insert(error);
            }
            false
        }
    }
}

mod bench;
mod cli;
mod demo;
mod dispatch;
mod progress;
mod remote;
mod serve;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::Utc;
use netvaerk::{Address, Error, Outcome, Service};
use netvaerk_core::{Acknowledgement, Action, Command, DomainError, Metadata, PersonId, Rule};
use netvaerk_projections::{AsOf, ProjectionError};
use netvaerk_store::{EventStore, ExportedRecord, OpenCheck, RawRecord, StoreError};

use crate::cli::{Cli, Top};

/// mimalloc instead of the system allocator: replay, import and generation allocate and free
/// millions of small strings across threads. In the million-event sled bench it made replay
/// 8% and import 40% faster than glibc's allocator, for about 50 MB more peak memory. The
/// library crates leave the choice of allocator to whoever embeds them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Why the program stopped.
#[derive(Debug)]
enum Failure {
    /// The service's error; its class gives the exit code ([`netvaerk::ErrorClass::exit_code`]).
    Error(Error),
    /// Some `apply` lines failed; each was reported on its line. The exit code is the gravest
    /// of their classes' (1 refused by a rule, 2 input, 3 store, 4 contention).
    SomeRefused {
        /// How many lines failed.
        count: usize,
        /// The exit code.
        code: u8,
    },
    /// A problem, as a server (`--store http://...`) answers it or as an atomic batch's
    /// refusal names its command; its class gives the exit code.
    Problem(Box<netvaerk_http::Problem>),
    /// A refusal as said, its ids named ([`Failure::with_names`]), and its exit code.
    Named {
        /// The message, with its code.
        text: String,
        /// The exit code.
        code: u8,
    },
    /// The server could not be reached, or answered what the program cannot read (exit 3).
    Unreachable(String),
    /// Standard output could not be written, other than by a closed pipe (exit 3).
    Output(std::io::Error),
}

/// The exit code of a problem's class, as `netvaerk::ErrorClass::exit_code` gives it.
fn class_exit_code(class: &str) -> u8 {
    match class {
        "refused" => 1,
        "store" => 3,
        "contention" => 4,
        _ => 2,
    }
}

/// A usage error (exit 2) with its message.
fn usage(message: impl Into<String>) -> Failure {
    Failure::Error(Error::input("usage", None, None, message))
}

impl Failure {
    /// Whether a rule refused the decision (a refusal names what it refused by id).
    fn is_refusal(&self) -> bool {
        match self {
            Self::Error(error) => error.class() == netvaerk::ErrorClass::Refused,
            Self::Problem(problem) => class_exit_code(&problem.class) == 1,
            _ => false,
        }
    }

    /// The failure with each id its message names that `lookup` knows followed by its name and
    /// short id: `network "Sundhed" (00000021)`, in a message that had only the id.
    fn with_names(self, lookup: &netvaerk_report::lookup::Lookup) -> Self {
        let text = self.to_string();
        let mut named = text.clone();
        for id in ids_in(&text) {
            if let Some(candidate) = lookup.named(id) {
                let short = netvaerk_report::lookup::short_id(id);
                named = named.replace(&id.to_string(), &format!("\"{}\" ({short})", candidate.name));
            }
        }
        if named == text {
            return self;
        }
        Self::Named { text: named, code: self.exit_code() }
    }

    fn exit_code(&self) -> u8 {
        match self {
            Self::Named { code, .. } => *code,
            Self::Error(error) => error.class().exit_code(),
            Self::SomeRefused { code, .. } => *code,
            Self::Problem(problem) => class_exit_code(&problem.class),
            Self::Unreachable(_) | Self::Output(_) => 3,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Error(error) => write!(f, "{} [{}]", error.message(language()), error.code()),
            Self::Named { text, .. } => f.write_str(text),
            Self::SomeRefused { count, .. } => write!(
                f,
                "{}",
                in_language(
                    format!("{count} line(s) refused; see the results above"),
                    format!("{count} linje(r) afvist; se resultaterne ovenfor")
                )
            ),
            Self::Problem(problem) => write!(f, "{} [{}]", problem.detail, problem.code),
            Self::Unreachable(message) => write!(f, "cannot use the server at {message}"),
            Self::Output(error) => write!(
                f,
                "{} [output_failed]",
                in_language(
                    format!("cannot write the output: {error}"),
                    format!("kan ikke skrive uddata: {error}")
                )
            ),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Error(error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Self::Error(error.into())
    }
}

impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Self {
        Self::Error(error.into())
    }
}

impl From<ProjectionError> for Failure {
    fn from(error: ProjectionError) -> Self {
        Self::Error(error.into())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // The language is known before the arguments are parsed, so that a refusal of them (and
    // the help) is in it.
    let lang = cli::help::language(&args);
    let _ = LANGUAGE.set(lang);
    let matches = cli::help::command(lang).try_get_matches_from(&args);
    let cli = match matches.and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches)) {
        Ok(cli) => cli,
        Err(error) if lang == netvaerk_report::Lang::Da && error.use_stderr() => {
            eprint!("{}", cli::help::danish_error(&error));
            return ExitCode::from(2);
        }
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let result = run(cli).and_then(|()| {
        output(std::io::Write::flush(&mut std::io::stdout()));
        let failed = OUTPUT_ERROR.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        failed.map_or(Ok(()), |error| Err(Failure::Output(error)))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("netvaerk: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The ids (hyphenated UUIDs) in `text`, each once, in order.
fn ids_in(text: &str) -> Vec<uuid::Uuid> {
    let mut ids = Vec::new();
    for (at, _) in text.char_indices() {
        let Some(candidate) = text.get(at..at + 36) else { continue };
        if ![8, 13, 18, 23].iter().all(|&index| candidate.as_bytes()[index] == b'-') {
            continue;
        }
        if let Ok(id) = uuid::Uuid::parse_str(candidate) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// Opens the store for a command: checking only the head record at open, since every record
/// a command reads is checked as it is read, and `verify` checks them all.
fn open_store(cli: &Cli) -> Result<Box<dyn EventStore>, Failure> {
    let address: Address = cli.store.parse()?;
    let store = address.open(OpenCheck::Head)?;
    note_recovery(&*store);
    Ok(store)
}

/// The service over the command's store.
fn open_service(cli: &Cli) -> Result<Service, Failure> {
    let service = Service::open(&cli.store)?;
    note_recovery(service.store());
    Ok(service)
}

/// Says on standard error when opening `store` recovered it from an unclean shutdown (a crash
/// or kill -9 while a writer had it open): not damage, and nothing to restore.
fn note_recovery(store: &dyn EventStore) {
    if store.recovered() {
        eprintln!(
            "netvaerk: the store was not closed cleanly (a crash or a killed writer); it was recovered, \
             and every decision that was acknowledged is in it"
        );
    }
}

/// Names and short ids looked up in `organisation`'s read models as of now, made when first
/// needed.
fn lookup(service: &Service, organisation: netvaerk_core::OrganisationId) -> cli::Resolver<'_> {
    cli::Resolver::new(move || {
        service.read_models(organisation, AsOf::Now, |models| netvaerk_report::lookup::Lookup::new(&models))
    })
}

/// The command `by` decided on `on` (default: today).
fn command_on(action: Action, by: PersonId, on: Option<chrono::NaiveDate>) -> Command {
    Command::new(Metadata::new(by, on.unwrap_or_else(|| Utc::now().date_naive())), action)
}

/// The command `by` decided with the command line's decision flags.
fn command(action: Action, by: PersonId, decided: &cli::Decided) -> Command {
    let mut command = command_on(action, by, decided.on);
    command.metadata.rationale.clone_from(&decided.why);
    if let Some(rationale) = &decided.acknowledge {
        // Every rule that can warn: the advisory ones, and the advisory parts of hard rules
        // (NW-5's other type, RL-3's reference leader from outside the chief forum).
        for rule in Rule::ALL {
            command = command.acknowledging(Acknowledgement::new(*rule, rationale.clone()));
        }
    }
    command
}

fn print_outcome(outcome: &Outcome) {
    let mut out = std::io::stdout().lock();
    for (event, position) in outcome.events.iter().zip(&outcome.positions) {
        let encoded = netvaerk_core::codec::encode(event);
        output(writeln!(out, "{position:>6}  {}  {}", encoded.type_name, encoded.payload));
    }
    for warning in &outcome.acknowledged {
        output(writeln!(out, "        overridden: {} -- {}", warning.warning, warning.rationale));
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Top::Demo
        | Top::Generate { .. }
        | Top::Bench { .. }
        | Top::Import { .. }
        | Top::Migrate { .. }
        | Top::Purge
        | Top::Serve(_)
        | Top::Token(_)
            if cli::is_remote(&cli.store) =>
        {
            let name = dispatch::needs_the_store(&cli.command).unwrap_or("this command");
            Err(usage(format!(
                "`{name}` needs the store itself, not a server: run it with --store set to the store's address"
            )))
        }
        Top::Demo => demo::run(&cli),
        Top::Bench { events, json } => {
            let targets = bench::Target::parse_list(&cli.store)?;
            let runs = match targets.as_slice() {
                [target] => vec![bench::run_one(*events, target)?],
                several => bench::run_each_in_a_child(*events, several)?,
            };
            if *json {
                say!("{}", serde_json::to_string_pretty(&runs).unwrap_or_default());
            } else {
                say_raw!("{}", bench::table(&runs));
            }
            Ok(())
        }
        Top::Generate { organisations, years, seed } => {
            let started = std::time::Instant::now();
            let written = demo::generate(open_store(&cli)?.into(), *organisations, *years, *seed)?;
            let seconds = started.elapsed().as_secs_f64();
            say!(
                "{}",
                in_language(
                    format!("generated {written} events for {organisations} organisation(s) over {years} year(s) in {seconds:.1} s"),
                    format!("dannede {written} hændelser for {organisations} organisation(er) over {years} år på {} s", format!("{seconds:.1}").replace('.', ","))
                )
            );
            Ok(())
        }
        Top::Import { file } => import(&cli, file),
        Top::Migrate { from, to } => migrate(from, to),
        Top::Purge => purge(&cli),
        Top::Serve(args) => serve::run(&cli, args),
        Top::Token(command) => serve::token(command),
        Top::Completions { shell } => {
            let mut command = cli::help::command(netvaerk_report::Lang::En);
            // Into memory first: clap_complete panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command, "netvaerk", &mut script);
            output(std::io::Write::write_all(&mut std::io::stdout(), &script));
            Ok(())
        }
        // Everything else works on an organisation's log, the same through the store or a server.
        _ if cli::is_remote(&cli.store) => dispatch::run(&cli, &remote::Remote::new(&cli.store)?),
        _ => dispatch::run(&cli, &dispatch::Local::open(&cli)?),
    }
}

/// The language `--lang` gave (else `NETVAERK_LANG`, else the locale), set once at the start.
static LANGUAGE: std::sync::OnceLock<netvaerk_report::Lang> = std::sync::OnceLock::new();

/// The English or the Danish of a line the program prints, in the program's language.
pub(crate) fn in_language(english: String, danish: String) -> String {
    match language() {
        netvaerk_report::Lang::En => english,
        netvaerk_report::Lang::Da => danish,
    }
}

/// The program's language: `--lang` (before or after the subcommand), else `NETVAERK_LANG`,
/// else the locale, else English.
pub(crate) fn language() -> netvaerk_report::Lang {
    LANGUAGE.get().copied().unwrap_or_else(netvaerk::lang_from_env)
}

/// How `report` renders: its flags, tables as wide as the terminal when there is one.
fn report_options(args: &cli::Output) -> netvaerk_report::Options {
    let terminal = console::Term::stdout().size_checked().map(|(_, columns)| usize::from(columns));
    netvaerk_report::Options {
        width: args.width.or(terminal).unwrap_or(netvaerk_report::WIDTH),
        section: args.section.clone(),
        csv_dialect: args.csv_dialect,
        ..netvaerk_report::Options::new(args.format(), language())
    }
}

/// The lines of `file` (standard input for none or `-`); a line that is not UTF-8 is an input
/// error naming its number.
fn read_lines(file: Option<&std::path::Path>) -> Result<Vec<String>, Failure> {
    let reader: Box<dyn BufRead> = match file {
        None => Box::new(std::io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(std::io::stdin().lock()),
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .map_err(|error| usage(format!("cannot read {}: {error}", path.display())))?,
        )),
    };
    reader
        .split(b'\n')
        .enumerate()
        .map(|(index, line)| {
            let mut line = line.map_err(|error| usage(format!("cannot read the input: {error}")))?;
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            String::from_utf8(line).map_err(|error| {
                Failure::Error(Error::input(
                    "malformed_input",
                    Some("line"),
                    Some((index + 1).to_string()),
                    format!("line {} is not UTF-8 text: {error}", index + 1),
                ))
            })
        })
        .collect()
}

/// `purge`: the engine forgets the old copies of redacted words and erased keys; what it
/// cannot reach is said on standard error.
fn purge(cli: &Cli) -> Result<(), Failure> {
    let purged = open_store(cli)?.purge()?;
    if purged.tables_rewritten.is_empty() && purged.wal_segments_cycled == 0 {
        say!(
            "{}",
            in_language(
                "nothing to purge: this store's engine keeps no old copies of what it rewrote".to_owned(),
                "intet at rydde: dette lagers motor gemmer ingen gamle kopier af det, den skrev om"
                    .to_owned()
            )
        );
    } else {
        say!(
            "purged: rewrote the tables {} and wrote through {} write-ahead log segments",
            purged.tables_rewritten.join(", "),
            purged.wal_segments_cycled
        );
    }
    for kept in &purged.kept {
        eprintln!("netvaerk: still kept: {kept}");
    }
    Ok(())
}

/// `import`: an exported log, checked whole before anything is appended.
fn import(cli: &Cli, file: &std::path::Path) -> Result<(), Failure> {
    let lines = read_lines(Some(file))?;
    let progress = progress::bar(lines.len() as u64, "checking");
    let mut records: Vec<RawRecord> = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let exported: ExportedRecord = serde_json::from_str(line).map_err(|error| {
            Error::input(
                "malformed_record",
                Some("line"),
                Some((index + 1).to_string()),
                format!("line {} is not an exported record: {error}", index + 1),
            )
        })?;
        let position = exported.position;
        let record = exported.to_record().map_err(|problem| StoreError::Corrupt { position, problem })?;
        records.push(record);
        progress.inc(1);
    }
    progress.finish_and_clear();
    let store = open_store(cli)?;
    store.import(&records)?;
    say!(
        "{}",
        in_language(
            format!("imported {} records; the chain verifies", records.len()),
            format!("importerede {} poster; kæden holder", records.len())
        )
    );
    Ok(())
}

/// Copies the log at `from` into the empty store at `to`, in chunks, each checked by the
/// target's `import` (checksums, hashes, links, versions) and committed whole; then the
/// registry; then verifies both.
fn migrate(from: &Address, to: &Address) -> Result<(), Failure> {
    // The source is only read: a source that is not there is store_not_found, never made.
    let source = from.open_for_reading(OpenCheck::Head)?;
    note_recovery(&*source);
    let target = to.open(OpenCheck::Head)?;
    if let Some(head) = target.head()? {
        return Err(usage(format!(
            "{to} already holds {} events; migrate copies into an empty store",
            head.position
        )));
    }
    let length = source.head()?.map_or(0, |head| head.position);
    let progress = progress::bar(length, "copying");
    let mut chunk = Vec::with_capacity(MIGRATE_CHUNK);
    for raw in source.read_raw(1) {
        chunk.push(raw?);
        if chunk.len() == MIGRATE_CHUNK {
            target.import(&chunk)?;
            progress.inc(chunk.len() as u64);
            chunk.clear();
        }
    }
    target.import(&chunk)?;
    progress.finish_and_clear();
    // Through the registry's import, which keeps erasures erased.
    let entries = source.registry_entries()?;
    target.import_registry(&entries)?;
    let (before, after) = (source.verify()?, target.verify()?);
    if let Some((position, problem)) = before.first_bad.as_ref().or(after.first_bad.as_ref()) {
        return Err(StoreError::Corrupt { position: *position, problem: problem.clone() }.into());
    }
    let hash = |report: &netvaerk_store::VerifyReport| {
        report.head.map_or_else(|| "(empty)".to_owned(), |head| netvaerk_store::hex(&head.hash))
    };
    if before.head != after.head {
        return Err(usage(format!("the copy ends at {} but the source at {}", hash(&after), hash(&before))));
    }
    let (records, registry) = (after.checked, entries.len());
    say!(
        "{}",
        in_language(
            format!("migrated {records} records and {registry} registry entries"),
            format!("flyttede {records} poster og {registry} registerposter")
        )
    );
    // The two lines' labels padded to one width, so that their heads line up.
    let (from_label, to_label, verified) = match language() {
        netvaerk_report::Lang::En => ("from", "to  ", "verified, head"),
        netvaerk_report::Lang::Da => ("fra", "til", "efterprøvet, hoved"),
    };
    say!("{from_label} {from}: {verified} {} {}", before.checked, hash(&before));
    say!("{to_label} {to}: {verified} {} {}", after.checked, hash(&after));
    Ok(())
}

/// Records per import transaction when migrating.
const MIGRATE_CHUNK: usize = 10_000;
