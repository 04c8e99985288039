//! The application service: the one decide-and-append loop every caller uses.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use netvaerk_core::{
    check_authority, check_redaction, decide, evolve_on, AcknowledgedWarning, Act, Command, Decision,
    DomainError, Event, OrganisationId, PersonId, Policy, State,
};
use netvaerk_projections::{rebuild, All, AsOf, Names, Projection, Projector};
use netvaerk_store::{
    AppendResult, CommandDigest, EventStore, ExpectedVersion, NewEvent, OpenCheck, PersonalData,
    PersonalDataPatch, RegistryEntry, StoreError, StreamId,
};
use serde::Serialize;
use uuid::Uuid;

use crate::address::Address;
use crate::error::Error;
use crate::snapshot::{self, Snapshot};

/// How long the service keeps trying when other writers (other processes on a shared
/// PostgreSQL database) change an organisation between its decision and its append.
///
/// Each conflict is answered by reading only the tail the others appended, deciding again on
/// the fresh state and appending again, after a short randomised pause that grows with each
/// attempt (0.1 ms doubling up to 20 ms), until `attempts` or `deadline` runs out: then
/// [`Error::Contention`]. Threads of one process never conflict with each other: the service
/// serialises the commands to one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// The most decisions per command (default 64).
    pub attempts: u32,
    /// The longest time per command, from its first decision (default 30 s).
    pub deadline: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self { attempts: 64, deadline: Duration::from_secs(30) }
    }
}

/// Whether the service keeps snapshots of organisations beside the log (see
/// [`crate::snapshot`]): read one at an organisation's first use, when it holds, and fold only
/// the events after it; write one when that first use folded at least so many events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snapshots {
    /// Read, and write when an organisation's first use folded at least this many events
    /// (from the start, or beyond the snapshot it read). The default: 1,000.
    Every(u64),
    /// Read only: a service opened for reading writes nothing.
    ReadOnly,
    /// Neither: every organisation is folded from the start.
    Off,
}

impl Default for Snapshots {
    fn default() -> Self {
        Self::Every(1_000)
    }
}

impl Snapshots {
    fn reads(self) -> bool {
        self != Self::Off
    }

    /// Whether folding `folded` events warrants a new snapshot.
    fn writes_after(self, folded: usize) -> bool {
        matches!(self, Self::Every(every) if folded as u64 >= every.max(1))
    }
}

/// How [`Service::execute_batch`] treats a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BatchMode {
    /// All commands or none: a refusal appends nothing.
    Atomic,
    /// Each command decided on its own, on the state after the ones before it: a refusal
    /// skips only that command. The accepted ones are appended together, in one append.
    EachOnItsOwn,
}

/// What an accepted command did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The events appended, in order.
    pub events: Vec<Event>,
    /// Their global positions.
    pub positions: Vec<u64>,
    /// The organisation's stream version after them.
    pub stream_version: u64,
    /// The advisory warnings the command acknowledged, with their rationales.
    pub acknowledged: Vec<AcknowledgedWarning>,
    /// Whether this is the first outcome of the same command (same command id) returned again:
    /// nothing was appended this time.
    pub replayed: bool,
}

/// The read models of an organisation as a report sees them.
pub struct ReadModels<'a> {
    /// The four projections.
    pub all: &'a All,
    /// Person names, read from the registry once for this report.
    pub names: &'a Names,
    /// The store (the audit trail reads the decisions it shows back from it).
    pub store: &'a dyn EventStore,
    /// The log position the read models were folded up to (0 before any event).
    pub checkpoint: u64,
}

/// One organisation as the service keeps it: its state, and its read models once asked for.
struct Organisation {
    stream: StreamId,
    /// Folded from the stream up to `state.version()`; `None` until first used.
    state: Option<State>,
    /// The live read models and the stream version they have folded up to. Shared, so that a
    /// report renders from them after the lock is released; folding copies them only while a
    /// report still holds the previous version.
    reports: Option<(Arc<Projector<All>>, u64)>,
    /// The `$redactions` stream's version when the read models were folded: a redaction
    /// since (by any process) changed words they hold, so they are folded afresh.
    redactions: u64,
    /// Whether to read and write snapshots.
    snapshots: Snapshots,
}

/// The application service: decides commands for organisations and appends their events,
/// keeping each organisation's state in memory, and keeps the read models live.
///
/// - **State cached.** An organisation's [`State`] is folded from its stream once, then advanced
///   by the service's own appends; when another process appended, only the tail after the
///   cached version is read. A decision therefore costs `decide` plus one append, however
///   long the history.
/// - **Serialised per organisation.** Commands to one organisation are decided one at a time
///   within the process (a lock per organisation), so threads of one process never conflict;
///   commands to different organisations run in parallel and share the store's group commit.
/// - **Concurrent writers** in other processes: see [`Retry`].
/// - **Idempotent.** A command with a [`command_id`](netvaerk_core::Metadata::command_id) gets
///   event ids derived from the organisation and the id, and its first event keeps the
///   command's digest ([`NewEvent::from_command`]); sent again, it appends nothing and returns
///   exactly its first outcome, acknowledgements included (marked [`Outcome::replayed`]). The id
///   is bound to its organisation (the same id in another organisation is another command) and
///   to its command: sent with another command, it is [`Error::IdempotencyKeyReused`] and
///   nothing is appended. Without a command id, a command sent twice is decided twice.
/// - **Stale refusals are not given.** A refusal is checked against the store's stream
///   version first: if another process appended meanwhile, the command is decided again on
///   the fresh state.
///
/// The service is `Send + Sync`: share one per process (in an `Arc`). It is blocking; from async
/// code use [`AsyncService`](crate::AsyncService) (feature `tokio`).
pub struct Service {
    store: Arc<dyn EventStore>,
    policy: Policy,
    retry: Retry,
    clock: Clock,
    organisations: Mutex<HashMap<OrganisationId, Arc<Mutex<Organisation>>>>,
    /// The organisations the log holds decisions for, and the position read up to.
    listed: Mutex<Listed>,
    snapshots: Snapshots,
}

/// What [`Service::organisations`] has read of the log so far.
#[derive(Default)]
struct Listed {
    /// The last position read.
    through: u64,
    /// The organisations found up to it.
    organisations: BTreeSet<OrganisationId>,
}

/// Where the service reads the time of deciding (`now` for `decide`).
type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each critical section leaves the data whole (a panic mid-decision loses only the cache,
    // which `Organisation::state` reloads), so a poisoned lock is still usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The events of `stream` from `from_version` on, decoded, each with its business date.
fn read_events(
    store: &dyn EventStore,
    stream: &StreamId,
    from_version: u64,
) -> Result<Vec<(Event, NaiveDate)>, Error> {
    store
        .read_stream(stream, from_version)?
        .iter()
        .map(|envelope| {
            let event = envelope
                .decode()
                .map_err(|source| Error::Undecodable { position: envelope.header.position, source })?;
            Ok((event, envelope.header.metadata.occurred_on))
        })
        .collect()
}

/// Folds dated events into `state` ([`evolve_on`]: AU-8 needs the dates).
fn fold(state: State, events: &[(Event, NaiveDate)]) -> State {
    events.iter().fold(state, |state, (event, on)| evolve_on(state, event, *on))
}

impl Organisation {
    /// The state, folded on first use: from the organisation's snapshot when it holds, else
    /// from the start ([`Organisation::open`]).
    fn state(&mut self, store: &dyn EventStore) -> Result<&mut State, Error> {
        if self.state.is_none() {
            self.open(store)?;
        }
        Ok(self.state.get_or_insert_with(State::new))
    }

    /// Folds the state from the trusted snapshot (with the read models it holds) and the
    /// events after it, or from the start. When that folded at least the snapshot interval's
    /// events, the read models are folded in the same pass and a new snapshot is written: once
    /// per so many events, at the first use after them, when the cost of reading the events
    /// is paid already (a decision between two opens never waits for a snapshot).
    fn open(&mut self, store: &dyn EventStore) -> Result<(), Error> {
        let redactions = store.stream_version(&StreamId::redactions())?;
        let snapshot =
            self.snapshots.reads().then(|| snapshot::trusted(store, &self.stream, redactions).ok()).flatten();
        let from = snapshot.as_ref().map_or(0, |snapshot| snapshot.version);
        let envelopes = store.read_stream(&self.stream, from + 1)?;
        let write = self.snapshots.writes_after(envelopes.len());
        let (mut state, mut reports) = match snapshot {
            Some(snapshot) => {
                let projector = Projector::resume(self.stream.clone(), snapshot.position, snapshot.all);
                (snapshot.state, Some((projector, snapshot.version)))
            }
            None => (State::new(), None),
        };
        if write && reports.is_none() {
            reports = Some((Projector::new(self.stream.clone()), 0));
        }
        let mut last = None;
        for envelope in &envelopes {
            let event = envelope
                .decode()
                .map_err(|source| Error::Undecodable { position: envelope.header.position, source })?;
            state = evolve_on(state, &event, envelope.header.metadata.occurred_on);
            if let Some((projector, folded)) = reports.as_mut().filter(|_| write) {
                projector.apply_decoded(envelope, Some(&event));
                *folded = envelope.header.stream_version;
            }
            last = Some((envelope.header.position, envelope.hash));
        }
        if let (true, Some((projector, _)), Some((position, hash))) = (write, &reports, last) {
            let snapshot = Snapshot {
                version: state.version(),
                position,
                hash,
                redactions,
                state: state.clone(),
                all: projector.get().clone(),
            };
            save(store, &self.stream, &snapshot);
        }
        if let Some((projector, folded)) = reports {
            self.reports = Some((Arc::new(projector), folded));
            self.redactions = redactions;
        }
        self.state = Some(state);
        Ok(())
    }

    /// Folds what other writers appended after the cached version. Returns whether there was
    /// anything.
    fn catch_up(&mut self, store: &dyn EventStore) -> Result<bool, Error> {
        let version = self.state(store)?.version();
        let tail = read_events(store, &self.stream, version + 1)?;
        let moved = !tail.is_empty();
        let state = self.state(store)?;
        let folded = fold(std::mem::take(state), &tail);
        *state = folded;
        Ok(moved)
    }

    /// Whether the stream holds more than the cached state; if so, it is caught up.
    fn stale(&mut self, store: &dyn EventStore) -> Result<bool, Error> {
        let version = self.state(store)?.version();
        if store.stream_version(&self.stream)? == version {
            return Ok(false);
        }
        self.catch_up(store)
    }
}

/// Writes `snapshot` of `stream`, best effort: a snapshot that cannot be written is only
/// time lost at the next open. Should a redaction have happened meanwhile (another process's:
/// it deletes the stream's snapshot after appending its record), the snapshot just written
/// may hold the words it removed, so it is deleted again.
fn save(store: &dyn EventStore, stream: &StreamId, snapshot: &Snapshot) {
    if store.save_snapshot(stream, &snapshot.encode()).is_err() {
        return;
    }
    if store.stream_version(&StreamId::redactions()).ok() != Some(snapshot.redactions) {
        let _ = store.delete_snapshot(stream);
    }
}

/// A pause before deciding again after the `attempt`th conflict: about 0.1 ms doubling up to
/// 20 ms, randomised by half either way so competing processes fall out of step.
fn back_off(attempt: u32) {
    let base = Duration::from_micros(100).saturating_mul(1 << attempt.min(8)).min(Duration::from_millis(20));
    let jitter = u64::from(Uuid::now_v7().as_bytes()[15]);
    std::thread::sleep(base.mul_f64(0.5 + jitter as f64 / 255.0));
}

impl Service {
    /// A service over the store at `address` (`redb:FILE`, `sled:DIR` or a directory,
    /// `postgres://user@host/db?schema=NAME`; see [`Address`]), with the NS3 policy defaults.
    /// Opening checks the head record; every record the service reads is checked as it is
    /// read, and [`EventStore::verify`] checks the whole chain.
    pub fn open(address: &str) -> Result<Self, Error> {
        let address: Address = address.parse()?;
        Ok(Self::new(Arc::from(address.open(OpenCheck::Head)?)))
    }

    /// A service over the store at `address` opened to read only ([`Address::open_for_reading`]):
    /// for reports; a decision through it is refused (`store_read_only`).
    pub fn open_for_reading(address: &str) -> Result<Self, Error> {
        let address: Address = address.parse()?;
        Ok(Self::new(Arc::from(address.open_for_reading(OpenCheck::Head)?))
            .with_snapshots(Snapshots::ReadOnly))
    }

    /// A service over an open store, with the NS3 policy defaults and the default [`Retry`].
    pub fn new(store: Arc<dyn EventStore>) -> Self {
        Self {
            store,
            policy: Policy::ns3(),
            retry: Retry::default(),
            clock: Arc::new(Utc::now),
            organisations: Mutex::new(HashMap::new()),
            listed: Mutex::new(Listed::default()),
            snapshots: Snapshots::default(),
        }
    }

    /// The same service keeping snapshots as `snapshots` says (the default
    /// [`Snapshots::Every`] 1,000 events). Set it before the first command: organisations
    /// already in use keep the setting they had.
    pub fn with_snapshots(mut self, snapshots: Snapshots) -> Self {
        self.snapshots = snapshots;
        self
    }

    /// The same service reading the time of deciding from `clock` instead of the system clock
    /// (for tests, and for histories written ahead of time: `decide` refuses a business date
    /// after the time of deciding).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The same service with another retry bound.
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The store.
    pub fn store(&self) -> &dyn EventStore {
        &*self.store
    }

    /// The store, shared.
    pub fn shared_store(&self) -> Arc<dyn EventStore> {
        Arc::clone(&self.store)
    }

    /// The NS3 defaults that apply until an organisation puts a policy of its own in force.
    pub fn default_policy(&self) -> &Policy {
        &self.policy
    }

    fn organisation(&self, organisation: OrganisationId) -> Arc<Mutex<Organisation>> {
        let mut organisations = lock(&self.organisations);
        let slot = organisations.entry(organisation).or_insert_with(|| {
            Arc::new(Mutex::new(Organisation {
                stream: StreamId::organisation(organisation),
                state: None,
                reports: None,
                redactions: 0,
                snapshots: self.snapshots,
            }))
        });
        Arc::clone(slot)
    }

    /// Decides `command` for `organisation` and appends its events.
    ///
    /// Returns the events with their positions and the acknowledged warnings, or the refusal
    /// ([`Error::Refused`], naming the rule), [`Error::IdempotencyKeyReused`] when the command's
    /// id was used for another command in the organisation, [`Error::Contention`] when other
    /// writers kept changing the organisation (see [`Retry`]), or the store's failure. Nothing
    /// is appended unless it returns `Ok` (with [`Outcome::replayed`] false).
    pub fn execute(&self, organisation: OrganisationId, command: &Command) -> Result<Outcome, Error> {
        self.locked(organisation, |cached| self.execute_locked(organisation, cached, command))
    }

    /// Runs `work` holding `organisation`'s lock. After a store failure the cached state is
    /// dropped: what failed may have been the store under it, so it is folded afresh next time.
    fn locked<T>(
        &self,
        organisation: OrganisationId,
        work: impl FnOnce(&mut Organisation) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let slot = self.organisation(organisation);
        let mut cached = lock(&slot);
        let result = work(&mut cached);
        if matches!(result, Err(Error::Store(_))) {
            cached.state = None;
        }
        result
    }

    fn execute_locked(
        &self,
        organisation: OrganisationId,
        cached: &mut Organisation,
        command: &Command,
    ) -> Result<Outcome, Error> {
        let started = Instant::now();
        let store = &*self.store;
        for attempt in 1.. {
            if let Some(outcome) = self.replay(organisation, &cached.stream, command)? {
                cached.catch_up(store)?;
                return Ok(outcome);
            }
            let state = cached.state(store)?;
            let version = state.version();
            let decision = match decide(state, command, &self.policy, (self.clock)()) {
                Ok(decision) => decision,
                Err(refusal) => {
                    if cached.stale(store)? {
                        self.give_up_after(organisation, attempt, started)?;
                        continue;
                    }
                    return Err(Error::Refused(refusal));
                }
            };
            let events = NewEvent::from_command(&cached.stream, command, &decision);
            match store.append(&cached.stream, ExpectedVersion::Exact(version), &events) {
                Ok(appended) if appended.stream_version <= version => {
                    // The store recognised the event ids: an earlier append of this command (or,
                    // if its digest differs, of another command with its id).
                    cached.catch_up(store)?;
                    return self.replay(organisation, &cached.stream, command)?.ok_or(Error::Store(
                        StoreError::NoSuchPosition(appended.positions.first().copied().unwrap_or(0)),
                    ));
                }
                Ok(appended) => {
                    let state = cached.state(store)?;
                    *state = decision.fold(std::mem::take(state));
                    return Ok(outcome(decision, appended));
                }
                Err(StoreError::WrongExpectedVersion { .. }) => {
                    self.after_conflict(organisation, cached, attempt, started)?;
                }
                Err(other) => return Err(other.into()),
            }
        }
        unreachable!("the loop returns or gives up")
    }

    /// After another writer appended first: fold the tail it appended, give up if the retries
    /// are used up, else pause before deciding again.
    fn after_conflict(
        &self,
        organisation: OrganisationId,
        cached: &mut Organisation,
        attempt: u32,
        started: Instant,
    ) -> Result<(), Error> {
        cached.catch_up(&*self.store)?;
        self.give_up_after(organisation, attempt, started)?;
        back_off(attempt);
        Ok(())
    }

    /// `Err(Contention)` once `attempt` decisions or the deadline are used up.
    fn give_up_after(
        &self,
        organisation: OrganisationId,
        attempt: u32,
        started: Instant,
    ) -> Result<(), Error> {
        if attempt >= self.retry.attempts || started.elapsed() >= self.retry.deadline {
            return Err(Error::Contention { organisation, attempts: attempt });
        }
        Ok(())
    }

    /// The first outcome of `command`, if it has a command id and its events are stored in
    /// `organisation`'s `stream`: the same events at the same positions, and the warnings they
    /// acknowledged (read through the core's one declaration of the events that carry them,
    /// `Event::acknowledged`, as the first outcome's came from `decide`). When the id's events
    /// are stored but their first one keeps another command's digest (or none),
    /// `IdempotencyKeyReused`: the id belongs to another command.
    fn replay(
        &self,
        organisation: OrganisationId,
        stream: &StreamId,
        command: &Command,
    ) -> Result<Option<Outcome>, Error> {
        let Some(command_id) = command.metadata.command_id else { return Ok(None) };
        let Some(first) = self.store.position_of(NewEvent::derived_id(stream, command_id, 0))? else {
            return Ok(None);
        };
        let mut events = Vec::new();
        let mut positions = Vec::new();
        let mut stream_version = 0;
        for (index, position) in (first..).enumerate() {
            let Some(envelope) = self.store.read_at(position)? else { break };
            if envelope.header.event_id != NewEvent::derived_id(stream, command_id, index) {
                break;
            }
            if index == 0 && envelope.header.metadata.command_digest != Some(CommandDigest::of(command)) {
                return Err(Error::IdempotencyKeyReused { organisation, command_id });
            }
            let event = envelope
                .decode()
                .map_err(|source| Error::Undecodable { position: envelope.header.position, source })?;
            events.push(event);
            positions.push(position);
            stream_version = envelope.header.stream_version;
        }
        let acknowledged = events.iter().flat_map(|event| event.acknowledged().iter().cloned()).collect();
        Ok(Some(Outcome { events, positions, stream_version, acknowledged, replayed: true }))
    }

    /// Decides several commands for `organisation` in order, each on the state after the ones
    /// before it, and appends the accepted ones' events in one append.
    ///
    /// [`BatchMode::Atomic`]: a refusal appends nothing and is [`Error::BatchRefused`] naming
    /// the command. [`BatchMode::EachOnItsOwn`]: each command gets its own result; refused ones
    /// are skipped. Conflicts with other writers are retried as in [`Service::execute`], the
    /// whole batch decided again. A command whose id was used for another command
    /// ([`Error::IdempotencyKeyReused`]) fails an atomic batch with that error, appending
    /// nothing, and is that command's result in a batch of each on its own.
    pub fn execute_batch(
        &self,
        organisation: OrganisationId,
        commands: &[Command],
        mode: BatchMode,
    ) -> Result<Vec<Result<Outcome, Error>>, Error> {
        self.locked(organisation, |cached| self.execute_batch_locked(organisation, cached, commands, mode))
    }

    fn execute_batch_locked(
        &self,
        organisation: OrganisationId,
        cached: &mut Organisation,
        commands: &[Command],
        mode: BatchMode,
    ) -> Result<Vec<Result<Outcome, Error>>, Error> {
        let started = Instant::now();
        let store = &*self.store;
        // An atomic batch decides on a copy of the cached state, which a refusal leaves as it
        // was. Each on its own decides on the cached state itself, taken out of the cache
        // while it does: a copy of a 30-year organisation's state costs about 0.2 ms, more
        // than a decision (`netvaerk serve` decides an organisation's concurrent commands
        // this way). It goes back once the batch is appended, or when nothing was accepted;
        // on the other, rare ways out (another writer appended, a store error) the cache is
        // left empty and the state folded again at next use.
        let copied = mode == BatchMode::Atomic;
        'attempts: for attempt in 1.. {
            let cached_state = cached.state(store)?;
            let mut state = if copied { cached_state.clone() } else { std::mem::take(cached_state) };
            if !copied {
                cached.state = None;
            }
            let version = state.version();
            let mut results: Vec<Option<Result<Outcome, Error>>> = Vec::with_capacity(commands.len());
            let mut accepted: Vec<(usize, Decision, std::ops::Range<usize>)> = Vec::new();
            let mut events: Vec<NewEvent> = Vec::new();
            for (index, command) in commands.iter().enumerate() {
                match self.replay(organisation, &cached.stream, command) {
                    Ok(Some(outcome)) => {
                        results.push(Some(Ok(outcome)));
                        continue;
                    }
                    Ok(None) => {}
                    Err(reused @ Error::IdempotencyKeyReused { .. }) if mode == BatchMode::EachOnItsOwn => {
                        results.push(Some(Err(reused)));
                        continue;
                    }
                    Err(other) => return Err(other),
                }
                match decide(&state, command, &self.policy, (self.clock)()) {
                    Ok(decision) => {
                        let start = events.len();
                        events.extend(NewEvent::from_command(&cached.stream, command, &decision));
                        state = decision.fold(state);
                        accepted.push((index, decision, start..events.len()));
                        results.push(None);
                    }
                    Err(refusal) => {
                        // Judge refusals on fresh state only.
                        let stale = if copied {
                            cached.stale(store)?
                        } else {
                            store.stream_version(&cached.stream)? != version
                        };
                        if stale {
                            self.give_up_after(organisation, attempt, started)?;
                            continue 'attempts;
                        }
                        if mode == BatchMode::Atomic {
                            return Err(Error::BatchRefused { index, error: refusal });
                        }
                        results.push(Some(Err(Error::Refused(refusal))));
                    }
                }
            }
            if events.is_empty() {
                if !copied {
                    cached.state = Some(state);
                }
                return Ok(results.into_iter().flatten().collect());
            }
            match store.append(&cached.stream, ExpectedVersion::Exact(version), &events) {
                Ok(appended) if appended.stream_version <= version => {
                    // Every event id was stored already: only commands with ids can be that, and
                    // the next attempt replays them.
                    cached.catch_up(store)?;
                    self.give_up_after(organisation, attempt, started)?;
                }
                Ok(appended) => {
                    let mut stream_version = version;
                    for (index, decision, span) in accepted {
                        stream_version += span.len() as u64;
                        let appended =
                            AppendResult { positions: appended.positions[span].to_vec(), stream_version };
                        results[index] = Some(Ok(outcome(decision, appended)));
                    }
                    cached.state = Some(state);
                    return Ok(results.into_iter().flatten().collect());
                }
                Err(StoreError::WrongExpectedVersion { .. }) => {
                    self.after_conflict(organisation, cached, attempt, started)?;
                }
                Err(other) => return Err(other.into()),
            }
        }
        unreachable!("the loop returns or gives up")
    }

    /// The organisations the log holds decisions for, in id order. The first call reads the
    /// whole log; later calls read only what was appended since.
    ///
    /// Fails with the store's error when a record cannot be read.
    pub fn organisations(&self) -> Result<Vec<OrganisationId>, Error> {
        let mut listed = lock(&self.listed);
        for envelope in self.store.read_all(listed.through + 1) {
            let envelope = envelope?;
            listed.through = envelope.header.position;
            if let Some(organisation) = envelope.header.stream.as_organisation() {
                listed.organisations.insert(organisation);
            }
        }
        Ok(listed.organisations.iter().copied().collect())
    }

    /// Whether `organisation` has any events. Cheap when the service has decided for it: its
    /// cached state answers; otherwise the store's stream version does.
    pub fn knows(&self, organisation: OrganisationId) -> Result<bool, Error> {
        let slot = lock(&self.organisations).get(&organisation).cloned();
        if slot.is_some_and(|slot| lock(&slot).state.as_ref().is_some_and(|state| state.version() > 0)) {
            return Ok(true);
        }
        Ok(self.store.stream_version(&StreamId::organisation(organisation))? > 0)
    }

    /// Redacts the words of the decision at `position` in `organisation`'s log, `by` a person
    /// of the secretariat ([`netvaerk_core::check_redaction`]) saying `why`: its free texts and
    /// rationale become `(redacted)`, its facts stay, so the organisation still decides and
    /// reports show the decision without its words (see [`EventStore::redact`]). Returns where
    /// the redaction record went in the `$redactions` stream.
    ///
    /// Refused when `by` may not redact or gives no reason; an input error when the position
    /// is not one of the organisation's records (`not_in_organisation`); `already_redacted`,
    /// `no_such_position` from the store.
    pub fn redact(
        &self,
        organisation: OrganisationId,
        position: u64,
        why: &str,
        by: PersonId,
    ) -> Result<AppendResult, Error> {
        self.locked(organisation, |cached| {
            let store = &*self.store;
            cached.catch_up(store)?;
            let today = (self.clock)().date_naive();
            let state = cached.state(store)?;
            let policy = state.policy_on(today, &self.policy);
            check_redaction(state, by, why, today, policy).map_err(Error::Refused)?;
            let envelope = store.read_at(position)?.ok_or(StoreError::NoSuchPosition(position))?;
            if envelope.header.stream != cached.stream {
                return Err(Error::input(
                    "not_in_organisation",
                    Some("position"),
                    Some(position.to_string()),
                    format!("position {position} is not a decision of organisation {organisation}"),
                ));
            }
            let appended = store.redact(position, why, by, (self.clock)())?;
            // The cached state and read models hold the words: fold them afresh.
            (cached.state, cached.reports) = (None, None);
            Ok(appended)
        })
    }

    /// Registers or corrects the personal data of `person`, a person of `organisation`, as
    /// decided `by` today: the secretariat may (AU-3), and a person may correct their own name
    /// and e-mail address (the title stays as it is). The registry keeps the data beside the
    /// log; the log records who changed which fields and when, never the data
    /// ([`EventStore::register_person`]). Returns that record's position, or `None` when the
    /// data was the registry's already.
    ///
    /// Refused (nothing written) when `by` is not entitled or `person` is not registered in
    /// the organisation; an input error for invalid data; `erased` for an erased person.
    pub fn record_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        data: PersonalData,
        by: PersonId,
    ) -> Result<Option<AppendResult>, Error> {
        data.validate()?;
        self.locked(organisation, |cached| {
            let store = &*self.store;
            let before = match store.registry_entry(person)? {
                Some(RegistryEntry::Known(before)) => Some(before),
                Some(RegistryEntry::Erased { .. }) => return Err(StoreError::Erased(person).into()),
                None => None,
            };
            let own_contact_only = before.as_ref().is_some_and(|before| before.title == data.title);
            let elsewhere = self.elsewhere(organisation, person)?;
            self.authorise(
                cached,
                &Act::RecordPersonalData { person, own_contact_only, elsewhere },
                person,
                by,
            )?;
            let now = (self.clock)();
            Ok(store.record_personal_data(Some(organisation), person, data, by, now)?)
        })
    }

    /// Corrects the personal data of `person`, a person of `organisation`: the fields `patch`
    /// gives replace the registry's, the others stay; then as [`Service::record_person`] (a
    /// person may so correct their own name and e-mail address). `not_in_registry` when the
    /// registry holds no data for them yet (register it first).
    pub fn correct_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        patch: &PersonalDataPatch,
        by: PersonId,
    ) -> Result<Option<AppendResult>, Error> {
        let data = match self.store.registry_entry(person)? {
            Some(RegistryEntry::Known(before)) => patch.apply_to(&before),
            Some(RegistryEntry::Erased { .. }) => return Err(StoreError::Erased(person).into()),
            None => return Err(StoreError::NotInRegistry(person).into()),
        };
        self.record_person(organisation, person, data, by)
    }

    /// Erases the personal data of `person`, a person of `organisation` (GDPR), as decided `by`
    /// today: the secretariat may (AU-3). The log keeps the person's id, and records who erased
    /// them and when ([`EventStore::erase`]). Refused (nothing written) when `by` is not
    /// entitled or `person` is not registered in the organisation.
    pub fn erase_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        by: PersonId,
    ) -> Result<AppendResult, Error> {
        self.locked(organisation, |cached| {
            let elsewhere = self.elsewhere(organisation, person)?;
            self.authorise(cached, &Act::ErasePerson { person, elsewhere }, person, by)?;
            let appended = self.store.erase(person, by, (self.clock)())?;
            // The read models name persons: fold them afresh.
            cached.reports = None;
            Ok(appended)
        })
    }

    /// Whether the registry holds `person`'s data for another organisation than `organisation`
    /// (AU-3: each organisation's secretariat keeps its own persons' data).
    fn elsewhere(&self, organisation: OrganisationId, person: PersonId) -> Result<bool, Error> {
        Ok(self.store.registry_owner(person)?.is_some_and(|owner| owner != organisation))
    }

    /// AU-1, AU-3: whether `by` may take `act` about `person` today in the organisation.
    fn authorise(
        &self,
        cached: &mut Organisation,
        act: &Act<'_>,
        person: PersonId,
        by: PersonId,
    ) -> Result<(), Error> {
        let store = &*self.store;
        cached.catch_up(store)?;
        let state = cached.state(store)?;
        state.person(person).ok_or(Error::Refused(DomainError::UnknownPerson(person)))?;
        let today = (self.clock)().date_naive();
        let policy = state.policy_on(today, &self.policy);
        check_authority(state, act, by, today, policy).map_err(Error::Refused)
    }

    /// A copy of `organisation`'s state, caught up with the store first (it reads the tail any
    /// other writer appended since the service last looked).
    pub fn state(&self, organisation: OrganisationId) -> Result<State, Error> {
        let slot = self.organisation(organisation);
        let mut cached = lock(&slot);
        cached.catch_up(&*self.store)?;
        Ok(cached.state(&*self.store)?.clone())
    }

    /// Runs `view` over `organisation`'s read models as of `as_of`, with person names read
    /// once from the registry.
    ///
    /// As of now, the read models are kept live: they fold only what was appended since the
    /// last call, under the organisation's lock, and `view` then runs on a snapshot after the
    /// lock is released (a report being rendered never delays a decision). As of a date or a
    /// position, they are rebuilt from the stream.
    pub fn read_models<R>(
        &self,
        organisation: OrganisationId,
        as_of: AsOf,
        view: impl FnOnce(ReadModels<'_>) -> R,
    ) -> Result<R, Error> {
        let store = &*self.store;
        let names = Names::from_store(store);
        if as_of != AsOf::Now {
            let projector = rebuild::<All>(store, &StreamId::organisation(organisation), as_of)?;
            let checkpoint = projector.checkpoint();
            return Ok(view(ReadModels { all: projector.get(), names: &names, store, checkpoint }));
        }
        let slot = self.organisation(organisation);
        let mut cached = lock(&slot);
        let redactions = store.stream_version(&StreamId::redactions())?;
        if cached.redactions != redactions {
            (cached.reports, cached.redactions) = (None, redactions);
        }
        let stream = cached.stream.clone();
        let (projector, folded) =
            cached.reports.get_or_insert_with(|| (Arc::new(Projector::new(stream.clone())), 0));
        for envelope in store.read_stream(&stream, *folded + 1)? {
            Arc::make_mut(projector).apply(&envelope)?;
            *folded = envelope.header.stream_version;
        }
        // The view renders from this snapshot without the lock: decisions to the organisation
        // do not wait for reports.
        let snapshot = Arc::clone(projector);
        drop(cached);
        let checkpoint = snapshot.checkpoint();
        Ok(view(ReadModels { all: snapshot.get(), names: &names, store, checkpoint }))
    }
}

fn outcome(decision: Decision, appended: AppendResult) -> Outcome {
    Outcome {
        events: decision.events,
        positions: appended.positions,
        stream_version: appended.stream_version,
        acknowledged: decision.acknowledged,
        replayed: false,
    }
}
