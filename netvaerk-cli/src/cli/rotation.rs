//! `netvaerk rotation ...`: bounded rotations in the secretariat (SN-1).

use chrono::NaiveDate;
use clap::Subcommand;
use netvaerk_core::{Action, PersonId};

use netvaerk::Error;

use super::{Decided, Given, Resolver};

/// `rotation ...`
#[derive(Debug, Subcommand)]
pub enum RotationCommand {
    /// Start a bounded rotation (SN-1).
    Start {
        /// The person.
        person: Given<PersonId>,
        /// The skills the chief forum points to.
        #[arg(long)]
        skills: String,
        /// The planned end: 2016-06-30 or 30.06.2016.
        #[arg(long, value_parser = crate::cli::date)]
        until: NaiveDate,
        #[command(flatten)]
        decided: Decided,
    },
    /// End the rotation.
    End {
        /// The person.
        person: Given<PersonId>,
        #[command(flatten)]
        decided: Decided,
    },
}

impl RotationCommand {
    /// The action and who decided it.
    pub fn action(&self, r: &Resolver<'_>) -> Result<(Action, &Decided), Error> {
        Ok(match self {
            Self::Start { person, skills, until, decided } => (
                Action::StartRotation { person: person.resolve(r)?, skills: skills.clone(), until: *until },
                decided,
            ),
            Self::End { person, decided } => (Action::EndRotation { person: person.resolve(r)? }, decided),
        })
    }
}
