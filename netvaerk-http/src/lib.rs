//! `netvaerk serve` as a library: the application service over HTTP/JSON, with the event feed,
//! for the municipal systems that are not Rust. The `netvaerk` program serves it; a Rust
//! service mounts [`Api::router`] in its own axum server.
//!
//! Every route, its parameters, bodies and answers are described by the OpenAPI 3.1 document
//! the server serves at `/v1/openapi.json` ([`openapi::document`]). In short:
//!
//! - `GET /v1/organisations` lists the organisations the server holds (those the token is
//!   for);
//! - `POST /v1/organisations/{org}/commands` decides one command, `…/commands:batch` several;
//! - `GET /v1/organisations/{org}/reports/{report}`, `…/reports/audit/{id}` and
//!   `…/reports/round/{round}` render reports and lists
//!   (`as_of`, `lang`, `format` or `Accept`);
//! - `GET /v1/events` pages through the log (long-polls with `wait`), `GET /v1/events/stream`
//!   follows it as Server-Sent Events, resuming from `Last-Event-ID`;
//! - `GET /v1/head`, `/v1/verify` (admin), `/healthz`, `/readyz`, `/metrics`.
//!
//! Errors are RFC 9457 problem details ([`Problem`]). Access is by bearer token ([`Tokens`]):
//! a `read` token never appends; a `write` token decides as its person. Without tokens the
//! server must listen on loopback only, and a command names its own actor.
//!
//! [`serve`] stops when the future it is given completes; [`Api::serve`] when the API's
//! [`ShutdownHandle`] says so, from anywhere. Either way the open feeds end at once.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! let service = Arc::new(netvaerk::Service::open("redb:./netvaerk.redb")?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let config = netvaerk_http::Config::default();
//! netvaerk_http::serve(listener, service, config, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! # Ok(())
//! # }
//! ```

// A problem is the error of every handler and becomes the response body: boxing it would
// only add an allocation to each error answer.
#![allow(clippy::result_large_err)]

mod body;
pub use body::read_command;
mod connections;
mod desk;
mod feed;
mod metrics;
pub mod openapi;
mod problem;
mod routes;
mod tokens;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::http::HeaderMap;
use netvaerk_core::OrganisationId;
use tokio::sync::{watch, Semaphore};

pub use connections::Stopped;
pub use feed::{EventsPage, VerifyAnswer};
pub use problem::{Problem, ProblemWarning, PROBLEM_JSON};
pub use routes::{
    Accepted, Appended, BatchAnswer, BatchRequest, BatchResult, ByQuery, CorrectRequest, HeadAnswer,
    OrganisationEntry, OrganisationsAnswer, PersonRecorded, PersonRequest, RedactRequest, Redacted,
};
pub use tokens::{digest, Caller, Organisations, Refused, Scope, TokenEntry, Tokens, RELOAD_INTERVAL};

use metrics::Metrics;
use netvaerk::Service;

/// How a server listens, whom it lets in, and its limits.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The tokens it accepts; `None` lets every caller in as admin, so the listening address
    /// must then be a loopback one ([`Config::check`]).
    pub tokens: Option<Tokens>,
    /// The largest request body, in bytes (default 256 KiB); larger is 413.
    pub body_limit: usize,
    /// The longest a request may take, except the feed and long polls (default 30 s); longer
    /// is 503 `request_timeout`. A decision that was under way may still have been appended:
    /// send it again with the same `Idempotency-Key` to learn its outcome.
    pub request_timeout: Duration,
    /// The most clients following `/v1/events/stream` at once (default 256); more is 503.
    pub feed_clients: usize,
    /// The longest long poll (`wait`) of `/v1/events` (default 60 s).
    pub max_wait: Duration,
    /// The longest a connection may take to send a request's head (request line and
    /// headers), from opening or from its previous answer (default 10 s); slower, it is
    /// closed. An idle keep-alive connection is closed after as long.
    pub header_timeout: Duration,
    /// The most connections open at once (default 2,048); one more is answered 503
    /// `too_many_connections` and closed. Keep it below the process's file-descriptor limit
    /// (`netvaerk serve` lowers it to fit).
    pub max_connections: usize,
    /// The most connections open at once from one client address (default 256); one more is
    /// answered 429 `too_many_connections_from_address` and closed. Behind a reverse proxy
    /// every client has the proxy's address: raise it there.
    pub max_connections_per_address: usize,
    /// How long shutdown may take (default 10 s): requests in flight have until a second
    /// before it (half of it, if shorter than two) to finish, those still running are then
    /// answered 503 `shutdown_deadline`, and at the deadline [`serve`] returns whatever its
    /// clients do.
    pub shutdown_deadline: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tokens: None,
            body_limit: 256 * 1024,
            request_timeout: Duration::from_secs(30),
            feed_clients: 256,
            max_wait: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            max_connections: 2048,
            max_connections_per_address: 256,
            shutdown_deadline: Duration::from_secs(10),
        }
    }
}

impl Config {
    /// Refuses a server without tokens on an address other than loopback: it would let
    /// anyone decide as anyone.
    pub fn check(&self) -> Result<(), netvaerk::Error> {
        if self.tokens.is_none() && !self.listen.ip().is_loopback() {
            return Err(netvaerk::Error::input(
                "tokens_required",
                Some("listen"),
                Some(self.listen.to_string()),
                format!(
                    "without --tokens the server listens on loopback only (127.0.0.1 or ::1), not {}",
                    self.listen
                ),
            ));
        }
        Ok(())
    }
}

/// What every request handler shares.
pub(crate) struct App {
    service: Arc<Service>,
    tokens: Option<Tokens>,
    config: Config,
    metrics: Metrics,
    /// The log's head position, as the watcher last saw it.
    head: watch::Receiver<u64>,
    /// One permit per feed client.
    feed: Arc<Semaphore>,
    /// Set on shutdown: feeds end, readiness fails.
    stopping: watch::Sender<bool>,
    /// Set at the shutdown deadline: requests still running are answered 503.
    deadline: watch::Sender<bool>,
    /// Requests being answered now.
    in_flight: AtomicUsize,
    /// Each organisation's queue of decisions: see [`desk`].
    desks: desk::Desks,
    /// The connections open now, and their caps.
    connections: Arc<connections::Limits>,
}

impl App {
    /// The requests being answered now.
    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// The caller the request's bearer token names, if it may do what `needs` allows.
    fn authorize(&self, headers: &HeaderMap, needs: Scope) -> Result<Caller, Problem> {
        let Some(tokens) = &self.tokens else {
            return Ok(Caller { person: None, scope: Scope::Admin, organisations: Organisations::All });
        };
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .map(str::trim);
        let Some(token) = given else {
            return Err(Problem::unauthenticated("send a token: Authorization: Bearer TOKEN"));
        };
        let caller = tokens
            .caller(token)
            .map_err(|refused| {
                Problem::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "tokens_file_refused",
                    "access",
                    refused.message,
                )
            })?
            .ok_or_else(|| Problem::unauthenticated("the token is not one of this server's"))?;
        if caller.scope < needs {
            return Err(Problem::forbidden(
                "insufficient_scope",
                format!("this needs a {} token; the token's scope is {}", needs.name(), caller.scope.name()),
            ));
        }
        Ok(caller)
    }
}

/// Refuses a caller whose token is for other organisations only (403
/// `token_not_for_organisation`): every route about an organisation asks, after the token and
/// the organisation's id are read.
fn admit(caller: &Caller, organisation: OrganisationId) -> Result<(), Problem> {
    if caller.organisations.include(organisation) {
        return Ok(());
    }
    Err(Problem::forbidden(
        "token_not_for_organisation",
        format!(
            "the token is for organisation(s) {}, not {organisation}; netvaerk token add --org \
             {organisation} makes one for it",
            caller.organisations
        ),
    )
    .with_subject("organisation", organisation.to_string()))
}

pub(crate) use netvaerk::off_the_runtime as blocking;

/// The HTTP API over a service: its router, and the thread that watches the log's head for
/// the feed. Dropping it stops the thread.
pub struct Api {
    app: Arc<App>,
    watcher: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl Api {
    /// The API over `service` with `config` (its `listen` is not used here).
    pub fn new(service: Arc<Service>, config: Config) -> Self {
        let store = service.shared_store();
        let start = store.head().ok().flatten().map_or(0, |head| head.position);
        let (head_tx, head) = watch::channel(start);
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("netvaerk-head".to_owned())
                .spawn(move || {
                    let mut seen = start;
                    while !stop.load(Ordering::Relaxed) {
                        // A store error here only delays the feed; requests report it.
                        match store.wait_beyond(seen, Duration::from_millis(200)) {
                            Ok(position) if position != seen => {
                                seen = position;
                                head_tx.send_replace(position);
                            }
                            Ok(_) => {}
                            Err(_) => std::thread::sleep(Duration::from_millis(200)),
                        }
                    }
                })
                .ok()
        };
        let app = Arc::new(App {
            service,
            feed: Arc::new(Semaphore::new(config.feed_clients)),
            connections: Arc::new(connections::Limits::new(&config)),
            tokens: config.tokens.clone(),
            config,
            metrics: Metrics::default(),
            head,
            stopping: watch::channel(false).0,
            deadline: watch::channel(false).0,
            in_flight: AtomicUsize::new(0),
            desks: desk::Desks::default(),
        });
        Self { app, watcher: watcher.map(|handle| (stop, handle)) }
    }

    /// The router: every route of the API.
    pub fn router(&self) -> axum::Router {
        routes::router(Arc::clone(&self.app))
    }

    /// Ends every feed and fails readiness: call it when shutdown begins, so that the server
    /// can finish the requests in flight. The same as [`ShutdownHandle::shutdown`].
    pub fn begin_shutdown(&self) {
        self.shutdown_handle().shutdown();
    }

    /// A handle that shuts this API down from anywhere (a signal handler's task, another
    /// thread), also after the API has moved into [`Api::serve`].
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle { app: Arc::clone(&self.app) }
    }

    /// Serves this API on `listener`, as [`serve`] does, until its [`ShutdownHandle`] shuts it
    /// down; then stops by [`Config::shutdown_deadline`]. Returns what the deadline cut short.
    ///
    /// ```no_run
    /// # async fn example(service: std::sync::Arc<netvaerk::Service>) -> std::io::Result<()> {
    /// let api = netvaerk_http::Api::new(service, netvaerk_http::Config::default());
    /// let shutdown = api.shutdown_handle();
    /// tokio::spawn(async move {
    ///     let _ = tokio::signal::ctrl_c().await;
    ///     shutdown.shutdown(); // ends the feeds at once, then the server
    /// });
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    /// let stopped = api.serve(listener).await?;
    /// assert_eq!(stopped, netvaerk_http::Stopped::default());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<Stopped> {
        let router = self.router();
        connections::run(listener, Arc::clone(&self.app), router, std::future::pending()).await
    }
}

/// Shuts an HTTP server down: ends every open feed (Server-Sent Events and long polls) at
/// once, fails readiness (`/readyz` answers 503 `shutting_down`), and makes [`Api::serve`] and
/// [`serve`] stop accepting connections and return once the requests in flight are done (by
/// [`Config::shutdown_deadline`] at the latest). Cloning is cheap; shutting down twice is
/// shutting down once.
///
/// An embedder that mounts [`Api::router`] in a server of its own passes
/// [`ShutdownHandle::requested`] as that server's graceful shutdown signal, so that the feeds
/// end with it rather than hold it open.
#[derive(Clone)]
pub struct ShutdownHandle {
    app: Arc<App>,
}

impl ShutdownHandle {
    /// Begins the shutdown.
    pub fn shutdown(&self) {
        self.app.stopping.send_replace(true);
    }

    /// Whether the shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        *self.app.stopping.borrow()
    }

    /// Completes once the shutdown has begun (at once if it has).
    pub fn requested(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut stopping = self.app.stopping.subscribe();
        async move {
            // The sender lives in the App this receiver's handle keeps: it cannot close first.
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }
}

impl std::fmt::Debug for ShutdownHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShutdownHandle").field("shutting_down", &self.is_shutting_down()).finish()
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.watcher.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}

/// Serves the API over `service` on `listener` until `shutdown` completes (or an
/// [`Api::shutdown_handle`]'s shutdown; use [`Api::serve`] to hold one); then stops
/// accepting connections, ends the feeds, and waits for the requests in flight (so every
/// decision answered 2xx is durable in the log) until shortly before
/// [`Config::shutdown_deadline`]: those still running then are answered 503
/// `shutdown_deadline`, and at the deadline the connections left are dropped. Returns what
/// the deadline cut short.
///
/// Connections are bounded as [`Config`] says: a request head must arrive within
/// [`Config::header_timeout`], and [`Config::max_connections`] (overall) and
/// [`Config::max_connections_per_address`] cap how many are open.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Stopped> {
    let api = Api::new(service, config);
    let router = api.router();
    connections::run(listener, Arc::clone(&api.app), router, shutdown).await
}
