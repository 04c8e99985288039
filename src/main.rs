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

mod address;
mod bench;
mod cli;
mod demo;
mod render;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::Utc;
use clap::Parser;
use netvaerk::core::{
    decide, evolve, Acknowledgement, Action, Command, Decision, DomainError, Metadata, PersonId, Policy,
    Rule, State,
};
use netvaerk::projections::{fold_envelopes, All, AsOf, Names, ProjectionError};
use netvaerk::store::{
    AppendResult, EventStore, ExpectedVersion, ExportedRecord, NewEvent, OpenCheck, PersonalData, RawRecord,
    StoreError, StreamId,
};

use crate::address::Address;
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
    /// A rule refused the command (exit 1).
    Refused(DomainError),
    /// Some `apply` lines were refused (exit 1); each was reported on its line.
    SomeRefused(usize),
    /// The command line or its input is wrong (exit 2).
    Usage(String),
    /// The store failed or is corrupt (exit 3).
    Store(StoreError),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Refused(_) | Self::SomeRefused(_) => 1,
            Self::Usage(_) => 2,
            Self::Store(_) => 3,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(error) => write!(f, "refused: {error}"),
            Self::SomeRefused(count) => write!(f, "{count} line(s) refused; see the results above"),
            Self::Usage(message) => f.write_str(message),
            Self::Store(error) => write!(f, "store: {error}"),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Self {
        Self::Refused(error)
    }
}

impl From<ProjectionError> for Failure {
    fn from(error: ProjectionError) -> Self {
        match error {
            ProjectionError::Store(error) => Self::Store(error),
            other => Self::Usage(other.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
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

/// An organisation in an open store.
struct Organisation {
    /// The store.
    store: Box<dyn EventStore>,
    /// The organisation's stream.
    stream: StreamId,
}

/// Opens the store for a command: checking only the head record at open, since every record
/// a command reads is checked as it is read, and `verify` checks them all.
fn open_store(cli: &Cli) -> Result<Box<dyn EventStore>, Failure> {
    let address: Address = cli.store.parse().map_err(Failure::Usage)?;
    Ok(address.open(OpenCheck::Head)?)
}

impl Organisation {
    fn open(cli: &Cli) -> Result<Self, Failure> {
        let store = open_store(cli)?;
        Ok(Self { store, stream: StreamId::organisation(cli.organisation) })
    }

    /// The organisation's state, folded from its stream.
    fn state(&self) -> Result<State, Failure> {
        let mut state = State::new();
        for envelope in self.store.read_stream(&self.stream, 1)? {
            let event = envelope.decode().map_err(|error| {
                Failure::Usage(format!(
                    "the event at position {} cannot be decoded: {error}",
                    envelope.position
                ))
            })?;
            state = evolve(state, &event);
        }
        Ok(state)
    }

    /// Decides `command` on the current state and appends its events; on a concurrent write,
    /// decides again on the fresh state (once).
    fn decide(&self, command: &Command) -> Result<(Decision, AppendResult), Failure> {
        for _ in 0..2 {
            let state = self.state()?;
            let decision = decide(&state, command, &Policy::ns3(), Utc::now())?;
            let events = NewEvent::from_decision(&decision);
            match self.store.append(&self.stream, ExpectedVersion::Exact(state.version()), &events) {
                Ok(appended) => return Ok((decision, appended)),
                Err(StoreError::WrongExpectedVersion { .. }) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(Failure::Usage("the organisation changed twice while deciding; try again".into()))
    }
}

/// A command from the command line's decision flags.
fn command(action: Action, decided: &cli::Decided) -> Command {
    let on = decided.on.unwrap_or_else(|| Utc::now().date_naive());
    let mut metadata = Metadata::new(decided.by, on);
    metadata.rationale.clone_from(&decided.why);
    let mut command = Command::new(metadata, action);
    if let Some(rationale) = &decided.acknowledge {
        for rule in Rule::ALL.iter().filter(|rule| rule.is_advisory()) {
            command = command.acknowledging(Acknowledgement::new(*rule, rationale.clone()));
        }
    }
    command
}

fn print_decision(decision: &Decision, appended: &AppendResult) {
    let mut out = std::io::stdout().lock();
    for (event, position) in decision.events.iter().zip(&appended.positions) {
        let encoded = netvaerk::core::codec::encode(event);
        let _ = writeln!(out, "{position:>6}  {}  {}", encoded.type_name, encoded.payload);
    }
    for warning in &decision.acknowledged {
        let _ = writeln!(out, "        overridden: {} -- {}", warning.warning, warning.rationale);
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Some(domain) = cli::domain(&cli.command) {
        let organisation = Organisation::open(&cli)?;
        let command = command(domain.action, domain.decided);
        let (decision, appended) = organisation.decide(&command)?;
        print_decision(&decision, &appended);
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
            let store = open_store(&cli)?;
            let started = std::time::Instant::now();
            let written = demo::generate(&*store, *organisations, *years, *seed)?;
            let seconds = started.elapsed().as_secs_f64();
            say!("generated {written} events for {organisations} organisation(s) over {years} year(s) in {seconds:.1} s");
            Ok(())
        }
        Top::Person(PersonCommand::Register { name, email, title, unit, roles, id, by, on }) => {
            let organisation = Organisation::open(&cli)?;
            let person = id.unwrap_or_else(PersonId::generate);
            let decided = cli::Decided { by: by.unwrap_or(person), on: *on, why: None, acknowledge: None };
            let roles = roles.iter().map(|role| (*role).into()).collect();
            let action = Action::RegisterPerson { person, unit: *unit, roles };
            let (decision, appended) = organisation.decide(&command(action, &decided))?;
            let data = PersonalData { name: name.clone(), email: email.clone(), title: title.clone() };
            organisation.store.register_person(person, data)?;
            print_decision(&decision, &appended);
            Ok(())
        }
        Top::Person(PersonCommand::Erase { person, by }) => {
            let organisation = Organisation::open(&cli)?;
            let appended = organisation.store.erase(*person, *by, Utc::now())?;
            say!("erased {person}; erasure record at position {}", appended.positions[0]);
            Ok(())
        }
        Top::Policy(PolicyCommand::Show) => {
            let organisation = Organisation::open(&cli)?;
            let state = organisation.state()?;
            let ns3 = Policy::ns3();
            let policy = state.policy_in_force(&ns3);
            say!("{}", serde_json::to_string_pretty(policy).unwrap_or_default());
            Ok(())
        }
        Top::Policy(PolicyCommand::Set { file, decided }) => {
            let text = std::fs::read_to_string(file)
                .map_err(|error| Failure::Usage(format!("cannot read {}: {error}", file.display())))?;
            let policy = serde_json::from_str(&text)
                .map_err(|error| Failure::Usage(format!("{} is not a policy: {error}", file.display())))?;
            let organisation = Organisation::open(&cli)?;
            let (decision, appended) =
                organisation.decide(&command(Action::ChangePolicy { policy }, decided))?;
            print_decision(&decision, &appended);
            Ok(())
        }
        Top::Apply { file, atomic } => apply(&cli, file.as_deref(), *atomic),
        Top::Report(args) => {
            let organisation = Organisation::open(&cli)?;
            let as_of = args.as_of.map_or(AsOf::Now, AsOf::Date);
            let envelopes = organisation.store.read_stream(&organisation.stream, 1)?;
            let progress = render::progress(envelopes.len() as u64, "rebuilding");
            let counted = envelopes.iter().inspect(|_| progress.inc(1));
            let all = fold_envelopes::<All>(&organisation.stream, counted, as_of)?.into_inner();
            progress.finish_and_clear();
            let names = Names::from_store(&*organisation.store);
            let text = render::report(&all, &args.which, args.format, &names, &*organisation.store)
                .map_err(Failure::Usage)?;
            say_raw!("{text}");
            Ok(())
        }
        Top::Log { from } => {
            let store = open_store(&cli)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for envelope in store.read_all(*from) {
                let line = serde_json::to_string(&ExportedRecord::from(&envelope?)).unwrap_or_default();
                let _ = writeln!(out, "{line}");
            }
            Ok(())
        }
        Top::Import { file } => import(&cli, file),
        Top::Migrate { from, to } => migrate(from, to),
        Top::Verify => {
            let store = open_store(&cli)?;
            let length = store.head()?.map_or(0, |head| head.position);
            let progress = render::progress(length, "verifying");
            let report = store.verify_with(&mut |position| progress.set_position(position))?;
            progress.finish_and_clear();
            match (&report.first_bad, report.head) {
                (Some((position, problem)), _) => {
                    Err(Failure::Store(StoreError::Corrupt { position: *position, problem: problem.clone() }))
                }
                (None, Some(head)) => {
                    say!(
                        "verified {} records; head {} {}",
                        report.checked,
                        head.position,
                        netvaerk::store::hex(&head.hash)
                    );
                    Ok(())
                }
                (None, None) => {
                    say!("verified: the log is empty");
                    Ok(())
                }
            }
        }
        _ => Err(Failure::Usage("unknown command".into())),
    }
}

fn read_lines(file: Option<&std::path::Path>) -> Result<Vec<String>, Failure> {
    let reader: Box<dyn BufRead> = match file {
        None => Box::new(std::io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(std::io::stdin().lock()),
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .map_err(|error| Failure::Usage(format!("cannot read {}: {error}", path.display())))?,
        )),
    };
    reader
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|error| Failure::Usage(format!("cannot read the input: {error}")))
}

/// `apply`: JSON lines of commands; each decided and appended on its own, or all or none.
fn apply(cli: &Cli, file: Option<&std::path::Path>, atomic: bool) -> Result<(), Failure> {
    let organisation = Organisation::open(cli)?;
    let lines = read_lines(file)?;
    let mut out = std::io::stdout().lock();
    let mut refused = 0;
    let mut state = organisation.state()?;
    let start_version = state.version();
    let mut pending: Vec<NewEvent> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Command>(line)
            .map_err(|error| serde_json::json!({ "line": number, "ok": false, "error": format!("not a command: {error}") }))
            .and_then(|command| {
                decide(&state, &command, &Policy::ns3(), Utc::now()).map_err(|error| {
                    serde_json::json!({ "line": number, "ok": false, "error": error.to_string(), "rule": error.rule() })
                })
            });
        match result {
            Err(report) => {
                refused += 1;
                let _ = writeln!(out, "{report}");
            }
            Ok(decision) => {
                let events = NewEvent::from_decision(&decision);
                let types: Vec<&str> = decision.events.iter().map(|event| event.type_name()).collect();
                if atomic {
                    pending.extend(events);
                    let _ = writeln!(
                        out,
                        "{}",
                        serde_json::json!({ "line": number, "ok": true, "events": types })
                    );
                } else {
                    let appended = organisation.store.append(
                        &organisation.stream,
                        ExpectedVersion::Exact(state.version()),
                        &events,
                    )?;
                    let report = serde_json::json!({ "line": number, "ok": true, "events": types, "positions": appended.positions });
                    let _ = writeln!(out, "{report}");
                }
                state = decision.events.iter().fold(state, evolve);
            }
        }
    }
    if refused > 0 {
        return Err(Failure::SomeRefused(refused));
    }
    if atomic && !pending.is_empty() {
        let appended = organisation.store.append(
            &organisation.stream,
            ExpectedVersion::Exact(start_version),
            &pending,
        )?;
        let _ = writeln!(
            out,
            "{}",
            serde_json::json!({ "appended": appended.positions.len(), "stream_version": appended.stream_version })
        );
    }
    Ok(())
}

/// `import`: an exported log, checked whole before anything is appended.
fn import(cli: &Cli, file: &std::path::Path) -> Result<(), Failure> {
    let lines = read_lines(Some(file))?;
    let progress = render::progress(lines.len() as u64, "checking");
    let mut records: Vec<RawRecord> = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let exported: ExportedRecord = serde_json::from_str(line).map_err(|error| {
            Failure::Usage(format!("line {} is not an exported record: {error}", index + 1))
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
        return Err(Failure::Usage(format!(
            "{to} already holds {} events; migrate copies into an empty store",
            head.position
        )));
    }
    let length = source.head()?.map_or(0, |head| head.position);
    let progress = render::progress(length, "copying");
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
    let entries = source.registry_entries()?;
    for (person, entry) in &entries {
        target.write_registry_entry(*person, entry)?;
    }
    let (before, after) = (source.verify()?, target.verify()?);
    if let Some((position, problem)) = before.first_bad.as_ref().or(after.first_bad.as_ref()) {
        return Err(Failure::Store(StoreError::Corrupt { position: *position, problem: problem.clone() }));
    }
    let hash = |report: &netvaerk::store::VerifyReport| {
        report.head.map_or_else(|| "(empty)".to_owned(), |head| netvaerk::store::hex(&head.hash))
    };
    if before.head != after.head {
        return Err(Failure::Usage(format!(
            "the copy ends at {} but the source at {}",
            hash(&after),
            hash(&before)
        )));
    }
    say!("migrated {} records and {} registry entries", after.checked, entries.len());
    say!("from {from}: verified, head {} {}", before.checked, hash(&before));
    say!("to   {to}: verified, head {} {}", after.checked, hash(&after));
    Ok(())
}

/// Records per import transaction when migrating.
const MIGRATE_CHUNK: usize = 10_000;
