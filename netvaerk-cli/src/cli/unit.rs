//! `netvaerk unit ...`: units of the base organisation (ORG-1).

use clap::Subcommand;
use netvaerk::Error;
use netvaerk_core::{Action, UnitId, UnitKind};

use super::{core_name, Decided, Given, Resolver};

/// `unit ...`
#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Register a unit (with --name, named in the same atomic batch).
    Register {
        /// Its kind: director-area, department, secretariat.
        #[arg(long, value_parser = core_name::<UnitKind>)]
        kind: UnitKind,
        /// Its name, e.g. "Børn og Unge".
        #[arg(long)]
        name: Option<String>,
        /// The unit above it (a department's director area).
        #[arg(long)]
        parent: Option<Given<UnitId>>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<UnitId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Give a unit its name, or a new one.
    Name {
        /// The unit.
        unit: Given<UnitId>,
        /// The name.
        name: String,
        #[command(flatten)]
        decided: Decided,
    },
}

impl UnitCommand {
    /// The actions and who decided them.
    pub fn actions(&self, r: &Resolver<'_>) -> Result<(Vec<Action>, &Decided), Error> {
        Ok(match self {
            Self::Register { kind, name, parent, id, decided } => {
                let unit = id.unwrap_or_else(UnitId::generate);
                let parent = parent.as_ref().map(|given| given.resolve(r)).transpose()?;
                let mut actions = vec![Action::RegisterUnit { unit, kind: *kind, parent }];
                actions.extend(name.iter().map(|name| Action::NameUnit { unit, name: name.clone() }));
                (actions, decided)
            }
            Self::Name { unit, name, decided } => {
                (vec![Action::NameUnit { unit: unit.resolve(r)?, name: name.clone() }], decided)
            }
        })
    }
}
