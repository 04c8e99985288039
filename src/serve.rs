//! `netvaerk serve` and `netvaerk token add`.

use std::sync::Arc;
use std::time::Duration;

use netvaerk::http::{Config, Organisations, Tokens};
use netvaerk::{Error, Service};

use crate::cli::{Cli, ServeArgs, TokenCommand};
use crate::Failure;

/// Serves the store until SIGTERM or Ctrl-C, then finishes what is in flight.
pub fn run(cli: &Cli, args: &ServeArgs) -> Result<(), Failure> {
    let tokens = args.tokens.as_deref().map(Tokens::load).transpose()?;
    let config = Config {
        listen: args.listen,
        tokens,
        body_limit: args.body_limit,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        feed_clients: args.feed_clients.max(1),
        ..Config::default()
    };
    config.check()?;
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
        netvaerk::http::serve(listener, service, config, shutdown_signal())
            .await
            .map_err(|error| crate::usage(format!("the server failed: {error}")))?;
        eprintln!("netvaerk: stopped; every request in flight was answered");
        Ok(())
    })
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
