//! `netvaerk cohort ...`: diploma cohorts (CO).

use clap::Subcommand;
use netvaerk::core::{Action, CohortId, PersonId, TeachingDay};

use super::{core_name, Decided};

/// `cohort ...`
#[derive(Debug, Subcommand)]
pub enum CohortCommand {
    /// Form a cohort (CO-2).
    Form {
        /// A member (repeat).
        #[arg(long = "member", required = true)]
        members: Vec<PersonId>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<CohortId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record a teaching day attended (CO-3).
    Day {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        /// The day: welfare-anew, value-creation, innovation, facilitation-and-leadership,
        /// network-and-base.
        #[arg(value_parser = core_name::<TeachingDay>)]
        day: TeachingDay,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the written assignment passed.
    Written {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the oral exam passed.
    Oral {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Award the diploma.
    Diploma {
        /// The cohort.
        cohort: CohortId,
        /// The member.
        person: PersonId,
        #[command(flatten)]
        decided: Decided,
    },
}

impl CohortCommand {
    /// The action and who decided it.
    pub fn action(&self) -> (Action, &Decided) {
        match self {
            Self::Form { members, id, decided } => (
                Action::FormCohort {
                    cohort: id.unwrap_or_else(CohortId::generate),
                    members: members.iter().copied().collect(),
                },
                decided,
            ),
            Self::Day { cohort, person, day, decided } => {
                (Action::RecordTeachingDay { cohort: *cohort, person: *person, day: *day }, decided)
            }
            Self::Written { cohort, person, decided } => {
                (Action::PassWrittenAssignment { cohort: *cohort, person: *person }, decided)
            }
            Self::Oral { cohort, person, decided } => {
                (Action::PassOralExam { cohort: *cohort, person: *person }, decided)
            }
            Self::Diploma { cohort, person, decided } => {
                (Action::AwardDiploma { cohort: *cohort, person: *person }, decided)
            }
        }
    }
}
