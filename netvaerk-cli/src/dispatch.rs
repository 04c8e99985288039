//! The one dispatcher: every subcommand that works on an organisation's log is run once, here,
//! over a [`Gateway`] that the store itself ([`Local`], through the service) and a running
//! server ([`crate::remote::Remote`], over HTTP) both implement. So a command is refused the
//! same way, with nothing appended, whichever way it travels; the subcommands that need the
//! store itself (`demo`, `generate`, `bench`, `import`, `migrate`, `serve`, `token`) say so
//! against a server.

use std::io::Write;

use netvaerk::{BatchMode, Error, Outcome, Service};
use netvaerk_core::{Action, Command, OrganisationId, PersonId};
use netvaerk_http::Problem;
use netvaerk_projections::AsOf;
use netvaerk_report::{Appendix, Format, Report};
use netvaerk_store::{EventStore, ExportedRecord, PersonalData, PersonalDataPatch, StoreError};

use crate::cli::{self, Cli, OrganisationCommand, PersonCommand, PolicyCommand, Resolver, Top};
use crate::{command, command_on, print_outcome, progress, read_lines, usage, Failure};

/// What the program asks of the log: the store itself or a server holding it. Each method is
/// the same request either way; errors come back as the same codes.
pub trait Gateway {
    /// Names and short ids of `organisation`'s persons, units, themes and networks, looked up
    /// when first needed.
    fn resolver(&self, organisation: OrganisationId) -> Resolver<'_>;

    /// Decides `commands` as one atomic batch (all or none) and returns their outcomes.
    fn decide(&self, organisation: OrganisationId, commands: &[Command]) -> Result<Vec<Outcome>, Failure>;

    /// Decides `commands` each on its own, or atomically: each command's outcome or refusal. An
    /// atomic batch with a refusal is `Err(Failure::Problem)` naming the command's `index`.
    fn apply(
        &self,
        organisation: OrganisationId,
        commands: &[Command],
        atomic: bool,
    ) -> Result<Vec<Result<Outcome, Box<Problem>>>, Failure>;

    /// Registers or corrects `person`'s personal data as `by` (AU-3); where the log's record
    /// of it went, or `None` when nothing changed.
    fn record_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        data: &PersonalData,
        by: PersonId,
    ) -> Result<Option<u64>, Failure>;

    /// Corrects the fields `patch` gives of `person`'s personal data as `by` (AU-3); where the
    /// log's record of it went, or `None` when nothing changed.
    fn correct_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        patch: &PersonalDataPatch,
        by: PersonId,
    ) -> Result<Option<u64>, Failure>;

    /// Erases `person`'s personal data as `by` (AU-3); where the erasure record went.
    fn erase_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        by: PersonId,
    ) -> Result<u64, Failure>;

    /// Redacts the words at `position` as `by`; where the redaction record went.
    fn redact(
        &self,
        organisation: OrganisationId,
        position: u64,
        why: &str,
        by: PersonId,
    ) -> Result<u64, Failure>;

    /// The policy in force now, as JSON.
    fn policy(&self, organisation: OrganisationId) -> Result<serde_json::Value, Failure>;

    /// `report` rendered as `output` says (`format`, where given, instead of `output`'s), with
    /// `appendix` (the overview's), stamped: text as UTF-8, or an xlsx workbook.
    fn report(
        &self,
        organisation: OrganisationId,
        report: &Report,
        output: &cli::Output,
        format: Option<Format>,
        appendix: Appendix,
    ) -> Result<Vec<u8>, Failure>;

    /// Writes the log from `from` as JSON lines (the records `import` takes).
    fn log(&self, from: u64, out: &mut dyn Write) -> Result<(), Failure>;

    /// The head: its position and hash.
    fn head(&self) -> Result<Option<(u64, String)>, Failure>;

    /// Walks the chain: how many records passed and the head, or the first bad one as an error.
    fn verify(&self) -> Result<(u64, Option<(u64, String)>), Failure>;

    /// The hash of the record at `position`, if the log holds it.
    fn hash_at(&self, position: u64) -> Result<Option<String>, Failure>;
}

/// Says on standard error where the engine of `cli`'s store keeps the old copy of `what` after
/// a redaction or erasure, and how to remove it (nothing on redb, which keeps none, or against
/// a server, whose operator purges).
fn note_old_copies(cli: &Cli, what: &str) {
    match cli.store.parse() {
        // sled is log-structured: the old page stays in its files until it reclaims the
        // segment, which it does not promise to do by any moment.
        Ok(netvaerk::Address::Sled(_)) => eprintln!(
            "netvaerk: note: sled keeps the old copy of {what} in its files until it reclaims that space; \
             to remove every copy now, migrate the log to redb or PostgreSQL"
        ),
        Ok(netvaerk::Address::Postgres { .. }) => eprintln!(
            "netvaerk: note: PostgreSQL keeps the old copy of {what} in a dead row and its write-ahead log; \
             `netvaerk purge` removes them"
        ),
        _ => {}
    }
}

/// Whether `top` writes to the log (so the store is opened for writing).
pub fn writes(top: &Top) -> bool {
    !matches!(
        top,
        Top::Policy(PolicyCommand::Show)
            | Top::Report(_)
            | Top::List(_)
            | Top::Log { .. }
            | Top::Head
            | Top::Verify { .. }
    )
}

/// Whether `top` needs the store itself, not a server.
pub fn needs_the_store(top: &Top) -> Option<&'static str> {
    Some(match top {
        Top::Demo => "demo",
        Top::Generate { .. } => "generate",
        Top::Bench { .. } => "bench",
        Top::Import { .. } => "import",
        Top::Migrate { .. } => "migrate",
        Top::Purge => "purge",
        Top::Serve(_) => "serve",
        Top::Token(_) => "token",
        _ => return None,
    })
}

/// Runs a subcommand on an organisation's log through `gateway`.
pub fn run(cli: &Cli, gateway: &dyn Gateway) -> Result<(), Failure> {
    let resolver = gateway.resolver(cli.organisation);
    // A refusal names people, networks and themes by id: the reader gets their names beside.
    subcommand(cli, gateway, &resolver).map_err(|failure| {
        if !failure.is_refusal() {
            return failure;
        }
        match resolver.get() {
            Ok(lookup) => failure.with_names(lookup),
            Err(_) => failure,
        }
    })
}

/// [`run`], its subcommand's ids looked up with `resolver`.
fn subcommand(cli: &Cli, gateway: &dyn Gateway, resolver: &Resolver<'_>) -> Result<(), Failure> {
    let organisation = cli.organisation;
    if let Some(domain) = cli::domain(&cli.command, resolver)? {
        let by = domain.decided.by.resolve(resolver)?;
        let commands: Vec<Command> =
            domain.actions.into_iter().map(|action| command(action, by, domain.decided)).collect();
        // Several actions (a unit registered and named) go as one atomic batch.
        for outcome in gateway.decide(organisation, &commands)? {
            print_outcome(&outcome);
        }
        return Ok(());
    }
    match &cli.command {
        Top::Organisation(OrganisationCommand::Found { secretariat, chief_forum, founder_id, on }) => {
            found(gateway, organisation, secretariat, chief_forum, *founder_id, *on)
        }
        Top::Person(PersonCommand::Register { name, email, title, unit, roles, id, by, on }) => {
            let person = id.unwrap_or_else(PersonId::generate);
            let by = by.resolve(resolver)?;
            let unit = unit.as_ref().map(|unit| unit.resolve(resolver)).transpose()?;
            let data = PersonalData { name: name.clone(), email: email.clone(), title: title.clone() };
            // Checked before anything is appended.
            data.validate()?;
            let action = Action::RegisterPerson { person, unit, roles: roles.iter().copied().collect() };
            let outcome = gateway.decide(organisation, &[command_on(action, by, *on)])?;
            gateway.record_person(organisation, person, &data, by)?;
            outcome.iter().for_each(print_outcome);
            Ok(())
        }
        Top::Person(PersonCommand::Correct { person, name, email, title, by }) => {
            let (person, by) = (person.resolve(resolver)?, by.resolve(resolver)?);
            let patch = PersonalDataPatch { name: name.clone(), email: email.clone(), title: title.clone() };
            match gateway.correct_person(organisation, person, &patch, by)? {
                Some(position) => say!("corrected {person}; record at position {position}"),
                None => say!("{person}'s data is unchanged"),
            }
            Ok(())
        }
        Top::Person(PersonCommand::Erase { person, by }) => {
            let (person, by) = (person.resolve(resolver)?, by.resolve(resolver)?);
            let position = gateway.erase_person(organisation, person, by)?;
            say!("erased {person}; erasure record at position {position}");
            note_old_copies(cli, "the destroyed key");
            Ok(())
        }
        Top::Policy(PolicyCommand::Show) => {
            say!("{}", serde_json::to_string_pretty(&gateway.policy(organisation)?).unwrap_or_default());
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
            let by = decided.by.resolve(resolver)?;
            let command = command(Action::ChangePolicy { policy }, by, decided);
            gateway.decide(organisation, &[command])?.iter().for_each(print_outcome);
            Ok(())
        }
        Top::Apply { file, atomic } => apply(gateway, organisation, file.as_deref(), *atomic),
        Top::Redact { position, why, by } => {
            let by = by.resolve(resolver)?;
            let record = gateway.redact(organisation, *position, why, by)?;
            say!("redacted the words at position {position}; redaction record at position {record}");
            note_old_copies(cli, "the words");
            Ok(())
        }
        Top::Report(args) => {
            let report = args.which.report(resolver)?;
            let (format, appendix) = match args.which {
                // The overview: the page in HTML, or its tables in the format asked for.
                cli::ReportKind::Html { appendix } => {
                    (args.output.chosen_format().unwrap_or(Format::Html), appendix)
                }
                _ => (args.output.format(), Appendix::None),
            };
            let bytes = gateway.report(organisation, &report, &args.output, Some(format), appendix)?;
            write_report(&bytes, format, &args.output)
        }
        Top::List(args) => {
            let bytes =
                gateway.report(organisation, &args.which.report(), &args.output, None, Appendix::None)?;
            write_report(&bytes, args.output.format(), &args.output)
        }
        Top::Log { from } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            gateway.log(*from, &mut out)?;
            crate::output(out.flush());
            Ok(())
        }
        Top::Head => {
            match gateway.head()? {
                Some((position, hash)) => say!("{position} {hash}"),
                None => say!("0 (the log is empty)"),
            }
            Ok(())
        }
        Top::Verify { expect } => {
            let (checked, head) = gateway.verify()?;
            if let Some((position, hash)) = expect {
                extends(*position, hash, gateway.hash_at(*position)?)?;
            }
            match &head {
                Some((position, hash)) => say!(
                    "{}",
                    crate::in_language(
                        format!("verified {checked} records; head {position} {hash}"),
                        format!("efterprøvede {checked} poster; hoved {position} {hash}")
                    )
                ),
                None => say!(
                    "{}",
                    crate::in_language(
                        "verified: the log is empty".to_owned(),
                        "efterprøvet: loggen er tom".to_owned()
                    )
                ),
            }
            if let Some((position, _)) = expect {
                say!(
                    "{}",
                    crate::in_language(
                        format!("the log extends the expected head at position {position}"),
                        format!("loggen forlænger det ventede hoved ved position {position}")
                    )
                );
            }
            Ok(())
        }
        other => Err(usage(format!(
            "`{}` needs the store itself, not a server: run it with --store set to the store's address",
            needs_the_store(other).unwrap_or("this command")
        ))),
    }
}

/// `organisation found`: the founding (AU-2) by the first person of the secretariat named, with
/// new ids for every founder, and their names in the registry, recorded by the founder.
fn found(
    gateway: &dyn Gateway,
    organisation: OrganisationId,
    secretariat: &[String],
    chief_forum: &[String],
    founder_id: Option<PersonId>,
    on: Option<chrono::NaiveDate>,
) -> Result<(), Failure> {
    let named =
        |names: &[String], first: Option<PersonId>| -> Result<Vec<(PersonId, PersonalData)>, Failure> {
            names
                .iter()
                .enumerate()
                .map(|(index, name)| {
                    let data = PersonalData { name: name.clone(), email: None, title: None };
                    data.validate()?;
                    let id = first.filter(|_| index == 0).unwrap_or_else(PersonId::generate);
                    Ok((id, data))
                })
                .collect()
        };
    let (secretariat, chief_forum) = (named(secretariat, founder_id)?, named(chief_forum, None)?);
    let Some((founder, _)) = secretariat.first() else {
        return Err(usage("name the secretariat's first member with --secretariat"));
    };
    let action = Action::FoundOrganisation {
        chief_forum: chief_forum.iter().map(|(person, _)| *person).collect(),
        secretariat: secretariat.iter().map(|(person, _)| *person).collect(),
    };
    let outcome = gateway.decide(organisation, &[command_on(action, *founder, on)])?;
    outcome.iter().for_each(print_outcome);
    for (person, data) in secretariat.iter().chain(&chief_forum) {
        gateway.record_person(organisation, *person, data, *founder)?;
        say!("{person}  {}", data.name);
    }
    Ok(())
}

/// `Err(NotExtended)` unless the log holds `expected` at `position` (`found`).
fn extends(position: u64, expected: &str, found: Option<String>) -> Result<(), Failure> {
    if found.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(Error::NotExtended { position, expected: expected.to_owned(), found }.into())
}

/// `apply`: JSON lines of commands, each checked here, then decided through the gateway: each
/// on its own (a refused line is reported and skipped), or with `--atomic` all or none. A line
/// per command, with its events and positions or its problem.
fn apply(
    gateway: &dyn Gateway,
    organisation: OrganisationId,
    file: Option<&std::path::Path>,
    atomic: bool,
) -> Result<(), Failure> {
    let lines = read_lines(file)?;
    let mut out = std::io::stdout().lock();
    let mut report = |value: serde_json::Value| {
        crate::output(writeln!(out, "{value}"));
    };
    let failed = |number: usize, problem: &Problem| serde_json::json!({ "line": number, "ok": false, "error": problem, "rule": problem.rule });
    let mut numbers = Vec::new();
    let mut commands = Vec::new();
    let mut refusals = Vec::new();
    for (index, line) in lines.iter().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
        // Read as the server reads a body: nulls as absent, the JSON path of what was wrong.
        match netvaerk_http::read_command(line) {
            Ok(command) => {
                numbers.push(index + 1);
                commands.push(command);
            }
            Err(problem) => refusals.push((index + 1, failed(index + 1, &problem))),
        }
    }
    // The exit code of the failed lines: the gravest of their classes'.
    let gravest = |lines: &[(usize, serde_json::Value)]| {
        let classes = lines.iter().filter(|(_, line)| line["ok"] == false);
        classes.map(|(_, line)| crate::class_exit_code(line["error"]["class"].as_str().unwrap_or(""))).max()
    };
    if atomic && !refusals.is_empty() {
        let (count, code) = (refusals.len(), gravest(&refusals).unwrap_or(2));
        refusals.into_iter().for_each(|(_, line)| report(line));
        return Err(Failure::SomeRefused { count, code });
    }
    let results = match gateway.apply(organisation, &commands, atomic) {
        Err(Failure::Problem(problem)) if problem.index.is_some() => {
            let line = problem.index.and_then(|index| numbers.get(index)).copied().unwrap_or(0);
            report(failed(line, &problem));
            return Err(Failure::SomeRefused { count: 1, code: crate::class_exit_code(&problem.class) });
        }
        other => other?,
    };
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
            Err(problem) => failed(*number, &problem),
        };
        refusals.push((*number, value));
    }
    refusals.sort_by_key(|(number, _)| *number);
    let refused = refusals.iter().filter(|(_, line)| line["ok"] == false).count();
    let code = gravest(&refusals);
    refusals.into_iter().for_each(|(_, line)| report(line));
    if let (true, Some(code)) = (refused > 0, code) {
        return Err(Failure::SomeRefused { count: refused, code });
    }
    if atomic {
        report(serde_json::json!({ "appended": appended, "stream_version": stream_version }));
    }
    Ok(())
}

/// The store itself, through the application service.
pub struct Local {
    service: Service,
}

impl Local {
    /// The service over `cli`'s store, opened for writing when the command writes (a store is
    /// opened so that a command that only reads writes nothing).
    pub fn open(cli: &Cli) -> Result<Self, Failure> {
        let service = if writes(&cli.command) {
            Service::open(&cli.store)?
        } else {
            Service::open_for_reading(&cli.store)?
        };
        Ok(Self { service })
    }

    fn store(&self) -> &dyn EventStore {
        self.service.store()
    }
}

impl Gateway for Local {
    fn resolver(&self, organisation: OrganisationId) -> Resolver<'_> {
        crate::lookup(&self.service, organisation)
    }

    fn decide(&self, organisation: OrganisationId, commands: &[Command]) -> Result<Vec<Outcome>, Failure> {
        if let [one] = commands {
            return Ok(vec![self.service.execute(organisation, one)?]);
        }
        let results = self.service.execute_batch(organisation, commands, BatchMode::Atomic)?;
        Ok(results.into_iter().collect::<Result<_, Error>>()?)
    }

    fn apply(
        &self,
        organisation: OrganisationId,
        commands: &[Command],
        atomic: bool,
    ) -> Result<Vec<Result<Outcome, Box<Problem>>>, Failure> {
        let mode = if atomic { BatchMode::Atomic } else { BatchMode::EachOnItsOwn };
        match self.service.execute_batch(organisation, commands, mode) {
            Ok(results) => Ok(results
                .into_iter()
                .map(|result| result.map_err(|error| Box::new(Problem::from(&error))))
                .collect()),
            Err(error @ Error::BatchRefused { .. }) => Err(Failure::Problem(Box::new(Problem::from(&error)))),
            Err(error) => Err(error.into()),
        }
    }

    fn record_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        data: &PersonalData,
        by: PersonId,
    ) -> Result<Option<u64>, Failure> {
        let recorded = self.service.record_person(organisation, person, data.clone(), by)?;
        Ok(recorded.and_then(|appended| appended.positions.first().copied()))
    }

    fn correct_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        patch: &PersonalDataPatch,
        by: PersonId,
    ) -> Result<Option<u64>, Failure> {
        let recorded = self.service.correct_person(organisation, person, patch, by)?;
        Ok(recorded.and_then(|appended| appended.positions.first().copied()))
    }

    fn erase_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        by: PersonId,
    ) -> Result<u64, Failure> {
        let appended = self.service.erase_person(organisation, person, by)?;
        Ok(appended.positions.first().copied().unwrap_or_default())
    }

    fn redact(
        &self,
        organisation: OrganisationId,
        position: u64,
        why: &str,
        by: PersonId,
    ) -> Result<u64, Failure> {
        let appended = self.service.redact(organisation, position, why, by)?;
        Ok(appended.positions.first().copied().unwrap_or_default())
    }

    fn policy(&self, organisation: OrganisationId) -> Result<serde_json::Value, Failure> {
        let state = self.service.state(organisation)?;
        Ok(serde_json::to_value(state.policy_in_force(self.service.default_policy())).unwrap_or_default())
    }

    fn report(
        &self,
        organisation: OrganisationId,
        report: &Report,
        output: &cli::Output,
        format: Option<Format>,
        appendix: Appendix,
    ) -> Result<Vec<u8>, Failure> {
        let mut options = crate::report_options(output);
        options.format = format.unwrap_or(options.format);
        options.appendix = appendix;
        let as_of = output.as_of.map_or(AsOf::Now, AsOf::Date);
        let bytes = self.service.read_models(organisation, as_of, |models| {
            let stamp = netvaerk_report::Stamp::now(organisation, as_of, models.store)?;
            // An empty name (NETVAERK_ORGANISATION_NAME= set to nothing) is no name: the log's stands.
            let name = output.organisation_name.clone().filter(|name| !name.trim().is_empty());
            let stamp = netvaerk_report::Stamp { name, ..stamp };
            netvaerk_report::render_bytes(
                &models,
                report,
                &netvaerk_report::Options { stamp: Some(stamp), ..options },
            )
        })??;
        Ok(bytes)
    }

    fn log(&self, from: u64, out: &mut dyn Write) -> Result<(), Failure> {
        for envelope in self.store().read_all(from) {
            let line = serde_json::to_string(&ExportedRecord::from(&envelope?)).unwrap_or_default();
            if !crate::output(writeln!(out, "{line}")) {
                break;
            }
        }
        Ok(())
    }

    fn head(&self) -> Result<Option<(u64, String)>, Failure> {
        Ok(self.store().head()?.map(|head| (head.position, netvaerk_store::hex(&head.hash))))
    }

    fn verify(&self) -> Result<(u64, Option<(u64, String)>), Failure> {
        let length = self.store().head()?.map_or(0, |head| head.position);
        let progress = progress::bar(length, "verifying");
        let report = self.store().verify_with(&mut |position| progress.set_position(position))?;
        progress.finish_and_clear();
        if let Some((position, problem)) = report.first_bad {
            return Err(StoreError::Corrupt { position, problem }.into());
        }
        Ok((report.checked, report.head.map(|head| (head.position, netvaerk_store::hex(&head.hash)))))
    }

    fn hash_at(&self, position: u64) -> Result<Option<String>, Failure> {
        Ok(self.store().read_at(position)?.map(|envelope| netvaerk_store::hex(&envelope.hash)))
    }
}

/// Writes a rendered report to `--out FILE`, else to standard output; a binary format (xlsx)
/// only to a file or a redirected output, never to a terminal, where it would be noise.
fn write_report(bytes: &[u8], format: Format, output: &cli::Output) -> Result<(), Failure> {
    use std::io::{IsTerminal as _, Write as _};
    if let Some(path) = output.file() {
        return std::fs::write(path, bytes)
            .map_err(|error| usage(format!("cannot write {}: {error}", path.display())));
    }
    let stdout = std::io::stdout();
    if format.is_binary() && stdout.is_terminal() {
        return Err(Failure::Error(netvaerk::Error::input(
            "binary_to_terminal",
            Some("out"),
            Some(format.name().to_owned()),
            format!(
                "{format} is a binary file, not for a terminal: write it with --out FILE (e.g. --out report.{}) or redirect the output",
                format.extension()
            ),
        )
        .in_danish(format!(
            "{format} er en binær fil, ikke til en terminal: skriv den med --out FIL (fx --out rapport.{}) eller omdiriger uddata",
            format.extension()
        ))));
    }
    // A closed pipe ends the output quietly, as `say!` does; another failure fails.
    let mut out = stdout.lock();
    crate::output(out.write_all(bytes).and_then(|()| out.flush()));
    Ok(())
}
