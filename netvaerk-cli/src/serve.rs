//! `netvaerk serve` and `netvaerk token add`.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use netvaerk::{Error, Service};
use netvaerk_http::{Config, Organisations, Tokens};

use crate::cli::{Cli, ServeArgs, TokenCommand};
use crate::Failure;

/// What a hostile client can hold, and how long shutdown waits (`serve`'s flags).
#[derive(Debug, clap::Args)]
pub struct ConnectionArgs {
    /// The longest a client may take to send a request's head (request line and headers), in
    /// seconds, from connecting or from its previous answer; slower, the connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub header_timeout: u64,
    /// The most connections open at once; one more is answered 503 too_many_connections. It is
    /// lowered to fit the process's limit of open files (ulimit -n) when that is lower.
    #[arg(long, value_name = "N", default_value_t = 2048)]
    pub max_connections: usize,
    /// The most connections open at once from one client address; one more is answered 429
    /// too_many_connections_from_address. Raise it behind a reverse proxy.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_connections_per_address: usize,
    /// On SIGTERM, the longest the server takes to stop, in seconds: requests still running a
    /// second before it are answered 503 shutdown_deadline, and the process exits 0 by it.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub shutdown_deadline: u64,
}

/// File descriptors kept free of connections: the store's files, the listener, the tokens
/// file, the standard streams.
const RESERVED_FILES: usize = 64;

/// The least the runtime waits, after the server has stopped, for work it ran off the
/// runtime (a decision being appended for a client that left) when the deadline has passed.
const BLOCKING_GRACE: Duration = Duration::from_millis(100);

/// The most open files this process may have (its soft limit), where the system says.
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files").split_whitespace().next()?.parse().ok()
}

/// Serves the store until SIGTERM or Ctrl-C, then finishes what is in flight, by the
/// shutdown deadline.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<(), Failure> {
    let tokens = args.tokens.as_deref().map(Tokens::load).transpose()?;
    let limits = &args.connections;
    let mut max_connections = limits.max_connections.max(1);
    if let Some(files) = open_files_limit() {
        let fits = files.saturating_sub(RESERVED_FILES).max(1);
        if max_connections > fits {
            eprintln!(
                "netvaerk: --max-connections {max_connections} lowered to {fits}: the process may open \
                 {files} files (ulimit -n), {RESERVED_FILES} kept for the store"
            );
            max_connections = fits;
        }
    }
    let config = Config {
        listen: args.listen,
        tokens,
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        feed_clients: args.feed_clients.max(1),
        header_timeout: Duration::from_secs(limits.header_timeout.max(1)),
        max_connections,
        max_connections_per_address: limits.max_connections_per_address.max(1),
        shutdown_deadline: Duration::from_secs(limits.shutdown_deadline),
        ..Config::default()
    };
    config.check()?;
    let deadline = config.shutdown_deadline;
    let signalled = Arc::new(OnceLock::new());
    let service = Arc::new(Service::open(&cli.store)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| crate::usage(format!("cannot start the runtime: {error}")))?;
    let access = match &config.tokens {
        Some(tokens) => format!("{} token(s)", tokens.len()),
        None => "no --tokens: loopback only, every caller is admin and names its own actor".to_owned(),
    };
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|error| {
            Error::input(
                "cannot_listen",
                Some("listen"),
                Some(config.listen.to_string()),
                format!("cannot listen on {}: {error}", config.listen),
            )
        })?;
        let address = listener.local_addr().unwrap_or(config.listen);
        say!("listening on http://{address}");
        eprintln!("netvaerk: serving {} ({access}); SIGTERM or Ctrl-C stops it", cli.store);
        let at = Arc::clone(&signalled);
        let shutdown = async move {
            shutdown_signal().await;
            let _ = at.set(Instant::now());
        };
        let stopped = netvaerk_http::serve(listener, service, config, shutdown)
            .await
            .map_err(|error| crate::usage(format!("the server failed: {error}")))?;
        if stopped == netvaerk_http::Stopped::default() {
            eprintln!("netvaerk: stopped; every request in flight was answered");
        } else {
            eprintln!(
                "netvaerk: stopped at the shutdown deadline ({} s): {} request(s) answered 503 \
                 shutdown_deadline, {} connection(s) dropped",
                deadline.as_secs(),
                stopped.answered_at_deadline,
                stopped.dropped
            );
        }
        Ok::<(), Failure>(())
    })?;
    // Work still running off the runtime (a decision for a client that left, or one answered
    // 503 at the deadline) has what is left of the deadline: the process does not wait for
    // it beyond (an append cut short is recovered on open, as after a crash; its client was
    // told to send it again with the same Idempotency-Key).
    let left = signalled.get().map_or(deadline, |at| deadline.saturating_sub(at.elapsed()));
    runtime.shutdown_timeout(left.max(BLOCKING_GRACE));
    Ok(())
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// `token add`, `token list` and `token revoke`.
pub fn token(command: &TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Add { person, scope, organisations, all_organisations, tokens, label } => {
            let organisations = if *all_organisations {
                Organisations::All
            } else {
                Organisations::Only(organisations.iter().copied().collect())
            };
            let token = Tokens::add(tokens, *person, *scope, organisations.clone(), label.clone())?;
            say!("{token}");
            eprintln!(
                "netvaerk: a {} token for {person} in organisation(s) {organisations} is in {}; it is shown only now",
                scope.name(),
                tokens.display()
            );
        }
        TokenCommand::List { tokens } => {
            let entries = Tokens::list(tokens)?;
            if entries.is_empty() {
                eprintln!("netvaerk: no tokens in {}", tokens.display());
            }
            for entry in entries {
                let organisations = entry
                    .organisations
                    .as_ref()
                    .map_or_else(|| "(none: re-add with --org)".to_owned(), ToString::to_string);
                say!(
                    "{}  {:<5}  {}  {}  {}  {}",
                    entry.hash_prefix(),
                    entry.scope.name(),
                    entry.person,
                    entry.created_at.format("%Y-%m-%d %H:%M"),
                    entry.label.as_deref().unwrap_or("-"),
                    organisations
                );
            }
        }
        TokenCommand::Revoke { which, tokens } => {
            let revoked = Tokens::revoke(tokens, which)?;
            say!(
                "revoked {} ({}, {} token for {})",
                revoked.hash_prefix(),
                revoked.label.as_deref().unwrap_or("no label"),
                revoked.scope.name(),
                revoked.person
            );
        }
    }
    Ok(())
}
