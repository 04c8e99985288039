//! The routes: decisions, reports, the head, health, metrics and the OpenAPI document.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use netvaerk_core::{AcknowledgedWarning, Command, Event, OrganisationId, PersonId};
use netvaerk_projections::AsOf;
use netvaerk_store::{Head, PersonalData};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::body::{json_body, read};
use super::desk::{known, Decided, Decision};
use super::{admit, blocking, feed, App, Caller, Problem, Scope};
use netvaerk::Error;
use netvaerk::{BatchMode, Outcome};
use netvaerk_report::{render_bytes, Format, Lang, Options, Report, Stamp};

/// Every route; the OpenAPI document describes exactly these (a test checks).
pub(super) fn router(app: Arc<App>) -> Router {
    let bounded = Router::new()
        .route("/v1/organisations", get(organisations))
        .route("/v1/organisations/{org}/commands", post(command))
        .route("/v1/organisations/{org}/commands:batch", post(batch))
        .route("/v1/organisations/{org}/reports/{report}", get(report))
        .route("/v1/organisations/{org}/reports/audit/{id}", get(audit))
        .route("/v1/organisations/{org}/reports/round/{round}", get(round))
        .route("/v1/organisations/{org}/policy", get(policy))
        .route("/v1/organisations/{org}/redactions", post(redact))
        .route("/v1/organisations/{org}/persons/{person}", put(person).patch(correct).delete(erase))
        .route("/v1/head", get(head))
        .route("/v1/verify", get(feed::verify))
        .route("/v1/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), time_limit));
    // The feed and long polls last as long as the client wants: no request timeout.
    let unbounded =
        Router::new().route("/v1/events", get(feed::events)).route("/v1/events/stream", get(feed::stream));
    bounded
        .merge(unbounded)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn(every_client_error_a_problem))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), loopback_host))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), shutdown_deadline))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), count))
        .layer(DefaultBodyLimit::max(app.config.body_limit))
        .with_state(app)
}

/// Counts each request by its route template and status.
async fn count(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    app.metrics.request(&route, response.status().as_u16());
    response
}

/// Counts a request as in flight while it runs, and answers 503 `shutdown_deadline` when the
/// shutdown deadline passes first.
async fn shutdown_deadline(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut deadline = app.deadline.subscribe();
    let _in_flight = InFlight::new(Arc::clone(&app));
    tokio::select! {
        response = next.run(request) => response,
        _ = deadline.wait_for(|passed| *passed) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutdown_deadline",
            "limit",
            "the server stopped at its shutdown deadline before this request was done; a decision \
             may still have been appended: send it again with the same Idempotency-Key to learn \
             its outcome",
        )
        .into_response(),
    }
}

/// One request in flight, counted while it lives.
struct InFlight(Arc<App>);

impl InFlight {
    fn new(app: Arc<App>) -> Self {
        app.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(app)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Without tokens every caller is admin, so only a caller that names this machine is served:
/// a web page whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends its own name
/// as `Host` and is answered 421 `host_not_served`.
async fn loopback_host(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if app.tokens.is_some() {
        return next.run(request).await;
    }
    // An absolute-form target names the host itself, and then `Host` does not count.
    let host = match request.uri().authority() {
        Some(authority) => Some(authority.as_str()),
        None => request.headers().get(header::HOST).and_then(|value| value.to_str().ok()),
    };
    if host.is_some_and(loopback) {
        return next.run(request).await;
    }
    Problem::new(
        StatusCode::MISDIRECTED_REQUEST,
        "host_not_served",
        "access",
        "without --tokens the server answers only Host: localhost, 127.0.0.1 or [::1] (any port)",
    )
    .with_subject("Host", host.unwrap_or_default().to_owned())
    .into_response()
}

/// Whether a `Host` names this machine: `localhost`, `127.0.0.1` or `[::1]`, with or without a
/// port. The user information of an absolute-form target is refused.
fn loopback(host: &str) -> bool {
    let port_or_nothing = |rest: &str| {
        rest.is_empty()
            || rest.strip_prefix(':').is_some_and(|port| {
                !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
            })
    };
    if let Some(bracketed) = host.strip_prefix('[') {
        let Some((inside, rest)) = bracketed.split_once(']') else { return false };
        return inside.parse::<std::net::Ipv6Addr>().is_ok_and(|ip| ip.is_loopback())
            && port_or_nothing(rest);
    }
    let name_end = host.find(':').unwrap_or(host.len());
    let (name, rest) = host.split_at(name_end);
    (name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1") && port_or_nothing(rest)
}

/// Turns any 4xx that is not a problem yet (one the framework answered itself) into one, so
/// that every client error is `application/problem+json` with a stable code.
async fn every_client_error_a_problem(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|media_type| media_type.starts_with(super::PROBLEM_JSON));
    if !status.is_client_error() || is_problem {
        return response;
    }
    let detail = match axum::body::to_bytes(response.into_body(), 4096).await {
        Ok(body) if !body.is_empty() => String::from_utf8_lossy(&body).into_owned(),
        _ => status.canonical_reason().unwrap_or("client error").to_owned(),
    };
    let (code, class) = match status {
        StatusCode::BAD_REQUEST => ("malformed_request", "input"),
        StatusCode::NOT_FOUND => ("unknown_route", "input"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "input"),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "limit"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "input"),
        _ => ("client_error", "input"),
    };
    Problem::new(status, code, class, detail).into_response()
}

/// The path's parameters, or 400 `malformed_path` as a problem (axum's own [`Path`] answers a
/// badly encoded segment in plain text).
struct Segments<T>(T);

impl<S, T> FromRequestParts<S> for Segments<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(Problem::bad_request("malformed_path", rejection.body_text())
                .with_subject("path", parts.uri.path().to_owned())),
        }
    }
}

/// Answers 503 `request_timeout` when a request takes longer than the configured limit.
async fn time_limit(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let limit = app.config.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            "limit",
            format!(
                "the request took longer than {} s; a decision may still have been appended: send it again with the same Idempotency-Key to learn its outcome",
                limit.as_secs()
            ),
        )
        .into_response(),
    }
}

async fn unknown_route() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "unknown_route",
        "input",
        "there is no such route; see /v1/openapi.json",
    )
}

async fn wrong_method() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "input",
        "the route does not take this method; see /v1/openapi.json",
    )
}

/// An event appended, with its position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Appended {
    /// Its global position.
    pub position: u64,
    /// The event (`type` and `data`).
    pub event: Event,
}

/// What an accepted command did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Accepted {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The organisation's stream version after the events.
    pub stream_version: u64,
    /// The events appended, in order, with their positions.
    pub events: Vec<Appended>,
    /// The advisory warnings the command acknowledged.
    pub acknowledged: Vec<AcknowledgedWarning>,
    /// Whether this is the first answer to the same command (same `Idempotency-Key` or
    /// `command_id`) given again: nothing was appended this time.
    pub replayed: bool,
}

impl Accepted {
    fn new(organisation: OrganisationId, outcome: Outcome) -> Self {
        Self {
            organisation,
            stream_version: outcome.stream_version,
            events: outcome
                .positions
                .into_iter()
                .zip(outcome.events)
                .map(|(position, event)| Appended { position, event })
                .collect(),
            acknowledged: outcome.acknowledged,
            replayed: outcome.replayed,
        }
    }
}

/// Several commands for one organisation.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// `atomic` (all or none, the default) or `each_on_its_own`.
    #[serde(default = "atomic")]
    pub mode: BatchMode,
    /// The commands, in order.
    #[schemars(with = "Vec<Command>")]
    pub commands: Vec<serde_json::Value>,
}

fn atomic() -> BatchMode {
    BatchMode::Atomic
}

/// One command's result in a batch.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BatchResult {
    /// Whether it was accepted.
    pub ok: bool,
    /// What it did, if accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Accepted>,
    /// Why not, if refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// The results of a batch, in the commands' order.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BatchAnswer {
    /// One result a command.
    pub results: Vec<BatchResult>,
}

/// A redaction asked for: the words of the decision at `position` go, for the reason `why`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactRequest {
    /// The decision's position in the log.
    pub position: u64,
    /// Why its words go.
    pub why: String,
    /// Who redacts: a person of the secretariat. With tokens, the token's person (when given,
    /// it must be that person); without tokens, required.
    #[serde(default)]
    pub by: Option<PersonId>,
}

/// A person's personal data, recorded by `by` (AU-3: the secretariat; a person may correct
/// their own name and e-mail).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonRequest {
    /// The data: name, e-mail, title.
    #[serde(flatten)]
    pub data: PersonalData,
    /// Who records it. With tokens, the token's person (when given, it must be that person);
    /// without tokens, required.
    #[serde(default)]
    pub by: Option<PersonId>,
}

/// A correction of a person's personal data by `by`: the fields given replace the registry's,
/// the others stay (AU-3: the secretariat; a person their own name and e-mail).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CorrectRequest {
    /// The fields to replace.
    #[serde(flatten)]
    pub patch: netvaerk_store::PersonalDataPatch,
    /// Who corrects. With tokens, the token's person (when given, it must be that person);
    /// without tokens, required.
    #[serde(default)]
    pub by: Option<PersonId>,
}

/// Who erases a person's data (without tokens; with tokens, the token's person).
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct ByQuery {
    /// Who decides.
    #[serde(default)]
    pub by: Option<PersonId>,
}

/// What a change of personal data left in the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonRecorded {
    /// The position of the record (who, when, which fields) in the `$registry` stream; none
    /// when the data was the registry's already.
    pub position: Option<u64>,
}

/// A redaction done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Redacted {
    /// The decision's position, whose words are now `(redacted)`.
    pub position: u64,
    /// The position of the redaction record (who, when, why) in the `$redactions` stream.
    pub redaction_position: u64,
}

/// The log's head.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HeadAnswer {
    /// The last position (0 while the log is empty).
    pub position: u64,
    /// Its hash, hex (`null` while the log is empty).
    pub hash: Option<String>,
}

impl From<Option<Head>> for HeadAnswer {
    fn from(head: Option<Head>) -> Self {
        match head {
            Some(head) => Self { position: head.position, hash: Some(netvaerk_store::hex(&head.hash)) },
            None => Self { position: 0, hash: None },
        }
    }
}

fn organisation_id(text: &str) -> Result<OrganisationId, Problem> {
    text.parse().map_err(|error: netvaerk_core::IdError| {
        Problem::bad_request("malformed_id", error.to_string()).with_subject("organisation", text)
    })
}

/// A command from its JSON, deciding as the caller's person: a body naming another actor is
/// refused (403); with an idempotency key, its command id is derived from the key. A
/// malformed command's problem names the JSON path of what was wrong, after `prefix` (the
/// command's place in a batch).
fn command_from(
    mut value: serde_json::Value,
    organisation: OrganisationId,
    caller: &Caller,
    key: Option<(&str, usize)>,
    prefix: &str,
) -> Result<Command, Problem> {
    let metadata = value.get_mut("metadata").and_then(serde_json::Value::as_object_mut);
    if let (Some(metadata), Some(person)) = (metadata, caller.person) {
        let given = metadata.get("actor").and_then(serde_json::Value::as_str).map(str::to_owned);
        // Ids compare as UUIDs, not as text: an upper-case id names the same person.
        let other = given.filter(|given| given.parse::<PersonId>().ok() != Some(person));
        if let Some(given) = other {
            return Err(Problem::forbidden(
                "actor_mismatch",
                format!("the token decides as {person}; the command names the actor {given}"),
            )
            .with_subject("metadata.actor", given));
        }
        metadata.insert("actor".to_owned(), serde_json::Value::String(person.to_string()));
    }
    let mut command: Command = read(value, "malformed_command", "not a command", prefix)?;
    if let Some((key, index)) = key {
        command.metadata.command_id = Some(idempotency_id(organisation, caller.person, key, index));
    }
    Ok(command)
}

/// The command id of the `index`th command of a request with this `Idempotency-Key`.
fn idempotency_id(organisation: OrganisationId, person: Option<PersonId>, key: &str, index: usize) -> Uuid {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"netvaerk:idempotency-key");
    hasher.update(organisation.as_uuid().as_bytes());
    hasher.update(person.map(|person| person.as_uuid()).unwrap_or_default().as_bytes());
    hasher.update((index as u64).to_be_bytes());
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::new_v8(bytes)
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(value) => match value.to_str().map(str::trim) {
            Ok(key) if !key.is_empty() && key.len() <= 255 => Ok(Some(key.to_owned())),
            _ => Err(Problem::bad_request(
                "malformed_idempotency_key",
                "Idempotency-Key must be 1 to 255 characters of visible ASCII",
            )),
        },
    }
}

fn count_refusal(app: &App, error: &Error) {
    if error.class() == netvaerk::ErrorClass::Refused {
        app.metrics.refusal(error.rule().map(|rule| rule.to_string()), error.code());
    }
}

/// Who decides, for which organisation, under which idempotency key: what both decision
/// routes read first.
fn decider(
    app: &App,
    org: &str,
    headers: &HeaderMap,
) -> Result<(Caller, OrganisationId, Option<String>), Problem> {
    let caller = app.authorize(headers, Scope::Write)?;
    let organisation = organisation_id(org)?;
    admit(&caller, organisation)?;
    Ok((caller, organisation, idempotency_key(headers)?))
}

/// `POST /v1/organisations/{org}/commands`.
async fn command(
    State(app): State<Arc<App>>,
    Segments(org): Segments<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let (caller, organisation, key) = decider(&app, &org, &headers)?;
    let value = json_body(&headers, body)?;
    let command = command_from(value, organisation, &caller, key.as_deref().map(|key| (key, 0)), "")?;
    let may_start = caller.scope == Scope::Admin;
    let (result, took) =
        match app.desks.decide(&app.service, organisation, Decision::One(Box::new(command)), may_start).await
        {
            Some((Decided::One(result), took)) => (result, took),
            _ => return Err(not_decided()),
        };
    match result {
        Ok(outcome) => {
            if !outcome.replayed {
                app.metrics.appended(took, outcome.events.len());
            }
            let replayed = outcome.replayed;
            let mut response =
                (StatusCode::CREATED, Json(Accepted::new(organisation, outcome))).into_response();
            if replayed {
                response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            Ok(response)
        }
        Err(error) => {
            count_refusal(&app, &error);
            Err(problem_in(error, &headers))
        }
    }
}

/// The answer to a decision the service did not finish: it failed unexpectedly (a panic), or
/// the runtime is shutting down.
fn not_decided() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "not_decided",
        "store",
        "the server failed while deciding this command; a decision may still have been appended: \
         send it again with the same Idempotency-Key to learn its outcome",
    )
}

/// The problem of `error`, its detail in the language the caller accepts (a refusal reads in
/// Danish for `Accept-Language: da`).
fn problem_in(error: Error, headers: &HeaderMap) -> Problem {
    let lang = lang(None, headers).unwrap_or_default();
    let detail = error.message(lang);
    let warnings = error.warnings().iter().map(|warning| super::ProblemWarning::new(warning, lang)).collect();
    Problem { detail, warnings, ..Problem::from(error) }
}

/// `POST /v1/organisations/{org}/commands:batch`.
async fn batch(
    State(app): State<Arc<App>>,
    Segments(org): Segments<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let (caller, organisation, key) = decider(&app, &org, &headers)?;
    let request: BatchRequest = read(json_body(&headers, body)?, "malformed_batch", "not a batch", "")?;
    let commands = request
        .commands
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let prefix = format!("commands[{index}]");
            command_from(value, organisation, &caller, key.as_deref().map(|key| (key, index)), &prefix)
                .map_err(|mut problem| {
                    problem.index = Some(index);
                    problem
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (mode, may_start) = (request.mode, caller.scope == Scope::Admin);
    let decision = Decision::Batch(commands, mode);
    let (results, took) = match app.desks.decide(&app.service, organisation, decision, may_start).await {
        Some((Decided::Batch(results), took)) => (results, took),
        _ => return Err(not_decided()),
    };
    let results = match results {
        Ok(results) => results,
        Err(error) => {
            count_refusal(&app, &error);
            return Err(problem_in(error, &headers));
        }
    };
    let appended: usize =
        results.iter().flatten().filter(|outcome| !outcome.replayed).map(|o| o.events.len()).sum();
    if appended > 0 {
        app.metrics.appended(took, appended);
    }
    let results = results
        .into_iter()
        .map(|result| match result {
            Ok(outcome) => {
                BatchResult { ok: true, accepted: Some(Accepted::new(organisation, outcome)), problem: None }
            }
            Err(error) => {
                count_refusal(&app, &error);
                BatchResult { ok: false, accepted: None, problem: Some(problem_in(error, &headers)) }
            }
        })
        .collect();
    let status = if appended > 0 { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(BatchAnswer { results })).into_response())
}

/// Report parameters.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct ReportQuery {
    /// A business date (`2016-12-31`) or a log position (`1200`); default: everything.
    pub as_of: Option<String>,
    /// `en` or `da`; default from `Accept-Language`, else `en`.
    pub lang: Option<String>,
    /// `json`, `csv`, `md`, `html`, `table` or `xlsx`; default from `Accept`, else `json`.
    pub format: Option<String>,
    /// Only this section: its number from 1, or the start of its title.
    pub section: Option<String>,
    /// The width of `table` tables (default 80; 20 to 1,000).
    pub width: Option<usize>,
    /// How `csv` is written: `standard` (RFC 4180, the default) or `excel` (a byte order mark,
    /// semicolons, CRLF and decimal commas, for Excel in a Danish locale).
    pub csv_dialect: Option<String>,
    /// The overview's appendix: `audit` (the networks' goals and every theme's audit trail, after a page break) or
    /// `none` (the default).
    pub appendix: Option<String>,
}

fn as_of(text: Option<&str>) -> Result<AsOf, Problem> {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else { return Ok(AsOf::Now) };
    if let Ok(position) = text.parse::<u64>() {
        return Ok(AsOf::Position(position));
    }
    netvaerk_core::parse_date(text).map(AsOf::Date).map_err(|_| {
        Problem::bad_request(
            "malformed_as_of",
            "as_of is a date (2016-06-30 or 30.06.2016) or a log position",
        )
        .with_subject("as_of", text)
    })
}

/// The format a request asks for: `format=`, else the best of `Accept` (quality order),
/// else JSON.
fn format(query: Option<&str>, headers: &HeaderMap) -> Result<Format, Problem> {
    if let Some(name) = query {
        return name.parse().map_err(Problem::from);
    }
    let Some(accept) = headers.get(header::ACCEPT).and_then(|value| value.to_str().ok()) else {
        return Ok(Format::Json);
    };
    let mut ranges: Vec<(f32, &str)> = accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            let quality = parts
                .find_map(|parameter| parameter.strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            (quality, media)
        })
        .filter(|(quality, _)| *quality > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, media) in ranges {
        if media == "*/*" || media.eq_ignore_ascii_case("application/*") {
            return Ok(Format::Json);
        }
        if media.eq_ignore_ascii_case("text/*") {
            return Ok(Format::Table);
        }
        if let Some(format) = Format::from_media_type(media) {
            return Ok(format);
        }
    }
    Err(Problem::from(Error::input(
        "unsupported_format",
        Some("Accept"),
        Some(accept.to_owned()),
        "reports are application/json, text/csv, text/markdown, text/html, text/plain or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )))
}

fn lang(query: Option<&str>, headers: &HeaderMap) -> Result<Lang, Problem> {
    if let Some(code) = query {
        return code
            .parse()
            .map_err(|error: netvaerk_core::UnsupportedLanguage| Problem::from(Error::from(error)));
    }
    let accepted = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()).unwrap_or("");
    Ok(accepted
        .split(',')
        .filter_map(|tag| tag.split(';').next().and_then(|tag| tag.trim().parse().ok()))
        .next()
        .unwrap_or_default())
}

async fn render_report(
    app: Arc<App>,
    headers: HeaderMap,
    org: &str,
    report: Report,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let caller = app.authorize(&headers, Scope::Read)?;
    let organisation = organisation_id(org)?;
    admit(&caller, organisation)?;
    let Query(query) =
        query.map_err(|rejection| Problem::bad_request("malformed_query", rejection.body_text()))?;
    let as_of = as_of(query.as_of.as_deref())?;
    let format = format(query.format.as_deref(), &headers)?;
    let lang = lang(query.lang.as_deref(), &headers)?;
    let csv_dialect = match query.csv_dialect.as_deref() {
        None => netvaerk_report::CsvDialect::Standard,
        Some(text) => text.parse().map_err(Problem::from)?,
    };
    let appendix = match query.appendix.as_deref() {
        None => netvaerk_report::Appendix::None,
        Some(text) => text.parse().map_err(Problem::from)?,
    };
    let options = Options {
        width: query.width.unwrap_or(netvaerk_report::WIDTH).clamp(20, 1000),
        section: query.section.clone(),
        csv_dialect,
        appendix,
        ..Options::new(format, lang)
    };
    let name = report.name();
    let service = Arc::clone(&app.service);
    let (text, checkpoint, head) = blocking(move || {
        known(&service, organisation, false)?;
        service.read_models(organisation, as_of, |models| {
            let stamp = Stamp::now(organisation, as_of, models.store)?;
            let head = stamp.head;
            let options = Options { stamp: Some(stamp), ..options };
            render_bytes(&models, &report, &options).map(|text| (text, models.checkpoint, head))
        })?
    })
    .await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.media_type()));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    // A workbook is a file to save, named after its report.
    if format.is_binary() {
        let disposition = format!("attachment; filename=\"netvaerk-{name}.{}\"", format.extension());
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    headers.insert("netvaerk-position", HeaderValue::from(checkpoint));
    // The stamp of a JSON report, whose body is the read model's own: the log head it was made
    // from (`netvaerk verify --expect` takes it as it is).
    if let Some(head) = head {
        let value = format!("{}:{}", head.position, netvaerk_store::hex(&head.hash));
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert("netvaerk-head", value);
        }
    }
    Ok(response)
}

/// `GET /v1/organisations/{org}/reports/{report}`.
async fn report(
    State(app): State<Arc<App>>,
    Segments((org, name)): Segments<(String, String)>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let report: Report = name.parse().map_err(Problem::from)?;
    render_report(app, headers, &org, report, query).await
}

/// `GET /v1/organisations/{org}/reports/audit/{id}`.
async fn audit(
    State(app): State<Arc<App>>,
    Segments((org, id)): Segments<(String, String)>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let id: Uuid = id.trim().parse().map_err(|_| {
        Problem::bad_request("malformed_id", "a theme's or a network's id is a UUID")
            .with_subject("id", id.clone())
    })?;
    render_report(app, headers, &org, Report::Audit(id), query).await
}

/// `GET /v1/organisations/{org}/reports/round/{round}`.
async fn round(
    State(app): State<Arc<App>>,
    Segments((org, round)): Segments<(String, String)>,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let round: netvaerk_core::RoundId = round.trim().parse().map_err(|_| {
        Problem::bad_request("malformed_id", "a round is a half-year like 2016H1")
            .with_subject("round", round.clone())
    })?;
    render_report(app, headers, &org, Report::Round(round), query).await
}

/// `GET /v1/organisations/{org}/policy`: the policy in force now.
async fn policy(
    State(app): State<Arc<App>>,
    Segments(org): Segments<String>,
    headers: HeaderMap,
) -> Result<Json<netvaerk_core::Policy>, Problem> {
    let caller = app.authorize(&headers, Scope::Read)?;
    let organisation = organisation_id(&org)?;
    admit(&caller, organisation)?;
    let service = Arc::clone(&app.service);
    let policy = blocking(move || {
        known(&service, organisation, false)?;
        service.state(organisation).map(|state| state.policy_in_force(service.default_policy()).clone())
    })
    .await?;
    Ok(Json(policy))
}

/// `POST /v1/organisations/{org}/redactions`: redacts the words of a decision, as the
/// secretariat ([`Service::redact`]).
async fn redact(
    State(app): State<Arc<App>>,
    Segments(org): Segments<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Redacted>), Problem> {
    let caller = app.authorize(&headers, Scope::Write)?;
    let organisation = organisation_id(&org)?;
    admit(&caller, organisation)?;
    let request: RedactRequest =
        read(json_body(&headers, body)?, "malformed_redaction", "not a redaction", "")?;
    let by = acting(&caller, request.by, "by")?;
    let (position, why) = (request.position, request.why);
    let service = Arc::clone(&app.service);
    let appended = blocking(move || {
        known(&service, organisation, false)?;
        service.redact(organisation, position, &why, by)
    })
    .await
    .map_err(|error| problem_in(error, &headers))?;
    let redaction_position = appended.positions.first().copied().unwrap_or_default();
    Ok((StatusCode::CREATED, Json(Redacted { position, redaction_position })))
}

/// The person a request decides as: the token's, or (without tokens) the one it names in
/// `field`; a request that names another than its token's person is refused.
fn acting(caller: &Caller, given: Option<PersonId>, field: &'static str) -> Result<PersonId, Problem> {
    match (caller.person, given) {
        (Some(person), Some(given)) if given != person => Err(Problem::forbidden(
            "actor_mismatch",
            format!("the token decides as {person}; the request names {given}"),
        )
        .with_subject(field, given.to_string())),
        (Some(person), _) | (None, Some(person)) => Ok(person),
        (None, None) => Err(Problem::bad_request("missing_actor", format!("say who decides: {field}"))
            .with_subject(field, String::new())),
    }
}

fn person_id(text: &str) -> Result<PersonId, Problem> {
    text.parse().map_err(|error: netvaerk_core::IdError| {
        Problem::bad_request("malformed_id", error.to_string()).with_subject("person", text.to_owned())
    })
}

/// What the persons routes with a body share: the caller, admitted to the organisation, the
/// person, the body, and who acts (the token's person, or the body's `by` without tokens).
fn person_body<T: serde::de::DeserializeOwned>(
    app: &App,
    (org, person): (String, String),
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    by: impl Fn(&T) -> Option<PersonId>,
) -> Result<(OrganisationId, PersonId, T, PersonId), Problem> {
    let caller = app.authorize(headers, Scope::Write)?;
    let organisation = organisation_id(&org)?;
    admit(&caller, organisation)?;
    let person = person_id(&person)?;
    let request: T = read(json_body(headers, body)?, "malformed_personal_data", "not personal data", "")?;
    let by = acting(&caller, by(&request), "by")?;
    Ok((organisation, person, request, by))
}

impl From<Option<netvaerk_store::AppendResult>> for PersonRecorded {
    fn from(appended: Option<netvaerk_store::AppendResult>) -> Self {
        Self { position: appended.and_then(|appended| appended.positions.first().copied()) }
    }
}

/// `PUT /v1/organisations/{org}/persons/{person}`: registers or corrects a person's personal
/// data in the registry beside the log, as the secretariat or (their own name and e-mail) the
/// person ([`Service::record_person`]).
async fn person(
    State(app): State<Arc<App>>,
    Segments(path): Segments<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PersonRecorded>, Problem> {
    let (organisation, person, request, by) =
        person_body(&app, path, &headers, body, |request: &PersonRequest| request.by)?;
    let service = Arc::clone(&app.service);
    let recorded = blocking(move || {
        known(&service, organisation, false)?;
        service.record_person(organisation, person, request.data, by)
    })
    .await
    .map_err(|error| problem_in(error, &headers))?;
    Ok(Json(recorded.into()))
}

/// `PATCH /v1/organisations/{org}/persons/{person}`: corrects the fields given of a person's
/// personal data, as the secretariat or (their own name and e-mail) the person
/// ([`Service::correct_person`]).
async fn correct(
    State(app): State<Arc<App>>,
    Segments(path): Segments<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PersonRecorded>, Problem> {
    let (organisation, person, request, by) =
        person_body(&app, path, &headers, body, |request: &CorrectRequest| request.by)?;
    let service = Arc::clone(&app.service);
    let recorded = blocking(move || {
        known(&service, organisation, false)?;
        service.correct_person(organisation, person, &request.patch, by)
    })
    .await
    .map_err(|error| problem_in(error, &headers))?;
    Ok(Json(recorded.into()))
}

/// `DELETE /v1/organisations/{org}/persons/{person}`: erases a person's personal data (GDPR),
/// as the secretariat ([`Service::erase_person`]).
async fn erase(
    State(app): State<Arc<App>>,
    Segments((org, person)): Segments<(String, String)>,
    headers: HeaderMap,
    query: Result<Query<ByQuery>, QueryRejection>,
) -> Result<Json<PersonRecorded>, Problem> {
    let caller = app.authorize(&headers, Scope::Write)?;
    let organisation = organisation_id(&org)?;
    admit(&caller, organisation)?;
    let person = person_id(&person)?;
    let Query(query) = query.map_err(|error| Problem::bad_request("malformed_query", error.body_text()))?;
    let by = acting(&caller, query.by, "by")?;
    let service = Arc::clone(&app.service);
    let appended = blocking(move || {
        known(&service, organisation, false)?;
        service.erase_person(organisation, person, by)
    })
    .await
    .map_err(|error| problem_in(error, &headers))?;
    Ok(Json(PersonRecorded { position: appended.positions.first().copied() }))
}

/// The organisations a caller may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationsAnswer {
    /// In id order: every organisation the log holds decisions for, or, for a token bound to
    /// organisations, those of its organisations that have decisions.
    pub organisations: Vec<OrganisationEntry>,
}

/// An organisation the server holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrganisationEntry {
    /// Its id.
    pub id: OrganisationId,
    /// Its stream's version: how many events its decisions appended.
    pub stream_version: u64,
}

/// `GET /v1/organisations` (read): the organisations the server holds that the token is for.
async fn organisations(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<OrganisationsAnswer>, Problem> {
    let caller = app.authorize(&headers, Scope::Read)?;
    let service = Arc::clone(&app.service);
    let organisations = blocking(move || {
        let candidates = match caller.organisations {
            super::Organisations::All => service.organisations()?,
            super::Organisations::Only(organisations) => organisations.into_iter().collect(),
        };
        let mut entries = Vec::with_capacity(candidates.len());
        for id in candidates {
            let stream_version =
                service.store().stream_version(&netvaerk_store::StreamId::organisation(id))?;
            if stream_version > 0 {
                entries.push(OrganisationEntry { id, stream_version });
            }
        }
        Ok::<_, Error>(entries)
    })
    .await?;
    Ok(Json(OrganisationsAnswer { organisations }))
}

/// `GET /v1/head`.
async fn head(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Json<HeadAnswer>, Problem> {
    app.authorize(&headers, Scope::Read)?;
    let store = app.service.shared_store();
    let head = blocking(move || store.head()).await.map_err(Error::from)?;
    Ok(Json(HeadAnswer::from(head)))
}

/// `GET /healthz`: the process answers.
async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: the store answers and the server is not shutting down.
async fn readyz(State(app): State<Arc<App>>) -> Result<Json<HeadAnswer>, Problem> {
    if *app.stopping.borrow() {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "limit",
            "the server is shutting down",
        ));
    }
    let store = app.service.shared_store();
    let head = blocking(move || store.head()).await.map_err(|error| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "store",
            format!("the store does not answer: {error}"),
        )
    })?;
    Ok(Json(HeadAnswer::from(head)))
}

/// `GET /metrics` (read): Prometheus text.
async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, Problem> {
    app.authorize(&headers, Scope::Read)?;
    let text =
        app.metrics.render(*app.head.borrow(), feed::clients(&app), app.connections.open(), app.in_flight());
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    Ok(response)
}

/// `GET /v1/openapi.json`.
async fn openapi() -> Json<&'static serde_json::Value> {
    Json(super::openapi::document())
}

#[cfg(test)]
mod tests {
    use super::loopback;

    #[test]
    fn only_localhost_127_0_0_1_and_ipv6_loopback_are_served_without_tokens() {
        let served = [
            "localhost",
            "LocalHost:8080",
            "127.0.0.1",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:65535",
            "[0:0::1]:80",
        ];
        let refused = [
            "",
            "attacker.example",
            "localhost.attacker.example",
            "127.0.0.1.nip.io",
            "127.0.0.2",
            "localhost:",
            "localhost:80:80",
            "localhost:123456",
            "user@localhost",
            "[::2]",
            "[::1",
            "[::1]x",
            "0.0.0.0",
        ];
        for host in served {
            assert!(loopback(host), "{host:?} should be served");
        }
        for host in refused {
            assert!(!loopback(host), "{host:?} should be refused");
        }
    }
}
