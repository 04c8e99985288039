//! The service for async code (feature `tokio`): every call runs on tokio's blocking pool, so
//! no runtime worker waits on a disk sync or a database round trip.

use std::sync::Arc;

use netvaerk_core::{Command, OrganisationId, PersonId, State};
use netvaerk_projections::AsOf;
use netvaerk_store::{AppendResult, PersonalData};

use crate::error::Error;
use crate::service::{BatchMode, Outcome, ReadModels, Service};

mod events;

pub use events::EventStream;

/// A [`Service`] for async code: the same operations, each run with
/// [`tokio::task::spawn_blocking`]. Cloning is cheap (it shares the service).
///
/// ```no_run
/// # async fn example(command: netvaerk::Command) -> Result<(), netvaerk::Error> {
/// let service = netvaerk::AsyncService::open("redb:./netvaerk.redb").await?;
/// let organisation = netvaerk::OrganisationId::generate();
/// let outcome = service.execute(organisation, command).await?;
/// println!("appended at {:?}", outcome.positions);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncService {
    service: Arc<Service>,
}

/// Runs `work` on tokio's blocking pool, on a thread declared one where the stores may block
/// ([`netvaerk_store::may_block`]); a panic there is raised again here. What [`AsyncService`]
/// does with each call, for an embedder's own blocking work on the service (the HTTP server's
/// reports and lists).
pub async fn off_the_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    // A blocking-pool thread may block: the PostgreSQL store runs its client there as it is,
    // rather than on a thread of its own per call.
    match tokio::task::spawn_blocking(move || netvaerk_store::may_block(work)).await {
        Ok(value) => value,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

impl AsyncService {
    /// [`Service::open`], off the runtime.
    pub async fn open(address: &str) -> Result<Self, Error> {
        let address = address.to_owned();
        let service = off_the_runtime(move || Service::open(&address)).await?;
        Ok(Self::from(service))
    }

    /// The blocking service underneath.
    pub fn blocking(&self) -> &Arc<Service> {
        &self.service
    }

    /// [`Service::execute`].
    pub async fn execute(&self, organisation: OrganisationId, command: Command) -> Result<Outcome, Error> {
        let service = Arc::clone(&self.service);
        off_the_runtime(move || service.execute(organisation, &command)).await
    }

    /// [`Service::execute_batch`].
    pub async fn execute_batch(
        &self,
        organisation: OrganisationId,
        commands: Vec<Command>,
        mode: BatchMode,
    ) -> Result<Vec<Result<Outcome, Error>>, Error> {
        let service = Arc::clone(&self.service);
        off_the_runtime(move || service.execute_batch(organisation, &commands, mode)).await
    }

    /// [`Service::record_person`].
    pub async fn record_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        data: PersonalData,
        by: PersonId,
    ) -> Result<Option<AppendResult>, Error> {
        let service = Arc::clone(&self.service);
        off_the_runtime(move || service.record_person(organisation, person, data, by)).await
    }

    /// [`Service::erase_person`].
    pub async fn erase_person(
        &self,
        organisation: OrganisationId,
        person: PersonId,
        by: PersonId,
    ) -> Result<AppendResult, Error> {
        let service = Arc::clone(&self.service);
        off_the_runtime(move || service.erase_person(organisation, person, by)).await
    }

    /// [`Service::state`].
    pub async fn state(&self, organisation: OrganisationId) -> Result<State, Error> {
        let service = Arc::clone(&self.service);
        off_the_runtime(move || service.state(organisation)).await
    }

    /// [`Service::read_models`]: `view` runs on the blocking pool too.
    pub async fn read_models<R: Send + 'static>(
        &self,
        organisation: OrganisationId,
        as_of: AsOf,
        view: impl FnOnce(ReadModels<'_>) -> R + Send + 'static,
    ) -> Result<R, Error> {
        let service = Arc::clone(&self.service);
        off_the_runtime(move || service.read_models(organisation, as_of, view)).await
    }
}

impl AsyncService {
    /// The log from `from_position` on (1 for all of it), then each record as it is
    /// appended, as a [`Stream`](futures_core::Stream): every organisation's decisions and the
    /// `$registry` and `$redactions` records, in position order and gapless. Filter by
    /// [`Envelope::header`](netvaerk_store::Envelope)'s stream, and decode a decision with
    /// [`Envelope::decode`](netvaerk_store::Envelope::decode). To resume after a restart,
    /// subscribe from the position after the last one handled.
    ///
    /// ```no_run
    /// # async fn example(service: netvaerk::AsyncService) -> Result<(), netvaerk::Error> {
    /// use futures_util::StreamExt as _; // or tokio-stream's, for `next`
    /// let mut events = service.subscribe(1);
    /// while let Some(envelope) = events.next().await {
    ///     let envelope = envelope?;
    ///     println!("{} {}", envelope.header.position, envelope.header.event_type);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn subscribe(&self, from_position: u64) -> EventStream {
        EventStream::new(self.service.shared_store(), from_position)
    }
}

impl From<Service> for AsyncService {
    fn from(service: Service) -> Self {
        Self { service: Arc::new(service) }
    }
}

impl From<Arc<Service>> for AsyncService {
    fn from(service: Arc<Service>) -> Self {
        Self { service }
    }
}
