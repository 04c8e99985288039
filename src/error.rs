//! One error for every caller of the service: a stable machine code, the NS3 rule where one
//! applies, the input that was wrong, and a message for people.

use netvaerk_core::{DomainError, OrganisationId, Rule, Warning};
use netvaerk_projections::ProjectionError;
use netvaerk_store::StoreError;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use thiserror::Error;

/// What kind of failure an [`Error`](enum@Error) is: what the caller can do about it, and the exit code
/// the `netvaerk` program gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// An NS3 rule refused the command (exit 1). Change the command or the state.
    Refused,
    /// The input is malformed or names what does not exist (exit 2). Fix the input.
    Input,
    /// The store failed, or holds a damaged record (exit 3). Nothing was appended.
    Store,
    /// Other writers kept changing the organisation until the retries ran out (exit 4). Try
    /// again later; nothing was appended.
    Contention,
}

impl ErrorClass {
    /// The `netvaerk` program's exit code for this class: refused 1, input 2, store 3,
    /// contention 4.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Refused => 1,
            Self::Input => 2,
            Self::Store => 3,
            Self::Contention => 4,
        }
    }
}

/// Why the service did not do what was asked. Nothing was appended.
///
/// Every error has a stable snake-case [`Error::code`] (a contract: codes are never reused),
/// an [`ErrorClass`], the NS3 [`Rule`] where one applies, the field and value where an input
/// was wrong, and a message for people ([`std::fmt::Display`]). It serialises as
/// `{"code", "class", "rule", "field", "value", "message"}`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// An NS3 rule refused the command.
    #[error("refused: {0}")]
    Refused(#[source] DomainError),
    /// A command of an atomic batch was refused, so none was appended.
    #[error("command {index} of the batch was refused, so none was appended: {error}")]
    BatchRefused {
        /// The refused command's place in the batch, from 0.
        index: usize,
        /// The refusal.
        #[source]
        error: DomainError,
    },
    /// The input could not be used: malformed JSON, an unknown store address, text that is not
    /// an id, an undecodable stored event.
    #[error("{message}")]
    Input {
        /// The stable code, e.g. `malformed_command`.
        code: &'static str,
        /// The field that was wrong, where known.
        field: Option<String>,
        /// The value given, where known.
        value: Option<String>,
        /// What is wrong, for people.
        message: String,
        /// The same in Danish, where the error has it ([`Error::in_danish`]).
        danish: Option<String>,
    },
    /// The store failed or holds a damaged record.
    #[error("store: {0}")]
    Store(#[source] StoreError),
    /// A stored event could not be decoded: the log holds what this library cannot read.
    #[error("the event at position {position} cannot be decoded: {source}")]
    Undecodable {
        /// Its position.
        position: u64,
        /// Why.
        source: netvaerk_core::DecodeError,
    },
    /// The log does not extend a head it was expected to (`verify --expect`): the record at
    /// that position is missing (the log was cut short) or holds another hash (rewritten).
    #[error("{}", match found {
        None => format!("the log no longer reaches position {position}: it was cut short, or this is another log"),
        Some(found) => format!("position {position} holds hash {found}, not the expected {expected}: the log was rewritten, or this is another log"),
    })]
    NotExtended {
        /// The expected head's position.
        position: u64,
        /// Its expected hash, hex.
        expected: String,
        /// The hash the log holds there, hex; `None` when it does not reach the position.
        found: Option<String>,
    },
    /// A command id (over HTTP, an `Idempotency-Key`) was sent again with another command: it
    /// is bound to the first command sent with it in the organisation, whose outcome a retry
    /// gets. Nothing was appended. Send the new command with a new id (or key); send the first
    /// command unchanged to learn its outcome.
    #[error(
        "the command id {command_id} was used in organisation {organisation} for another command (another action, actor, date, rationale or acknowledgements); nothing was appended: send a new command with a new id or Idempotency-Key"
    )]
    IdempotencyKeyReused {
        /// The organisation.
        organisation: OrganisationId,
        /// The command id sent again.
        command_id: uuid::Uuid,
    },
    /// Other writers changed the organisation every time the service tried to append.
    #[error(
        "organisation {organisation} changed under {attempts} attempt(s) in a row by other writers; \
         nothing was appended, try again"
    )]
    Contention {
        /// The organisation.
        organisation: OrganisationId,
        /// How many times the service decided and tried to append.
        attempts: u32,
    },
}

impl Error {
    /// Bad input, with its code, field and value.
    pub fn input(
        code: &'static str,
        field: Option<&str>,
        value: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Input { code, field: field.map(str::to_owned), value, message: message.into(), danish: None }
    }

    /// The input error with its message in Danish too, which [`Error::message`] gives in
    /// Danish (other errors are unchanged).
    #[must_use]
    pub fn in_danish(mut self, text: impl Into<String>) -> Self {
        if let Self::Input { danish, .. } = &mut self {
            *danish = Some(text.into());
        }
        self
    }

    /// The message for people in `lang`. Refusals (and their warnings) have their Danish from
    /// the core ([`DomainError::danish`]); other errors are in English in both languages.
    pub fn message(&self, lang: crate::Lang) -> String {
        match (lang, self) {
            (crate::Lang::Da, Self::Refused(error)) => format!("afvist: {}", error.danish()),
            (crate::Lang::Da, Self::BatchRefused { index, error }) => {
                format!("kommando {index} i batchen blev afvist, så ingen blev tilføjet: {}", error.danish())
            }
            (crate::Lang::Da, Self::Input { danish: Some(danish), .. }) => danish.clone(),
            _ => self.to_string(),
        }
    }

    /// The stable machine code: the rule's refusal code (`innovation_limit_reached`), the
    /// store's (`corrupt_record`), or this error's own (`contention`, `malformed_command`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Refused(error) | Self::BatchRefused { error, .. } => error.code(),
            Self::Input { code, .. } => code,
            Self::Store(error) => error.code(),
            Self::Undecodable { .. } => "undecodable_event",
            Self::NotExtended { .. } => "log_not_extended",
            Self::Contention { .. } => "contention",
            Self::IdempotencyKeyReused { .. } => "idempotency_key_reused",
        }
    }

    /// What kind of failure it is.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Refused(error) | Self::BatchRefused { error, .. } if error.is_input() => ErrorClass::Input,
            Self::Refused(_) | Self::BatchRefused { .. } => ErrorClass::Refused,
            Self::Input { .. } | Self::IdempotencyKeyReused { .. } => ErrorClass::Input,
            Self::Store(error) if error.is_input() => ErrorClass::Input,
            Self::Store(StoreError::WrongExpectedVersion { .. }) => ErrorClass::Contention,
            Self::Store(_) | Self::Undecodable { .. } | Self::NotExtended { .. } => ErrorClass::Store,
            Self::Contention { .. } => ErrorClass::Contention,
        }
    }

    /// The NS3 rule that refused, where one did.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Self::Refused(error) | Self::BatchRefused { error, .. } => error.rule(),
            _ => None,
        }
    }

    /// The warnings a refusal for unacknowledged warnings lists (each names its rule with
    /// [`Warning::rule`]); empty for every other error. Acknowledge each warning's rule with a
    /// rationale ([`netvaerk_core::Acknowledgement`]) to decide anyway.
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Self::Refused(DomainError::UnacknowledgedWarnings { warnings })
            | Self::BatchRefused { error: DomainError::UnacknowledgedWarnings { warnings }, .. } => warnings,
            _ => &[],
        }
    }

    /// The field (or kind of thing) that was wrong, and the value given, where known.
    pub fn subject(&self) -> Option<(String, String)> {
        match self {
            Self::Refused(error) | Self::BatchRefused { error, .. } => {
                error.subject().map(|(field, value)| (field.to_owned(), value))
            }
            Self::Input { field: Some(field), value, .. } => {
                Some((field.clone(), value.clone().unwrap_or_default()))
            }
            Self::Store(StoreError::InvalidPersonalData { field, .. }) => {
                Some(((*field).to_owned(), String::new()))
            }
            Self::Store(
                StoreError::NotInRegistry(person)
                | StoreError::Erased(person)
                | StoreError::RegistryConflict(person)
                | StoreError::UnrecordedErasure(person),
            ) => Some(("person".to_owned(), person.to_string())),
            Self::Store(StoreError::NoSuchPosition(position) | StoreError::AlreadyRedacted(position)) => {
                Some(("position".to_owned(), position.to_string()))
            }
            Self::Store(StoreError::ReservedStream { name }) => Some(("stream".to_owned(), name.clone())),
            Self::IdempotencyKeyReused { command_id, .. } => {
                Some(("command_id".to_owned(), command_id.to_string()))
            }
            _ => None,
        }
    }

    /// The position of the record the error is about, where there is one (a damaged record,
    /// an undecodable event).
    pub fn position(&self) -> Option<u64> {
        match self {
            Self::Store(StoreError::Corrupt { position, .. })
            | Self::Undecodable { position, .. }
            | Self::NotExtended { position, .. } => Some(*position),
            _ => None,
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let subject = self.subject();
        let mut fields = serializer.serialize_struct("Error", 7)?;
        fields.serialize_field("code", self.code())?;
        fields.serialize_field("class", &self.class())?;
        fields.serialize_field("rule", &self.rule().map(|rule| rule.to_string()))?;
        fields.serialize_field("field", &subject.as_ref().map(|(field, _)| field))?;
        fields.serialize_field("value", &subject.as_ref().map(|(_, value)| value))?;
        fields.serialize_field("position", &self.position())?;
        fields.serialize_field("message", &self.to_string())?;
        fields.end()
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<netvaerk_core::UnsupportedLanguage> for Error {
    fn from(error: netvaerk_core::UnsupportedLanguage) -> Self {
        Error::input("unsupported_language", Some("lang"), Some(error.0.clone()), error.to_string())
    }
}

impl From<DomainError> for Error {
    fn from(error: DomainError) -> Self {
        Self::Refused(error)
    }
}

impl From<ProjectionError> for Error {
    fn from(error: ProjectionError) -> Self {
        match error {
            ProjectionError::Store(error) => Self::Store(error),
            ProjectionError::Decode { position, source } => Self::Undecodable { position, source },
            // ProjectionError is non-exhaustive: a new kind reads as a store failure until
            // it gets a code of its own.
            other => Self::Store(StoreError::engine(other.to_string())),
        }
    }
}
