//! The `netvaerk` command-line program.
//!
//! Exit codes: 0 done, 1 refused by a rule, 2 usage, 3 store error or corruption. Messages go
//! to standard error in plain words, naming the rule or the position.

/// Writes to standard output. A closed pipe (`netvaerk report leaders | head`) ends the
/// output quietly instead of panicking, as `println!` would.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

mod bench;
mod cli;
mod demo;
mod progress;
mod remote;
mod serve;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::Utc;
use netvaerk::core::{Acknowledgement, Action, Command, DomainError, Metadata, PersonId, Rule};
use netvaerk::projections::{AsOf, ProjectionError};
use netvaerk::store::{EventStore, ExportedRecord, OpenCheck, PersonalData, RawRecord, StoreError};
use netvaerk::{Address, BatchMode, Error, Outcome, Service};

use crate::cli::{Cli, PersonCommand, PolicyCommand, Top};

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
    /// Some `apply` lines were refused (exit 1); each was reported on its line.
    SomeRefused(usize),
    /// A server (`--store http://...`) answered with a problem; its class gives the exit code.
    Remote(Box<netvaerk::http::Problem>),
    /// The server could not be reached, or answered what the program cannot read (exit 3).
    Unreachable(String),
}

/// A usage error (exit 2) with its message.
fn usage(message: impl Into<String>) -> Failure {
    Failure::Error(Error::input("usage", None, None, message))
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Error(error) => error.class().exit_code(),
            Self::SomeRefused(_) => 1,
            Self::Remote(problem) => match problem.class.as_str() {
                "refused" => 1,
                "store" => 3,
                "contention" => 4,
                _ => 2,
            },
            Self::Unreachable(_) => 3,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Error(error) => {
                write!(f, "{} [{}]", error.message(netvaerk::report::Lang::from_env()), error.code())
            }
            Self::SomeRefused(count) => write!(f, "{count} line(s) refused; see the results above"),
            Self::Remote(problem) => write!(f, "{} [{}]", problem.detail, problem.code),
            Self::Unreachable(message) => write!(f, "cannot use the server at {message}"),
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
    let matches = cli::help::command(cli::help::language(&args)).try_get_matches_from(&args);
    let cli = match matches.and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches)) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("netvaerk: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Opens the store for a command: checking only the head record at open, since every record
/// a command reads is checked as it is read, and `verify` checks them all.
fn open_store(cli: &Cli) -> Result<Box<dyn EventStore>, Failure> {
    let address: Address = cli.store.parse()?;
    Ok(address.open(OpenCheck::Head)?)
}

/// The service over the command's store.
fn open_service(cli: &Cli) -> Result<Service, Failure> {
    Ok(Service::open(&cli.store)?)
}

/// The store, for a command that only reads it (opened so that nothing writes to it).
fn read_store(cli: &Cli) -> Result<Box<dyn EventStore>, Failure> {
    let address: Address = cli.store.parse()?;
    Ok(address.open_for_reading(OpenCheck::Head)?)
}

/// The service, for a command that only reads.
fn read_service(cli: &Cli) -> Result<Service, Failure> {
    Ok(Service::open_for_reading(&cli.store)?)
}

/// A command from the command line's decision flags.
/// Names and short ids looked up in `organisation`'s read models as of now, made when first
/// needed.
fn lookup(service: &Service, organisation: netvaerk::core::OrganisationId) -> cli::Resolver<'_> {
    cli::Resolver::new(move || {
        service.read_models(organisation, AsOf::Now, |models| netvaerk::lookup::Lookup::new(&models))
    })
}

/// The command `by` decided on `on` (default: today).
fn command_on(action: Action, by: PersonId, on: Option<chrono::NaiveDate>) -> Command {
    Command::new(Metadata::new(by, on.unwrap_or_else(|| Utc::now().date_naive())), action)
}

fn command(action: Action, by: PersonId, decided: &cli::Decided) -> Command {
    let mut command = command_on(action, by, decided.on);
    command.metadata.rationale.clone_from(&decided.why);
    if let Some(rationale) = &decided.acknowledge {
        for rule in Rule::ALL.iter().filter(|rule| rule.is_advisory()) {
            command = command.acknowledging(Acknowledgement::new(*rule, rationale.clone()));
        }
    }
    command
}

fn print_outcome(outcome: &Outcome) {
    let mut out = std::io::stdout().lock();
    for (event, position) in outcome.events.iter().zip(&outcome.positions) {
        let encoded = netvaerk::core::codec::encode(event);
        let _ = writeln!(out, "{position:>6}  {}  {}", encoded.type_name, encoded.payload);
    }
    for warning in &outcome.acknowledged {
        let _ = writeln!(out, "        overridden: {} -- {}", warning.warning, warning.rationale);
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if cli::is_remote(&cli.store) {
        return remote::run(&cli);
    }
    let organisation = cli.organisation;
    if cli::is_domain(&cli.command) {
        let service = open_service(&cli)?;
        let resolver = lookup(&service, organisation);
        let Some(domain) = cli::domain(&cli.command, &resolver)? else { return Ok(()) };
        let decided = domain.decided;
        let by = decided.by.resolve(&resolver)?;
        let commands: Vec<Command> =
            domain.actions.into_iter().map(|action| command(action, by, decided)).collect();
        if let [one] = commands.as_slice() {
            print_outcome(&service.execute(organisation, one)?);
        } else {
            for outcome in service.execute_batch(organisation, &commands, BatchMode::Atomic)? {
                print_outcome(&outcome?);
            }
        }
        return Ok(());
    }
    match &cli.command {
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
            say!("generated {written} events for {organisations} organisation(s) over {years} year(s) in {seconds:.1} s");
            Ok(())
        }
        Top::Person(PersonCommand::Register { name, email, title, unit, roles, id, by, on }) => {
            let service = open_service(&cli)?;
            let resolver = lookup(&service, organisation);
            let person = id.unwrap_or_else(PersonId::generate);
            let by = by.resolve(&resolver)?;
            let unit = unit.as_ref().map(|unit| unit.resolve(&resolver)).transpose()?;
            let data = PersonalData { name: name.clone(), email: email.clone(), title: title.clone() };
            // Checked before anything is appended.
            data.validate()?;
            let action = Action::RegisterPerson { person, unit, roles: roles.iter().copied().collect() };
            let outcome = service.execute(organisation, &command_on(action, by, *on))?;
            service.record_person(organisation, person, data, by)?;
            print_outcome(&outcome);
            Ok(())
        }
        Top::Person(PersonCommand::Correct { person, name, email, title, by }) => {
            let service = open_service(&cli)?;
            let resolver = lookup(&service, organisation);
            let (person, by) = (person.resolve(&resolver)?, by.resolve(&resolver)?);
            let data = PersonalData { name: name.clone(), email: email.clone(), title: title.clone() };
            match service.record_person(organisation, person, data, by)? {
                Some(appended) => say!("corrected {person}; record at position {}", appended.positions[0]),
                None => say!("{person}'s data is unchanged"),
            }
            Ok(())
        }
        Top::Person(PersonCommand::Erase { person, by }) => {
            let service = open_service(&cli)?;
            let resolver = lookup(&service, organisation);
            let (person, by) = (person.resolve(&resolver)?, by.resolve(&resolver)?);
            let appended = service.erase_person(organisation, person, by)?;
            say!("erased {person}; erasure record at position {}", appended.positions[0]);
            Ok(())
        }
        Top::Policy(PolicyCommand::Show) => {
            let service = read_service(&cli)?;
            let state = service.state(organisation)?;
            let policy = state.policy_in_force(service.default_policy());
            say!("{}", serde_json::to_string_pretty(policy).unwrap_or_default());
            Ok(())
        }
        Top::Policy(PolicyCommand::Set { file, decided }) => {
            let text = std::fs::read_to_string(file)
                .map_err(|error| usage(format!("cannot read {}: {error}", file.display())))?;
            let policy = serde_json::from_str(&text).map_err(|error| {
                Error::input(
                    "malformed_policy",
                    Some("policy"),
                    None,
                    format!("{} is not a policy: {error}", file.display()),
                )
            })?;
            let service = open_service(&cli)?;
            let by = decided.by.resolve(&lookup(&service, organisation))?;
            let outcome =
                service.execute(organisation, &command(Action::ChangePolicy { policy }, by, decided))?;
            print_outcome(&outcome);
            Ok(())
        }
        Top::Apply { file, atomic } => apply(&cli, file.as_deref(), *atomic),
        Top::Report(args) => {
            let service = read_service(&cli)?;
            let report = args.which.report(&lookup(&service, organisation))?;
            match &args.which {
                cli::ReportKind::Html { out } => {
                    let options = netvaerk::report::Options {
                        format: netvaerk::report::Format::Html,
                        ..report_options(&args.output)
                    };
                    let text = render(&service, organisation, &report, args.output.as_of, options)?;
                    match out {
                        Some(path) => std::fs::write(path, text)
                            .map_err(|error| usage(format!("cannot write {}: {error}", path.display())))?,
                        None => say_raw!("{text}"),
                    }
                    Ok(())
                }
                _ => {
                    let text = render(
                        &service,
                        organisation,
                        &report,
                        args.output.as_of,
                        report_options(&args.output),
                    )?;
                    say_raw!("{text}");
                    Ok(())
                }
            }
        }
        Top::List(args) => {
            let service = read_service(&cli)?;
            let text = render(
                &service,
                organisation,
                &args.which.report(),
                args.output.as_of,
                report_options(&args.output),
            )?;
            say_raw!("{text}");
            Ok(())
        }
        Top::Log { from } => {
            let store = read_store(&cli)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for envelope in store.read_all(*from) {
                let line = serde_json::to_string(&ExportedRecord::from(&envelope?)).unwrap_or_default();
                let _ = writeln!(out, "{line}");
            }
            Ok(())
        }
        Top::Redact { position, why, by } => {
            let service = open_service(&cli)?;
            let by = by.resolve(&lookup(&service, organisation))?;
            let appended = service.redact(organisation, *position, why, by)?;
            say!(
                "redacted the words at position {position}; redaction record at position {}",
                appended.positions[0]
            );
            Ok(())
        }
        Top::Import { file } => import(&cli, file),
        Top::Migrate { from, to } => migrate(from, to),
        Top::Serve(args) => serve::run(&cli, args),
        Top::Token(command) => serve::token(command),
        Top::Head => {
            match read_store(&cli)?.head()? {
                Some(head) => say!("{} {}", head.position, netvaerk::store::hex(&head.hash)),
                None => say!("0 (the log is empty)"),
            }
            Ok(())
        }
        Top::Verify { expect } => {
            let store = read_store(&cli)?;
            let length = store.head()?.map_or(0, |head| head.position);
            let progress = progress::bar(length, "verifying");
            let report = store.verify_with(&mut |position| progress.set_position(position))?;
            progress.finish_and_clear();
            match (&report.first_bad, report.head) {
                (Some((position, problem)), _) => {
                    Err(StoreError::Corrupt { position: *position, problem: problem.clone() }.into())
                }
                (None, head) => {
                    if let Some((position, hash)) = expect {
                        let found =
                            store.read_at(*position)?.map(|envelope| netvaerk::store::hex(&envelope.hash));
                        extends(*position, hash, found)?;
                    }
                    verified(
                        report.checked,
                        head.map(|head| (head.position, netvaerk::store::hex(&head.hash))),
                        expect,
                    );
                    Ok(())
                }
            }
        }
        _ => Err(usage("unknown command")),
    }
}

/// `Err(NotExtended)` unless the log holds `expected` at `position` (`found`).
fn extends(position: u64, expected: &str, found: Option<String>) -> Result<(), Failure> {
    if found.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(Error::NotExtended { position, expected: expected.to_owned(), found }.into())
}

/// What `verify` prints when the chain verified.
fn verified(checked: u64, head: Option<(u64, String)>, expect: &Option<(u64, String)>) {
    match head {
        Some((position, hash)) => say!("verified {checked} records; head {position} {hash}"),
        None => say!("verified: the log is empty"),
    }
    if let Some((position, _)) = expect {
        say!("the log extends the expected head at position {position}");
    }
}

/// `report` as of `as_of` rendered as `options` say, stamped.
fn render(
    service: &Service,
    organisation: netvaerk::core::OrganisationId,
    report: &netvaerk::report::Report,
    as_of: Option<chrono::NaiveDate>,
    options: netvaerk::report::Options,
) -> Result<String, Failure> {
    let as_of = as_of.map_or(AsOf::Now, AsOf::Date);
    let text = service.read_models(organisation, as_of, |models| {
        let stamp = netvaerk::report::Stamp::now(organisation, as_of, models.store)?;
        netvaerk::report::render_with(
            &models,
            report,
            &netvaerk::report::Options { stamp: Some(stamp), ..options },
        )
    })??;
    Ok(text)
}

/// How `report` renders: its flags, tables as wide as the terminal when there is one.
fn report_options(args: &cli::Output) -> netvaerk::report::Options {
    let terminal = console::Term::stdout().size_checked().map(|(_, columns)| usize::from(columns));
    netvaerk::report::Options {
        width: args.width.or(terminal).unwrap_or(netvaerk::report::WIDTH),
        section: args.section.clone(),
        ..netvaerk::report::Options::new(
            args.format,
            args.lang.unwrap_or_else(netvaerk::report::Lang::from_env),
        )
    }
}

fn read_lines(file: Option<&std::path::Path>) -> Result<Vec<String>, Failure> {
    let reader: Box<dyn BufRead> = match file {
        None => Box::new(std::io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(std::io::stdin().lock()),
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .map_err(|error| usage(format!("cannot read {}: {error}", path.display())))?,
        )),
    };
    reader.lines().collect::<Result<_, _>>().map_err(|error| usage(format!("cannot read the input: {error}")))
}

/// `apply`: JSON lines of commands, decided through the service: each on its own (a refused
/// line is reported and skipped), or with `--atomic` all or none. The accepted lines' events
/// are appended in one append; a concurrent writer makes the service decide them again.
fn apply(cli: &Cli, file: Option<&std::path::Path>, atomic: bool) -> Result<(), Failure> {
    let lines = read_lines(file)?;
    let mut out = std::io::stdout().lock();
    let mut report = |value: serde_json::Value| {
        let _ = writeln!(out, "{value}");
    };
    let failed = |number: usize, error: &Error| {
        serde_json::json!({
            "line": number, "ok": false, "error": error, "rule": error.rule().map(|rule| rule.to_string()),
        })
    };
    let mut numbers = Vec::new();
    let mut commands = Vec::new();
    let mut malformed = Vec::new();
    for (index, line) in lines.iter().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
        match serde_json::from_str::<Command>(line) {
            Ok(command) => {
                numbers.push(index + 1);
                commands.push(command);
            }
            Err(error) => malformed.push((
                index + 1,
                Error::input("malformed_command", None, None, format!("not a command: {error}")),
            )),
        }
    }
    if atomic && !malformed.is_empty() {
        for (number, error) in &malformed {
            report(failed(*number, error));
        }
        return Err(Failure::SomeRefused(malformed.len()));
    }
    let service = open_service(cli)?;
    let mode = if atomic { BatchMode::Atomic } else { BatchMode::EachOnItsOwn };
    let results = match service.execute_batch(cli.organisation, &commands, mode) {
        Err(Error::BatchRefused { index, error }) => {
            report(failed(numbers[index], &Error::Refused(error)));
            return Err(Failure::SomeRefused(1));
        }
        other => other?,
    };
    let mut lines: Vec<(usize, serde_json::Value)> =
        malformed.iter().map(|(number, error)| (*number, failed(*number, error))).collect();
    let mut refused = malformed.len();
    let mut appended = 0;
    let mut stream_version = None;
    for (number, result) in numbers.iter().zip(results) {
        let value = match result {
            Ok(outcome) => {
                appended += if outcome.replayed { 0 } else { outcome.positions.len() };
                stream_version = stream_version.max(Some(outcome.stream_version));
                let types: Vec<&str> = outcome.events.iter().map(|event| event.type_name()).collect();
                serde_json::json!({
                    "line": number, "ok": true, "events": types, "positions": outcome.positions,
                    "replayed": outcome.replayed,
                })
            }
            Err(error) => {
                refused += 1;
                failed(*number, &error)
            }
        };
        lines.push((*number, value));
    }
    lines.sort_by_key(|(number, _)| *number);
    for (_, value) in lines {
        report(value);
    }
    if refused > 0 {
        return Err(Failure::SomeRefused(refused));
    }
    if atomic {
        report(serde_json::json!({ "appended": appended, "stream_version": stream_version }));
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
    say!("imported {} records; the chain verifies", records.len());
    Ok(())
}

/// Copies the log at `from` into the empty store at `to`, in chunks, each checked by the
/// target's `import` (checksums, hashes, links, versions) and committed whole; then the
/// registry; then verifies both.
fn migrate(from: &Address, to: &Address) -> Result<(), Failure> {
    let source = from.open(OpenCheck::Head)?;
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
    let hash = |report: &netvaerk::store::VerifyReport| {
        report.head.map_or_else(|| "(empty)".to_owned(), |head| netvaerk::store::hex(&head.hash))
    };
    if before.head != after.head {
        return Err(usage(format!("the copy ends at {} but the source at {}", hash(&after), hash(&before))));
    }
    say!("migrated {} records and {} registry entries", after.checked, entries.len());
    say!("from {from}: verified, head {} {}", before.checked, hash(&before));
    say!("to   {to}: verified, head {} {}", after.checked, hash(&after));
    Ok(())
}

/// Records per import transaction when migrating.
const MIGRATE_CHUNK: usize = 10_000;
