//! The program against a running `netvaerk serve` (`--store http://HOST:PORT`): the HTTP
//! client, a [`Gateway`] like the store itself, so that decisions, personal data, reports, the
//! log and verify work the same while the server holds the store.

use std::io::Write;
use std::time::Duration;

use netvaerk::Outcome;
use netvaerk_core::{Command, OrganisationId, PersonId};
use netvaerk_http::{
    Accepted, BatchAnswer, EventsPage, HeadAnswer, PersonRecorded, Problem, Redacted, VerifyAnswer,
};
use netvaerk_report::Report;
use netvaerk_store::{PersonalData, PersonalDataPatch};
use serde::de::DeserializeOwned;

use crate::cli::Resolver;
use crate::dispatch::Gateway;
use crate::{usage, Failure};

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
        let (status, bytes) = self.call_bytes(method, path, body)?;
        let text = String::from_utf8(bytes)
            .map_err(|error| Failure::Unreachable(format!("{}{path}: {error}", self.base)))?;
        Ok((status, text))
    }

    /// [`Remote::call`], the answer's bytes as they came (an xlsx report is binary).
    fn call_bytes(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(u16, Vec<u8>), Failure> {
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
        let bytes = response.body_mut().with_config().limit(MAX_ANSWER).read_to_vec().map_err(unreachable)?;
        if status >= 400 {
            let text = String::from_utf8_lossy(&bytes);
            let problem = serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
                Problem::new(
                    ureq::http::StatusCode::from_u16(status).unwrap_or(ureq::http::StatusCode::BAD_GATEWAY),
                    "unexpected_answer",
                    "store",
                    format!("{url} answered {status}: {}", text.trim()),
                )
            });
            return Err(Failure::Problem(Box::new(problem)));
        }
        Ok((status, bytes))
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

    /// Decides one command.
    fn execute(&self, organisation: OrganisationId, command: &Command) -> Result<Outcome, Failure> {
        let body = serde_json::to_value(command).unwrap_or_default();
        let accepted: Accepted =
            self.json("POST", &format!("/v1/organisations/{organisation}/commands"), Some(&body))?;
        Ok(outcome(accepted))
    }

    /// Records (`PUT`) or corrects (`PATCH`) a person's personal data, `body` the data or the
    /// patch, as `by`: where the record of who changed what went.
    fn personal_data(
        &self,
        method: &str,
        organisation: OrganisationId,
        person: PersonId,
        mut body: serde_json::Value,
        by: PersonId,
    ) -> Result<Option<u64>, Failure> {
        body["by"] = serde_json::json!(by);
        let path = format!("/v1/organisations/{organisation}/persons/{person}");
        let recorded: PersonRecorded = self.json(method, &path, Some(&body))?;
        Ok(recorded.position)
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

impl Gateway for Remote {
    fn resolver(&self, organisation: OrganisationId) -> Resolver<'_> {
        // Names and short ids are looked up in the server's lists, fetched when first needed.
        Resolver::new(move || lookup(self, organisation))
    }

    fn decide(&self, organisation: OrganisationId, commands: &[Command]) -> Result<Vec<Outcome>, Failure> {
        if let [one] = commands {
            return Ok(vec![self.execute(organisation, one)?]);
        }
        let body = serde_json::json!({ "mode": "atomic", "commands": commands });
        let answer: BatchAnswer =
            self.json("POST", &format!("/v1/organisations/{organisation}/commands:batch"), Some(&body))?;
        Ok(answer.results.into_iter().filter_map(|result| result.accepted).map(outcome).collect())
    }

    fn apply(
        &self,
        organisation: OrganisationId,
        commands: &[Command],
        atomic: bool,
    ) -> Result<Vec<Result<Outcome, Box<Problem>>>, Failure> {
        let mode = if atomic { "atomic" } else { "each_on_its_own" };
        let body = serde_json::json!({ "mode": mode, "commands": commands });
        let answer: BatchAnswer =
            self.json("POST", &format!("/v1/organisations/{organisation}/commands:batch"), Some(&body))?;
        Ok(answer
            .results
            .into_iter()
            .map(|result| match (result.accepted, result.problem) {
                (Some(accepted), _) => Ok(outcome(accepted)),
                (None, problem) => Err(Box::new(problem.unwrap_or_else(|| {
                    Problem::new(
                        ureq::http::StatusCode::BAD_GATEWAY,
                        "unexpected_answer",
                        "store",
                        "the server answered a result with neither events nor a problem",
                    )
                }))),
            })
            .collect())
    }

    fn record_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        data: &PersonalData,
        by: PersonId,
    ) -> Result<Option<u64>, Failure> {
        self.personal_data("PUT", organisation, person, serde_json::to_value(data).unwrap_or_default(), by)
    }

    fn correct_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        patch: &PersonalDataPatch,
        by: PersonId,
    ) -> Result<Option<u64>, Failure> {
        self.personal_data("PATCH", organisation, person, serde_json::to_value(patch).unwrap_or_default(), by)
    }

    fn erase_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        by: PersonId,
    ) -> Result<u64, Failure> {
        let path = format!("/v1/organisations/{organisation}/persons/{person}?by={by}");
        let erased: PersonRecorded = self.json("DELETE", &path, None)?;
        Ok(erased.position.unwrap_or_default())
    }

    fn redact(
        &self,
        organisation: OrganisationId,
        position: u64,
        why: &str,
        by: PersonId,
    ) -> Result<u64, Failure> {
        let body = serde_json::json!({ "position": position, "why": why, "by": by });
        let redacted: Redacted =
            self.json("POST", &format!("/v1/organisations/{organisation}/redactions"), Some(&body))?;
        Ok(redacted.redaction_position)
    }

    fn policy(&self, organisation: OrganisationId) -> Result<serde_json::Value, Failure> {
        self.json("GET", &format!("/v1/organisations/{organisation}/policy"), None)
    }

    fn report(
        &self,
        organisation: OrganisationId,
        report: &Report,
        output: &crate::cli::Output,
        format: Option<netvaerk_report::Format>,
        appendix: netvaerk_report::Appendix,
    ) -> Result<Vec<u8>, Failure> {
        fetch_report(self, organisation, report, output, format, appendix)
    }

    fn log(&self, from: u64, out: &mut dyn Write) -> Result<(), Failure> {
        let mut from = from;
        loop {
            let page: EventsPage = self.json("GET", &format!("/v1/events?from={from}&limit=1000"), None)?;
            for record in &page.events {
                if !crate::output(writeln!(out, "{}", serde_json::to_string(record).unwrap_or_default())) {
                    return Ok(());
                }
            }
            if page.next <= from || page.next > page.head {
                return Ok(());
            }
            from = page.next;
        }
    }

    fn head(&self) -> Result<Option<(u64, String)>, Failure> {
        let head: HeadAnswer = self.json("GET", "/v1/head", None)?;
        Ok(head.hash.map(|hash| (head.position, hash)))
    }

    fn verify(&self) -> Result<(u64, Option<(u64, String)>), Failure> {
        let answer: VerifyAnswer = self.json("GET", "/v1/verify", None)?;
        if let Some(bad) = answer.first_bad {
            return Err(Failure::Problem(Box::new(Problem::new(
                ureq::http::StatusCode::INTERNAL_SERVER_ERROR,
                "corrupt_record",
                "store",
                format!("the record at position {} is damaged: {}", bad.position, bad.problem),
            ))));
        }
        let head = answer.head.map(|head| (head.position, head.hash.unwrap_or_default()));
        Ok((answer.checked, head))
    }

    fn hash_at(&self, position: u64) -> Result<Option<String>, Failure> {
        let page: EventsPage = self.json("GET", &format!("/v1/events?from={position}&limit=1"), None)?;
        Ok(page.events.into_iter().find(|record| record.position == position).map(|record| record.hash))
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

/// The server's persons, units, themes and networks, as a lookup for names and short ids
/// (cohorts go by their full ids over HTTP).
fn lookup(
    remote: &Remote,
    organisation: OrganisationId,
) -> Result<netvaerk_report::lookup::Lookup, netvaerk::Error> {
    use netvaerk_report::lookup::{Candidate, Kind};
    let mut candidates = Vec::new();
    for (kind, list, name) in [
        (Kind::Person, "persons", "name"),
        (Kind::Unit, "units", "name"),
        (Kind::Theme, "themes", "title"),
        (Kind::Network, "networks", "theme_title"),
    ] {
        let path = format!("/v1/organisations/{organisation}/reports/{list}?format=json");
        /// A stamped list: its rows beside the stamp.
        #[derive(serde::Deserialize)]
        struct Stamped {
            report: Vec<serde_json::Map<String, serde_json::Value>>,
        }
        let stamped: Stamped = remote.json("GET", &path, None).map_err(|failure| {
            netvaerk_store::StoreError::engine(format!("cannot look names up on the server: {failure}"))
        })?;
        for row in stamped.report {
            let id = row.get("id").and_then(|id| id.as_str()).and_then(|id| uuid::Uuid::parse_str(id).ok());
            let text = row.get(name).and_then(|name| name.as_str()).unwrap_or_default().to_owned();
            candidates.extend(id.map(|id| Candidate { kind, id, name: text }));
        }
    }
    Ok(netvaerk_report::lookup::Lookup::from_candidates(candidates))
}

/// `report` rendered by the server as `output` says (`format`, where given, instead of
/// `output`'s).
fn fetch_report(
    remote: &Remote,
    organisation: OrganisationId,
    report: &Report,
    output: &crate::cli::Output,
    format: Option<netvaerk_report::Format>,
    appendix: netvaerk_report::Appendix,
) -> Result<Vec<u8>, Failure> {
    let mut path = match report {
        Report::Audit(id) => format!("/v1/organisations/{organisation}/reports/audit/{id}"),
        Report::Round(round) => format!("/v1/organisations/{organisation}/reports/round/{round}"),
        other => format!("/v1/organisations/{organisation}/reports/{}", other.name()),
    };
    let options = crate::report_options(output);
    path.push_str(&format!(
        "?format={}&lang={}&width={}",
        format.unwrap_or(output.format()),
        options.lang.code(),
        options.width
    ));
    if let Some(section) = &options.section {
        path.push_str(&format!("&section={}", percent(section)));
    }
    if options.csv_dialect == netvaerk_report::CsvDialect::Excel {
        path.push_str("&csv_dialect=excel");
    }
    if let Some(date) = output.as_of {
        path.push_str(&format!("&as_of={date}"));
    }
    if appendix == netvaerk_report::Appendix::Audit {
        path.push_str("&appendix=audit");
    }
    Ok(remote.call_bytes("GET", &path, None)?.1)
}
