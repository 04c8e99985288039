//! Each organisation's decisions, made in arrival order by one blocking thread at a time.
//!
//! The service decides one command of an organisation at a time anyway (under the
//! organisation's lock). Requests that would only wait for that lock wait on the runtime
//! instead, in the organisation's queue (its *desk*), and one thread of tokio's blocking pool
//! works through the queue: it takes the single commands queued since its last turn and decides
//! them together, each on the state after the ones before it, with one append
//! ([`BatchMode::EachOnItsOwn`]), then the next lot, until the queue is empty. This is *flat
//! combining*: under load a decision costs a share of one hand-off to the blocking pool and of
//! one append, rather than one of each; a lone request is decided as before, alone.
//!
//! What each request is answered is what deciding the requests one by one, in the same order,
//! would answer: a refused command skips only itself; two commands with the same command id
//! (a retried idempotency key) never share a lot, so the later replays the earlier; a
//! non-admin's command in an organisation with no events goes alone, so that it is answered
//! `unknown_organisation` only if the commands before it did not found the organisation. When
//! a lot fails as a whole with a store error, each of its commands is answered that error
//! (one by one, only the first would have been, and the later ones decided after it): the lot
//! may have been appended, and deciding its commands again could decide some twice; a client
//! sends the command again with its key to learn whether it was. After any other failure
//! (contention, a panic) nothing was appended, and each command is decided again alone for
//! its own answer. A `commands:batch` request is decided
//! alone, in its place in the queue. A request whose handler is gone by its turn (the client
//! left, it timed out) is not decided, as before when it waited for its turn.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use netvaerk::{BatchMode, Error, Outcome, Service};
use netvaerk_core::{Command, OrganisationId};
use netvaerk_store::StoreError;
use tokio::sync::oneshot;

/// The most single commands decided together in one lot.
const LOT: usize = 64;

/// What a request asks of its organisation's desk.
pub(crate) enum Decision {
    /// One command.
    One(Box<Command>),
    /// A `commands:batch` request: its commands, decided alone in `mode`.
    Batch(Vec<Command>, BatchMode),
}

/// What the desk answers a [`Decision`].
pub(crate) enum Decided {
    /// [`Decision::One`]'s outcome.
    One(Result<Outcome, Error>),
    /// [`Decision::Batch`]'s outcomes.
    Batch(Result<Vec<Result<Outcome, Error>>, Error>),
}

/// A queued request: what it asks, whether its caller may start an organisation (an admin's
/// first command), and where its answer goes, with how long its lot took to decide.
struct Job {
    decision: Decision,
    may_start: bool,
    reply: oneshot::Sender<(Decided, Duration)>,
}

/// One organisation's queue, and whether a blocking thread is working through it.
#[derive(Default)]
struct Desk {
    queue: VecDeque<Job>,
    working: bool,
}

/// The desks of the organisations with requests queued or being decided: a desk leaves when
/// its queue is worked through, so ids that are sent once hold no memory.
type Open = Arc<Mutex<HashMap<OrganisationId, Arc<Mutex<Desk>>>>>;

/// Every organisation's desk.
#[derive(Default)]
pub(crate) struct Desks {
    desks: Open,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Desks {
    /// Queues `decision` at `organisation`'s desk and waits for its answer and how long its lot
    /// took. `None` when it was not decided: the service panicked while deciding it, or the
    /// runtime dropped the desk's work without running it (it is shutting down).
    pub(crate) async fn decide(
        &self,
        service: &Arc<Service>,
        organisation: OrganisationId,
        decision: Decision,
        may_start: bool,
    ) -> Option<(Decided, Duration)> {
        let desk = Arc::clone(lock(&self.desks).entry(organisation).or_default());
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut queued = lock(&desk);
            queued.queue.push_back(Job { decision, may_start, reply });
            !std::mem::replace(&mut queued.working, true)
        };
        if start {
            let working = Working { desk, open: Arc::clone(&self.desks), organisation, done: false };
            let service = Arc::clone(service);
            // Not awaited: the thread works on after this request's own answer is sent.
            drop(tokio::task::spawn_blocking(move || {
                netvaerk_store::may_block(|| work(&service, organisation, working));
            }));
        }
        answer.await.ok()
    }
}

/// A desk being worked through. Dropped before the work is done (a panic outside a lot's
/// decision, or the runtime dropping the work unrun), it frees the desk and drops what is
/// queued, so those requests are answered as failed rather than waiting for a worker that
/// will not come, and the next request starts a new one.
struct Working {
    desk: Arc<Mutex<Desk>>,
    open: Open,
    organisation: OrganisationId,
    done: bool,
}

impl Drop for Working {
    fn drop(&mut self) {
        if !self.done {
            let mut queued = lock(&self.desk);
            queued.working = false;
            queued.queue.clear();
        }
        // The desk leaves the open ones unless a request queued meanwhile. One that took it
        // from the map just before finds it free and works it on its own; the next request
        // opens a new one (both decide under the service's lock for the organisation).
        let mut open = lock(&self.open);
        let idle = |desk: &Arc<Mutex<Desk>>| {
            Arc::ptr_eq(desk, &self.desk) && {
                let queued = lock(desk);
                !queued.working && queued.queue.is_empty()
            }
        };
        if open.get(&self.organisation).is_some_and(idle) {
            open.remove(&self.organisation);
        }
    }
}

/// Works through the desk's queue, a lot at a time, until it is empty. A panic while a job is
/// decided fails that job alone (see [`decide`]).
fn work(service: &Service, organisation: OrganisationId, mut working: Working) {
    loop {
        let known = service.knows(organisation).unwrap_or(false);
        let lot = {
            let mut queued = lock(&working.desk);
            let lot = next_lot(&mut queued.queue, known);
            if lot.is_empty() {
                queued.working = false;
                working.done = true;
                return;
            }
            lot
        };
        decide(service, organisation, lot);
    }
}

/// The next lot from the front of `queue`: a request that goes alone (see [`goes_alone`]), or
/// the single commands up to the first that goes alone or repeats a command id of the lot, at
/// most [`LOT`]. `known`: whether the organisation had events when the lot was taken.
fn next_lot(queue: &mut VecDeque<Job>, known: bool) -> Vec<Job> {
    let mut lot: Vec<Job> = Vec::new();
    let mut ids = HashSet::new();
    while let Some(job) = queue.front() {
        // A request no longer waiting (its client left, or it timed out) is not decided, as it
        // would not have been had it waited for its turn.
        if job.reply.is_closed() {
            queue.pop_front();
            continue;
        }
        let alone = goes_alone(job, known);
        let repeated = match &job.decision {
            Decision::One(command) => command.metadata.command_id.is_some_and(|id| !ids.insert(id)),
            Decision::Batch(..) => false,
        };
        if !lot.is_empty() && (alone || repeated || lot.len() == LOT) {
            break;
        }
        lot.extend(queue.pop_front());
        if alone {
            break;
        }
    }
    lot
}

/// Whether a job is decided on its own: a `commands:batch` request, and a caller's command that
/// may not start the organisation while it has no events.
fn goes_alone(job: &Job, known: bool) -> bool {
    matches!(job.decision, Decision::Batch(..)) || (!known && !job.may_start)
}

/// Decides a lot and sends each job its answer: a lot of one alone, a lot of several (single
/// commands, by [`next_lot`]) together. When a lot of several fails as a whole, a store error
/// is every command's answer (the lot may have been appended: each retries with its key, as
/// after a store error alone); any other failure (contention, an undecodable record, a panic)
/// appended nothing, and each command is decided again alone. A panic while a job is decided
/// alone drops its answer only.
fn decide(service: &Service, organisation: OrganisationId, lot: Vec<Job>) {
    let lot = if lot.len() > 1 { together(service, organisation, lot) } else { lot };
    for job in lot {
        let started = Instant::now();
        let (decision, may_start) = (job.decision, job.may_start);
        let decided =
            std::panic::catch_unwind(AssertUnwindSafe(|| alone(service, organisation, decision, may_start)));
        if let Ok(decided) = decided {
            let _ = job.reply.send((decided, started.elapsed()));
        }
    }
}

/// Decides a lot of several single commands in one `execute_batch` and answers them (see
/// [`decide`]): what is left to decide alone, nothing once they are answered.
fn together(service: &Service, organisation: OrganisationId, lot: Vec<Job>) -> Vec<Job> {
    let started = Instant::now();
    let mut commands = Vec::with_capacity(lot.len());
    let mut waiting = Vec::with_capacity(lot.len());
    let mut batches = Vec::new();
    for job in lot {
        match job.decision {
            Decision::One(command) => {
                commands.push(*command);
                waiting.push((job.may_start, job.reply));
            }
            Decision::Batch(..) => batches.push(job),
        }
    }
    let decided = std::panic::catch_unwind(AssertUnwindSafe(|| {
        service.execute_batch(organisation, &commands, BatchMode::EachOnItsOwn)
    }));
    match decided {
        Ok(Ok(outcomes)) if outcomes.len() == commands.len() => {
            let took = started.elapsed();
            for ((_, reply), outcome) in waiting.into_iter().zip(outcomes) {
                let _ = reply.send((Decided::One(outcome), took));
            }
            batches
        }
        Ok(Err(Error::Store(error))) => {
            let took = started.elapsed();
            let detail = error.to_string();
            let mut first = Some(error);
            for (_, reply) in waiting {
                let error = first.take().unwrap_or_else(|| StoreError::engine(detail.clone()));
                let _ = reply.send((Decided::One(Err(Error::Store(error))), took));
            }
            batches
        }
        _ => commands
            .into_iter()
            .zip(waiting)
            .map(|(command, (may_start, reply))| Job {
                decision: Decision::One(Box::new(command)),
                may_start,
                reply,
            })
            .chain(batches)
            .collect(),
    }
}

/// A request decided on its own, as if no other were queued.
fn alone(service: &Service, organisation: OrganisationId, decision: Decision, may_start: bool) -> Decided {
    match decision {
        Decision::One(command) => Decided::One(
            known(service, organisation, may_start).and_then(|()| service.execute(organisation, &command)),
        ),
        Decision::Batch(commands, mode) => Decided::Batch(
            known(service, organisation, may_start)
                .and_then(|()| service.execute_batch(organisation, &commands, mode)),
        ),
    }
}

/// `unknown_organisation` (404) unless the organisation has events or `may_start` (an admin's
/// first command).
pub(crate) fn known(service: &Service, organisation: OrganisationId, may_start: bool) -> Result<(), Error> {
    if may_start || service.knows(organisation)? {
        return Ok(());
    }
    Err(Error::input(
        "unknown_organisation",
        Some("organisation"),
        Some(organisation.to_string()),
        format!("organisation {organisation} has no events"),
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use netvaerk_core::{Action, Competence, Metadata, PersonId, UnitId, UnitKind};
    use netvaerk_store::{
        AppendResult, Body, Envelope, EventStore, ExpectedVersion, Head, MemoryStore, NewEvent, RawAccess,
        RawRecord, RawRecords, RegistryEntry, StreamId,
    };
    use uuid::Uuid;

    use super::*;

    fn secretary() -> PersonId {
        PersonId::from_uuid(Uuid::from_u128(1))
    }

    fn command(action: Action, id: Option<u128>) -> Command {
        let on = chrono::NaiveDate::from_ymd_opt(2016, 1, 4).unwrap_or_default();
        let mut command = Command::new(Metadata::new(secretary(), on), action);
        command.metadata.command_id = id.map(Uuid::from_u128);
        command
    }

    fn founding() -> Vec<Command> {
        let chief = PersonId::from_uuid(Uuid::from_u128(2));
        vec![
            command(
                Action::FoundOrganisation {
                    chief_forum: BTreeSet::from([chief]),
                    secretariat: BTreeSet::from([secretary()]),
                },
                None,
            ),
            command(
                Action::RegisterUnit {
                    unit: UnitId::from_uuid(Uuid::from_u128(3)),
                    kind: UnitKind::Secretariat,
                    parent: None,
                },
                None,
            ),
        ]
    }

    /// The secretary assesses their own curiosity: a score outside 1-5 is refused.
    fn assess(score: u8, id: Option<u128>) -> Command {
        let scores = BTreeMap::from([(Competence::Curiosity, score)]);
        command(Action::AssessCompetences { person: secretary(), scores }, id)
    }

    fn service() -> Service {
        Service::new(Arc::new(MemoryStore::new()))
    }

    /// `desk` being worked for `organisation`, as the only open desk.
    fn working(desk: &Arc<Mutex<Desk>>, organisation: OrganisationId) -> Working {
        let open = Open::default();
        lock(&open).insert(organisation, Arc::clone(desk));
        Working { desk: Arc::clone(desk), open, organisation, done: false }
    }

    /// A service on `store` with organisation 9 founded.
    fn founded(store: Arc<dyn EventStore>) -> (Service, OrganisationId) {
        let (service, organisation) = (Service::new(store), OrganisationId::from_uuid(Uuid::from_u128(9)));
        for command in founding() {
            service.execute(organisation, &command).unwrap();
        }
        (service, organisation)
    }

    fn job(decision: Decision, may_start: bool) -> (Job, oneshot::Receiver<(Decided, Duration)>) {
        let (reply, answer) = oneshot::channel();
        (Job { decision, may_start, reply }, answer)
    }

    /// What a lot's answer compares by: the outcome, or the error's code.
    fn answer(result: Result<Outcome, Error>) -> Result<Outcome, &'static str> {
        result.map_err(|error| error.code())
    }

    fn lot_sizes(queue: &mut VecDeque<Job>, known: bool) -> Vec<usize> {
        let mut sizes = Vec::new();
        while !queue.is_empty() {
            sizes.push(next_lot(queue, known).len());
        }
        sizes
    }

    #[test]
    fn a_lot_ends_before_a_batch_a_repeated_command_id_a_command_that_may_not_start_the_organisation_and_at_64(
    ) {
        // The requests wait for their answers (a job whose request left is skipped).
        let waiting = std::cell::RefCell::new(Vec::new());
        let queued = |decision, may_start| {
            let (job, receiver) = job(decision, may_start);
            waiting.borrow_mut().push(receiver);
            job
        };
        let one = |score, id, may_start| queued(Decision::One(Box::new(assess(score, id))), may_start);
        let batch = || queued(Decision::Batch(vec![assess(1, None)], BatchMode::Atomic), false);
        let mut queue: VecDeque<Job> = [
            one(1, Some(7), false),
            one(2, None, false),
            one(3, Some(8), false),
            one(4, Some(7), false),
            batch(),
        ]
        .into_iter()
        .chain([one(5, None, false), batch(), batch()])
        .collect();
        // The repeated id 7 starts a lot of its own; a batch goes alone.
        assert_eq!(lot_sizes(&mut queue, true), [3, 1, 1, 1, 1, 1]);

        // In an organisation with no events, an admin's commands go together (the first may
        // found it); a caller's that may not start it goes alone, and so does each after it.
        let mut queue: VecDeque<Job> =
            [one(1, None, true), one(2, None, true), one(3, None, false), one(4, None, true)]
                .into_iter()
                .collect();
        assert_eq!(lot_sizes(&mut queue, false), [2, 1, 1]);

        let mut queue: VecDeque<Job> = (0..70).map(|_| one(1, None, false)).collect();
        assert_eq!(lot_sizes(&mut queue, true), [LOT, 70 - LOT]);
    }

    #[test]
    fn queued_commands_decided_in_lots_are_answered_as_deciding_them_one_by_one_would_be() {
        let organisation = OrganisationId::from_uuid(Uuid::from_u128(9));
        // Before the founding, a caller's command is unknown_organisation; then an admin's
        // founding; then assessments: three refused (NL-3: scored 1-5, on at least one
        // competence), one a retry of an earlier command id (replayed), one reusing an id for
        // another command (idempotency_key_reused).
        let mut commands: Vec<(Command, bool)> = vec![(assess(3, None), false)];
        commands.extend(founding().into_iter().map(|command| (command, true)));
        commands.extend([
            (assess(1, Some(100)), false),
            (assess(9, None), false),
            (assess(2, None), false),
            (assess(1, Some(100)), false),
            (assess(0, Some(101)), false),
            (assess(4, Some(102)), false),
            (assess(5, Some(102)), false),
            (assess(5, None), false),
        ]);
        commands.push((
            command(Action::AssessCompetences { person: secretary(), scores: BTreeMap::new() }, None),
            false,
        ));

        let one_by_one = service();
        let expected: Vec<_> = commands
            .iter()
            .map(|(command, may_start)| {
                answer(
                    known(&one_by_one, organisation, *may_start)
                        .and_then(|()| one_by_one.execute(organisation, command)),
                )
            })
            .collect();

        let in_lots = service();
        let desk = Arc::new(Mutex::new(Desk { queue: VecDeque::new(), working: true }));
        let answers: Vec<_> = commands
            .iter()
            .map(|(command, may_start)| {
                let (job, receiver) = job(Decision::One(Box::new(command.clone())), *may_start);
                lock(&desk).queue.push_back(job);
                receiver
            })
            .collect();
        work(&in_lots, organisation, working(&desk, organisation));
        assert!(!lock(&desk).working, "the desk is free again once its queue is empty");
        let answered: Vec<_> = answers
            .into_iter()
            .map(|mut receiver| match receiver.try_recv() {
                Ok((Decided::One(result), _)) => answer(result),
                _ => Err("not answered"),
            })
            .collect();
        assert_eq!(answered, expected);
        assert!(expected.iter().filter(|result| result.is_err()).count() >= 3, "{expected:?}");
        assert!(expected.iter().any(|result| result.as_ref().is_ok_and(|outcome| outcome.replayed)));
        assert_eq!(log(&in_lots), log(&one_by_one));
    }

    /// Each record's stream, version, type and payload.
    fn log(service: &Service) -> Vec<(String, u64, String, String)> {
        service
            .store()
            .read_all(1)
            .map(|envelope| {
                let envelope = envelope.unwrap();
                let payload = envelope.payload_json().unwrap_or_default().to_owned();
                let header = envelope.header;
                (header.stream.as_str().to_owned(), header.stream_version, header.event_type, payload)
            })
            .collect()
    }

    /// What [`Faulty`] does to an append of more than one event: a lot's.
    #[derive(Clone, Copy, PartialEq)]
    enum Fault {
        Fails,
        Panics,
    }

    /// A memory store whose appends of more than one event fail or panic: a lot's append,
    /// while a single command's goes through.
    struct Faulty {
        inner: MemoryStore,
        fault: Fault,
    }

    impl EventStore for Faulty {
        fn append_any(
            &self,
            access: RawAccess,
            stream: &StreamId,
            expected: ExpectedVersion,
            events: &[NewEvent],
        ) -> Result<AppendResult, StoreError> {
            match (events.len() > 1, self.fault) {
                (true, Fault::Fails) => Err(StoreError::engine("the disk is full")),
                (true, Fault::Panics) => panic!("the engine panicked"),
                _ => self.inner.append_any(access, stream, expected, events),
            }
        }
        fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
            self.inner.stream_version(stream)
        }
        fn read_stream(&self, stream: &StreamId, from_version: u64) -> Result<Vec<Envelope>, StoreError> {
            self.inner.read_stream(stream, from_version)
        }
        fn read_raw(&self, from_position: u64) -> RawRecords<'_> {
            self.inner.read_raw(from_position)
        }
        fn head(&self) -> Result<Option<Head>, StoreError> {
            self.inner.head()
        }
        fn wait_beyond(&self, position: u64, timeout: Duration) -> Result<u64, StoreError> {
            self.inner.wait_beyond(position, timeout)
        }
        fn rewrite_body(&self, access: RawAccess, position: u64, body: &Body) -> Result<(), StoreError> {
            self.inner.rewrite_body(access, position, body)
        }
        fn import(&self, records: &[RawRecord]) -> Result<(), StoreError> {
            self.inner.import(records)
        }
        fn registry_entry(&self, person: PersonId) -> Result<Option<RegistryEntry>, StoreError> {
            self.inner.registry_entry(person)
        }
        fn write_registry_entry(
            &self,
            access: RawAccess,
            person: PersonId,
            entry: &RegistryEntry,
        ) -> Result<(), StoreError> {
            self.inner.write_registry_entry(access, person, entry)
        }
        fn registry_entries(&self) -> Result<Vec<(PersonId, RegistryEntry)>, StoreError> {
            self.inner.registry_entries()
        }
        fn load_snapshot(&self, stream: &StreamId) -> Result<Option<Vec<u8>>, StoreError> {
            self.inner.load_snapshot(stream)
        }
        fn save_snapshot(&self, stream: &StreamId, bytes: &[u8]) -> Result<(), StoreError> {
            self.inner.save_snapshot(stream, bytes)
        }
        fn delete_snapshot(&self, stream: &StreamId) -> Result<(), StoreError> {
            self.inner.delete_snapshot(stream)
        }
    }

    /// Queues `jobs` at a desk and works through it: the answers, in order (`None` for a job
    /// not answered), and the desk as left.
    fn worked(
        service: &Service,
        organisation: OrganisationId,
        jobs: Vec<(Decision, bool)>,
    ) -> (Vec<Option<Decided>>, Arc<Mutex<Desk>>) {
        let desk = Arc::new(Mutex::new(Desk { queue: VecDeque::new(), working: true }));
        let receivers: Vec<_> = jobs
            .into_iter()
            .map(|(decision, may_start)| {
                let (job, receiver) = job(decision, may_start);
                lock(&desk).queue.push_back(job);
                receiver
            })
            .collect();
        work(service, organisation, working(&desk, organisation));
        (
            receivers
                .into_iter()
                .map(|mut receiver| receiver.try_recv().ok().map(|(decided, _)| decided))
                .collect(),
            desk,
        )
    }

    #[test]
    fn a_lot_whose_append_fails_answers_each_command_the_store_error_and_appends_nothing() {
        let (service, organisation) =
            founded(Arc::new(Faulty { inner: MemoryStore::new(), fault: Fault::Fails }));
        let head = service.store().head().unwrap();
        let jobs = (1..=3).map(|score| (Decision::One(Box::new(assess(score, None))), false)).collect();
        let (answers, _) = worked(&service, organisation, jobs);
        for answer in answers {
            match answer {
                Some(Decided::One(Err(error))) => {
                    assert_eq!(error.class(), netvaerk::ErrorClass::Store);
                    assert!(error.to_string().contains("the disk is full"), "{error}");
                }
                _ => panic!("every command of the lot is answered its store error"),
            }
        }
        assert_eq!(service.store().head().unwrap(), head);
    }

    #[test]
    fn a_lot_that_panics_is_decided_again_alone_and_a_panic_alone_fails_only_that_command() {
        let (service, organisation) =
            founded(Arc::new(Faulty { inner: MemoryStore::new(), fault: Fault::Panics }));
        // The lot's append panics; alone, each assessment appends one event, and the batch
        // request's two-event append panics again: only it goes unanswered.
        let two = vec![assess(1, None), assess(2, None)];
        let jobs = vec![
            (Decision::One(Box::new(assess(3, None))), false),
            (Decision::One(Box::new(assess(4, None))), false),
            (Decision::Batch(two, BatchMode::Atomic), false),
            (Decision::One(Box::new(assess(5, None))), false),
        ];
        let (answers, desk) = worked(&service, organisation, jobs);
        let accepted = |answer: &Option<Decided>| matches!(answer, Some(Decided::One(Ok(_))));
        assert!(accepted(&answers[0]) && accepted(&answers[1]) && accepted(&answers[3]));
        assert!(answers[2].is_none(), "the batch request is answered as failed");
        let desk = lock(&desk);
        assert!(desk.queue.is_empty() && !desk.working);
        // The founding's two events and the three assessments, in the order they came.
        let scores: Vec<String> = log(&service).into_iter().skip(2).map(|(.., payload)| payload).collect();
        assert_eq!(scores.len(), 3);
        for (payload, score) in scores.iter().zip(["3", "4", "5"]) {
            assert!(payload.contains(&format!("\"curiosity\":{score}")), "{payload}");
        }
    }

    #[test]
    fn concurrent_requests_are_answered_in_arrival_order_and_the_desk_leaves_once_worked_through() {
        let (service, organisation) = founded(Arc::new(MemoryStore::new()));
        let (service, desks) = (Arc::new(service), Desks::default());
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let decide =
            |score| desks.decide(&service, organisation, Decision::One(Box::new(assess(score, None))), false);
        let answers = runtime.block_on(async { tokio::join!(decide(1), decide(2), decide(3), decide(4)) });
        // Dropping the runtime waits for its blocking threads: the desk's work is over.
        drop(runtime);
        let positions: Vec<u64> = [answers.0, answers.1, answers.2, answers.3]
            .into_iter()
            .map(|answer| match answer {
                Some((Decided::One(Ok(outcome)), _)) => outcome.positions[0],
                _ => panic!("every request is accepted"),
            })
            .collect();
        assert_eq!(positions, [3, 4, 5, 6], "decided in the order they came");
        assert!(lock(&desks.desks).is_empty(), "no desk stays open once its queue is empty");
    }

    #[test]
    fn requests_no_longer_waiting_are_not_decided_and_a_desk_dropped_unworked_answers_its_queue_as_failed() {
        let (service, organisation) = founded(Arc::new(MemoryStore::new()));
        let head = service.store().head().unwrap();
        let desk = Arc::new(Mutex::new(Desk { queue: VecDeque::new(), working: true }));
        let (left, receiver) = job(Decision::One(Box::new(assess(1, None))), false);
        drop(receiver);
        lock(&desk).queue.push_back(left);
        work(&service, organisation, working(&desk, organisation));
        assert_eq!(service.store().head().unwrap(), head, "nothing decided for a request that left");

        let (waiting, mut receiver) = job(Decision::One(Box::new(assess(1, None))), false);
        lock(&desk).queue.push_back(waiting);
        lock(&desk).working = true;
        drop(working(&desk, organisation));
        assert!(matches!(receiver.try_recv(), Err(oneshot::error::TryRecvError::Closed)));
        assert!(!lock(&desk).working, "the next request starts a new worker");
    }
}
