//! `netvaerk theme ...`: themes from proposal to prioritisation (TH).

use clap::Subcommand;
use netvaerk_core::{
    Action, Criterion, CriterionAssessment, NetworkType, Origin, PersonId, RoundId, ThemeId, UnitId,
};

use netvaerk::Error;

use super::{core_name, Decided, Given, Resolver};

/// `theme ...`
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Propose a theme on the theme template (TH-1).
    Propose {
        /// The title.
        #[arg(long)]
        title: String,
        /// The challenge: the burning platform.
        #[arg(long)]
        challenge: String,
        /// The proposing chief-forum member.
        #[arg(long)]
        proposer: Given<PersonId>,
        /// A department involved (repeat for more).
        #[arg(long = "department", required = true)]
        departments: Vec<Given<UnitId>>,
        /// Where the demand comes from: below, outside, above (comma-separated).
        #[arg(long, value_parser = core_name::<Origin>, value_delimiter = ',', required = true)]
        origin: Vec<Origin>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<ThemeId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the qualification on the seven criteria (TH-2).
    Qualify {
        /// The theme.
        theme: Given<ThemeId>,
        /// Criteria met (comma-separated): citizen-welfare, current-challenge, cross-cutting,
        /// complexity, new-learning, innovation, new-perspectives.
        #[arg(long, value_parser = core_name::<Criterion>, value_delimiter = ',')]
        met: Vec<Criterion>,
        /// Criteria not met (comma-separated).
        #[arg(long, value_parser = core_name::<Criterion>, value_delimiter = ',')]
        unmet: Vec<Criterion>,
        /// A note for the assessment.
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Prioritise the theme in the open round.
    Prioritise {
        /// The theme.
        theme: Given<ThemeId>,
        /// Its rank in the round.
        #[arg(long)]
        rank: u32,
        /// The recommended network type: learning, welfare, innovation.
        #[arg(long = "type", value_parser = core_name::<NetworkType>)]
        network_type: NetworkType,
        #[command(flatten)]
        decided: Decided,
    },
    /// Defer the theme to a later round.
    Defer {
        /// The theme.
        theme: Given<ThemeId>,
        /// The round.
        #[arg(long)]
        to: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Reject the theme.
    Reject {
        /// The theme.
        theme: Given<ThemeId>,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Withdraw the theme.
    Withdraw {
        /// The theme.
        theme: Given<ThemeId>,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Refine the theme (TH-4).
    Refine {
        /// The theme.
        theme: Given<ThemeId>,
        /// A new title.
        #[arg(long)]
        title: Option<String>,
        /// A new challenge.
        #[arg(long)]
        challenge: Option<String>,
        /// What changed.
        #[arg(long)]
        note: String,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record that a person opts in as reference leader on the theme (RL-2): `--by` the person
    /// themself, or the secretariat with `--why` saying how they asked.
    Accept {
        /// The theme.
        theme: Given<ThemeId>,
        /// The person.
        #[arg(long)]
        person: Given<PersonId>,
        #[command(flatten)]
        decided: Decided,
    },
}

impl ThemeCommand {
    /// The action and who decided it.
    pub fn action(&self, r: &Resolver<'_>) -> Result<(Action, &Decided), Error> {
        Ok(match self {
            Self::Propose { title, challenge, proposer, departments, origin, id, decided } => (
                Action::ProposeTheme {
                    theme: id.unwrap_or_else(ThemeId::generate),
                    title: title.clone(),
                    challenge: challenge.clone(),
                    proposed_by: proposer.resolve(r)?,
                    departments: departments
                        .iter()
                        .map(|given| given.resolve(r))
                        .collect::<Result<_, _>>()?,
                    origins: origin.iter().copied().collect(),
                },
                decided,
            ),
            Self::Qualify { theme, met, unmet, note, decided } => {
                let verdicts = met
                    .iter()
                    .map(|criterion| (criterion, true))
                    .chain(unmet.iter().map(|criterion| (criterion, false)));
                let assessments = verdicts
                    .map(|(criterion, met)| CriterionAssessment {
                        criterion: *criterion,
                        met,
                        note: note.clone(),
                    })
                    .collect();
                (Action::QualifyTheme { theme: theme.resolve(r)?, assessments }, decided)
            }
            Self::Prioritise { theme, rank, network_type, decided } => (
                Action::PrioritiseTheme {
                    theme: theme.resolve(r)?,
                    rank: *rank,
                    recommended_type: *network_type,
                },
                decided,
            ),
            Self::Defer { theme, to, decided } => {
                (Action::DeferTheme { theme: theme.resolve(r)?, to_round: *to }, decided)
            }
            Self::Reject { theme, reason, decided } => {
                (Action::RejectTheme { theme: theme.resolve(r)?, reason: reason.clone() }, decided)
            }
            Self::Withdraw { theme, reason, decided } => {
                (Action::WithdrawTheme { theme: theme.resolve(r)?, reason: reason.clone() }, decided)
            }
            Self::Refine { theme, title, challenge, note, decided } => (
                Action::RefineTheme {
                    theme: theme.resolve(r)?,
                    title: title.clone(),
                    challenge: challenge.clone(),
                    note: note.clone(),
                },
                decided,
            ),
            Self::Accept { theme, person, decided } => (
                Action::AcceptReferenceRole { theme: theme.resolve(r)?, person: person.resolve(r)? },
                decided,
            ),
        })
    }
}
