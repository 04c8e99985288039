//! Connections: what a hostile client can hold, and for how long.
//!
//! The server accepts connections itself (not through `axum::serve`), so that it can bound
//! them:
//!
//! - **Headers in time.** A connection must send a whole request head within
//!   [`Config::header_timeout`] of opening, or of its previous answer (keep-alive); otherwise it
//!   is closed. Half a request line holds nothing for longer.
//! - **Capped.** At most [`Config::max_connections`] are open at once, and at most
//!   [`Config::max_connections_per_address`] from one client address. One more is answered at
//!   once with a problem (503 `too_many_connections`, 429 `too_many_connections_from_address`)
//!   and closed, so a flood never exhausts the process's file descriptors.
//! - **Stops by its deadline.** On shutdown the server stops accepting, closes idle
//!   connections, ends the feeds and lets requests in flight finish. A second before
//!   [`Config::shutdown_deadline`] (at half of it, if it is shorter than two) the ones still
//!   running are answered 503 `shutdown_deadline`; at the deadline every connection left (a
//!   half-sent request, a client that does not read) is dropped and [`serve`](super::serve)
//!   returns.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write as _;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::StatusCode;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::{App, Config, Problem, PROBLEM_JSON};

/// How long before the shutdown deadline the requests still running are answered 503, so
/// that the answers can leave before the connections still open are dropped at the deadline
/// (half the deadline when that is shorter).
const LAST_WORDS: Duration = Duration::from_secs(1);

/// How long to wait after the listener fails to accept (file descriptors exhausted by other
/// parts of the process, say) before trying again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// The connections open now: one permit each overall, and a count per client address.
pub(super) struct Limits {
    /// One permit per open connection.
    total: Arc<Semaphore>,
    /// The most at once.
    max_total: usize,
    /// Open connections by client address.
    per_address: Mutex<HashMap<IpAddr, usize>>,
    /// The most from one address.
    max_per_address: usize,
}

impl Limits {
    pub(super) fn new(config: &Config) -> Self {
        let max_total = config.max_connections.min(Semaphore::MAX_PERMITS);
        Self {
            total: Arc::new(Semaphore::new(max_total)),
            max_total,
            per_address: Mutex::new(HashMap::new()),
            max_per_address: config.max_connections_per_address,
        }
    }

    /// The connections open now.
    pub(super) fn open(&self) -> usize {
        self.max_total - self.total.available_permits()
    }

    /// A place for a connection from `address`, or why there is none.
    fn admit(self: &Arc<Self>, address: IpAddr) -> Result<Place, Refusal> {
        let permit = Arc::clone(&self.total).try_acquire_owned().map_err(|_| Refusal::Total)?;
        let mut counts = self.per_address.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(address).or_default();
        if *count >= self.max_per_address {
            if *count == 0 {
                counts.remove(&address);
            }
            return Err(Refusal::Address);
        }
        *count += 1;
        Ok(Place { limits: Arc::clone(self), address, _permit: permit })
    }
}

/// A connection's place: gives its permit and its address's count back when dropped.
struct Place {
    limits: Arc<Limits>,
    address: IpAddr,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut counts = self.limits.per_address.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// Why a connection was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// [`Config::max_connections`] are open.
    Total,
    /// [`Config::max_connections_per_address`] are open from the client's address.
    Address,
}

impl Refusal {
    /// The metric label.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Address => "address",
        }
    }

    fn problem(self, config: &Config) -> Problem {
        match self {
            Self::Total => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_connections",
                "limit",
                format!(
                    "{} connections are open, the most this server takes (--max-connections); try again shortly",
                    config.max_connections
                ),
            ),
            Self::Address => Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_connections_from_address",
                "limit",
                format!(
                    "{} connections are open from your address, the most this server takes from one \
                     (--max-connections-per-address); close one, or reuse it (keep-alive)",
                    config.max_connections_per_address
                ),
            ),
        }
    }

    /// The whole HTTP/1.1 answer, written straight to the socket: the connection never
    /// reaches the HTTP machinery.
    fn answer(self, config: &Config) -> Vec<u8> {
        let problem = self.problem(config);
        let status = problem.status();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut answer = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default(),
            body.len()
        )
        .into_bytes();
        answer.extend_from_slice(&body);
        answer
    }
}

/// Writes `answer` to a refused connection if its socket takes it at once (it is new, so its
/// buffer is empty), then closes it. Never waits for the client.
fn refuse(stream: TcpStream, answer: &[u8]) {
    let Ok(stream) = stream.into_std() else { return };
    let _ = (&stream).write(answer);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// Serves `app`'s router on `listener` with the limits of its configuration until `shutdown`
/// completes or a [`ShutdownHandle`](super::ShutdownHandle) shuts it down, then shuts down by the deadline (see the module's documentation). Returns the
/// number of requests answered 503 at the deadline and connections dropped after it.
pub(super) async fn run(
    listener: TcpListener,
    app: Arc<App>,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<Stopped> {
    let config = app.config.clone();
    let limits = Arc::clone(&app.connections);
    let answers = [Refusal::Total.answer(&config), Refusal::Address.answer(&config)];
    let (closing, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    // A shutdown handle ends the feeds and the accept loop alike.
    let mut stopping = app.stopping.subscribe();
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            () = async { let _ = stopping.wait_for(|stopping| *stopping).await; } => break,
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) if connection_error(&error) => continue,
                    Err(_) => {
                        // Out of file descriptors or memory: pause rather than spin.
                        tokio::time::sleep(ACCEPT_PAUSE).await;
                        continue;
                    }
                };
                let place = match limits.admit(peer.ip().to_canonical()) {
                    Ok(place) => place,
                    Err(refusal) => {
                        app.metrics.connection_refused(refusal);
                        let answer = match refusal {
                            Refusal::Total => &answers[0],
                            Refusal::Address => &answers[1],
                        };
                        refuse(stream, answer);
                        continue;
                    }
                };
                connections.spawn(connection(stream, place, router.clone(), config.header_timeout, closing_rx.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    // Idle connections close, busy ones close after their answer, the feeds end.
    app.stopping.send_replace(true);
    closing.send_replace(true);
    let all_done = async { while connections.join_next().await.is_some() {} };
    let last_words = LAST_WORDS.min(config.shutdown_deadline / 2);
    let patience = config.shutdown_deadline.saturating_sub(last_words);
    if tokio::time::timeout(patience, all_done).await.is_ok() {
        return Ok(Stopped::default());
    }
    // The deadline: what is still running is answered 503 and has a moment to leave.
    let cut = app.in_flight();
    app.deadline.send_replace(true);
    let leaving = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(last_words, leaving).await;
    let dropped = connections.len();
    connections.shutdown().await;
    Ok(Stopped { answered_at_deadline: cut, dropped })
}

/// What the deadline cut short.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stopped {
    /// Requests still running at the deadline, answered 503 `shutdown_deadline`.
    pub answered_at_deadline: usize,
    /// Connections dropped after it (half-sent requests, clients that did not read their
    /// answer).
    pub dropped: usize,
}

/// An accept error that concerns only the one connection (the client left before it was
/// accepted): accept the next at once.
fn connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Serves one connection until it closes, or until shutdown asks it to close when idle.
async fn connection(
    stream: TcpStream,
    place: Place,
    router: axum::Router,
    header_timeout: Duration,
    mut closing: watch::Receiver<bool>,
) {
    let _place = place;
    let _ = stream.set_nodelay(true);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
    let serving = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    let mut serving = std::pin::pin!(serving);
    tokio::select! {
        _ = serving.as_mut() => return,
        _ = closing.wait_for(|closing| *closing) => serving.as_mut().graceful_shutdown(),
    }
    let _ = serving.await;
}
