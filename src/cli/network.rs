//! `netvaerk network ...`: networks from start to close (NW, RL, CD, PR, TP).

use clap::{Args, Subcommand};
use netvaerk::core::{Action, Hotspot, NetworkId, NetworkType, Outcome, PersonId, ThemeId};

use super::{core_name, Decided};

/// `network ...`. `network help` is SN-2's call on a help hotspot, so clap's own `help`
/// subcommand is off here (it clashed: every `network` command panicked in a debug build);
/// `network --help` still lists the subcommands.
#[derive(Debug, Subcommand)]
#[command(disable_help_subcommand = true)]
pub enum NetworkCommand {
    /// Start a network from a prioritised theme (NW-5).
    Start {
        /// The theme.
        #[arg(long)]
        theme: ThemeId,
        /// The type: learning, welfare, innovation.
        #[arg(long = "type", value_parser = core_name::<NetworkType>)]
        network_type: NetworkType,
        /// The network leader.
        #[arg(long)]
        leader: PersonId,
        /// The co-driver.
        #[arg(long)]
        co_driver: Option<PersonId>,
        /// The reference leader.
        #[arg(long)]
        reference_leader: PersonId,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<NetworkId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Enter the next phase of the plan (PR-5).
    Phase {
        /// The network.
        network: NetworkId,
        /// The phase's name, e.g. "intensive 2".
        phase: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Begin the test phase (TP-1).
    Test {
        /// The network.
        network: NetworkId,
        /// The funding found (RL-5).
        #[arg(long)]
        funding: Option<String>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Close with an outcome (TP-2).
    Close {
        /// The network.
        network: NetworkId,
        /// The outcome: implemented, handed-on-for-scaling, knowledge-shared, stopped.
        #[arg(long, value_parser = core_name::<Outcome>)]
        outcome: Outcome,
        /// Why (required when stopped).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Hand the network to a new reference leader (TP-1).
    ReferenceLeader(Handover),
    /// Attach a co-driver (CD-1).
    AttachCoDriver {
        /// The network.
        network: NetworkId,
        /// The co-driver.
        #[arg(long)]
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Change the co-driver, with a reason (CD-2).
    ChangeCoDriver(Handover),
    /// Record the mandate contract (RL-4).
    Mandate {
        /// The network.
        network: NetworkId,
        /// The leader's personnel leader.
        #[arg(long)]
        personnel_leader: PersonId,
        /// The secretariat's party.
        #[arg(long)]
        secretariat: PersonId,
        /// The terms.
        #[arg(long)]
        terms: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Call on a help hotspot (SN-2).
    Help {
        /// The network.
        network: NetworkId,
        /// The hotspot: communication, design, legal, finance, analysis.
        #[arg(long, value_parser = core_name::<Hotspot>)]
        hotspot: Hotspot,
        /// What help.
        #[arg(long)]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
}

/// A role in a network handed to another person, with the reason.
#[derive(Debug, Args)]
pub struct Handover {
    /// The network.
    network: NetworkId,
    /// The person who takes the role over.
    #[arg(long)]
    to: PersonId,
    /// Why.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    decided: Decided,
}

impl NetworkCommand {
    /// The action and who decided it.
    pub fn action(&self) -> (Action, &Decided) {
        match self {
            Self::Start { theme, network_type, leader, co_driver, reference_leader, id, decided } => (
                Action::StartNetwork {
                    network: id.unwrap_or_else(NetworkId::generate),
                    theme: *theme,
                    network_type: *network_type,
                    leader: *leader,
                    co_driver: *co_driver,
                    reference_leader: *reference_leader,
                },
                decided,
            ),
            Self::Phase { network, phase, decided } => {
                (Action::EnterPhase { network: *network, phase: phase.clone() }, decided)
            }
            Self::Test { network, funding, decided } => {
                (Action::BeginTestPhase { network: *network, funding: funding.clone() }, decided)
            }
            Self::Close { network, outcome, reason, decided } => (
                Action::CloseNetwork { network: *network, outcome: *outcome, reason: reason.clone() },
                decided,
            ),
            Self::ReferenceLeader(Handover { network, to, reason, decided }) => (
                Action::ChangeReferenceLeader { network: *network, to: *to, reason: reason.clone() },
                decided,
            ),
            Self::AttachCoDriver { network, person, decided } => {
                (Action::AttachCoDriver { network: *network, person: *person }, decided)
            }
            Self::ChangeCoDriver(Handover { network, to, reason, decided }) => {
                (Action::ChangeCoDriver { network: *network, to: *to, reason: reason.clone() }, decided)
            }
            Self::Mandate { network, personnel_leader, secretariat, terms, decided } => (
                Action::AgreeMandateContract {
                    network: *network,
                    personnel_leader: *personnel_leader,
                    secretariat: *secretariat,
                    terms: terms.clone(),
                },
                decided,
            ),
            Self::Help { network, hotspot, note, decided } => {
                (Action::RequestHelp { network: *network, hotspot: *hotspot, note: note.clone() }, decided)
            }
        }
    }
}
