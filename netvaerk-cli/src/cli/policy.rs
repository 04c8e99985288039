//! `netvaerk policy ...`: the policy in force (limits, ranges, phase plans).

use std::path::PathBuf;

use clap::Subcommand;

use super::Decided;

/// `policy ...`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the policy in force as JSON.
    Show,
    /// Put the policy in a JSON file in force.
    Set {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        decided: Decided,
    },
}
