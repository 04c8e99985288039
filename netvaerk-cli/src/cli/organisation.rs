//! `netvaerk organisation ...`: the organisation itself (AU-2).

use chrono::NaiveDate;
use clap::Subcommand;
use netvaerk_core::PersonId;

/// `organisation ...`
#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Found the organisation (AU-2): its first decision, naming its first secretariat and
    /// chief forum, each with a new id and their name in the registry. The first person of the
    /// secretariat named founds it and records the names.
    Found {
        /// A member of the secretariat, by full name; repeat for several (at least one).
        #[arg(long, required = true)]
        secretariat: Vec<String>,
        /// A member of the chief forum, by full name; repeat for several (at least one).
        #[arg(long, required = true)]
        chief_forum: Vec<String>,
        /// The founder's id, the first --secretariat's (default: a new one); against a server
        /// with tokens, the token's person.
        #[arg(long)]
        founder_id: Option<PersonId>,
        /// The business date: 2016-06-30 or 30.06.2016 (default: today).
        #[arg(long, value_parser = crate::cli::date)]
        on: Option<NaiveDate>,
    },
    /// Give the organisation its name, or a new one (AU-3, the secretariat): reports and the
    /// printed overview open with it.
    Name {
        /// The name, e.g. "Albertslund Kommune".
        name: String,
        #[command(flatten)]
        decided: crate::cli::Decided,
    },
}
