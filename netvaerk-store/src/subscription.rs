//! Following the log: catch up, then go live.

use std::collections::VecDeque;
use std::time::Duration;

use crate::envelope::Envelope;
use crate::error::StoreError;
use crate::store::EventStore;

const BATCH: usize = 1024;

/// A cursor over the log that catches up and then waits for new events: every event once, in
/// position order. As an `Iterator` it blocks until the next event arrives.
pub struct Subscription<'a> {
    store: &'a dyn EventStore,
    next_position: u64,
    buffer: VecDeque<Envelope>,
}

impl<'a> Subscription<'a> {
    /// Follows `store` from `from_position` (1 is the start of the log).
    pub fn new(store: &'a dyn EventStore, from_position: u64) -> Self {
        Self { store, next_position: from_position.max(1), buffer: VecDeque::new() }
    }

    /// The position of the next event it will yield.
    pub fn next_position(&self) -> u64 {
        self.next_position
    }

    /// The next event, waiting at most `timeout` for one to be appended; `Ok(None)` if none
    /// came.
    pub fn next_timeout(&mut self, timeout: Duration) -> Result<Option<Envelope>, StoreError> {
        if self.buffer.is_empty() {
            self.fill()?;
        }
        if self.buffer.is_empty() {
            self.store.wait_beyond(self.next_position - 1, timeout)?;
            self.fill()?;
        }
        Ok(self.buffer.pop_front())
    }

    fn fill(&mut self) -> Result<(), StoreError> {
        for envelope in self.store.read_all(self.next_position).take(BATCH) {
            let envelope = envelope?;
            self.next_position = envelope.header.position + 1;
            self.buffer.push_back(envelope);
        }
        Ok(())
    }
}

impl Iterator for Subscription<'_> {
    type Item = Result<Envelope, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_timeout(Duration::from_secs(1)) {
                Ok(Some(envelope)) => return Some(Ok(envelope)),
                Ok(None) => continue,
                Err(error) => return Some(Err(error)),
            }
        }
    }
}
