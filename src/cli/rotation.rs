//! `netvaerk rotation ...`: bounded rotations in the secretariat (SN-1).

use chrono::NaiveDate;
use clap::Subcommand;
use netvaerk::core::{Action, PersonId};

use super::Decided;

/// `rotation ...`
#[derive(Debug, Subcommand)]
pub enum RotationCommand {
    /// Start a bounded rotation (SN-1).
    Start {
        /// The person.
        person: PersonId,
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
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
}

impl RotationCommand {
    /// The action and who decided it.
    pub fn action(&self) -> (Action, &Decided) {
        match self {
            Self::Start { person, skills, until, decided } => {
                (Action::StartRotation { person: *person, skills: skills.clone(), until: *until }, decided)
            }
            Self::End { person, decided } => (Action::EndRotation { person: *person }, decided),
        }
    }
}
