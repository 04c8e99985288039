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
//! `unknown_organisation` only if the commands before it did not found the organisation; and
//! when a lot fails as a whole (nothing appended: a store error, contention), each of its
//! commands is decided again alone for its own answer. A `commands:batch` request is decided
//! alone, in its place in the queue.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use netvaerk::{BatchMode, Error, Outcome, Service};
use netvaerk_core::{Command, OrganisationId};
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

/// Every organisation's desk.
#[derive(Default)]
pub(crate) struct Desks {
    desks: Mutex<HashMap<OrganisationId, Arc<Mutex<Desk>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Desks {
    /// Queues `decision` at `organisation`'s desk and waits for its answer and how long its lot
    /// took. `None` when it was not decided: the service panicked while deciding its lot, or
    /// the runtime is shutting down.
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
            let service = Arc::clone(service);
            // Not awaited: the thread works on after this request's own answer is sent.
            drop(tokio::task::spawn_blocking(move || {
                netvaerk_store::may_block(|| work(&service, organisation, &desk));
            }));
        }
        answer.await.ok()
    }
}

/// Works through `desk`'s queue, a lot at a time, until it is empty. A panic in the service
/// drops that lot's answers (its requests are answered as failed) and the work goes on.
fn work(service: &Service, organisation: OrganisationId, desk: &Mutex<Desk>) {
    loop {
        let known = service.knows(organisation).unwrap_or(false);
        let lot = {
            let mut queued = lock(desk);
            if queued.queue.is_empty() {
                queued.working = false;
                return;
            }
            next_lot(&mut queued.queue, known)
        };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decide(service, organisation, lot)));
    }
}

/// The next lot from the front of `queue`: a request that goes alone (see [`goes_alone`]), or
/// the single commands up to the first that goes alone or repeats a command id of the lot, at
/// most [`LOT`]. `known`: whether the organisation had events when the lot was taken.
fn next_lot(queue: &mut VecDeque<Job>, known: bool) -> Vec<Job> {
    let mut lot: Vec<Job> = Vec::new();
    let mut ids = HashSet::new();
    while let Some(job) = queue.front() {
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
/// commands, by [`next_lot`]) together.
fn decide(service: &Service, organisation: OrganisationId, lot: Vec<Job>) {
    let started = Instant::now();
    let mut commands = Vec::with_capacity(lot.len());
    let mut waiting = Vec::with_capacity(lot.len());
    let mut alone = Vec::new();
    for job in lot {
        match job.decision {
            Decision::One(command) => {
                commands.push(*command);
                waiting.push((job.may_start, job.reply));
            }
            Decision::Batch(..) => alone.push(job),
        }
    }
    if commands.len() > 1 {
        match service.execute_batch(organisation, &commands, BatchMode::EachOnItsOwn) {
            Ok(outcomes) if outcomes.len() == commands.len() => {
                let took = started.elapsed();
                for ((_, reply), outcome) in waiting.into_iter().zip(outcomes) {
                    let _ = reply.send((Decided::One(outcome), took));
                }
                return;
            }
            // Nothing was appended: each command is decided alone, for its own answer.
            _ => {}
        }
    }
    let commands = commands.into_iter().zip(waiting).map(|(command, (may_start, reply))| Job {
        decision: Decision::One(Box::new(command)),
        may_start,
        reply,
    });
    for job in commands.chain(alone) {
        let started = Instant::now();
        let decided = self::alone(service, organisation, job.decision, job.may_start);
        let _ = job.reply.send((decided, started.elapsed()));
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
    use netvaerk_store::MemoryStore;
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
        let one = |score, id, may_start| job(Decision::One(Box::new(assess(score, id))), may_start).0;
        let batch = || job(Decision::Batch(vec![assess(1, None)], BatchMode::Atomic), false).0;
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
        let desk = Mutex::new(Desk { queue: VecDeque::new(), working: true });
        let answers: Vec<_> = commands
            .iter()
            .map(|(command, may_start)| {
                let (job, receiver) = job(Decision::One(Box::new(command.clone())), *may_start);
                lock(&desk).queue.push_back(job);
                receiver
            })
            .collect();
        work(&in_lots, organisation, &desk);
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
        let log = |service: &Service| -> Vec<_> {
            service
                .store()
                .read_all(1)
                .map(|envelope| envelope.map(|e| (e.header.event_type, e.header.stream)))
                .collect()
        };
        assert_eq!(log(&in_lots).len(), log(&one_by_one).len());
    }
}
