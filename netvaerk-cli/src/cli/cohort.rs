//! `netvaerk cohort ...`: diploma cohorts (CO).

use clap::Subcommand;
use netvaerk_core::{Action, CohortId, PersonId, TeachingDay};

use netvaerk::Error;

use super::{core_name, Decided, Given, Resolver};

/// `cohort ...`
#[derive(Debug, Subcommand)]
pub enum CohortCommand {
    /// Form a cohort (CO-2).
    Form {
        /// A member (repeat).
        #[arg(long = "member", required = true)]
        members: Vec<Given<PersonId>>,
        /// Its id (default: a new one).
        #[arg(long)]
        id: Option<CohortId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record a teaching day attended (CO-3).
    Day {
        /// The cohort.
        cohort: Given<CohortId>,
        /// The member.
        person: Given<PersonId>,
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
        cohort: Given<CohortId>,
        /// The member.
        person: Given<PersonId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record the oral exam passed.
    Oral {
        /// The cohort.
        cohort: Given<CohortId>,
        /// The member.
        person: Given<PersonId>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Award the diploma.
    Diploma {
        /// The cohort.
        cohort: Given<CohortId>,
        /// The member.
        person: Given<PersonId>,
        #[command(flatten)]
        decided: Decided,
    },
}

impl CohortCommand {
    /// The action and who decided it.
    pub fn action(&self, r: &Resolver<'_>) -> Result<(Action, &Decided), Error> {
        Ok(match self {
            Self::Form { members, id, decided } => (
                Action::FormCohort {
                    cohort: id.unwrap_or_else(CohortId::generate),
                    members: members.iter().map(|given| given.resolve(r)).collect::<Result<_, _>>()?,
                },
                decided,
            ),
            Self::Day { cohort, person, day, decided } => (
                Action::RecordTeachingDay {
                    cohort: cohort.resolve(r)?,
                    person: person.resolve(r)?,
                    day: *day,
                },
                decided,
            ),
            Self::Written { cohort, person, decided } => (
                Action::PassWrittenAssignment { cohort: cohort.resolve(r)?, person: person.resolve(r)? },
                decided,
            ),
            Self::Oral { cohort, person, decided } => {
                (Action::PassOralExam { cohort: cohort.resolve(r)?, person: person.resolve(r)? }, decided)
            }
            Self::Diploma { cohort, person, decided } => {
                (Action::AwardDiploma { cohort: cohort.resolve(r)?, person: person.resolve(r)? }, decided)
            }
        })
    }
}
