//! `netvaerk person ...`: persons, their roles, prior experience, competences, erasure.

use chrono::NaiveDate;
use clap::Subcommand;
use netvaerk_core::{Action, Competence, PersonId, PersonRole, UnitId};

use netvaerk::Error;

use super::{core_name, Decided, Given, Resolver};

/// `person ...`
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Register a person: the id and roles in the log, the name in the registry.
    Register {
        /// Full name (kept in the registry, never in the log).
        #[arg(long)]
        name: String,
        /// E-mail.
        #[arg(long)]
        email: Option<String>,
        /// Job title.
        #[arg(long)]
        title: Option<String>,
        /// Their unit.
        #[arg(long)]
        unit: Option<Given<UnitId>>,
        /// Standing roles: chief-forum, director, secretariat.
        #[arg(long = "role", value_parser = core_name::<PersonRole>)]
        roles: Vec<PersonRole>,
        /// Their id (default: a new one).
        #[arg(long)]
        id: Option<PersonId>,
        /// Who registers them: a person of the secretariat (AU-3).
        #[arg(long)]
        by: Given<PersonId>,
        /// The business date: 2016-06-30 or 30.06.2016 (default: today).
        #[arg(long, value_parser = crate::cli::date)]
        on: Option<NaiveDate>,
    },
    /// Change a person's standing roles.
    Roles {
        /// The person.
        person: Given<PersonId>,
        /// The new roles: chief-forum, director, secretariat.
        #[arg(long = "role", value_parser = core_name::<PersonRole>)]
        roles: Vec<PersonRole>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Register an experienced leader of generation 1 or 2 (NL-1).
    Prior {
        /// The person.
        person: Given<PersonId>,
        /// 1 or 2.
        #[arg(long)]
        generation: u8,
        /// Networks led before NS3.
        #[arg(long, default_value_t = 0)]
        led: u32,
        /// Networks co-driven before NS3.
        #[arg(long, default_value_t = 0)]
        co_driven: u32,
        #[command(flatten)]
        decided: Decided,
    },
    /// Record an assessment on the ten competences (NL-3): `--score curiosity=4`.
    Assess {
        /// The person.
        person: Given<PersonId>,
        /// COMPETENCE=SCORE (1-5).
        #[arg(long = "score", value_parser = parse_score)]
        scores: Vec<(Competence, u8)>,
        #[command(flatten)]
        decided: Decided,
    },
    /// Correct a person's personal data: the fields given replace the registry's, the others
    /// stay. The secretariat corrects any field, the person their own name and e-mail (AU-3).
    Correct {
        /// The person.
        person: Given<PersonId>,
        /// A new full name.
        #[arg(long)]
        name: Option<String>,
        /// A new e-mail.
        #[arg(long)]
        email: Option<String>,
        /// A new job title.
        #[arg(long)]
        title: Option<String>,
        /// Who corrects: a person of the secretariat, or the person themself.
        #[arg(long)]
        by: Given<PersonId>,
    },
    /// Erase a person's personal data (GDPR); the log keeps only their id.
    Erase {
        /// The person.
        person: Given<PersonId>,
        /// Who erases: a person of the secretariat (AU-3).
        #[arg(long)]
        by: Given<PersonId>,
    },
    /// Move a person to another unit (AU-3).
    Move {
        /// The person.
        person: Given<PersonId>,
        /// Their new unit.
        #[arg(long)]
        unit: Given<UnitId>,
        #[command(flatten)]
        decided: Decided,
    },
}

fn parse_score(text: &str) -> Result<(Competence, u8), String> {
    let (name, score) = text.split_once('=').ok_or("expected COMPETENCE=SCORE, e.g. curiosity=4")?;
    let competence = core_name(name.trim())?;
    let score = score.trim().parse().map_err(|_| format!("{score:?} is not a score from 1 to 5"))?;
    Ok((competence, score))
}

impl PersonCommand {
    /// The action and who decided it; `None` for `register`, `correct` and `erase`, which also
    /// write the registry.
    pub fn action(&self, r: &Resolver<'_>) -> Result<Option<(Action, &Decided)>, Error> {
        Ok(Some(match self {
            Self::Roles { person, roles, decided } => (
                Action::ChangePersonRoles {
                    person: person.resolve(r)?,
                    roles: roles.iter().copied().collect(),
                },
                decided,
            ),
            Self::Prior { person, generation, led, co_driven, decided } => (
                Action::RegisterPriorExperience {
                    person: person.resolve(r)?,
                    generation: *generation,
                    networks_led: *led,
                    networks_co_driven: *co_driven,
                },
                decided,
            ),
            Self::Assess { person, scores, decided } => (
                Action::AssessCompetences {
                    person: person.resolve(r)?,
                    scores: scores.iter().copied().collect(),
                },
                decided,
            ),
            Self::Move { person, unit, decided } => {
                (Action::MovePerson { person: person.resolve(r)?, unit: unit.resolve(r)? }, decided)
            }
            Self::Register { .. } | Self::Correct { .. } | Self::Erase { .. } => return Ok(None),
        }))
    }
}
