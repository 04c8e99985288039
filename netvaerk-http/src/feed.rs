//! The event feed: pages of the log, long polls, Server-Sent Events; and `verify`.
//!
//! Every feed reads the log by position, so it is gapless and in order by construction: a
//! client's cursor only moves past what it was sent. The watcher thread of [`super::Api`]
//! only wakes the feeds when the head moves.

use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, Stream};
use netvaerk_core::OrganisationId;
use netvaerk_store::{EventStore, ExportedRecord, StreamId};
use serde::{Deserialize, Serialize};
use tokio::sync::OwnedSemaphorePermit;

use super::{admit, blocking, App, Caller, Organisations, Problem, Scope};
use netvaerk::Error;

/// The most records one page (or one read of the stream) scans, matching or not.
const SCAN: usize = 10_000;
/// The default and the largest `limit` of a page.
const LIMIT: usize = 1_000;

/// `GET /v1/events` and `/v1/events/stream` parameters.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct EventsQuery {
    /// The first position to read (default 1).
    pub from: Option<u64>,
    /// The most events in the page (default and most 1,000).
    pub limit: Option<usize>,
    /// Seconds to wait for an event at `from` or later when there is none yet (long poll).
    pub wait: Option<u64>,
    /// Only this organisation's events.
    pub organisation: Option<String>,
    /// Only events of these types (comma-separated stored type names).
    #[serde(rename = "type")]
    pub types: Option<String>,
}

/// A page of the log.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventsPage {
    /// The records, in position order, each as `netvaerk log` exports it.
    pub events: Vec<ExportedRecord>,
    /// The position to ask for next (after the last record scanned, matching or not).
    pub next: u64,
    /// The log's head when the page was read.
    pub head: u64,
}

/// What `GET /v1/verify` found.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerifyAnswer {
    /// Whether the whole chain verified.
    pub ok: bool,
    /// How many records passed, from position 1.
    pub checked: u64,
    /// The head's position and hash (hex), if the whole log passed and is not empty.
    pub head: Option<super::HeadAnswer>,
    /// The first bad record's position and what is wrong with it.
    pub first_bad: Option<BadRecord>,
}

/// A record that failed verification.
#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BadRecord {
    /// Its position.
    pub position: u64,
    /// What is wrong.
    pub problem: String,
}

/// Which records a feed passes on.
#[derive(Clone, Debug, Default)]
struct Filter {
    organisation: Option<OrganisationId>,
    stream: Option<StreamId>,
    types: Option<BTreeSet<String>>,
}

impl Filter {
    fn from_query(query: &EventsQuery) -> Result<Self, Problem> {
        let organisation = match &query.organisation {
            None => None,
            Some(text) => Some(text.parse::<OrganisationId>().map_err(|error| {
                Problem::bad_request("malformed_id", error.to_string())
                    .with_subject("organisation", text.clone())
            })?),
        };
        let types = query.types.as_ref().map(|text| {
            text.split(',').map(str::trim).filter(|name| !name.is_empty()).map(str::to_owned).collect()
        });
        Ok(Self { organisation, stream: organisation.map(StreamId::organisation), types })
    }

    /// Refuses a caller whose token is not for every organisation unless the feed is filtered
    /// to one of its organisations (the whole log holds every organisation's decisions).
    fn admit(&self, caller: &Caller) -> Result<(), Problem> {
        match (&caller.organisations, self.organisation) {
            (Organisations::All, _) => Ok(()),
            (_, Some(organisation)) => admit(caller, organisation),
            (only, None) => Err(Problem::forbidden(
                "token_not_for_organisation",
                format!(
                    "the token is for organisation(s) {only} only, and the log holds others: name \
                     one with organisation="
                ),
            )),
        }
    }

    fn admits(&self, record: &ExportedRecord) -> bool {
        self.stream.as_ref().is_none_or(|stream| *stream == record.stream)
            && self.types.as_ref().is_none_or(|types| types.contains(&record.event_type))
    }
}

/// Up to `limit` records from `from` that pass `filter`, scanning at most [`SCAN`]; and the
/// position after the last one scanned.
fn read_page(
    store: &dyn EventStore,
    from: u64,
    limit: usize,
    filter: &Filter,
) -> Result<(Vec<ExportedRecord>, u64), Error> {
    let mut records = Vec::new();
    let mut next = from;
    for envelope in store.read_all(from).take(SCAN) {
        let record = ExportedRecord::from(&envelope?);
        next = record.position + 1;
        if filter.admits(&record) {
            records.push(record);
            if records.len() == limit {
                break;
            }
        }
    }
    Ok((records, next))
}

fn query_problem(rejection: &QueryRejection) -> Problem {
    Problem::bad_request("malformed_query", rejection.body_text())
}

/// `GET /v1/events`: a page from `from`; with `wait`, held until there is an event at `from`
/// or later, or the wait is over.
pub(super) async fn events(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let caller = app.authorize(&headers, Scope::Read)?;
    let Query(query) = query.map_err(|rejection| query_problem(&rejection))?;
    let filter = Filter::from_query(&query)?;
    filter.admit(&caller)?;
    let from = query.from.unwrap_or(1).max(1);
    let limit = query.limit.unwrap_or(LIMIT).clamp(1, LIMIT);
    if let Some(seconds) = query.wait.filter(|seconds| *seconds > 0) {
        let wait = Duration::from_secs(seconds).min(app.config.max_wait);
        let mut head = app.head.clone();
        let mut stopping = app.stopping.subscribe();
        let _ = tokio::time::timeout(wait, async {
            while *head.borrow_and_update() < from && !*stopping.borrow_and_update() {
                tokio::select! {
                    changed = head.changed() => if changed.is_err() { break },
                    _ = stopping.changed() => break,
                }
            }
        })
        .await;
    }
    let store = app.service.shared_store();
    let (events, next, head) = blocking(move || {
        let (events, next) = read_page(&*store, from, limit, &filter)?;
        let head = store.head()?.map_or(0, |head| head.position);
        Ok::<_, Error>((events, next, head))
    })
    .await?;
    Ok(Json(EventsPage { events, next, head }).into_response())
}

/// One client's place in the feed.
struct Follower {
    app: Arc<App>,
    cursor: u64,
    filter: Filter,
    buffer: VecDeque<ExportedRecord>,
    head: tokio::sync::watch::Receiver<u64>,
    stopping: tokio::sync::watch::Receiver<bool>,
    failed: bool,
    _permit: OwnedSemaphorePermit,
}

fn sse_event(record: &ExportedRecord) -> SseEvent {
    SseEvent::default()
        .id(record.position.to_string())
        .event(record.event_type.clone())
        .data(serde_json::to_string(record).unwrap_or_default())
}

impl Follower {
    /// The next event to send, `None` once the server shuts down or a read failed.
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        loop {
            if let Some(record) = self.buffer.pop_front() {
                return Some((Ok(sse_event(&record)), self));
            }
            if self.failed || *self.stopping.borrow() {
                return None;
            }
            if *self.head.borrow_and_update() >= self.cursor {
                let (store, from, filter) =
                    (self.app.service.shared_store(), self.cursor, self.filter.clone());
                match blocking(move || read_page(&*store, from, LIMIT, &filter)).await {
                    Ok((records, next)) => {
                        self.cursor = next;
                        self.buffer.extend(records);
                    }
                    Err(error) => {
                        // The stream has answered 200 already: the problem is its last event.
                        self.failed = true;
                        let problem = Problem::from(&error);
                        let event = SseEvent::default()
                            .event("problem")
                            .data(serde_json::to_string(&problem).unwrap_or_default());
                        return Some((Ok(event), self));
                    }
                }
                continue;
            }
            tokio::select! {
                changed = self.head.changed() => if changed.is_err() { return None },
                _ = self.stopping.changed() => {}
            }
        }
    }
}

/// `GET /v1/events/stream`: the log as Server-Sent Events from `from` (or after the
/// `Last-Event-ID` a reconnecting client sends), then each event as it is appended; each
/// event's id is its position.
pub(super) async fn stream(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, Problem> {
    let caller = app.authorize(&headers, Scope::Read)?;
    let Query(query) = query.map_err(|rejection| query_problem(&rejection))?;
    let filter = Filter::from_query(&query)?;
    filter.admit(&caller)?;
    let resume = match headers.get("last-event-id").map(|value| value.to_str().map(str::trim)) {
        None => None,
        Some(Ok(text)) => Some(text.parse::<u64>().map_err(|_| {
            Problem::bad_request("malformed_last_event_id", "Last-Event-ID must be a position (a number)")
                .with_subject("Last-Event-ID", text)
        })?),
        Some(Err(_)) => {
            return Err(Problem::bad_request("malformed_last_event_id", "Last-Event-ID is not text"))
        }
    };
    let cursor = resume.map_or(query.from.unwrap_or(1), |last| last.saturating_add(1)).max(1);
    let permit = Arc::clone(&app.feed).try_acquire_owned().map_err(|_| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_feed_clients",
            "limit",
            format!(
                "{} clients follow the feed already, the most this server takes",
                app.config.feed_clients
            ),
        )
    })?;
    let follower = Follower {
        head: app.head.clone(),
        stopping: app.stopping.subscribe(),
        app,
        cursor,
        filter,
        buffer: VecDeque::new(),
        failed: false,
        _permit: permit,
    };
    let events = stream::unfold(follower, Follower::next);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// `GET /v1/verify` (admin): walks the whole chain.
pub(super) async fn verify(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Json<VerifyAnswer>, Problem> {
    app.authorize(&headers, Scope::Admin)?;
    let store = app.service.shared_store();
    let report = blocking(move || store.verify()).await.map_err(Error::from)?;
    Ok(Json(VerifyAnswer {
        ok: report.is_ok(),
        checked: report.checked,
        head: report.head.map(|head| super::HeadAnswer::from(Some(head))),
        first_bad: report
            .first_bad
            .map(|(position, problem)| BadRecord { position, problem: problem.to_string() }),
    }))
}

/// The number of clients following the feed now.
pub(super) fn clients(app: &App) -> usize {
    app.config.feed_clients - app.feed.available_permits()
}
