//! `netvaerk network ...`: networks from start to close (NW, RL, CD, PR, TP).

use clap::{Args, Subcommand};
use netvaerk_core::{
    Action, Hotspot, NetworkId, NetworkType, Outcome, OutputKind, PersonId, PoliticalLink, ThemeId, UnitId,
};

use netvaerk::Error;

use super::{core_name, Decided, Given, Resolver};

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
        theme: Given<ThemeId>,
        /// The type: learning, welfare, innovation.
        #[arg(long = "type", value_parser = core_name::<NetworkType>)]
        network_type: NetworkType,
        /// The network leader.
        #[arg(long)]
        leader: Given<PersonId>,
        /// The co-driver.
        #[arg(long)]
        co_driver: Option<Given<PersonId>>,
        /// The reference leader (RL-1: a learning network may start without one).
        #[arg(long)]
        reference_leader: Option<Given<PersonId>>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<NetworkId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Enter the next phase of the plan (PR-5).
    Phase {
        /// The network.
        network: Given<NetworkId>,
        /// The phase's name, e.g. "intensive 2".
        phase: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Begin the test phase (TP-1).
    Test {
        /// The network.
        network: Given<NetworkId>,
        /// The funding found: its source (RL-5).
        #[arg(long)]
        funding: Option<String>,
        /// The funding's amount in kroner (RL-5; needs --funding).
        #[arg(long)]
        funding_kr: Option<u64>,
        /// What is tested.
        #[arg(long)]
        tested: Option<String>,
        /// A base unit that takes ownership in the test (repeat).
        #[arg(long = "owner")]
        owners: Vec<Given<UnitId>>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Add participants to the network (TP-3).
    Participants {
        /// The network.
        network: Given<NetworkId>,
        /// A participant (repeat).
        #[arg(long = "person", required = true)]
        persons: Vec<Given<PersonId>>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record what the network produced (TP-4).
    Output {
        /// The network.
        network: Given<NetworkId>,
        /// The kind: product, knowledge, effect, handover, test-result.
        #[arg(long, value_parser = core_name::<OutputKind>)]
        kind: OutputKind,
        /// What it is.
        #[arg(long)]
        description: String,
        /// A base unit it concerns (repeat; knowledge and a handover name at least one).
        #[arg(long = "unit")]
        units: Vec<Given<UnitId>>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Plan the network's phases anew, keeping those done (PR-5): a JSON file like a policy's plans
    Replan {
        /// The network.
        network: Given<NetworkId>,
        /// The new phase plan: a JSON file {"phases": [{"name", "kind", "weeks"}, ...]}.
        #[arg(long)]
        plan: std::path::PathBuf,
        /// Why it is planned anew.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Close with an outcome (TP-2).
    Close {
        /// The network.
        network: Given<NetworkId>,
        /// The outcome: implemented, handed-on-for-scaling, knowledge-shared, stopped.
        #[arg(long, value_parser = core_name::<Outcome>)]
        outcome: Outcome,
        /// Why (required when stopped).
        #[arg(long)]
        reason: Option<String>,
        /// The numbers of the success criteria met, from 1 (`--met 1,3`; `--met` alone: none);
        /// required where the network has success criteria (NW-6).
        #[arg(long, value_delimiter = ',', num_args = 0..)]
        met: Option<Vec<u32>>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Set the network's goals and success criteria, at its start or revised with a reason
    /// (NW-6).
    Goals {
        /// The network.
        network: Given<NetworkId>,
        /// A goal (repeat for each).
        #[arg(long = "goal", required = true)]
        goals: Vec<String>,
        /// A success criterion (repeat for each; numbered from 1 in the order given).
        #[arg(long = "criterion", required = true)]
        criteria: Vec<String>,
        /// Why they are revised (required once goals are set).
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
        network: Given<NetworkId>,
        /// The co-driver.
        #[arg(long)]
        person: Given<PersonId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Change a co-driver, with a reason (CD-2).
    ChangeCoDriver {
        #[command(flatten)]
        handover: Handover,
        /// The co-driver who leaves, where the network has several (CD-1).
        #[arg(long)]
        from: Option<Given<PersonId>>,
    },
    /// Record the mandate contract (RL-4).
    Mandate {
        /// The network.
        network: Given<NetworkId>,
        /// The leader's personnel leader.
        #[arg(long)]
        personnel_leader: Given<PersonId>,
        /// The secretariat's party.
        #[arg(long)]
        secretariat: Given<PersonId>,
        /// The terms.
        #[arg(long)]
        terms: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Call on a help hotspot (SN-2).
    Help {
        /// The network.
        network: Given<NetworkId>,
        /// The staff function: communication, design, legal, finance, analysis, or another
        /// (SN-2: "osv.").
        #[arg(long)]
        hotspot: Hotspot,
        /// What help.
        #[arg(long)]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Judge where the network plays up to the political level (ORG-2; the reference leader,
    /// or the chief forum; the secretariat may record it).
    Political {
        /// The network.
        network: Given<NetworkId>,
        /// none, subject-committee, innovation-committee or municipal-council.
        #[arg(long, value_parser = core_name::<PoliticalLink>)]
        link: PoliticalLink,
        /// The subject committee's name (with subject-committee).
        #[arg(long)]
        committee: Option<String>,
        #[command(flatten)]
        decided: Decided,
    },
}

/// A role in a network handed to another person, with the reason.
#[derive(Debug, Args)]
pub struct Handover {
    /// The network.
    network: Given<NetworkId>,
    /// The person who takes the role over.
    #[arg(long)]
    to: Given<PersonId>,
    /// Why.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    decided: Decided,
}

impl NetworkCommand {
    /// The action and who decided it.
    pub fn action(&self, r: &Resolver<'_>) -> Result<(Action, &Decided), Error> {
        Ok(match self {
            Self::Start { theme, network_type, leader, co_driver, reference_leader, id, decided } => (
                Action::StartNetwork {
                    network: id.unwrap_or_else(NetworkId::generate),
                    theme: theme.resolve(r)?,
                    network_type: *network_type,
                    leader: leader.resolve(r)?,
                    co_driver: co_driver.as_ref().map(|given| given.resolve(r)).transpose()?,
                    reference_leader: reference_leader.as_ref().map(|given| given.resolve(r)).transpose()?,
                },
                decided,
            ),
            Self::Phase { network, phase, decided } => {
                (Action::EnterPhase { network: network.resolve(r)?, phase: phase.clone() }, decided)
            }
            Self::Test { network, funding, funding_kr, tested, owners, decided } => (
                Action::BeginTestPhase {
                    network: network.resolve(r)?,
                    funding: funding.clone(),
                    funding_kr: *funding_kr,
                    tested: tested.clone(),
                    owners: owners.iter().map(|owner| owner.resolve(r)).collect::<Result<_, _>>()?,
                },
                decided,
            ),
            Self::Participants { network, persons, decided } => (
                Action::AddParticipants {
                    network: network.resolve(r)?,
                    participants: persons.iter().map(|person| person.resolve(r)).collect::<Result<_, _>>()?,
                },
                decided,
            ),
            Self::Output { network, kind, description, units, decided } => (
                Action::RecordOutput {
                    network: network.resolve(r)?,
                    kind: *kind,
                    description: description.clone(),
                    units: units.iter().map(|unit| unit.resolve(r)).collect::<Result<_, _>>()?,
                },
                decided,
            ),
            Self::Replan { network, plan, reason, decided } => {
                let text = std::fs::read_to_string(plan).map_err(|error| {
                    Error::input(
                        "unreadable_plan",
                        Some("plan"),
                        None,
                        format!("cannot read {}: {error}", plan.display()),
                    )
                })?;
                let phase_plan = serde_json::from_str(&text).map_err(|error| {
                    let message = format!("{} is not a phase plan: {error}", plan.display());
                    Error::input("malformed_plan", Some("plan"), None, message)
                })?;
                let action = Action::ReplanNetwork {
                    network: network.resolve(r)?,
                    phase_plan,
                    reason: reason.clone(),
                };
                (action, decided)
            }
            Self::Close { network, outcome, reason, met, decided } => (
                Action::CloseNetwork {
                    network: network.resolve(r)?,
                    outcome: *outcome,
                    reason: reason.clone(),
                    criteria_met: met.as_ref().map(|met| met.iter().copied().collect()),
                },
                decided,
            ),
            Self::Goals { network, goals, criteria, reason, decided } => (
                Action::SetGoals {
                    network: network.resolve(r)?,
                    goals: goals.clone(),
                    success_criteria: criteria.clone(),
                    reason: reason.clone(),
                },
                decided,
            ),
            Self::ReferenceLeader(Handover { network, to, reason, decided }) => (
                Action::ChangeReferenceLeader {
                    network: network.resolve(r)?,
                    to: to.resolve(r)?,
                    reason: reason.clone(),
                },
                decided,
            ),
            Self::AttachCoDriver { network, person, decided } => {
                (Action::AttachCoDriver { network: network.resolve(r)?, person: person.resolve(r)? }, decided)
            }
            Self::ChangeCoDriver { handover: Handover { network, to, reason, decided }, from } => (
                Action::ChangeCoDriver {
                    network: network.resolve(r)?,
                    from: from.as_ref().map(|given| given.resolve(r)).transpose()?,
                    to: to.resolve(r)?,
                    reason: reason.clone(),
                },
                decided,
            ),
            Self::Mandate { network, personnel_leader, secretariat, terms, decided } => (
                Action::AgreeMandateContract {
                    network: network.resolve(r)?,
                    personnel_leader: personnel_leader.resolve(r)?,
                    secretariat: secretariat.resolve(r)?,
                    terms: terms.clone(),
                },
                decided,
            ),
            Self::Help { network, hotspot, note, decided } => (
                Action::RequestHelp {
                    network: network.resolve(r)?,
                    hotspot: hotspot.clone(),
                    note: note.clone(),
                },
                decided,
            ),
            Self::Political { network, link, committee, decided } => (
                Action::LinkPolitically {
                    network: network.resolve(r)?,
                    link: *link,
                    committee: committee.clone(),
                },
                decided,
            ),
        })
    }
}
