//! `netvaerk round ...`: the chief forum's half-year rounds (TH-3).

use clap::Subcommand;
use netvaerk::core::{Action, RoundId};

use super::Decided;

/// `round ...`
#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Open a round, e.g. 2016H2.
    Open {
        /// The round.
        round: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Close the open round.
    Close {
        /// The round.
        round: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
}

impl RoundCommand {
    /// The action and who decided it.
    pub fn action(&self) -> (Action, &Decided) {
        match self {
            Self::Open { round, decided } => (Action::OpenRound { round: *round }, decided),
            Self::Close { round, decided } => (Action::CloseRound { round: *round }, decided),
        }
    }
}
