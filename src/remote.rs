//! The program against a running `netvaerk serve` (`--store http://HOST:PORT`), so that
//! decisions, reports, the log and verify work while the server holds an embedded store.

use std::io::Write;
use std::time::Duration;

use netvaerk::core::{Action, Command, OrganisationId, PersonId};
use netvaerk::http::{Accepted, BatchAnswer, EventsPage, Problem, VerifyAnswer};
use netvaerk::report::Report;
use netvaerk::store::PersonalData;
use netvaerk::Outcome;
use serde::de::DeserializeOwned;

use crate::cli::{Cli, PersonCommand, PolicyCommand, Top};
use crate::{command, print_outcome, read_lines, usage, Failure};

/// A client of one server.
pub struct Remote {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

/// The largest answer read (a report of a long history is large).
const MAX_ANSWER: u64 = 1 << 30;

impl Remote {
    /// A client of the server at `base` (`http://HOST:PORT`), with the token in
    /// `NETVAERK_TOKEN` if it is set.
    pub fn new(base: &str) -> Result<Self, Failure> {
        if base.starts_with("https://") {
            return Err(usage(
                "this build speaks plain HTTP: put netvaerk serve behind a TLS proxy and use http:// on the proxy's inside",
            ));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        let token = std::env::var("NETVAERK_TOKEN").ok().filter(|token| !token.trim().is_empty());
        Ok(Self { base: base.trim_end_matches('/').to_owned(), token, agent: config.into() })
    }

    /// Sends a request; answers the status and body of a success, or the server's problem.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, String), Failure> {
        let url = format!("{}{path}", self.base);
        let unreachable = |error: ureq::Error| Failure::Unreachable(format!("{url}: {error}"));
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = match body {
            Some(body) => {
                let request = request
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(body).unwrap_or_default())
                    .map_err(|error| usage(format!("bad request to {url}: {error}")))?;
                self.agent.run(request)
            }
            None => {
                let request =
                    request.body(()).map_err(|error| usage(format!("bad request to {url}: {error}")))?;
                self.agent.run(request)
            }
        };
        let mut response = response.map_err(unreachable)?;
        let status = response.status().as_u16();
        let text =
            response.body_mut().with_config().limit(MAX_ANSWER).read_to_string().map_err(unreachable)?;
        if status >= 400 {
            let problem = serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
                Problem::new(
                    ureq::http::StatusCode::from_u16(status).unwrap_or(ureq::http::StatusCode::BAD_GATEWAY),
                    "unexpected_answer",
                    "store",
                    format!("{url} answered {status}: {}", text.trim()),
                )
            });
            return Err(Failure::Remote(Box::new(problem)));
        }
        Ok((status, text))
    }

    fn json<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, Failure> {
        let (_, text) = self.call(method, path, body)?;
        serde_json::from_str(&text).map_err(|error| {
            Failure::Unreachable(format!(
                "{}{path} answered what this program cannot read: {error}",
                self.base
            ))
        })
    }

    /// Decides several commands as one atomic batch.
    pub fn execute_batch(
        &self,
        organisation: OrganisationId,
        commands: &[Command],
    ) -> Result<Vec<Outcome>, Failure> {
        if let [one] = commands {
            return Ok(vec![self.execute(organisation, one)?]);
        }
        let body = serde_json::json!({ "mode": "atomic", "commands": commands });
        let answer: BatchAnswer =
            self.json("POST", &format!("/v1/organisations/{organisation}/commands:batch"), Some(&body))?;
        Ok(answer.results.into_iter().filter_map(|result| result.accepted).map(outcome).collect())
    }

    /// Registers or corrects a person's personal data; where the record of the change went.
    pub fn record_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        data: &PersonalData,
        by: PersonId,
    ) -> Result<Option<u64>, Failure> {
        let mut body = serde_json::to_value(data).unwrap_or_default();
        body["by"] = serde_json::json!(by);
        let path = format!("/v1/organisations/{organisation}/persons/{person}");
        let recorded: netvaerk::http::PersonRecorded = self.json("PUT", &path, Some(&body))?;
        Ok(recorded.position)
    }

    /// Decides one command.
    pub fn execute(&self, organisation: OrganisationId, command: &Command) -> Result<Outcome, Failure> {
        let body = serde_json::to_value(command).unwrap_or_default();
        let accepted: Accepted =
            self.json("POST", &format!("/v1/organisations/{organisation}/commands"), Some(&body))?;
        Ok(outcome(accepted))
    }
}

fn outcome(accepted: Accepted) -> Outcome {
    let (positions, events) =
        accepted.events.into_iter().map(|appended| (appended.position, appended.event)).unzip();
    Outcome {
        events,
        positions,
        stream_version: accepted.stream_version,
        acknowledged: accepted.acknowledged,
        replayed: accepted.replayed,
    }
}

/// Runs the command line against the server at `--store`.
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let remote = Remote::new(&cli.store)?;
    let organisation = cli.organisation;
    // Names and short ids are looked up in the server's lists, fetched when first needed.
    let resolver = crate::cli::Resolver::new(|| lookup(&remote, organisation));
    if let Some(domain) = crate::cli::domain(&cli.command, &resolver)? {
        let by = domain.decided.by.resolve(&resolver)?;
        let commands: Vec<Command> =
            domain.actions.into_iter().map(|action| command(action, by, domain.decided)).collect();
        // Several actions (a unit registered and named) go as one atomic batch, as locally.
        for outcome in remote.execute_batch(organisation, &commands)? {
            print_outcome(&outcome);
        }
        return Ok(());
    }
    match &cli.command {
        Top::Person(PersonCommand::Register { name, email, title, unit, roles, id, by, on }) => {
            let person = id.unwrap_or_else(PersonId::generate);
            let by = by.resolve(&resolver)?;
            let unit = unit.as_ref().map(|unit| unit.resolve(&resolver)).transpose()?;
            let data = PersonalData { name: name.clone(), email: email.clone(), title: title.clone() };
            // Checked before anything is appended.
            data.validate()?;
            let action = Action::RegisterPerson { person, unit, roles: roles.iter().copied().collect() };
            let outcome = remote.execute(organisation, &crate::command_on(action, by, *on))?;
            remote.record_person(organisation, person, &data, by)?;
            print_outcome(&outcome);
            Ok(())
        }
        Top::Person(PersonCommand::Correct { person, name, email, title, by }) => {
            let (person, by) = (person.resolve(&resolver)?, by.resolve(&resolver)?);
            let data = PersonalData { name: name.clone(), email: email.clone(), title: title.clone() };
            match remote.record_person(organisation, person, &data, by)? {
                Some(position) => say!("corrected {person}; record at position {position}"),
                None => say!("{person}'s data is unchanged"),
            }
            Ok(())
        }
        Top::Person(PersonCommand::Erase { person, by }) => {
            let (person, by) = (person.resolve(&resolver)?, by.resolve(&resolver)?);
            let path = format!("/v1/organisations/{organisation}/persons/{person}?by={by}");
            let erased: netvaerk::http::PersonRecorded = remote.json("DELETE", &path, None)?;
            say!("erased {person}; erasure record at position {}", erased.position.unwrap_or_default());
            Ok(())
        }
        Top::Policy(PolicyCommand::Show) => {
            let policy: serde_json::Value =
                remote.json("GET", &format!("/v1/organisations/{organisation}/policy"), None)?;
            say!("{}", serde_json::to_string_pretty(&policy).unwrap_or_default());
            Ok(())
        }
        Top::Policy(PolicyCommand::Set { file, decided }) => {
            let text = std::fs::read_to_string(file)
                .map_err(|error| usage(format!("cannot read {}: {error}", file.display())))?;
            let policy = serde_json::from_str(&text)
                .map_err(|error| usage(format!("{} is not a policy: {error}", file.display())))?;
            let by = decided.by.resolve(&resolver)?;
            print_outcome(
                &remote.execute(organisation, &command(Action::ChangePolicy { policy }, by, decided))?,
            );
            Ok(())
        }
        Top::Redact { position, why, by } => {
            let by = by.resolve(&resolver)?;
            let body = serde_json::json!({ "position": position, "why": why, "by": by });
            let redacted: netvaerk::http::Redacted =
                remote.json("POST", &format!("/v1/organisations/{organisation}/redactions"), Some(&body))?;
            say!(
                "redacted the words at position {position}; redaction record at position {}",
                redacted.redaction_position
            );
            Ok(())
        }
        Top::Apply { file, atomic } => apply(&remote, organisation, file.as_deref(), *atomic),
        Top::Report(args) => {
            let report = args.which.report(&resolver)?;
            let html = matches!(args.which, crate::cli::ReportKind::Html { .. });
            let format = if html { Some(netvaerk::report::Format::Html) } else { None };
            let text = fetch_report(&remote, organisation, &report, &args.output, format)?;
            match &args.which {
                crate::cli::ReportKind::Html { out: Some(path) } => std::fs::write(path, text)
                    .map_err(|error| usage(format!("cannot write {}: {error}", path.display())))?,
                _ => say_raw!("{text}"),
            }
            Ok(())
        }
        Top::List(args) => {
            let text = fetch_report(&remote, organisation, &args.which.report(), &args.output, None)?;
            say_raw!("{text}");
            Ok(())
        }
        Top::Log { from } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut from = *from;
            loop {
                let page: EventsPage =
                    remote.json("GET", &format!("/v1/events?from={from}&limit=1000"), None)?;
                for record in &page.events {
                    let _ = writeln!(out, "{}", serde_json::to_string(record).unwrap_or_default());
                }
                if page.next <= from || page.next > page.head {
                    return Ok(());
                }
                from = page.next;
            }
        }
        Top::Head => {
            let head: serde_json::Value = remote.json("GET", "/v1/head", None)?;
            match head["hash"].as_str() {
                Some(hash) => say!("{} {hash}", head["position"]),
                None => say!("0 (the log is empty)"),
            }
            Ok(())
        }
        Top::Verify { expect } => {
            let answer: VerifyAnswer = remote.json("GET", "/v1/verify", None)?;
            match (answer.first_bad, answer.head) {
                (Some(bad), _) => Err(Failure::Remote(Box::new(Problem::new(
                    ureq::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "corrupt_record",
                    "store",
                    format!("the record at position {} is damaged: {}", bad.position, bad.problem),
                )))),
                (None, head) => {
                    if let Some((position, hash)) = expect {
                        let page: EventsPage =
                            remote.json("GET", &format!("/v1/events?from={position}&limit=1"), None)?;
                        let found = page.events.first().filter(|record| record.position == *position);
                        crate::extends(*position, hash, found.map(|record| record.hash.clone()))?;
                    }
                    let head = head.map(|head| (head.position, head.hash.unwrap_or_default()));
                    crate::verified(answer.checked, head, expect);
                    Ok(())
                }
            }
        }
        other => Err(usage(format!(
            "`{}` needs the store itself, not a server: run it with --store set to the store's address",
            name(other)
        ))),
    }
}

/// `text` for a URL's query: letters, digits and `-._~` as they are, the rest as `%XX`.
fn percent(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn name(top: &Top) -> &'static str {
    match top {
        Top::Demo => "demo",
        Top::Generate { .. } => "generate",
        Top::Bench { .. } => "bench",
        Top::Import { .. } => "import",
        Top::Migrate { .. } => "migrate",
        Top::Serve(_) => "serve",
        Top::Token(_) => "token",
        Top::Person(_) => "person",
        _ => "this command",
    }
}

/// The server's persons, units, themes and networks, as a lookup for names and short ids
/// (cohorts go by their full ids over HTTP).
fn lookup(
    remote: &Remote,
    organisation: OrganisationId,
) -> Result<netvaerk::lookup::Lookup, netvaerk::Error> {
    use netvaerk::lookup::{Candidate, Kind};
    let mut candidates = Vec::new();
    for (kind, list, name) in [
        (Kind::Person, "persons", "name"),
        (Kind::Unit, "units", "name"),
        (Kind::Theme, "themes", "title"),
        (Kind::Network, "networks", "theme"),
    ] {
        let path = format!("/v1/organisations/{organisation}/reports/{list}?format=json");
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            remote.json("GET", &path, None).map_err(|failure| {
                netvaerk::store::StoreError::engine(format!("cannot look names up on the server: {failure}"))
            })?;
        for row in rows {
            let id = row.get("id").and_then(|id| id.as_str()).and_then(|id| uuid::Uuid::parse_str(id).ok());
            let text = row.get(name).and_then(|name| name.as_str()).unwrap_or_default().to_owned();
            candidates.extend(id.map(|id| Candidate { kind, id, name: text }));
        }
    }
    Ok(netvaerk::lookup::Lookup::from_candidates(candidates))
}

/// `report` rendered by the server as `output` says (`format`, where given, instead of
/// `output`'s).
fn fetch_report(
    remote: &Remote,
    organisation: OrganisationId,
    report: &Report,
    output: &crate::cli::Output,
    format: Option<netvaerk::report::Format>,
) -> Result<String, Failure> {
    let mut path = match report {
        Report::Audit(id) => format!("/v1/organisations/{organisation}/reports/audit/{id}"),
        Report::Round(round) => format!("/v1/organisations/{organisation}/reports/round/{round}"),
        other => format!("/v1/organisations/{organisation}/reports/{}", other.name()),
    };
    let options = crate::report_options(output);
    path.push_str(&format!(
        "?format={}&lang={}&width={}",
        format.unwrap_or(output.format),
        options.lang.code(),
        options.width
    ));
    if let Some(section) = &options.section {
        path.push_str(&format!("&section={}", percent(section)));
    }
    if let Some(date) = output.as_of {
        path.push_str(&format!("&as_of={date}"));
    }
    Ok(remote.call("GET", &path, None)?.1)
}

/// `apply` against the server: one batch request; a line per command, as the local `apply`
/// prints them, with the server's problem for a refused one.
fn apply(
    remote: &Remote,
    organisation: OrganisationId,
    file: Option<&std::path::Path>,
    atomic: bool,
) -> Result<(), Failure> {
    let lines = read_lines(file)?;
    let mut numbers = Vec::new();
    let mut commands = Vec::new();
    let mut refused = 0;
    for (index, line) in lines.iter().enumerate().filter(|(_, line)| !line.trim().is_empty()) {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(value) => {
                numbers.push(index + 1);
                commands.push(value);
            }
            Err(error) => {
                refused += 1;
                say!(
                    "{}",
                    serde_json::json!({ "line": index + 1, "ok": false, "error": { "code": "malformed_json", "message": error.to_string() } })
                );
            }
        }
    }
    if atomic && refused > 0 {
        return Err(Failure::SomeRefused(refused));
    }
    let mode = if atomic { "atomic" } else { "each_on_its_own" };
    let body = serde_json::json!({ "mode": mode, "commands": commands });
    let answer: BatchAnswer =
        match remote.json("POST", &format!("/v1/organisations/{organisation}/commands:batch"), Some(&body)) {
            Err(Failure::Remote(problem)) if problem.index.is_some() => {
                let line = problem.index.and_then(|index| numbers.get(index)).copied();
                say!("{}", serde_json::json!({ "line": line, "ok": false, "error": problem }));
                return Err(Failure::SomeRefused(1));
            }
            other => other?,
        };
    let mut appended = 0;
    for (number, result) in numbers.iter().zip(answer.results) {
        match (result.accepted, result.problem) {
            (Some(accepted), _) => {
                appended += if accepted.replayed { 0 } else { accepted.events.len() };
                let types: Vec<&str> =
                    accepted.events.iter().map(|appended| appended.event.type_name()).collect();
                let positions: Vec<u64> = accepted.events.iter().map(|appended| appended.position).collect();
                say!(
                    "{}",
                    serde_json::json!({ "line": number, "ok": true, "events": types, "positions": positions, "replayed": accepted.replayed })
                );
            }
            (None, problem) => {
                refused += 1;
                say!("{}", serde_json::json!({ "line": number, "ok": false, "error": problem }));
            }
        }
    }
    if refused > 0 {
        return Err(Failure::SomeRefused(refused));
    }
    if atomic {
        say!("{}", serde_json::json!({ "appended": appended }));
    }
    Ok(())
}
