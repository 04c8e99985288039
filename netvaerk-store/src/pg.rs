//! The PostgreSQL store (`postgres` feature): the log in a database that several processes
//! and machines share.
//!
//! It implements [`EventStore`] directly rather than through [`Backend`](crate::Backend): the
//! head lives in the database, not in one process. The schema is `sql/postgres.sql`, run on
//! first use and again whenever an open finds the schema not as the script left it (its
//! comment names the script's and the objects' digests). How the log's rules hold across
//! processes:
//!
//! - **Gapless positions in commit order.** Every write transaction takes one transaction-scoped
//!   advisory lock (`pg_advisory_xact_lock`), reads the head, and inserts at head + 1, head + 2,
//!   ... in one multi-row INSERT; the lock is released by the commit. So a row becomes visible
//!   only after every row below it, and a reader following positions never skips one that
//!   committed late: the sequence-gap problem of PostgreSQL event stores cannot arise, because
//!   there is no sequence. The cost is one lock round trip per group commit (measured by
//!   `netvaerk bench --store postgres://...`).
//! - **Expected versions, idempotent retries, the chain** are checked under that lock by the
//!   same planner as the embedded stores, so they hold across processes. Unique constraints on
//!   (stream, version) and event id are the backstop: a writer that bypassed the lock gets a
//!   unique violation, recognised by SQLSTATE, and the append is planned again.
//! - **Append-only** is enforced by triggers, except the documented redaction path.
//! - **Live subscriptions**: each commit sends `pg_notify`; [`EventStore::wait_beyond`] listens
//!   on a connection of its own, which reads the head once after `LISTEN`. While it is up, what
//!   it heard answers waiters without a query; while it reconnects, waiters poll the head.
//! - **Group commit** in one process: appenders queue, and one leader at a time commits the
//!   whole queue in one transaction on the writer connection.
//! - **One round trip per commit** while the writer knows the versions of its streams,
//!   whether this process writes alone or beside others (the first batch after another
//!   process appended takes two calls). The writer remembers the head it committed and the
//!   versions of the streams it wrote.
//!   - Alone, it seals the batch for the positions after that head and sends it to the
//!     server-side function `netvaerk_append_told`, one prepared statement outside a
//!     transaction block (lock, head check, id and version checks, insert, notify and commit).
//!   - When another process wrote since (the call finds the head moved and inserts nothing, or
//!     did so for the last batch), it sends the batch as templates to `netvaerk_append_chained`,
//!     which writes each record's position, previous hash and hash under the lock (the records
//!     are "NVR2": their CRC skips those bytes, which the chain covers; see `record.rs`). The
//!     head moving then sends nothing back; only a stream's version moving does.
//!   - A stream the writer does not know yet, or a version that moved, is told under the lock:
//!     a transaction of four round trips (tell, plan, insert, commit) that holds the lock from
//!     the first to the last. A request whose stream moved is refused for its expected version
//!     there, on what the database holds, and the service decides it again.
//!   - A retry, or a failed call, is planned in a transaction that reads what it needs under
//!     the lock.
//!
//!   The lock is held through each commit's flush, so two processes share one sequence of
//!   commits: what two servers gain over one is bounded by how many decisions each commit
//!   carries (README, *Performance*).
//! - **Async callers**: the client blocks, and blocking on a tokio runtime's worker would panic;
//!   called from a worker, each operation runs on a scoped thread of its own instead. Async code
//!   should still call the store through `spawn_blocking` (the `netvaerk` facade's async service
//!   does), so that no worker waits on the database.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use netvaerk_core::PersonId;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Statement, Transaction};
use serde_json::json;
use uuid::Uuid;

use crate::backend::Prepared;
use crate::envelope::{hex, AppendResult, Body, Envelope, ExpectedVersion, Head, NewEvent, StreamId};
use crate::error::{Corruption, StoreError};
use crate::plan::{append_nothing, check_import, Index, Location, Planner};
use crate::purge::{Kept, Purged};
use crate::queue::{fail_all, settle, Pending, Queue};
use crate::record::{chain_template, envelope_at, parse, replace_body, sha256, view_at, RawRecord};
use crate::registry::{damaged_key, registry_from_json};
use crate::registry::{RegistryEntry, PERSONAL_DATA_RECORDED, PERSON_ERASED};
use crate::shred::{from_hex, KeyRecord, PersonKey};
use crate::store::{verify_chain, Envelopes, EventStore, RawAccess, RawRecords, VerifyReport, VisitView};
use crate::threads::lock;

/// The schema file, run on first use.
pub const SCHEMA_SQL: &str = include_str!("../sql/postgres.sql");

/// Rows read per round trip when walking the log.
const PAGE: i64 = 2_000;
/// The most reader connections a store opens (see [`PostgresStore::reader`]).
const READERS: usize = 4;
/// The records from `$1` to `$2`, at most `$3` ([`PAGE`]) of them.
const PAGE_QUERY: &str =
    "SELECT position, record FROM events WHERE position >= $1 AND position <= $2 ORDER BY position LIMIT $3";
/// The SHA-256, in hex, of the objects in the schema `$1` that the schema script makes and, run
/// again, puts back: each table's name; each function's name, arguments, result, language,
/// security, volatility, settings (`SET search_path FROM CURRENT`, `enable_seqscan`) and
/// source; each trigger's definition (`pg_get_triggerdef`: table, events, columns, condition,
/// function) and whether it is enabled. Each line is hashed before the lines are, so a source
/// holding line breaks cannot run into the next line. Objects of the user's own in the schema
/// are in it too. [`PostgresStore::schema_is_current`] compares it with what the script left.
/// Columns, constraints and indexes are left out: the script does not put them back (it
/// creates a table only where there is none), and each catalog read costs a new connection a
/// millisecond or two.
const SCHEMA_OBJECTS: &str =
    "SELECT encode(sha256(convert_to(coalesce(string_agg(encode(sha256(convert_to(item, \
     'UTF8')), 'hex'), ',' ORDER BY item), ''), 'UTF8')), 'hex') FROM ( \
     SELECT concat_ws(' ', 'table', c.relname) AS item FROM pg_class c \
     JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relkind = 'r' \
     UNION ALL SELECT concat_ws(' ', 'function', p.proname, pg_get_function_identity_arguments(p.oid), \
     p.prorettype::regtype, p.prolang, p.prosecdef, p.provolatile, p.proconfig, p.prosrc) FROM pg_proc p \
     JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = $1 \
     UNION ALL SELECT concat_ws(' ', 'trigger', pg_get_triggerdef(t.oid), t.tgenabled) FROM pg_trigger t \
     JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace s ON s.oid = c.relnamespace \
     WHERE s.nspname = $1 AND NOT t.tgisinternal) objects";

/// The comment the schema script's run leaves on `schema` (replacing any other): the schema's
/// name (a schema renamed since is not as the script left it: its functions' search path
/// names the old one), the script's digest, and that of the objects it left (`objects`, from
/// [`SCHEMA_OBJECTS`]).
fn schema_marker(schema: &str, objects: &str) -> String {
    format!(
        "netvaerk schema {schema} script {} objects {objects}",
        crate::envelope::hex(&sha256(SCHEMA_SQL.as_bytes()))
    )
}

/// How often a waiting subscriber polls the head: while the LISTEN connection reconnects, and,
/// while it is up, whenever nothing was heard for this long (a connection can die without a
/// word, or rows can come without a notification).
const POLL: Duration = Duration::from_millis(500);
/// How many times a batch is planned again after a conflict recognised by SQLSTATE.
const CONFLICT_RETRIES: usize = 3;

/// Options for opening a [`PostgresStore`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The schema holding the log's tables (default `netvaerk`): lower-case letters, digits and
    /// underscores, at most 40 bytes. One schema is one log.
    pub schema: String,
    /// Whether to create the schema and its tables where they are not (default): a command
    /// that only reads sets `false`, so that a missing schema is [`StoreError::NotFound`]
    /// rather than a new empty log.
    pub create: bool,
}

impl PostgresOptions {
    /// The options for the log in `schema`, created if it is not there.
    pub fn schema(schema: impl Into<String>) -> Self {
        Self { schema: schema.into(), create: true }
    }
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self::schema("netvaerk")
    }
}

/// An event store in a PostgreSQL database.
pub struct PostgresStore {
    config: Config,
    schema: String,
    lock_key: i64,
    channel: String,
    writer: Mutex<Writer>,
    /// The reader connections: see [`PostgresStore::reader`].
    readers: [Mutex<Connection>; READERS],
    queue: Queue,
    live: Arc<Live>,
    listener: Mutex<Option<Listener>>,
    /// Batches planned in a transaction rather than committed by the one-call append.
    planned_in_transactions: AtomicU64,
    /// Batches told under the log's lock and appended in the same transaction.
    told_under_lock: AtomicU64,
    /// Batches sent to `netvaerk_append_chained`.
    chained: AtomicU64,
    /// Which reader connection a read waits for when none is free.
    next_reader: AtomicUsize,
}

/// A connection that reconnects on next use once it broke.
#[derive(Default)]
struct Connection {
    client: Option<Client>,
    /// How many times it connected: a statement prepared on an earlier connection is gone.
    generation: u64,
}

/// The writer connection with what it knows of the log.
#[derive(Default)]
struct Writer {
    connection: Connection,
    /// The append functions, prepared on the connection of the generation each names.
    prepared: HashMap<Function, (u64, Statement)>,
    /// The log as this writer left it, if nothing else may have written since.
    known: Option<Known>,
    /// Whether another process appended before this writer's last commit: its next batch
    /// then goes to `netvaerk_append_chained` at once, instead of first being sealed for a
    /// head that has most likely moved again.
    contended: bool,
}

/// The server-side append functions the writer calls.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Function {
    /// `netvaerk_append_told`: records the writer sealed.
    Told,
    /// `netvaerk_append_chained`: templates the database chains.
    Chained,
}

impl Function {
    fn call(self) -> &'static str {
        match self {
            Self::Told => {
                "SELECT * FROM netvaerk_append_told($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                 $14, $15, $16, $17, $18)"
            }
            Self::Chained => {
                "SELECT * FROM netvaerk_append_chained($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            }
        }
    }
}

impl Writer {
    /// `function`, prepared on the writer's connection (connecting if it broke).
    fn statement(&mut self, function: Function, config: &Config, schema: &str) -> Option<Statement> {
        self.connection.client(config, schema).ok()?;
        let generation = self.connection.generation;
        if let Some((prepared_on, statement)) = self.prepared.get(&function) {
            if *prepared_on == generation {
                return Some(statement.clone());
            }
        }
        let statement = self.connection.client.as_mut()?.prepare(function.call()).ok()?;
        self.prepared.insert(function, (generation, statement.clone()));
        Some(statement)
    }
}

/// How [`PostgresStore::try_fast_commit`] ended.
enum Fast {
    /// Committed: each request's outcome, and the new head.
    Committed(Committed),
    /// Not sent, or not inserted, because the log moved or the writer does not know enough:
    /// the batch is told what is stored, under the lock.
    Moved,
    /// A case for the planning transaction (a retry, another refusal, a failed call).
    Declined,
}

/// One call of `netvaerk_append_told`: the records to insert after `after` (`None`: insert
/// nothing, only tell), the ids of other events that must not be stored, and the streams
/// whose versions to tell.
struct Call<'a> {
    after: Option<Option<Head>>,
    records: &'a [Prepared],
    other_ids: &'a [Uuid],
    report: &'a [&'a StreamId],
}

/// What `netvaerk_append_told` answered: its status, the head it found (or made), and unless
/// it inserted, the versions of the streams it was asked about, in that order.
struct Told {
    status: i32,
    head: Option<Head>,
    versions: Vec<u64>,
}

impl Told {
    /// What the writer knows once told: the head, and the versions of `streams` as of it.
    fn known(self, streams: &[&StreamId]) -> Known {
        let versions = streams.iter().map(|stream| (*stream).clone()).zip(self.versions).collect();
        Known { head: self.head, versions }
    }
}

/// The head this writer committed last, and the versions of the streams it planned. After a
/// chained commit another process may have moved one of those streams meanwhile: the append
/// functions check each batch's versions again under the lock, so a stale one costs a round
/// trip, never a wrong append.
struct Known {
    head: Option<Head>,
    versions: HashMap<StreamId, u64>,
}

/// What `netvaerk_append_told` or `netvaerk_append_chained` answered in `row`.
fn told(row: &postgres::Row) -> Option<Told> {
    let position = nat(row.try_get::<_, i64>(1).ok()?);
    let head = match row.try_get::<_, Option<Vec<u8>>>(2).ok()? {
        Some(hash) if position > 0 => Some(Head { position, hash: hash32(&hash).ok()? }),
        _ => None,
    };
    let versions = row.try_get::<_, Option<Vec<i64>>>(3).ok()?.unwrap_or_default();
    Some(Told { status: row.try_get(0).ok()?, head, versions: versions.into_iter().map(nat).collect() })
}

/// Runs `work` where the blocking client may run: on this thread when it is outside any tokio
/// runtime or declared by [`crate::may_block`], else on a scoped thread of its own (a tokio
/// runtime's worker, where the client would panic).
fn blocking<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if crate::threads::declared() || tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    std::thread::scope(|scope| scope.spawn(work).join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The highest position this process has seen committed, for waiters.
#[derive(Default)]
struct Live {
    seen: Mutex<u64>,
    changed: Condvar,
    /// Whether the LISTEN connection is up and `seen` holds the head it read after LISTEN:
    /// every commit since is heard of, so `seen` is the head and waiters need not ask.
    listening: AtomicBool,
    /// When `seen` was last confirmed: by a notification, a commit of this process, or a
    /// query of the head.
    heard: Mutex<Option<Instant>>,
}

impl Live {
    fn advance(&self, position: u64) {
        *lock(&self.heard) = Some(Instant::now());
        let mut seen = lock(&self.seen);
        if position > *seen {
            *seen = position;
            self.changed.notify_all();
        }
    }
}

/// The thread that LISTENs for commits of other processes.
struct Listener {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

fn engine(error: postgres::Error) -> StoreError {
    let detail = match error.as_db_error() {
        Some(db) => format!("PostgreSQL {}: {}", db.code().code(), db.message()),
        None => format!("PostgreSQL: {error}"),
    };
    StoreError::engine_error(detail, error)
}

/// Whether planning the batch again may succeed: a unique violation (a writer that bypassed
/// the lock), a serialisation failure or a deadlock.
fn is_conflict(error: &postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(code) if *code == SqlState::UNIQUE_VIOLATION
            || *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn nat(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn hash32(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::engine("a stored hash is not 32 bytes"))
}

impl Connection {
    fn client(&mut self, config: &Config, schema: &str) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            let mut client = config.connect(NoTls).map_err(engine)?;
            client.batch_execute(&format!("SET search_path TO \"{schema}\"")).map_err(engine)?;
            self.client = Some(client);
            self.generation += 1;
        }
        self.client.as_mut().ok_or_else(|| StoreError::engine("no connection"))
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`) and opens the
    /// log in schema `netvaerk`, creating it on first use.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, PostgresOptions::default())
    }

    /// Opens the log in `options.schema` of the database at `url`.
    pub fn open_with(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        blocking(|| Self::open_here(url, options))
    }

    fn open_here(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let config: Config = url.parse().map_err(|error| StoreError::InvalidAddress {
            address: url.to_owned(),
            problem: format!("{error}"),
        })?;
        // Where, not how: the URL may hold a password.
        let url_shown = url.rsplit_once('@').map_or(url, |(_, host)| host).to_owned();
        let schema = options.schema.clone();
        let valid = !schema.is_empty()
            && schema.len() <= 40
            && schema.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
            && !schema.starts_with(|first: char| first.is_ascii_digit());
        if !valid {
            return Err(StoreError::InvalidAddress {
                address: url.to_owned(),
                problem: format!(
                    "schema {schema:?} must be 1 to 40 lower-case letters, digits or underscores, not starting \
                     with a digit"
                ),
            });
        }
        // PostgreSQL's own schemas are not for a log.
        if schema.starts_with("pg_") || schema == "information_schema" {
            return Err(StoreError::InvalidAddress {
                address: url.to_owned(),
                problem: format!(
                    "schema {schema:?} is one of PostgreSQL's system schemas; name a schema of your own"
                ),
            });
        }
        let digest = sha256(format!("netvaerk:{schema}").as_bytes());
        let lock_key = i64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
        let store = Self {
            config,
            channel: format!("netvaerk_{schema}"),
            schema,
            lock_key,
            writer: Mutex::new(Writer::default()),
            readers: Default::default(),
            queue: Queue::default(),
            live: Arc::new(Live::default()),
            listener: Mutex::new(None),
            planned_in_transactions: AtomicU64::new(0),
            told_under_lock: AtomicU64::new(0),
            chained: AtomicU64::new(0),
            next_reader: AtomicUsize::new(0),
        };
        if options.create {
            if !store.schema_is_current()? {
                store.create_schema()?;
            }
        } else if !store.schema_exists()? {
            return Err(StoreError::not_found_for_reading(format!("schema {} of {url_shown}", store.schema)));
        }
        Ok(store)
    }

    /// Whether the schema holds a log (its events table).
    fn schema_exists(&self) -> Result<bool, StoreError> {
        self.read(|client| {
            let row = client.query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'events'",
                &[&self.schema],
            )?;
            Ok(row.get::<_, i64>(0) > 0)
        })
    }

    /// How many batches of appends this store has planned in a transaction since it was
    /// opened (a dozen round trips under the log's lock), rather than committed by
    /// `netvaerk_append_told`: those that held a retry or a refusal other than an expected
    /// version's, or whose call failed. A diagnostic: a writer sharing the log with other
    /// processes should see few.
    pub fn planned_in_transactions(&self) -> u64 {
        self.planned_in_transactions.load(Ordering::Relaxed)
    }

    /// How many batches of appends this store has committed told under the log's lock (four
    /// round trips, the lock held for three): those of streams the writer did not know yet,
    /// and those whose expected version the writer's knowledge would refuse or the database
    /// found moved. The rest took one call.
    pub fn told_under_lock(&self) -> u64 {
        self.told_under_lock.load(Ordering::Relaxed)
    }

    /// How many batches of appends this store has sent for the database to chain
    /// (`netvaerk_append_chained`): those that found the log moved by another process since
    /// this writer's last commit, or came after a batch that did. A diagnostic of how much the
    /// processes sharing the log interleave.
    pub fn chained_batches(&self) -> u64 {
        self.chained.load(Ordering::Relaxed)
    }

    /// The schema holding this log.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Bytes the log's tables and indexes take in the database.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.read(|client| {
            let row = client.query_one(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
                &[&self.schema],
            )?;
            Ok(nat(row.get(0)))
        })
    }

    /// Whether the schema is as this build's script left it: the schema's comment names the
    /// schema, the script's digest and the digest of the schema's objects as the script left
    /// them ([`SCHEMA_OBJECTS`]), and the objects are still so. One query on a reader
    /// connection (which the open's head check then uses), where running the script is a write
    /// transaction that replaces every function and trigger under the log's lock and waits for
    /// its commit to be flushed. A change the digest sees (a function replaced or altered by
    /// another build's script or by hand, a trigger dropped, disabled, narrowed by a condition
    /// or pointed at another function, a table dropped, the schema renamed, an object of the
    /// user's own added) makes the script run again, which puts this build's objects back. The
    /// schema's owner can change an object and write a matching comment: the guards hold
    /// against mistakes and roles without ownership, not against the owner, and the hash chain
    /// is what shows a changed record.
    fn schema_is_current(&self) -> Result<bool, StoreError> {
        let query = format!(
            "SELECT obj_description(n.oid, 'pg_namespace'), ({SCHEMA_OBJECTS}) FROM pg_namespace n \
             WHERE n.nspname = $1"
        );
        let row = self.read(|client| client.query_opt(&query, &[&self.schema]))?;
        Ok(row.is_some_and(|row| {
            row.get::<_, Option<&str>>(0) == Some(schema_marker(&self.schema, row.get(1)).as_str())
        }))
    }

    /// Runs the schema script, then marks the schema with the script's digest and that of the
    /// objects it left ([`Self::schema_is_current`]).
    fn create_schema(&self) -> Result<(), StoreError> {
        self.write(|txn| {
            txn.batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{0}\"; SET LOCAL search_path TO \"{0}\";",
                self.schema
            ))?;
            txn.batch_execute(SCHEMA_SQL)?;
            let objects: String =
                txn.query_one(&format!("SELECT ({SCHEMA_OBJECTS})"), &[&self.schema])?.get(0);
            // Only the schema's owner may comment on it: a role that may run the script in a
            // schema it does not own runs it at every open, so the comment is tried in a
            // savepoint. The marker is hex digits, words and the schema's name (lower-case
            // letters, digits and underscores): nothing to quote.
            let mut mark = txn.transaction()?;
            let marker = schema_marker(&self.schema, &objects);
            match mark.batch_execute(&format!("COMMENT ON SCHEMA \"{}\" IS '{marker}'", self.schema)) {
                Ok(()) => mark.commit()?,
                Err(error) if error.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) => {}
                Err(error) => return Err(error.into()),
            }
            Ok(())
        })
    }

    /// A reader connection: the first one free, else one in turn to wait for. One is connected
    /// when first taken, so a store read by one thread at a time holds one; `rebuild_all`'s
    /// reader threads, or a server's reports, each query on their own instead of taking turns
    /// on one connection (`netvaerk bench`'s replay of a 269,503-event log on two cores:
    /// 222,000-249,000 records/s on one connection, 261,000-286,000 on these).
    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        for reader in &self.readers {
            match reader.try_lock() {
                Ok(free) => return free,
                Err(std::sync::TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        let turn = self.next_reader.fetch_add(1, Ordering::Relaxed);
        lock(&self.readers[turn % READERS])
    }

    /// Runs `work` on a reader connection ([`PostgresStore::reader`]).
    fn read<T: Send>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<T, postgres::Error> + Send,
    ) -> Result<T, StoreError> {
        blocking(|| {
            let mut connection = self.reader();
            let client = connection.client(&self.config, &self.schema)?;
            work(client).map_err(engine)
        })
    }

    /// Runs `work` in a transaction on the writer connection, holding the log's lock, and
    /// commits.
    fn write<T: Send>(
        &self,
        work: impl FnOnce(&mut Transaction<'_>) -> Result<T, Attempt> + Send,
    ) -> Result<T, StoreError> {
        blocking(|| {
            let mut writer = lock(&self.writer);
            let client = writer.connection.client(&self.config, &self.schema)?;
            let mut txn = client.transaction().map_err(engine)?;
            txn.execute("SELECT pg_advisory_xact_lock($1)", &[&self.lock_key]).map_err(engine)?;
            let value = work(&mut txn).map_err(StoreError::from)?;
            txn.commit().map_err(engine)?;
            Ok(value)
        })
    }

    /// Commits a batch of queued appends on the writer connection: by one call, sealed by the
    /// writer or chained by the database ([`PostgresStore::try_fast_commit`]); else told under
    /// the log's lock and appended in the same transaction; else (a retry, a request refused
    /// for another reason than its expected version, a failed call) in a transaction that plans
    /// under the lock. The module's documentation says when each is taken.
    fn commit_batch(&self, writer: &mut Writer, batch: &[Arc<Pending>]) {
        let mut streams: Vec<&StreamId> = Vec::new();
        for pending in batch {
            if !streams.contains(&&pending.stream) {
                streams.push(&pending.stream);
            }
        }
        let told = match self.try_fast_commit(writer, batch) {
            Fast::Committed(committed) => Some(committed),
            Fast::Moved => self.try_told_commit(writer, batch, &streams),
            Fast::Declined => None,
        };
        if let Some((outcomes, head)) = told {
            if let Some(head) = head {
                self.live.advance(head.position);
            }
            return settle(batch, outcomes, Ok(()));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_commit_batch(writer, batch) {
                Ok((outcomes, head)) => {
                    if let Some(head) = head {
                        self.live.advance(head.position);
                    }
                    return settle(batch, outcomes, Ok(()));
                }
                Err(Attempt::Conflict(_)) if attempt <= CONFLICT_RETRIES => continue,
                Err(Attempt::Conflict(error)) => return fail_all(batch, engine(error)),
                Err(Attempt::Failed(error)) => return fail_all(batch, error),
            }
        }
    }

    /// The batch committed by one call, planned on what the writer knows from its last commit:
    /// the versions of the streams it wrote. While the writer appended last (the usual case for
    /// one process) it seals the records for the positions after the head it knows and sends
    /// them to `netvaerk_append_told`. When another process appended since (the call finds the
    /// head moved, or did so for this writer's last batch), it sends them as templates to
    /// `netvaerk_append_chained`, which writes their chain under the lock: the head moving no
    /// longer sends the batch back, only a stream's version does.
    ///
    /// [`Fast::Moved`] when the writer knows nothing yet or not every stream of the batch,
    /// when a call finds a stream's version moved, or when it would refuse a request for its
    /// expected version (a refusal is decided on what is stored, under the lock, never on what
    /// the writer remembers); [`Fast::Declined`] for the planning transaction's cases.
    fn try_fast_commit(&self, writer: &mut Writer, batch: &[Arc<Pending>]) -> Fast {
        let Some(known) = writer.known.take() else { return Fast::Moved };
        let mut index = KnownIndex { versions: &known.versions, complete: true };
        let mut planner = Planner::new(&mut index, known.head).keeping_bodies();
        let mut outcomes = planner.plan_all(batch);
        let (records, head, planned) =
            (std::mem::take(&mut planner.records), planner.head, std::mem::take(&mut planner.versions));
        drop(planner);
        let mut refused = false;
        for outcome in &outcomes {
            match outcome {
                Ok(_) => {}
                Err(StoreError::WrongExpectedVersion { .. }) => refused = true,
                Err(_) => return Fast::Declined,
            }
        }
        if refused || !index.complete || records.is_empty() {
            writer.known = Some(known);
            return Fast::Moved;
        }
        // What the writer knows once the batch committed: the versions it planned as well.
        let after = |known: Known, head: Option<Head>| {
            let mut versions = known.versions;
            versions.extend(planned);
            Known { head, versions }
        };
        // What the writer knew, for the told path to compare the head with when a stream's
        // version moved.
        let restore = |writer: &mut Writer, known: Known| {
            writer.known = Some(known);
            Fast::Moved
        };
        if !writer.contended {
            let Some(statement) = writer.statement(Function::Told, &self.config, &self.schema) else {
                return Fast::Declined;
            };
            let Some(client) = writer.connection.client.as_mut() else { return Fast::Declined };
            let call = Call { after: Some(known.head), records: &records, other_ids: &[], report: &[] };
            match self.call_append_told(client, &statement, &call).map(|told| told.status) {
                Some(0) => {
                    writer.known = Some(after(known, head));
                    return Fast::Committed((outcomes, head));
                }
                // The head moved: the database chains the same records.
                Some(1) => {}
                Some(3) => return restore(writer, known),
                // An event id is stored (a retry), or the call failed and may have lost only
                // its reply: the planning transaction recognises either by the event ids.
                _ => return Fast::Declined,
            }
        }
        self.chained.fetch_add(1, Ordering::Relaxed);
        let Some(statement) = writer.statement(Function::Chained, &self.config, &self.schema) else {
            return Fast::Declined;
        };
        let Some(client) = writer.connection.client.as_mut() else { return Fast::Declined };
        let Some(told) = self.call_append_chained(client, &statement, &records) else {
            return Fast::Declined;
        };
        match (told.status, told.head) {
            (0, Some(chained)) => {
                // The positions the database gave the records, in order from `first`, after
                // whatever another process appended.
                let planned_first = known.head.map_or(0, |head| head.position) + 1;
                let first = (chained.position + 1).saturating_sub(records.len() as u64);
                for appended in outcomes.iter_mut().flatten() {
                    for position in &mut appended.positions {
                        *position = first + (*position - planned_first);
                    }
                }
                // Nobody else appended since this writer's last commit: the next batch is
                // sealed by the writer again.
                writer.contended = first != planned_first;
                writer.known = Some(after(known, Some(chained)));
                Fast::Committed((outcomes, Some(chained)))
            }
            (3, _) => restore(writer, known),
            _ => Fast::Declined,
        }
    }

    /// The batch committed in one transaction that holds the log's lock throughout: a call of
    /// `netvaerk_append_told` that inserts nothing tells the head, the versions of the batch's
    /// streams and whether any of its event ids is stored; the batch is planned on that, which
    /// nothing can move meanwhile, and inserted by a second call; then the commit. Four round
    /// trips, and a writer that gets the lock always gets through. Streams the writer does not
    /// know yet, and versions its knowledge would refuse or the database found moved, take
    /// this way.
    ///
    /// Refusals for an expected version are final here: the versions are the database's, read
    /// under the lock, after no event id of the request was found stored. `None` (the planning
    /// transaction then decides) when an event id is stored (a retry), a request is refused
    /// for another reason, or a call fails.
    fn try_told_commit(
        &self,
        writer: &mut Writer,
        batch: &[Arc<Pending>],
        streams: &[&StreamId],
    ) -> Option<Committed> {
        self.told_under_lock.fetch_add(1, Ordering::Relaxed);
        let previous = writer.known.take();
        let statement = writer.statement(Function::Told, &self.config, &self.schema)?;
        let client = writer.connection.client.as_mut()?;
        let mut txn = client.transaction().ok()?;
        let ids: Vec<Uuid> =
            batch.iter().flat_map(|pending| pending.events.iter().map(|event| event.event_id)).collect();
        let told = self.call_append_told(
            &mut txn,
            &statement,
            &Call { after: None, records: &[], other_ids: &ids, report: streams },
        )?;
        if told.status != 1 {
            return None;
        }
        // Whether another process appended since this writer's last commit: if not, every
        // version it knew still holds, and its next batch goes the one-call way again.
        let moved = previous.as_ref().is_some_and(|previous| previous.head != told.head);
        let told = told.known(streams);
        let mut versions = match previous {
            Some(previous) if !moved => previous.versions,
            _ => HashMap::new(),
        };
        let mut index = KnownIndex { versions: &told.versions, complete: true };
        let mut planner = Planner::new(&mut index, told.head).keeping_bodies();
        let outcomes = planner.plan_all(batch);
        let (records, head, planned) =
            (std::mem::take(&mut planner.records), planner.head, std::mem::take(&mut planner.versions));
        drop(planner);
        let refused_otherwise = outcomes
            .iter()
            .any(|outcome| matches!(outcome, Err(error) if !matches!(error, StoreError::WrongExpectedVersion { .. })));
        if refused_otherwise || !index.complete {
            return None;
        }
        if !records.is_empty() {
            let call = Call { after: Some(told.head), records: &records, other_ids: &[], report: &[] };
            if self.call_append_told(&mut txn, &statement, &call)?.status != 0 {
                return None;
            }
        }
        txn.commit().ok()?;
        versions.extend(told.versions);
        versions.extend(planned);
        writer.known = Some(Known { head, versions });
        writer.contended = moved;
        Some((outcomes, head))
    }

    /// One call of `netvaerk_append_told` (prepared as `statement`) on `client`, the writer's
    /// connection or a transaction on it. `None` if the call failed: it may have lost only the
    /// reply, which the transaction path then recognises as a retry by the event ids.
    fn call_append_told(
        &self,
        client: &mut impl postgres::GenericClient,
        statement: &Statement,
        call: &Call<'_>,
    ) -> Option<Told> {
        let rows = Rows::of(call.records).ok()?;
        // -1 is no head at all: the call only tells.
        let (after_position, after_hash) = match call.after {
            Some(head) => (int(head.map_or(0, |head| head.position)), head.map(|head| head.hash.to_vec())),
            None => (-1, None),
        };
        let report: Vec<&str> = call.report.iter().map(|stream| stream.as_str()).collect();
        let mut params: Vec<&(dyn ToSql + Sync)> =
            vec![&self.lock_key, &self.channel, &after_position, &after_hash, &report, &call.other_ids];
        params.extend(rows.params());
        told(&client.query_one(statement, &params).ok()?)
    }

    /// One call of `netvaerk_append_chained` (prepared as `statement`) on the writer's
    /// connection: `records` as templates for the database to chain. `None` if the call failed
    /// (as for [`PostgresStore::call_append_told`]).
    fn call_append_chained(
        &self,
        client: &mut Client,
        statement: &Statement,
        records: &[Prepared],
    ) -> Option<Told> {
        let rows = Rows::of(records).ok()?;
        let templates: Vec<Vec<u8>> =
            records.iter().map(|record| chain_template(&record.bytes)).collect::<Result<_, _>>().ok()?;
        let report: Vec<&str> = Vec::new();
        let columns = rows.params();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&self.lock_key, &self.channel, &report];
        // The columns but the positions, the previous hashes, the hashes and the records.
        params.extend_from_slice(&columns[1..9]);
        params.push(&templates);
        told(&client.query_one(statement, &params).ok()?)
    }

    /// One attempt at committing a batch in a transaction: each request's outcome, and the
    /// new head. The writer then knows the head and the versions it planned.
    fn try_commit_batch(&self, writer: &mut Writer, batch: &[Arc<Pending>]) -> Result<Committed, Attempt> {
        self.planned_in_transactions.fetch_add(1, Ordering::Relaxed);
        let previous = writer.known.take();
        let client = writer.connection.client(&self.config, &self.schema)?;
        let mut txn = client.transaction()?;
        txn.execute("SELECT pg_advisory_xact_lock($1)", &[&self.lock_key])?;
        let head = read_head(&mut txn)?;
        // If the log has not moved since the writer last knew it, every version it knew still
        // holds; keeping them lets the next batches take the one-call path whichever streams
        // they hold (else only the streams of this batch would be known).
        let mut known_versions = match previous {
            Some(previous) if previous.head == head => previous.versions,
            _ => HashMap::new(),
        };
        let mut planner = Planner::new(TxnIndex(&mut txn), head).keeping_bodies();
        let outcomes = planner.plan_all(batch);
        let (records, head, versions) =
            (std::mem::take(&mut planner.records), planner.head, std::mem::take(&mut planner.versions));
        drop(planner);
        if !records.is_empty() {
            insert(&mut txn, &records)?;
            notify(&mut txn, &self.channel, head)?;
        }
        txn.commit()?;
        known_versions.extend(versions);
        writer.known = Some(Known { head, versions: known_versions });
        Ok((outcomes, head))
    }

    /// `verify`'s registry check: what the `registry` and `registry_keys` tables hold against
    /// each other and against the `$registry` records, which the chain covers, so that an edit
    /// made with the triggers off (`session_replication_role = replica`) is named by person.
    /// The first person in id order with a problem, and what it is:
    ///
    /// - every entry reads: sealed data decrypts under the person's own key (an entry or a key
    ///   moved to another person, or a key deleted, does not), plain data is only where the
    ///   store never sealed (no key, no `PersonalDataRecorded`: written before keys existed);
    /// - every person the log records data of (`PersonalDataRecorded`) or an erasure of
    ///   (`PersonErased`) has an entry, and every key has one;
    /// - an erased entry has a `PersonErased` record by the same person on the same day, and no
    ///   key; a person the log records as erased holds no data.
    ///
    /// An entry with known data and no `PersonalDataRecorded` record passes: registrations made
    /// before that record existed have none, and nothing in the log tells them from a row added
    /// by hand (which the triggers refuse while they are on).
    fn registry_problem(&self) -> Result<Option<Corruption>, StoreError> {
        let mut recorded: BTreeMap<PersonId, u64> = BTreeMap::new();
        let mut erasures: BTreeMap<PersonId, Vec<(u64, PersonId, NaiveDate)>> = BTreeMap::new();
        for record in self.read_stream(&StreamId::registry(), 1)? {
            let named = record.payload().and_then(|payload| {
                payload.get("person")?.as_str()?.parse::<Uuid>().ok().map(PersonId::from_uuid)
            });
            let Some(person) = named else { continue };
            let (position, metadata) = (record.header.position, &record.header.metadata);
            match record.header.event_type.as_str() {
                PERSONAL_DATA_RECORDED => {
                    recorded.insert(person, position);
                }
                PERSON_ERASED => {
                    erasures.entry(person).or_default().push((
                        position,
                        metadata.actor,
                        metadata.occurred_on,
                    ));
                }
                _ => {}
            }
        }
        let rows = self.read(|client| {
            client.query(
                "SELECT person, r.entry::text, k.key FROM registry r FULL JOIN registry_keys k USING (person) \
                 ORDER BY person",
                &[],
            )
        })?;
        let mut stored: BTreeMap<PersonId, (Option<String>, Option<Vec<u8>>)> = BTreeMap::new();
        for row in rows {
            stored.insert(PersonId::from_uuid(row.get(0)), (row.get(1), row.get(2)));
        }
        let mut persons: BTreeSet<PersonId> = stored.keys().copied().collect();
        persons.extend(recorded.keys().chain(erasures.keys()));
        for person in persons {
            let (entry, key) =
                stored.get(&person).map_or((None, None), |(entry, key)| (entry.as_deref(), key.as_deref()));
            let erased_at =
                erasures.get(&person).and_then(|erasures| erasures.first()).map(|(position, ..)| *position);
            if let Some(detail) = registry_row_problem(
                person,
                entry,
                key,
                recorded.get(&person).copied(),
                erased_at,
                erasures.get(&person).map_or(&[][..], Vec::as_slice),
            ) {
                return Ok(Some(Corruption::RegistryPerson { person, detail }));
            }
        }
        Ok(None)
    }

    fn head_position(&self) -> Result<u64, StoreError> {
        Ok(self.head()?.map_or(0, |head| head.position))
    }

    /// Starts the LISTEN thread unless it runs.
    fn listen(&self) {
        let mut listener = lock(&self.listener);
        if listener.as_ref().is_some_and(|listener| !listener.thread.is_finished()) {
            return;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let (config, channel, live, halt) =
            (self.config.clone(), self.channel.clone(), Arc::clone(&self.live), Arc::clone(&stop));
        let head = format!("SELECT position FROM \"{}\".events ORDER BY position DESC LIMIT 1", self.schema);
        let thread = std::thread::spawn(move || {
            while !halt.load(Ordering::Relaxed) {
                // A broken connection ends this pass; waiters ask the database meanwhile, and
                // the next pass reconnects.
                let Ok(mut client) = config.connect(NoTls) else {
                    std::thread::sleep(POLL);
                    continue;
                };
                if client.batch_execute(&format!("LISTEN \"{channel}\"")).is_err() {
                    continue;
                }
                // Listening: what commits from now on is heard of. The head read after it
                // covers what committed before.
                match client.query_opt(&head, &[]) {
                    Ok(row) => live.advance(row.map_or(0, |row| nat(row.get(0)))),
                    Err(_) => continue,
                }
                live.listening.store(true, Ordering::Release);
                while !halt.load(Ordering::Relaxed) {
                    let next = client.notifications().timeout_iter(Duration::from_millis(200)).next();
                    match next {
                        Ok(Some(notification)) => {
                            live.advance(notification.payload().parse().unwrap_or(0));
                        }
                        Err(_) => break,
                        Ok(None) if client.is_closed() => break,
                        Ok(None) => {}
                    }
                }
                live.listening.store(false, Ordering::Release);
            }
        });
        *listener = Some(Listener { stop, thread });
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        if let Some(listener) = lock(&self.listener).take() {
            listener.stop.store(true, Ordering::Relaxed);
            let _ = listener.thread.join();
        }
        // Closing a client blocks too: off a runtime's worker, as every other call.
        let writer = std::mem::take(&mut *lock(&self.writer));
        let readers: Vec<Connection> =
            self.readers.iter().map(|reader| std::mem::take(&mut *lock(reader))).collect();
        blocking(move || drop((writer, readers)));
    }
}

/// What a committed batch gave each request, and the head after it.
type Committed = (Vec<Result<AppendResult, StoreError>>, Option<Head>);

/// Why a commit attempt failed.
enum Attempt {
    /// A conflict recognised by SQLSTATE: plan again.
    Conflict(postgres::Error),
    /// Anything else.
    Failed(StoreError),
}

impl From<postgres::Error> for Attempt {
    fn from(error: postgres::Error) -> Self {
        if is_conflict(&error) {
            Self::Conflict(error)
        } else {
            Self::Failed(engine(error))
        }
    }
}

impl From<Attempt> for StoreError {
    fn from(attempt: Attempt) -> Self {
        match attempt {
            Attempt::Conflict(error) => engine(error),
            Attempt::Failed(error) => error,
        }
    }
}

impl From<StoreError> for Attempt {
    fn from(error: StoreError) -> Self {
        Self::Failed(error)
    }
}

/// What the writer knows of the log, as an [`Index`]: the versions it planned as of the head it
/// committed or was told, and no stored event ids (`netvaerk_append_told` checks those). A
/// stream it does not know makes the plan incomplete.
struct KnownIndex<'a> {
    versions: &'a HashMap<StreamId, u64>,
    complete: bool,
}

impl Index for &mut KnownIndex<'_> {
    fn stream_version(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        let known = self.versions.get(stream).copied();
        self.complete &= known.is_some();
        Ok(known.unwrap_or(0))
    }

    fn locate(&mut self, event_ids: &[Uuid]) -> Result<Vec<Option<Location>>, StoreError> {
        Ok(vec![None; event_ids.len()])
    }
}

/// The stored log as seen inside a write transaction.
struct TxnIndex<'a, 'b>(&'a mut Transaction<'b>);

impl Index for TxnIndex<'_, '_> {
    fn stream_version(&mut self, stream: &StreamId) -> Result<u64, StoreError> {
        stream_version(self.0, stream).map_err(engine)
    }

    fn locate(&mut self, event_ids: &[Uuid]) -> Result<Vec<Option<Location>>, StoreError> {
        if event_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .0
            .query(
                "SELECT event_id, stream, stream_version, position FROM events WHERE event_id = ANY($1)",
                &[&event_ids],
            )
            .map_err(engine)?;
        let mut found = HashMap::with_capacity(rows.len());
        for row in rows {
            let stream = StreamId::new(row.get::<_, String>(1))?;
            found.insert(row.get::<_, Uuid>(0), (stream, nat(row.get(2)), nat(row.get(3))));
        }
        Ok(event_ids.iter().map(|event_id| found.remove(event_id)).collect())
    }
}

fn stream_version(
    client: &mut impl postgres::GenericClient,
    stream: &StreamId,
) -> Result<u64, postgres::Error> {
    let row = client.query_one(
        "SELECT coalesce(max(stream_version), 0)::bigint FROM events WHERE stream = $1",
        &[&stream.as_str()],
    )?;
    Ok(nat(row.get(0)))
}

fn read_head(client: &mut impl postgres::GenericClient) -> Result<Option<Head>, StoreError> {
    let row = client
        .query_opt("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1", &[])
        .map_err(engine)?;
    row.map(|row| Ok(Head { position: nat(row.get(0)), hash: hash32(row.get(1))? })).transpose()
}

/// The columns beside the record, taken from a record's own bytes.
struct Columns {
    payload: Option<String>,
    rationale: Option<String>,
}

impl Columns {
    fn of(body: &Body) -> Self {
        match body {
            Body::Present { payload, rationale } => Self::present(payload, rationale.clone()),
            Body::Redacted { scrubbed: Some(scrubbed), .. } => {
                Self::present(&scrubbed.payload, scrubbed.rationale.clone())
            }
            Body::Redacted { scrubbed: None, .. } => Self { payload: None, rationale: None },
        }
    }

    fn present(payload: &str, rationale: Option<String>) -> Self {
        // jsonb cannot hold U+0000; the record keeps the payload as written.
        Self { payload: (!payload.contains("\\u0000")).then(|| payload.to_owned()), rationale }
    }
}

/// Records as the columns of the events table, one array per column.
struct Rows<'a> {
    positions: Vec<i64>,
    streams: Vec<&'a str>,
    versions: Vec<i64>,
    ids: Vec<Uuid>,
    types: Vec<&'a str>,
    schema_versions: Vec<i32>,
    payloads: Vec<Option<String>>,
    rationales: Vec<Option<String>>,
    metadata: Vec<String>,
    previous: Vec<Vec<u8>>,
    hashes: Vec<Vec<u8>>,
    records: Vec<&'a [u8]>,
}

impl<'a> Rows<'a> {
    /// The twelve arrays as statement parameters, in the events table's column order.
    fn params(&self) -> [&(dyn ToSql + Sync); 12] {
        [
            &self.positions,
            &self.streams,
            &self.versions,
            &self.ids,
            &self.types,
            &self.schema_versions,
            &self.payloads,
            &self.rationales,
            &self.metadata,
            &self.previous,
            &self.hashes,
            &self.records,
        ]
    }

    /// The columns of `records`: from what each was sealed from where the planner kept it,
    /// else (imported records) parsed from its bytes.
    fn of(records: &'a [Prepared]) -> Result<Self, StoreError> {
        let count = records.len();
        let mut rows = Rows {
            positions: Vec::with_capacity(count),
            streams: Vec::with_capacity(count),
            versions: Vec::with_capacity(count),
            ids: Vec::with_capacity(count),
            types: Vec::with_capacity(count),
            schema_versions: Vec::with_capacity(count),
            payloads: Vec::with_capacity(count),
            rationales: Vec::with_capacity(count),
            metadata: Vec::with_capacity(count),
            previous: Vec::with_capacity(count),
            hashes: Vec::with_capacity(count),
            records: Vec::with_capacity(count),
        };
        for record in records {
            let header = &record.header;
            let columns = match &record.body {
                Some(body) => Columns::of(body),
                None => Columns::of(
                    &parse(&record.bytes)
                        .map_err(|problem| StoreError::Corrupt { position: header.position, problem })?
                        .body,
                ),
            };
            rows.positions.push(int(header.position));
            rows.streams.push(header.stream.as_str());
            rows.versions.push(int(header.stream_version));
            rows.ids.push(header.event_id);
            rows.types.push(header.event_type.as_str());
            rows.schema_versions.push(i32::try_from(header.schema_version).unwrap_or(i32::MAX));
            rows.payloads.push(columns.payload);
            rows.rationales.push(columns.rationale);
            rows.metadata.push(serde_json::to_string(&header.metadata).unwrap_or_default());
            rows.previous.push(header.previous_hash.to_vec());
            rows.hashes.push(record.hash.to_vec());
            rows.records.push(record.bytes.as_slice());
        }
        Ok(rows)
    }
}

/// Inserts records in one statement (arrays unnested into rows).
fn insert(txn: &mut Transaction<'_>, records: &[Prepared]) -> Result<(), Attempt> {
    let rows = Rows::of(records)?;
    txn.execute(
        "INSERT INTO events (position, stream, stream_version, event_id, event_type, schema_version, \
         payload, rationale, metadata, previous_hash, hash, record) \
         SELECT p, s, v, id, t, sv, pl::jsonb, r, m::jsonb, ph, h, rec FROM unnest($1::bigint[], \
         $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], \
         $10::bytea[], $11::bytea[], $12::bytea[]) AS u(p, s, v, id, t, sv, pl, r, m, ph, h, rec)",
        &rows.params(),
    )?;
    Ok(())
}

fn notify(txn: &mut Transaction<'_>, channel: &str, head: Option<Head>) -> Result<(), postgres::Error> {
    let position = head.map_or(0, |head| head.position).to_string();
    txn.execute("SELECT pg_notify($1, $2)", &[&channel, &position])?;
    Ok(())
}

/// The log from a position on, a page per round trip, up to the head when it started.
struct Pages<'a> {
    store: &'a PostgresStore,
    next: u64,
    end: Option<u64>,
    buffer: VecDeque<RawRecord>,
    done: bool,
}

impl Pages<'_> {
    fn fill(&mut self) -> Result<(), StoreError> {
        let end = match self.end {
            Some(end) => end,
            None => *self.end.insert(self.store.head_position()?),
        };
        if self.next > end {
            self.done = true;
            return Ok(());
        }
        let rows =
            self.store.read(|client| client.query(PAGE_QUERY, &[&int(self.next), &int(end), &PAGE]))?;
        if rows.is_empty() {
            self.done = true;
        }
        for row in rows {
            let position = nat(row.get(0));
            self.next = position + 1;
            self.buffer.push_back(RawRecord { position, bytes: row.get(1) });
        }
        Ok(())
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<RawRecord, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty() && !self.done {
            if let Err(error) = self.fill() {
                self.done = true;
                return Some(Err(error));
            }
        }
        self.buffer.pop_front().map(Ok)
    }
}

/// Whether the connected role may purge: `CHECKPOINT` (a superuser or `pg_checkpoint`),
/// `pg_switch_wal()` and `pg_ls_waldir()` (granted, or `pg_monitor`), and owning the tables
/// (VACUUM only warns on another's). Checked before a purge
/// takes any lock. `pg_checkpoint` exists from PostgreSQL 15 on.
const PURGE_PRIVILEGES: &str =
    "SELECT r.rolsuper OR CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_checkpoint') \
     THEN pg_has_role('pg_checkpoint', 'MEMBER') ELSE false END, \
     has_function_privilege('pg_switch_wal()', 'EXECUTE'), \
     has_function_privilege('pg_ls_waldir()', 'EXECUTE'), \
     (SELECT bool_and(pg_has_role(c.relowner, 'MEMBER')) FROM pg_class c \
      WHERE c.oid IN ('events'::regclass, 'registry'::regclass, 'registry_keys'::regclass, \
      'snapshots'::regclass)) \
     FROM pg_roles r WHERE r.rolname = current_user";

/// The tables a purge rewrites: every table that holds words or keys (a deleted snapshot's
/// dead row holds the words it was folded from).
const PURGED_TABLES: [&str; 4] = ["events", "registry", "registry_keys", "snapshots"];

/// The number of the write-ahead log segment being written.
const CURRENT_SEGMENT: &str = "SELECT floor((pg_current_wal_lsn() - '0/0'::pg_lsn) \
     / (SELECT setting::numeric FROM pg_settings WHERE name = 'wal_segment_size'))::bigint";

/// [`EventStore::purge`] on PostgreSQL, on a connection outside any transaction:
///
/// 1. checks the role's privileges ([`PURGE_PRIVILEGES`]);
/// 2. waits for the transactions that began before it ([`wait_for_older_transactions`]);
///    then `VACUUM (FULL)` rewrites the three tables into new files, without the dead rows that
///    hold redacted words and destroyed keys (the old files are emptied at commit and unlinked
///    at the next checkpoint); it holds each table's `ACCESS EXCLUSIVE` lock while it runs, so
///    writers wait;
/// 3. `CHECKPOINT`, then, while the segment being written is fewer than 2n + 2 past where it
///    was (n: the segment files in `pg_wal`), `CHECKPOINT` and `pg_switch_wal()`: each switch
///    fills the rest of its segment with zeros, and each checkpoint removes or recycles the
///    segments behind it, so every segment that existed before has been removed or written
///    through (a recycled one is renamed to a later number and reached by the walk);
/// 4. names what it cannot reach: an archive, replication slots, standbys.
fn purge(client: &mut Client) -> Result<Purged, StoreError> {
    let refused = |error: postgres::Error| match error.code() {
        Some(&SqlState::INSUFFICIENT_PRIVILEGE) => StoreError::NotPermitted {
            operation: "purge",
            detail: error.as_db_error().map_or_else(|| error.to_string(), |db| db.message().to_owned()),
        },
        _ => engine(error),
    };
    let row = client.query_one(PURGE_PRIVILEGES, &[]).map_err(engine)?;
    let missing: Vec<&str> = [
        (row.get::<_, bool>(0), "CHECKPOINT (a superuser, or GRANT pg_checkpoint)"),
        (row.get(1), "EXECUTE on pg_switch_wal()"),
        (row.get(2), "EXECUTE on pg_ls_waldir() (or GRANT pg_monitor)"),
        // VACUUM skips a table its role does not own with a warning, not an error.
        (row.get(3), "to own the tables events, registry, registry_keys and snapshots (VACUUM FULL)"),
    ]
    .into_iter()
    .filter_map(|(has, what)| (!has).then_some(what))
    .collect();
    if !missing.is_empty() {
        let detail = format!("it needs {}", missing.join(", "));
        return Err(StoreError::NotPermitted { operation: "purge", detail });
    }
    wait_for_older_transactions(client)?;
    client.batch_execute(&format!("VACUUM (FULL) {}", PURGED_TABLES.join(", "))).map_err(refused)?;
    client.batch_execute("CHECKPOINT").map_err(refused)?;
    let files: i64 = client
        .query_one("SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'", &[])
        .map_err(refused)?
        .get(0);
    let segment = |client: &mut Client| -> Result<i64, StoreError> {
        Ok(client.query_one(CURRENT_SEGMENT, &[]).map_err(engine)?.get(0))
    };
    let start = segment(client)?;
    let goal = start + 2 * files + 2;
    // Each round writes a checkpoint record and switches, so it moves at least one segment;
    // the bound only keeps a server that does not from looping for ever.
    for _ in 0..2 * (goal - start) {
        if segment(client)? >= goal {
            break;
        }
        client.batch_execute("CHECKPOINT; SELECT pg_switch_wal()").map_err(refused)?;
    }
    let end = segment(client)?;
    if end < goal {
        return Err(StoreError::engine(format!(
            "the write-ahead log moved {} of the {} segments the purge writes through",
            end - start,
            goal - start
        )));
    }
    client.batch_execute("CHECKPOINT").map_err(refused)?;
    let mut kept = Vec::new();
    let mode: String =
        client.query_one("SELECT current_setting('archive_mode')", &[]).map_err(engine)?.get(0);
    if mode != "off" {
        kept.push(Kept::WalArchive { mode });
    }
    for row in
        client.query("SELECT slot_name::text FROM pg_replication_slots ORDER BY 1", &[]).map_err(engine)?
    {
        kept.push(Kept::ReplicationSlot { name: row.get(0) });
    }
    let standbys = "SELECT coalesce(application_name, '') FROM pg_stat_replication ORDER BY 1";
    for row in client.query(standbys, &[]).map_err(engine)? {
        kept.push(Kept::Standby { name: row.get(0) });
    }
    let tables_rewritten = PURGED_TABLES.iter().map(|table| (*table).to_owned()).collect();
    Ok(Purged { tables_rewritten, wal_segments_cycled: u64::try_from(end - start).unwrap_or(0), kept })
}

/// How long a purge waits for the transactions that began before it to end.
const OLDER_TRANSACTIONS_WAIT: Duration = Duration::from_secs(60);

/// Waits until no other session of this database is in a transaction that began before now:
/// such a transaction may still see the rows a redaction or erasure replaced, and `VACUUM`
/// keeps every row some transaction may see. Fails naming the oldest one if it does not end
/// within [`OLDER_TRANSACTIONS_WAIT`].
fn wait_for_older_transactions(client: &mut Client) -> Result<(), StoreError> {
    let oldest = "SELECT pid, xact_start::text, coalesce(application_name, '') FROM pg_stat_activity \
         WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start < $1::text::timestamptz \
         ORDER BY xact_start LIMIT 1";
    let began: String = client.query_one("SELECT clock_timestamp()::text", &[]).map_err(engine)?.get(0);
    let deadline = Instant::now() + OLDER_TRANSACTIONS_WAIT;
    loop {
        let Some(row) = client.query_opt(oldest, &[&began]).map_err(engine)? else { return Ok(()) };
        if Instant::now() >= deadline {
            let (pid, since, name): (i32, String, String) = (row.get(0), row.get(1), row.get(2));
            return Err(StoreError::engine(format!(
                "the transaction of session {pid} ({name:?}), open since {since}, may still see the old rows, \
                 so VACUUM would keep them; end it and purge again"
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl EventStore for PostgresStore {
    fn purge(&self) -> Result<Purged, StoreError> {
        blocking(|| {
            // The writer's connection, so no append of this process runs meanwhile; a purge
            // changes no row's content, so what the writer knows of the head stays true.
            let mut writer = lock(&self.writer);
            let client = writer.connection.client(&self.config, &self.schema)?;
            purge(client)
        })
    }

    fn append_any(
        &self,
        _: RawAccess,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<AppendResult, StoreError> {
        if events.is_empty() {
            return append_nothing(self, stream, expected);
        }
        blocking(|| {
            self.queue.append(&self.writer, stream, expected, events, |writer, batch| {
                self.commit_batch(writer, batch)
            })
        })
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        self.read(|client| stream_version(client, stream))
    }

    fn read_stream(&self, stream: &StreamId, from_version: u64) -> Result<Vec<Envelope>, StoreError> {
        let rows = self.read(|client| {
            client.query(
                "SELECT position, record FROM events WHERE stream = $1 AND stream_version >= $2 \
                 ORDER BY stream_version",
                &[&stream.as_str(), &int(from_version.max(1))],
            )
        })?;
        rows.into_iter().map(|row| envelope_at(nat(row.get(0)), row.get(1))).collect()
    }

    /// One page per 2,000 positions up to `last`, without first asking for the head.
    fn read_range(&self, first: u64, last: u64) -> Envelopes<'_> {
        let pages =
            Pages { store: self, next: first.max(1), end: Some(last), buffer: VecDeque::new(), done: false };
        Box::new(pages.map(|raw| raw.and_then(|raw| envelope_at(raw.position, &raw.bytes))))
    }

    /// A page at a time, each record checked where the client holds it, without a copy.
    fn visit_range(&self, first: u64, last: u64, visit: &mut VisitView<'_>) -> Result<u64, StoreError> {
        let (mut next, mut visited) = (first.max(1), 0);
        while next <= last {
            let rows = self.read(|client| client.query(PAGE_QUERY, &[&int(next), &int(last), &PAGE]))?;
            for row in &rows {
                let position = nat(row.get(0));
                visit(view_at(position, row.get(1))?)?;
                (next, visited) = (position + 1, visited + 1);
            }
            if rows.len() < usize::try_from(PAGE).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(visited)
    }

    fn read_raw(&self, from_position: u64) -> RawRecords<'_> {
        Box::new(Pages {
            store: self,
            next: from_position.max(1),
            end: None,
            buffer: VecDeque::new(),
            done: false,
        })
    }

    /// The chain as on every backend; then the `payload` and `rationale` columns, which SQL
    /// users read, against the record they mirror; then the registry against its keys and the
    /// `$registry` records (see `registry_problem`).
    fn verify_with(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport, StoreError> {
        let report = verify_chain(self.read_raw(1), progress, &mut |_, _| None)?;
        if !report.is_ok() {
            return Ok(report);
        }
        let mut from = 1i64;
        loop {
            let rows = self.read(|client| {
                client.query(
                    "SELECT position, record, payload::text, rationale FROM events \
                     WHERE position >= $1 ORDER BY position LIMIT $2",
                    &[&from, &PAGE],
                )
            })?;
            let Some(last) = rows.last() else { break };
            from = last.get::<_, i64>(0) + 1;
            for row in &rows {
                let position = nat(row.get(0));
                let body =
                    parse(row.get(1)).map_err(|problem| StoreError::Corrupt { position, problem })?.body;
                let expected = Columns::of(&body);
                let json = |text: Option<&str>| text.map(serde_json::from_str::<serde_json::Value>);
                let (stored, mirrored) = (json(row.get(2)), json(expected.payload.as_deref()));
                let payload_agrees = match (stored, mirrored) {
                    (Some(Ok(stored)), Some(Ok(mirrored))) => stored == mirrored,
                    (None, None) => true,
                    _ => false,
                };
                let mismatch = if !payload_agrees {
                    Some("payload")
                } else if row.get::<_, Option<&str>>(3) != expected.rationale.as_deref() {
                    Some("rationale")
                } else {
                    None
                };
                if let Some(column) = mismatch {
                    let detail =
                        format!("the {column} column at position {position} differs from its record");
                    return Ok(report
                        .index_problem(position, Corruption::IndexMismatch { index: "columns", detail }));
                }
            }
        }
        match self.registry_problem()? {
            Some(problem) => {
                let beyond = report.checked + 1;
                Ok(report.index_problem(beyond, problem))
            }
            None => Ok(report),
        }
    }

    fn position_of(&self, event_id: Uuid) -> Result<Option<u64>, StoreError> {
        let row = self.read(|client| {
            client.query_opt("SELECT position FROM events WHERE event_id = $1", &[&event_id])
        })?;
        Ok(row.map(|row| nat(row.get(0))))
    }

    fn read_at(&self, position: u64) -> Result<Option<Envelope>, StoreError> {
        let row = self.read(|client| {
            client.query_opt("SELECT record FROM events WHERE position = $1", &[&int(position)])
        })?;
        row.map(|row| envelope_at(position, row.get(0))).transpose()
    }

    fn head(&self) -> Result<Option<Head>, StoreError> {
        let head = blocking(|| {
            let mut connection = self.reader();
            read_head(connection.client(&self.config, &self.schema)?)
        })?;
        if let Some(head) = head {
            self.live.advance(head.position);
        }
        Ok(head)
    }

    fn wait_beyond(&self, position: u64, timeout: Duration) -> Result<u64, StoreError> {
        let deadline = Instant::now() + timeout;
        self.listen();
        loop {
            // What this process committed or heard of answers without a query: a follower
            // that keeps up with a busy log costs the database nothing, nor does one that
            // waits while the LISTEN connection is up and was heard from within `POLL`.
            let listening = self.live.listening.load(Ordering::Acquire);
            let seen = *lock(&self.live.seen);
            if seen > position {
                return Ok(seen);
            }
            let fresh = lock(&self.live.heard).is_some_and(|heard| heard.elapsed() < POLL);
            let head = if listening && fresh {
                seen
            } else {
                let head = self.head_position()?;
                self.live.advance(head);
                head
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if head > position || left.is_zero() {
                return Ok(head);
            }
            // Wake on a notification (or this process's own commit), or poll.
            let seen = lock(&self.live.seen);
            if *seen <= position {
                let _ = self.live.changed.wait_timeout(seen, left.min(POLL));
            }
        }
    }

    fn rewrite_body(&self, _: RawAccess, position: u64, body: &Body) -> Result<(), StoreError> {
        self.write(|txn| {
            let row = txn.query_opt("SELECT record FROM events WHERE position = $1", &[&int(position)])?;
            let row = row.ok_or(StoreError::NoSuchPosition(position))?;
            let bytes =
                replace_body(row.get(0), body).map_err(|problem| StoreError::Corrupt { position, problem })?;
            let columns = Columns::of(body);
            txn.batch_execute("SET LOCAL netvaerk.redacting = 'on'")?;
            txn.execute(
                "UPDATE events SET record = $2, payload = $3::text::jsonb, rationale = $4 WHERE position = $1",
                &[&int(position), &bytes, &columns.payload, &columns.rationale],
            )?;
            Ok(())
        })
    }

    fn import(&self, records: &[RawRecord]) -> Result<(), StoreError> {
        blocking(|| {
            let mut writer = lock(&self.writer);
            // The head moves: what the writer knew no longer holds.
            writer.known = None;
            let client = writer.connection.client(&self.config, &self.schema)?;
            let mut txn = client.transaction().map_err(engine)?;
            txn.execute("SELECT pg_advisory_xact_lock($1)", &[&self.lock_key]).map_err(engine)?;
            let head = read_head(&mut txn)?;
            let (prepared, link) = check_import(&mut TxnIndex(&mut txn), head, records)?;
            if prepared.is_empty() {
                return Ok(());
            }
            insert(&mut txn, &prepared)?;
            notify(&mut txn, &self.channel, link).map_err(engine)?;
            txn.commit().map_err(engine)?;
            if let Some(link) = link {
                self.live.advance(link.position);
            }
            Ok(())
        })
    }

    fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
        let row = self.read(|client| {
            client.query_opt("SELECT bytes FROM snapshots WHERE stream = $1", &[&stream.as_str()])
        })?;
        Ok(row.map(|row| row.get(0)))
    }

    /// On the reader's connection, in a transaction of its own (no lock of the log's: a
    /// snapshot is no record, and appends need not wait for it).
    fn save_snapshot(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
        self.read(|client| {
            client.execute(
                "INSERT INTO snapshots (stream, bytes) VALUES ($1, $2) \
                 ON CONFLICT (stream) DO UPDATE SET bytes = EXCLUDED.bytes",
                &[&stream.as_str(), &bytes],
            )
        })?;
        Ok(())
    }

    fn delete_snapshot(&self, stream: &StreamId) -> Result<(), StoreError> {
        self.read(|client| client.execute("DELETE FROM snapshots WHERE stream = $1", &[&stream.as_str()]))?;
        Ok(())
    }

    fn registry_entry(&self, person: PersonId) -> Result<Option<RegistryEntry>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                "SELECT r.entry::text, k.key FROM registry r LEFT JOIN registry_keys k USING (person) \
                 WHERE r.person = $1",
                &[&person.as_uuid()],
            )
        })?;
        let Some(row) = row else { return Ok(None) };
        registry_row(person, row.get(0), row.get(1)).map(Some)
    }

    fn registry_entries(&self) -> Result<Vec<(PersonId, RegistryEntry)>, StoreError> {
        let rows = self.read(|client| {
            client.query(
                "SELECT r.person, r.entry::text, k.key FROM registry r \
                 LEFT JOIN registry_keys k USING (person) ORDER BY r.person",
                &[],
            )
        })?;
        rows.into_iter()
            .map(|row| {
                let person = PersonId::from_uuid(row.get(0));
                Ok((person, registry_row(person, row.get(1), row.get(2))?))
            })
            .collect()
    }

    fn write_registry_entry(
        &self,
        _: RawAccess,
        person: PersonId,
        entry: &RegistryEntry,
    ) -> Result<(), StoreError> {
        let id = person.as_uuid();
        blocking(|| {
            let mut writer = lock(&self.writer);
            let client = writer.connection.client(&self.config, &self.schema)?;
            let mut txn = client.transaction().map_err(engine)?;
            let text = match entry {
                // Known data is encrypted under the person's key, made with their first entry.
                // The registry's trigger lets known data be replaced only on this path.
                RegistryEntry::Known(_) => {
                    txn.batch_execute("SET LOCAL netvaerk.registering = 'on'").map_err(engine)?;
                    txn.execute(
                        "INSERT INTO registry_keys (person, key) VALUES ($1, $2) ON CONFLICT (person) DO NOTHING",
                        &[&id, &PersonKey::generate().record()],
                    )
                    .map_err(engine)?;
                    let row = txn
                        .query_one("SELECT key FROM registry_keys WHERE person = $1", &[&id])
                        .map_err(engine)?;
                    let Some(KeyRecord::Live(key)) = KeyRecord::parse(row.get(0)) else {
                        return Err(damaged_key(person));
                    };
                    let json = serde_json::to_vec(entry).unwrap_or_default();
                    json!({ "known": { "sealed": hex(&key.seal(person, &json)) } }).to_string()
                }
                // An erasure needs its `$registry` record, which `erase` appended first; the
                // key goes in the same transaction, after the row says erased.
                RegistryEntry::Erased { .. } => serde_json::to_string(entry).unwrap_or_default(),
            };
            txn.execute(
                "INSERT INTO registry (person, entry) VALUES ($1, $2::text::jsonb) \
                 ON CONFLICT (person) DO UPDATE SET entry = excluded.entry",
                &[&id, &text],
            )
            .map_err(engine)?;
            if matches!(entry, RegistryEntry::Erased { .. }) {
                txn.execute("DELETE FROM registry_keys WHERE person = $1", &[&id]).map_err(engine)?;
            }
            txn.commit().map_err(engine)
        })
    }
}

/// A registry row: its entry, decrypted with the person's key if sealed (rows written before
/// keys are plain).
fn registry_row(person: PersonId, entry: &str, key: Option<&[u8]>) -> Result<RegistryEntry, StoreError> {
    let value: serde_json::Value = serde_json::from_str(entry).unwrap_or_default();
    let Some(sealed) = value.pointer("/known/sealed").and_then(serde_json::Value::as_str) else {
        return registry_from_json(person, entry.as_bytes());
    };
    let Some(KeyRecord::Live(key)) = key.and_then(KeyRecord::parse) else { return Err(damaged_key(person)) };
    let json =
        from_hex(sealed).and_then(|bytes| key.open(person, &bytes)).ok_or_else(|| StoreError::Damaged {
            detail: format!("the registry entry of {person} does not decrypt under its key"),
        })?;
    registry_from_json(person, &json)
}

/// What is wrong with one person's registry row (`entry`, `key`) against what the log records:
/// the position of their last `PersonalDataRecorded` record, of their first `PersonErased`, and
/// each erasure's position, actor and day. `None` when they agree.
fn registry_row_problem(
    person: PersonId,
    entry: Option<&str>,
    key: Option<&[u8]>,
    recorded: Option<u64>,
    erased: Option<u64>,
    erasures: &[(u64, PersonId, NaiveDate)],
) -> Option<String> {
    let Some(entry) = entry else {
        return Some(match (key, erased, recorded) {
            (Some(_), _, _) => "is missing, while their registry key is there".to_owned(),
            (None, Some(position), _) => {
                format!("is missing, while the log records their erasure at position {position}")
            }
            (None, None, Some(position)) => {
                format!("is missing, while the log records their data at position {position}")
            }
            (None, None, None) => "is missing".to_owned(),
        });
    };
    let value: serde_json::Value = serde_json::from_str(entry).unwrap_or_default();
    let sealed = value.pointer("/known/sealed").is_some();
    let read = match registry_row(person, entry, key) {
        Ok(read) => read,
        Err(_) if sealed && key.is_none() => {
            return Some("is sealed under a key the registry no longer holds".to_owned());
        }
        Err(_) if sealed => {
            return Some(
                "does not decrypt under their key: the entry or the key belongs to someone else, or was changed"
                    .to_owned(),
            );
        }
        Err(_) => return Some("is unreadable".to_owned()),
    };
    match read {
        RegistryEntry::Known(_) => {
            if let Some(position) = erased {
                return Some(format!(
                    "still holds their data, while the log records their erasure at position {position} \
                     (erase them again to finish it)"
                ));
            }
            if !sealed && (key.is_some() || recorded.is_some()) {
                return Some(
                    "holds data in the clear where the store keeps it sealed under their key: written by hand"
                        .to_owned(),
                );
            }
            None
        }
        RegistryEntry::Erased { by, at } => {
            if erasures.is_empty() {
                return Some(
                    "says they were erased, but the log holds no PersonErased record of them".to_owned(),
                );
            }
            if key.is_some() {
                return Some("says they were erased, but their registry key is still there".to_owned());
            }
            let day = at.date_naive();
            if !erasures.iter().any(|(_, actor, on)| *actor == by && *on == day) {
                let (position, actor, on) = erasures[0];
                return Some(format!(
                    "says {by} erased them on {day}, but the PersonErased record at position {position} says {actor} \
                     on {on}"
                ));
            }
            None
        }
    }
}
