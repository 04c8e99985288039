//! The log as an async [`Stream`]: [`AsyncService::subscribe`](super::AsyncService::subscribe).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use netvaerk_store::{Envelope, EventStore, StoreError};
use tokio::task::JoinHandle;

use crate::error::Error;

/// The most records one read takes from the store.
const CHUNK: usize = 1_000;

/// How long one read waits for the log to grow before the stream asks again. It bounds how
/// long a blocking-pool thread goes on waiting after the stream is dropped.
const WAIT: Duration = Duration::from_millis(500);

/// Every record of the log from a position on, in position order and gapless, then each
/// record as it is appended: what [`AsyncService::subscribe`](super::AsyncService::subscribe)
/// returns. Reads run on tokio's blocking pool, a chunk at a time.
///
/// The stream never ends by itself. A record that cannot be read (a damaged store) is its
/// last item, an `Err`; after it the stream ends. Drop the stream to stop following.
pub struct EventStream {
    store: Arc<dyn EventStore>,
    /// The next position to read.
    next: u64,
    /// Records read and not yet taken.
    buffer: VecDeque<Envelope>,
    /// The read under way.
    reading: Option<JoinHandle<Result<Vec<Envelope>, StoreError>>>,
    /// Whether the stream has ended (after an error).
    ended: bool,
}

impl EventStream {
    pub(super) fn new(store: Arc<dyn EventStore>, from_position: u64) -> Self {
        Self { store, next: from_position.max(1), buffer: VecDeque::new(), reading: None, ended: false }
    }

    /// The position of the next record the stream will yield.
    pub fn position(&self) -> u64 {
        self.buffer.front().map_or(self.next, |envelope| envelope.header.position)
    }
}

/// Up to [`CHUNK`] records from `from`; when there are none yet, waits up to [`WAIT`] for the
/// log to grow and reads again (possibly nothing).
fn read(store: &dyn EventStore, from: u64) -> Result<Vec<Envelope>, StoreError> {
    let records: Vec<Envelope> = store.read_all(from).take(CHUNK).collect::<Result<_, _>>()?;
    if !records.is_empty() {
        return Ok(records);
    }
    store.wait_beyond(from - 1, WAIT)?;
    store.read_all(from).take(CHUNK).collect()
}

impl Stream for EventStream {
    type Item = Result<Envelope, Error>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(envelope) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(envelope)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            let reading = this.reading.get_or_insert_with(|| {
                let (store, from) = (Arc::clone(&this.store), this.next);
                tokio::task::spawn_blocking(move || netvaerk_store::may_block(|| read(&*store, from)))
            });
            let joined = match Pin::new(reading).poll(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(joined) => joined,
            };
            this.reading = None;
            match joined {
                Ok(Ok(records)) => {
                    if let Some(last) = records.last() {
                        this.next = last.header.position + 1;
                    }
                    this.buffer.extend(records);
                }
                Ok(Err(error)) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(Error::from(error))));
                }
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                // The runtime is shutting down: nothing more will be read.
                Err(_) => {
                    this.ended = true;
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("position", &self.position()).field("ended", &self.ended).finish()
    }
}
