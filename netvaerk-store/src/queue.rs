//! Group commit: appenders queue their requests and one of them at a time, the leader, commits
//! everything queued in one transaction (one flush), then wakes them all.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use netvaerk_core::PersonId;
use uuid::Uuid;

use crate::envelope::{AppendResult, CommandDigest, ExpectedVersion, NewEvent, StreamId};
use crate::error::StoreError;
use crate::record::{present_body, sha256};
use crate::threads::lock;

/// An event made ready by its appender's own thread: everything but position and links.
pub(crate) struct Staged {
    pub(crate) event_id: Uuid,
    pub(crate) event_type: String,
    pub(crate) schema_version: u32,
    pub(crate) actor: PersonId,
    pub(crate) occurred_on: chrono::NaiveDate,
    pub(crate) correlation_id: Option<Uuid>,
    pub(crate) causation_id: Option<Uuid>,
    pub(crate) command_digest: Option<CommandDigest>,
    pub(crate) payload: String,
    pub(crate) rationale: Option<String>,
    pub(crate) body: Vec<u8>,
    pub(crate) body_digest: [u8; 32],
}

impl Staged {
    fn new(event: &NewEvent) -> Self {
        let payload = event.payload.to_string();
        let body = present_body(&payload, event.rationale.as_deref());
        Self {
            payload,
            rationale: event.rationale.clone(),
            event_id: event.event_id,
            event_type: event.event_type.clone(),
            schema_version: event.schema_version,
            actor: event.actor,
            occurred_on: event.occurred_on,
            correlation_id: event.correlation_id,
            causation_id: event.causation_id,
            command_digest: event.command_digest,
            body_digest: sha256(&body),
            body,
        }
    }
}

/// One append waiting for the writer.
pub(crate) struct Pending {
    pub(crate) stream: StreamId,
    pub(crate) expected: ExpectedVersion,
    pub(crate) events: Vec<Staged>,
    outcome: Mutex<Option<Result<AppendResult, StoreError>>>,
}

/// The appends waiting for the writer: group commit. Appenders queue their requests; one of
/// them at a time, the leader, takes everything queued and commits it in one transaction (one
/// flush), then wakes every waiting appender at once. Those whose requests were in the batch
/// return; the first of those queued meanwhile leads next and commits them all together (after
/// waiting up to [`GATHER`] for as many as the last batch held).
///
/// Waking all at once matters: when appenders waited on the writer lock instead, each woke the
/// next only as it let go of the lock, and the new appends arrived one by one, so a batch
/// seldom held more than two of eight concurrent writers' decisions (`netvaerk bench`).
#[derive(Default)]
pub(crate) struct Queue {
    state: Mutex<Waiting>,
    settled: Condvar,
}

/// How long a leader waits, yielding, for appends to queue while fewer are queued than the last
/// batch held. The appenders a commit wakes come back one by one; without the wait the first
/// would commit alone while the rest queued behind it (batches of 1, 8, 1, 8 with eight
/// writers, 3.7x one writer's rate in `netvaerk bench` on sled; with it, batches of 8 gathered
/// in about 40 µs, 5.2-6.0x). A lone appender never waits, and when fewer appenders come, one
/// commit waits this long.
const GATHER: Duration = Duration::from_micros(100);

/// The queued requests, whether a leader is committing, and the last batch's size.
#[derive(Default)]
struct Waiting {
    requests: Vec<Arc<Pending>>,
    leader: bool,
    /// How many requests the last batch held.
    last_batch: usize,
}

/// Ends a leader's turn, also if its commit panicked: clears the flag and wakes every waiter.
struct Turn<'a>(&'a Queue);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        lock(&self.0.state).leader = false;
        self.0.settled.notify_all();
    }
}

impl Queue {
    /// Checks and queues an append, then waits until a leader has committed it, leading itself
    /// when no one else is: `commit` runs under the `writer` lock and must settle every request
    /// it is given (see [`settle`]).
    pub(crate) fn append<W>(
        &self,
        writer: &Mutex<W>,
        stream: &StreamId,
        expected: ExpectedVersion,
        events: &[NewEvent],
        commit: impl FnOnce(&mut W, &[Arc<Pending>]),
    ) -> Result<AppendResult, StoreError> {
        check_events(events)?;
        let pending = Arc::new(Pending {
            stream: stream.clone(),
            expected,
            events: events.iter().map(Staged::new).collect(),
            outcome: Mutex::new(None),
        });
        let mut waiting = lock(&self.state);
        waiting.requests.push(Arc::clone(&pending));
        loop {
            if let Some(outcome) = lock(&pending.outcome).take() {
                return outcome;
            }
            if !waiting.leader {
                // Unsettled with no leader: the request is still queued, so it is in this batch.
                waiting.leader = true;
                // Commit delay: after a batch of several, wait briefly for as many to queue.
                let since = Instant::now();
                while waiting.requests.len() < waiting.last_batch && since.elapsed() < GATHER {
                    drop(waiting);
                    std::thread::yield_now();
                    waiting = lock(&self.state);
                }
                let batch = std::mem::take(&mut waiting.requests);
                waiting.last_batch = batch.len();
                drop(waiting);
                let turn = Turn(self);
                commit(&mut lock(writer), &batch);
                drop(turn);
                let outcome = lock(&pending.outcome).take();
                return outcome.unwrap_or_else(|| Err(StoreError::engine("the append was not committed")));
            }
            waiting = self.settled.wait(waiting).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Hands each request of a batch its outcome. If the batch was `written`, the planned outcomes
/// stand; if not, nothing was stored, the planned successes get the error and the refusals
/// stand.
pub(crate) fn settle(
    batch: &[Arc<Pending>],
    outcomes: Vec<Result<AppendResult, StoreError>>,
    written: Result<(), StoreError>,
) {
    let mut error = written.err();
    let detail = error.as_ref().map(ToString::to_string);
    for (pending, outcome) in batch.iter().zip(outcomes) {
        let outcome = match (outcome, &detail) {
            (Ok(_), Some(detail)) => Err(error.take().unwrap_or_else(|| StoreError::engine(detail.clone()))),
            (outcome, _) => outcome,
        };
        *lock(&pending.outcome) = Some(outcome);
    }
}

/// Hands every request of a batch that could not be written the error: nothing was stored.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // only the PostgreSQL store uses it
pub(crate) fn fail_all(batch: &[Arc<Pending>], error: StoreError) {
    let unwritten =
        batch.iter().map(|_| Ok(AppendResult { positions: Vec::new(), stream_version: 0 })).collect();
    settle(batch, unwritten, Err(error));
}

/// Refuses malformed events before they reach the writer.
pub(crate) fn check_events(events: &[NewEvent]) -> Result<(), StoreError> {
    let mut ids = HashSet::with_capacity(events.len());
    for event in events {
        let problem = if !ids.insert(event.event_id) {
            Some("its id appears twice in one append")
        } else if event.event_type.trim().is_empty() {
            Some("its type name is blank")
        } else if event.event_type.len() > 200 || event.event_type.chars().any(|c| c.is_control() || c == '"')
        {
            Some("its type name is longer than 200 bytes or has control characters or quotes")
        } else if event.schema_version == 0 {
            Some("schema versions start at 1")
        } else if !event.payload.is_object() {
            Some("its payload is not a JSON object")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(StoreError::InvalidEvent { event_id: event.event_id, problem });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use chrono::NaiveDate;
    use serde_json::json;

    use super::*;

    fn one_event() -> [NewEvent; 1] {
        [NewEvent {
            event_id: Uuid::now_v7(),
            event_type: "TestHappened".into(),
            schema_version: 1,
            payload: json!({}),
            rationale: None,
            actor: PersonId::from_uuid(Uuid::from_u128(1)),
            occurred_on: NaiveDate::from_ymd_opt(2016, 9, 1).unwrap(),
            correlation_id: None,
            causation_id: None,
            command_digest: None,
        }]
    }

    /// A commit that stores nothing and hands every request a success, noting the batch's size.
    fn note_and_settle(sizes: &mut Vec<usize>, batch: &[Arc<Pending>]) {
        sizes.push(batch.len());
        let outcomes =
            batch.iter().map(|_| Ok(AppendResult { positions: vec![1], stream_version: 1 })).collect();
        settle(batch, outcomes, Ok(()));
    }

    #[test]
    fn appends_queued_while_a_leader_commits_go_together_in_the_next_and_a_lone_one_after_still_commits() {
        let queue = Queue::default();
        let sizes = Mutex::new(Vec::new());
        let stream = StreamId::new("org-a").unwrap();
        let (entered, has_entered) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let outcomes = std::thread::scope(|scope| {
            let (queue, sizes, stream) = (&queue, &sizes, &stream);
            let first = scope.spawn(move || {
                queue.append(sizes, stream, ExpectedVersion::Any, &one_event(), |sizes, batch| {
                    entered.send(()).unwrap();
                    released.recv().unwrap();
                    note_and_settle(sizes, batch);
                })
            });
            has_entered.recv().unwrap();
            let others: Vec<_> = (0..7)
                .map(|_| {
                    scope.spawn(move || {
                        queue.append(sizes, stream, ExpectedVersion::Any, &one_event(), note_and_settle)
                    })
                })
                .collect();
            while lock(&queue.state).requests.len() < 7 {
                std::thread::yield_now();
            }
            release.send(()).unwrap();
            std::iter::once(first).chain(others).map(|handle| handle.join().unwrap()).collect::<Vec<_>>()
        });
        assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
        assert_eq!(*lock(&sizes), vec![1, 7], "the seven queued during the first commit share the second");
        // A lone append after a batch of seven waits at most GATHER for company, then commits.
        queue.append(&sizes, &stream, ExpectedVersion::Any, &one_event(), note_and_settle).unwrap();
        assert_eq!(*lock(&sizes), vec![1, 7, 1]);
    }
}
