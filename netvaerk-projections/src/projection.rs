//! The `Projection` trait, the folds behind it, and the runner that catches a projection up
//! from a store or rebuilds it, as of a position or a business date.

use chrono::NaiveDate;
use netvaerk_core::{Event, PersonId};
use netvaerk_store::{Envelope, EventMetadata, EventStore, StoreError, StreamId};
use serde::Serialize;
use thiserror::Error;

/// Why a projection could not be brought up to date.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProjectionError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored event could not be decoded.
    #[error("the event at position {position} cannot be decoded: {source}")]
    Decode {
        /// Its position.
        position: u64,
        /// Why.
        source: netvaerk_core::DecodeError,
    },
}

/// A read model folded from envelopes, with the position it has seen up to.
pub trait Projection {
    /// Applies one envelope. Envelopes at or before the checkpoint must be ignored, so that
    /// catching up in any chunks gives what rebuilding in one go gives.
    fn apply(&mut self, envelope: &Envelope) -> Result<(), ProjectionError>;

    /// The last position applied (0 before any).
    fn checkpoint(&self) -> u64;
}

/// One decided event with its context, as a fold sees it.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<'a> {
    /// The global position.
    pub position: u64,
    /// Who decided, on which business date, recorded when.
    pub metadata: &'a EventMetadata,
    /// The decision's rationale, if any.
    pub rationale: Option<&'a str>,
    /// The event.
    pub event: &'a Event,
}

impl Recorded<'_> {
    /// The business date.
    pub fn on(&self) -> NaiveDate {
        self.metadata.occurred_on
    }

    /// Who decided.
    pub fn actor(&self) -> PersonId {
        self.metadata.actor
    }
}

/// A deterministic fold over an organisation's events.
pub trait Fold {
    /// Folds one event.
    fn fold(&mut self, recorded: &Recorded<'_>);
}

/// Which history to fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AsOf {
    /// Everything recorded.
    Now,
    /// What was recorded up to and including this position.
    Position(u64),
    /// The decisions made (by business date, `occurred_on`) on or before this date, whenever
    /// they were recorded.
    Date(NaiveDate),
}

impl AsOf {
    fn admits(&self, envelope: &Envelope) -> bool {
        match self {
            Self::Now => true,
            Self::Position(position) => envelope.header.position <= *position,
            Self::Date(date) => envelope.header.metadata.occurred_on <= *date,
        }
    }

    /// Whether no later envelope can be admitted (a position cut-off has passed).
    fn is_past(&self, envelope: &Envelope) -> bool {
        matches!(self, Self::Position(position) if envelope.header.position > *position)
    }
}

/// A fold of one organisation's stream, with its checkpoint: the [`Projection`] over any
/// [`Fold`].
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Projector<F> {
    #[serde(skip)]
    stream: StreamId,
    checkpoint: u64,
    fold: F,
}

impl<F: Fold + Default> Projector<F> {
    /// An empty projection of `stream`.
    pub fn new(stream: StreamId) -> Self {
        Self { stream, checkpoint: 0, fold: F::default() }
    }
}

impl<F> Projector<F> {
    /// A projection of `stream` resumed from `fold`, which folded the stream's events up to
    /// and including position `checkpoint` (a snapshot's, checked against the log first).
    pub fn resume(stream: StreamId, checkpoint: u64, fold: F) -> Self {
        Self { stream, checkpoint, fold }
    }

    /// The read model.
    pub fn get(&self) -> &F {
        &self.fold
    }

    /// The read model, taken out.
    pub fn into_inner(self) -> F {
        self.fold
    }

    /// The stream it folds.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }
}

impl<F: Fold> Projector<F> {
    /// Applies an envelope whose event is already decoded (`None` when redacted or in a `$`
    /// stream), as [`Projection::apply`] would.
    pub fn apply_decoded(&mut self, envelope: &Envelope, event: Option<&Event>) {
        if envelope.header.position <= self.checkpoint {
            return;
        }
        // Other streams (other organisations, the store's own `$` streams) and redacted bodies
        // advance the checkpoint and nothing else.
        if let Some(event) = event.filter(|_| envelope.header.stream == self.stream) {
            self.fold.fold(&Recorded {
                position: envelope.header.position,
                metadata: &envelope.header.metadata,
                rationale: envelope.rationale(),
                event,
            });
        }
        self.checkpoint = envelope.header.position;
    }

    /// [`Self::apply_decoded`] for a record of this projector's stream that [`rebuild_all`]'s
    /// readers took apart (they matched it to this stream).
    fn apply_folded(&mut self, folded: &Folded) {
        if folded.position <= self.checkpoint {
            return;
        }
        if let Some(event) = &folded.event {
            self.fold.fold(&Recorded {
                position: folded.position,
                metadata: &folded.metadata,
                rationale: folded.rationale.as_deref(),
                event,
            });
        }
        self.checkpoint = folded.position;
    }
}

/// The event in an envelope for a fold: `None` for redacted bodies and the store's own `$`
/// streams.
fn decoded(envelope: &Envelope) -> Result<Option<Event>, ProjectionError> {
    envelope.event().map_err(|source| ProjectionError::Decode { position: envelope.header.position, source })
}

impl<F: Fold> Projection for Projector<F> {
    fn apply(&mut self, envelope: &Envelope) -> Result<(), ProjectionError> {
        if envelope.header.position <= self.checkpoint {
            return Ok(());
        }
        let event = if envelope.header.stream == self.stream { decoded(envelope)? } else { None };
        self.apply_decoded(envelope, event.as_ref());
        Ok(())
    }

    fn checkpoint(&self) -> u64 {
        self.checkpoint
    }
}

/// Catches `projection` up with `store`: applies every envelope after its checkpoint.
/// Returns how many envelopes it applied.
pub fn catch_up<P: Projection>(projection: &mut P, store: &dyn EventStore) -> Result<u64, ProjectionError> {
    let mut applied = 0;
    for envelope in store.read_all(projection.checkpoint() + 1) {
        projection.apply(&envelope?)?;
        applied += 1;
    }
    Ok(applied)
}

/// Positions per chunk that a reader thread of [`rebuild_all`] reads and decodes at a time
/// (the PostgreSQL store's page, so a chunk is one round trip).
const CHUNK: u64 = 2_000;

/// What a fold needs of one organisation's record, taken in the reader thread from the record
/// as the store lent it, checked ([`EventStore::visit_range`]): the stream (an index into its
/// chunk's streams), position, metadata and rationale, and the decoded event (`None` when
/// redacted without a scrubbed event: it advances the checkpoint and nothing else). Nothing
/// else of the record is copied.
struct Folded {
    stream: usize,
    position: u64,
    metadata: EventMetadata,
    rationale: Option<String>,
    event: Option<Event>,
}

/// One chunk's records of organisations' streams (the store's own `$` streams left out).
struct Chunk {
    /// The streams its records name, each once, in the order first met.
    streams: Vec<StreamId>,
    records: Vec<Folded>,
    /// How many positions the store gave, `$` streams included: fewer than [`CHUNK`] at the
    /// end of what was committed.
    read: u64,
}

/// Reads, checks and decodes the positions `first..first + CHUNK` (fewer at the end of the
/// log). Every record goes through the store's checked read ([`EventStore::visit_range`]:
/// checksum, hash, body digest, the position it names) before it is decoded.
fn read_chunk(store: &dyn EventStore, first: u64) -> Result<Chunk, ProjectionError> {
    let (mut streams, mut records): (Vec<StreamId>, Vec<Folded>) =
        (Vec::new(), Vec::with_capacity(CHUNK as usize));
    let mut undecodable = None;
    let read = store.visit_range(first, first + CHUNK - 1, &mut |record| {
        if record.stream.starts_with('$') {
            return Ok(());
        }
        let event = match record.event() {
            Ok(event) => event,
            Err(source) => {
                undecodable = Some(ProjectionError::Decode { position: record.position, source });
                // Stops the read; the error above is the one returned.
                return Err(StoreError::NoSuchPosition(record.position));
            }
        };
        // A chunk names a few streams: the last one met is most often the next.
        let stream = match streams.iter().rposition(|known| known.as_str() == record.stream) {
            Some(stream) => stream,
            None => {
                streams.push(StreamId::new(record.stream)?);
                streams.len() - 1
            }
        };
        records.push(Folded {
            stream,
            position: record.position,
            metadata: record.metadata,
            rationale: record.rationale.map(str::to_owned),
            event,
        });
        Ok(())
    });
    match (undecodable, read) {
        (Some(error), _) => Err(error),
        (None, read) => Ok(Chunk { streams, records, read: read? }),
    }
}

/// Rebuilds a projection of every organisation's stream from the whole log, up to the head
/// when called, in one pass.
///
/// Reading, checking and decoding take most of the time, so they run on twice as many threads
/// as the machine has cores (at most 8), so that a reader waiting on its engine or its database
/// leaves a core to another: reader `r` of `n` reads the chunks of 2,000 positions numbered `r`,
/// `r + n`, and so on, checks each record as every read does (borrowing the engine's bytes
/// where it lends them), decodes its event and keeps what a fold reads of it; the caller's
/// thread folds the chunks in position order as they arrive. Each reader keeps at most one
/// chunk waiting, so memory stays flat however long the log.
pub fn rebuild_all<F: Fold + Default>(
    store: &dyn EventStore,
) -> Result<std::collections::HashMap<StreamId, Projector<F>>, ProjectionError> {
    let head = store.head()?.map_or(0, |head| head.position);
    let chunks = head.div_ceil(CHUNK);
    // Two a core: `netvaerk bench --events 200000` on two cores, alternated, two runs each:
    // replay on sled 354,000-405,000 records/s with two readers, 387,000-452,000 with four;
    // redb 581,000-629,000 with two, 576,000-721,000 with four; PostgreSQL within the noise.
    let readers = (std::thread::available_parallelism().map_or(1, usize::from) * 2).clamp(1, 8) as u64;
    // The projectors in the order their streams were met, and where each stream's is.
    let mut projectors: Vec<Projector<F>> = Vec::new();
    let mut index: std::collections::HashMap<StreamId, usize> = std::collections::HashMap::new();
    std::thread::scope(|scope| {
        let receivers: Vec<_> = (0..readers.min(chunks))
            .map(|reader| {
                let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Chunk, ProjectionError>>(1);
                scope.spawn(move || {
                    for number in (reader..chunks).step_by(readers as usize) {
                        let chunk = read_chunk(store, 1 + number * CHUNK);
                        let stop = chunk.is_err();
                        // The receiver is gone when the folding thread stopped early.
                        if sender.send(chunk).is_err() || stop {
                            return;
                        }
                    }
                });
                receiver
            })
            .collect();
        for number in 0..chunks {
            let receiver = &receivers[(number % readers) as usize];
            // A reader that ended early has sent an error first; a missing chunk is the end.
            let Ok(chunk) = receiver.recv() else { break };
            let chunk = chunk?;
            let slots: Vec<usize> = chunk
                .streams
                .into_iter()
                .map(|stream| {
                    *index.entry(stream).or_insert_with_key(|stream| {
                        projectors.push(Projector::new(stream.clone()));
                        projectors.len() - 1
                    })
                })
                .collect();
            for folded in &chunk.records {
                projectors[slots[folded.stream]].apply_folded(folded);
            }
            // A short chunk is the end of what was committed: the rest would not follow on.
            if chunk.read < CHUNK {
                break;
            }
        }
        Ok(())
    })
    .map(|()| projectors.into_iter().map(|projector| (projector.stream.clone(), projector)).collect())
}

/// Rebuilds a projection of `stream` from position 0, reading only that stream, as of `as_of`.
pub fn rebuild<F: Fold + Default>(
    store: &dyn EventStore,
    stream: &StreamId,
    as_of: AsOf,
) -> Result<Projector<F>, ProjectionError> {
    let mut projector = Projector::new(stream.clone());
    for envelope in store.read_stream(stream, 1)? {
        if as_of.is_past(&envelope) {
            break;
        }
        if as_of.admits(&envelope) {
            projector.apply(&envelope)?;
        }
    }
    Ok(projector)
}

/// Folds envelopes already in memory (e.g. read once for several reports), as of `as_of`.
pub fn fold_envelopes<'a, F: Fold + Default>(
    stream: &StreamId,
    envelopes: impl IntoIterator<Item = &'a Envelope>,
    as_of: AsOf,
) -> Result<Projector<F>, ProjectionError> {
    let mut projector = Projector::new(stream.clone());
    for envelope in envelopes {
        if as_of.admits(envelope) {
            projector.apply(envelope)?;
        }
    }
    Ok(projector)
}
