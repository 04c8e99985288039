//! `netvaerk unit ...`: units of the base organisation (ORG-1).

use clap::Subcommand;
use netvaerk::core::{Action, UnitId, UnitKind};

use super::{core_name, Decided};

/// `unit ...`
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Register a unit.
    Register {
        /// Its kind: director-area, department, secretariat.
        #[arg(long, value_parser = core_name::<UnitKind>)]
        kind: UnitKind,
        /// The unit above it (a department's director area).
        #[arg(long)]
        parent: Option<UnitId>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<UnitId>,
        #[command(flatten)]
        decided: Decided,
    },
}

impl UnitCommand {
    /// The action and who decided it.
    pub fn action(&self) -> (Action, &Decided) {
        match self {
            Self::Register { kind, parent, id, decided } => (
                Action::RegisterUnit {
                    unit: id.unwrap_or_else(UnitId::generate),
                    kind: *kind,
                    parent: *parent,
                },
                decided,
            ),
        }
    }
}
